// SPDX-License-Identifier: GPL-2.0
// procsentry-console: parses the command line and hands over to the service or to an
// administration subcommand.
#include <iostream>
#include <string>
#include <vector>

#include "app/admin_commands.hpp"
#include "app/cli_options.hpp"
#include "app/console_config_loader.hpp"
#include "app/console_service.hpp"
#include "app/log.hpp"
#include "auth/password_hasher.hpp"
#include "console_version.h"
#include "store/store.hpp"

using namespace procsentry::console;

namespace {

std::unique_ptr<store::Store> open_store(const app::ConsoleConfig& c)
{
    store::StoreSpec spec;
    spec.type = c.store_type;
    spec.path = c.store_path;
    if (c.store_type == "postgresql")
        spec.conninfo = app::ConsoleConfigLoader::read_conninfo(c.conninfo_file);
    auto s = store::open_store(spec);
    s->migrate();
    return s;
}

}  // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string error;
    auto opts = app::CliOptions::parse(args, error);
    if (!opts) {
        std::cerr << "procsentry-console: " << error << "\n" << app::CliOptions::usage();
        return 2;
    }
    if (opts->command == app::CliOptions::Command::help) {
        std::cout << app::CliOptions::usage();
        return 0;
    }
    if (opts->command == app::CliOptions::Command::version) {
        std::cout << "procsentry-console " PROCSENTRY_CONSOLE_VERSION "\n";
        return 0;
    }
    auto loaded = app::ConsoleConfigLoader::load_file(opts->config);
    if (!loaded.ok) {
        for (const auto& e : loaded.errors)
            procsentry::app::log_err(e);
        // Not 1: the unit's RestartPreventExitStatus= keeps systemd from restarting into the
        // same error until the start limit, as for procsentryd.
        return app::ConsoleConfigLoader::kExitConfig;
    }
    if (opts->command == app::CliOptions::Command::check_config) {
        std::cout << opts->config << ": OK\n";
        return 0;
    }
    if (opts->command == app::CliOptions::Command::serve)
        return app::ConsoleService(loaded.config).run();
    try {
        auto store = open_store(loaded.config);
        if (opts->command == app::CliOptions::Command::user_add)
            return app::AdminCommands::user_add(*store, *opts, std::cin, std::cout, std::cerr,
                                                auth::PasswordHasher::kDefaultLogN);
        return app::AdminCommands::enrollment_token_create(*store, *opts, std::cout, std::cerr);
    } catch (const std::exception& e) {
        std::cerr << "procsentry-console: " << e.what() << "\n";
        return 1;
    }
}
