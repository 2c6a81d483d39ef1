// SPDX-License-Identifier: GPL-2.0
// The command line:
//   procsentry-console [--config FILE] [--check-config]
//   procsentry-console [--config FILE] user add NAME --role admin|operator|viewer [--generate-password]
//   procsentry-console [--config FILE] enrollment-token create NAME [--max-uses N] [--expires-days D]
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace procsentry::console::app {

struct CliOptions {
    enum class Command { serve, check_config, user_add, enrollment_token_create, help, version };
    Command command = Command::serve;
    std::string config = "/etc/procsentry-console/console.json";
    std::string name;               // user add / enrollment-token create
    std::string role;               // user add
    bool generate_password = false;
    int64_t max_uses = 0;           // 0 unlimited
    int64_t expires_days = 0;       // 0 never

    // nullopt with `error` set on a bad command line.
    static std::optional<CliOptions> parse(const std::vector<std::string>& args, std::string& error);
    static std::string usage();
};

}  // namespace procsentry::console::app
