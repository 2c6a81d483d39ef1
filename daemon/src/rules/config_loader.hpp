// SPDX-License-Identifier: GPL-2.0
// Reads and validates procsentry.json (jsoncpp, strict: unknown keys,
// wrong types, bad values and duplicate rule/sink names are errors).  Every
// error names the file, the key path ("rules[2].severity.failure") and the
// offending value.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "rules/config.hpp"

namespace procsentry::rules {

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

private:
    std::string state_dir_;
};

}  // namespace procsentry::rules
