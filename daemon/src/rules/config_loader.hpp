// SPDX-License-Identifier: GPL-2.0
// Reads and validates procsentry.json (jsoncpp, strict: unknown keys,
// wrong types, bad values and duplicate rule/sink names are errors).  Every
// error names the file, the key path ("rules[2].severity.failure") and the
// offending value.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <json/value.h>

#include "rules/config.hpp"

namespace procsentry::rules {

class ConfigErrors;

struct ConfigError {
    std::string file;
    std::string key;    // JSON path, "" for a parse error
    std::string value;  // offending value as JSON text (bounded, escaped)
    std::string message;
    std::string to_string() const;  // "file: key: message (got value)"
};

struct LoadResult {
    bool ok = false;
    Config config;
    std::vector<ConfigError> errors;  // all problems found, not only the first
};

class ConfigLoader {
public:
    // Larger input is refused before parsing.
    static constexpr std::size_t kMaxBytes = 1u << 20;

    // state_dir fills defaults such as the http spool directory.
    explicit ConfigLoader(std::string state_dir = "/var/lib/procsentry");
    // Refuses files that are not regular, larger than kMaxBytes or
    // writable by every user; errors name the file and the errno text.
    // This is what `procsentryctl check-config FILE` runs.
    LoadResult load_file(const std::string& path) const;
    // ok is true only without errors; on errors config is a default Config.
    LoadResult load_string(const std::string& text, const std::string& name) const;
    // The file (same checks as load_file) with a console policy's `skip` and
    // `rules` in place of its own: what procsentryd runs with a policy from
    // the console.  policy must be an object with `rules` and optionally
    // `skip`, nothing else; errors are named "<path> with <policy_name>".
    LoadResult load_file_with_policy(const std::string& path, const Json::Value& policy,
                                     const std::string& policy_name) const;

private:
    // Reads path with the checks of load_file; false with res.errors set.
    static bool read_checked(const std::string& path, std::string& text, LoadResult& res);
    // Strict parse; false with the parse errors added.
    static bool parse(const std::string& text, Json::Value& root, ConfigErrors& errors);
    LoadResult load_value(const Json::Value& root, const std::string& name, ConfigErrors& errors) const;

    std::string state_dir_;
};

}  // namespace procsentry::rules
