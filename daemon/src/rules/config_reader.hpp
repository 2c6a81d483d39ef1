// SPDX-License-Identifier: GPL-2.0
// Typed, strict access to the members of a parsed configuration document.
// Every getter leaves its output untouched when the member is absent (so the
// defaults of rules/config.hpp stay), and reports to ConfigErrors, with the
// key path, any member of the wrong JSON type or out of range.  Strings
// holding NUL bytes are refused here once, for every key.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <json/value.h>

#include "rules/config_errors.hpp"
#include "rules/types.hpp"

namespace procsentry::rules {

class ConfigReader {
public:
    // Checks one list element: returns the value to keep (normalised) or
    // sets message to why it is refused.
    using ElementCheck = std::function<std::string(const std::string& value, std::string& message)>;

    explicit ConfigReader(ConfigErrors& errors) : errors_(errors) {}

    static std::string member_path(const std::string& path, std::string_view key);
    static std::string element_path(const std::string& path, std::size_t index);

    // True if v is an object; reports every member not in allowed.
    bool object(const Json::Value& v, const std::string& path, std::initializer_list<std::string_view> allowed);
    // The member, or nullptr (reported if required).
    const Json::Value* member(const Json::Value& obj, const std::string& path, std::string_view key,
                              bool required);

    bool get(const Json::Value& obj, const std::string& path, std::string_view key, uint64_t min, uint64_t max,
             uint64_t& out, bool required = false);
    bool get(const Json::Value& obj, const std::string& path, std::string_view key, uint32_t min, uint32_t max,
             uint32_t& out, bool required = false);
    bool get(const Json::Value& obj, const std::string& path, std::string_view key, bool& out,
             bool required = false);
    bool get(const Json::Value& obj, const std::string& path, std::string_view key, std::string& out,
             bool required = false);
    // allow_none: whether "none" (no alert) is a meaningful value here.
    bool get_severity(const Json::Value& obj, const std::string& path, std::string_view key, Severity& out,
                      bool allow_none, bool required = false);
    // An array of strings; each element goes through check.
    bool get_list(const Json::Value& obj, const std::string& path, std::string_view key,
                  std::vector<std::string>& out, const ElementCheck& check);

    // The string v holds (with any NUL bytes), or false with the error reported.
    bool string_value(const Json::Value& v, const std::string& path, std::string& out);

private:
    ConfigErrors& errors_;
};

}  // namespace procsentry::rules
