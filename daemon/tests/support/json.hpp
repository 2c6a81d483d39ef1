// SPDX-License-Identifier: GPL-2.0
// Parses one line of output with jsoncpp (strictly) for assertions.
#pragma once

#include <json/json.h>

#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

namespace procsentry::test {

inline Json::Value parse_json(const std::string& text)
{
    Json::CharReaderBuilder b;
    Json::CharReaderBuilder::strictMode(&b.settings_);
    b.settings_["failIfExtra"] = true;
    std::unique_ptr<Json::CharReader> r(b.newCharReader());
    Json::Value v;
    std::string errs;
    if (!r->parse(text.data(), text.data() + text.size(), &v, &errs))
        throw std::runtime_error("invalid JSON: " + errs + " in: " + text);
    return v;
}

}  // namespace procsentry::test
