// SPDX-License-Identifier: GPL-2.0
// JSON in and out.  Parsing is strict (no comments, no trailing commas, duplicate keys refused,
// bounded nesting) and refuses text that is not valid UTF-8, since everything parsed here came
// from the network.  Writing is compact.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <json/value.h>

namespace procsentry::console::api {

class JsonText {
public:
    static constexpr int kMaxDepth = 64;

    // nullopt and `error` set on any failure.
    static std::optional<Json::Value> parse(std::string_view text, std::string* error = nullptr);
    static std::string write(const Json::Value& value);
    static bool valid_utf8(std::string_view text);
};

}  // namespace procsentry::console::api
