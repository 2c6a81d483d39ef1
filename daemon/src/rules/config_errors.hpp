// SPDX-License-Identifier: GPL-2.0
// Collects the problems ConfigLoader finds, each with the file, the JSON key
// path and the offending value rendered as bounded, escaped JSON text, so
// that one check-config run reports everything wrong with a file.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <json/value.h>

#include "rules/config_loader.hpp"

namespace procsentry::rules {

class ConfigErrors {
public:
    // A hostile 1 MiB file could otherwise produce ~100k errors.
    static constexpr std::size_t kMaxErrors = 100;
    // Longest rendering of a value or of a key name taken from the file.
    static constexpr std::size_t kMaxValueBytes = 96;

    explicit ConfigErrors(std::string file) : file_(std::move(file)) {}

    void add(std::string key, const Json::Value& value, std::string message);
    void add(std::string key, std::string message);  // no value to show (a missing key)
    bool empty() const { return errors_.empty(); }
    // The errors in the order found, plus one summarising those dropped.
    std::vector<ConfigError> take();

    // value as compact JSON text, ASCII only, cut to kMaxValueBytes.
    static std::string render_value(const Json::Value& value);
    // A member name from the file as it may appear in a key path.
    static std::string render_key(std::string_view name);

private:
    void push(ConfigError e);

    std::string file_;
    std::vector<ConfigError> errors_;
    std::size_t dropped_ = 0;
};

}  // namespace procsentry::rules
