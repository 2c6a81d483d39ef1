// SPDX-License-Identifier: GPL-2.0
// Reads console.json strictly, like the daemon's loader: unknown keys, wrong types and values
// out of range are errors, each naming the file, the key path and the value, and all of them
// are reported at once.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "app/console_config.hpp"

namespace procsentry::console::app {

class ConsoleConfigLoader {
public:
    static constexpr std::size_t kMaxBytes = 1u << 20;
    // The process exit status for an unusable configuration: EX_CONFIG, like procsentryd.
    static constexpr int kExitConfig = 78;

    struct Result {
        bool ok = false;
        ConsoleConfig config;
        std::vector<std::string> errors;   // "file: key: message (got value)"
    };

    static Result load_file(const std::string& path);
    static Result load_string(const std::string& text, const std::string& name);
    // The PostgreSQL conninfo from its file, which must be a regular file no other user can
    // read (it holds the password).  Throws std::runtime_error naming the file.
    static std::string read_conninfo(const std::string& path);
};

}  // namespace procsentry::console::app
