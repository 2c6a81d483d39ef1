// SPDX-License-Identifier: GPL-2.0
// JSON in and out of the agent: strict parsing with a nesting bound (what
// the console sends is hostile input) and compact writing.
#pragma once

#include <string>

#include <json/value.h>

namespace procsentry::agent {

class JsonText {
public:
    // false with a short error (no input quoted back).
    static bool parse(const std::string& text, Json::Value& out, std::string& error);
    static std::string write(const Json::Value& v);
};

}  // namespace procsentry::agent
