// SPDX-License-Identifier: GPL-2.0
// Shared by the sink tests: alerts to submit, waiting with a deadline, and
// a temporary directory.
#pragma once

#include "support/temp_dir.hpp"

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "alert/alert.hpp"

namespace procsentry::test {

inline alert::SerializedPtr make_alert(const std::string& id,
                                       rules::Severity sev = rules::Severity::high,
                                       const std::string& json = "")
{
    auto s = std::make_shared<alert::Serialized>();
    s->id = id;
    s->severity = sev;
    s->time_ns = 1700000000123456789LL;
    s->summary = "summary " + id;
    s->json = json.empty() ? "{\"id\":\"" + id + "\"}" : json;
    return s;
}

// Polls `pred` until it holds or `timeout` passes; the result is pred's.
inline bool eventually(const std::function<bool()>& pred,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10))
{
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() >= until)
            return pred();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

inline std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace procsentry::test
