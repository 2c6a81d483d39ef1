// SPDX-License-Identifier: GPL-2.0
// First-start work on an empty store, shared by the service and the CLI: policy version 1 from
// the daemon's default rules, and an "admin" with a random password written to
// <state dir>/initial-admin-password (0600) when there is no user at all.
#pragma once

#include <optional>
#include <string>

#include "store/store.hpp"

namespace procsentry::console::app {

class Bootstrap {
public:
    // Returns the version created, or nullopt when a policy existed.
    static std::optional<int64_t> ensure_default_policy(store::Store& store);
    // Returns the password file written, or nullopt when users existed.  Throws
    // std::runtime_error naming the file when it cannot be written.
    static std::optional<std::string> ensure_admin(store::Store& store, const std::string& state_dir, int scrypt_log_n);
    // Writes `text` to path with mode 0600 (replacing the file).
    static void write_secret_file(const std::string& path, const std::string& text);
};

}  // namespace procsentry::console::app
