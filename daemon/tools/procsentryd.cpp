// SPDX-License-Identifier: GPL-2.0
// procsentryd: the procsentry daemon (see app/daemon.hpp).
#include <cstdio>
#include <string>
#include <vector>

#include "app/daemon.hpp"
#include "app/log.hpp"
#include "app/options.hpp"
#include "rules/config_loader.hpp"

int main(int argc, char** argv)
{
    using namespace procsentry;
    const std::vector<std::string> args(argv + 1, argv + argc);
    const auto parsed = app::parse_options(args);
    if (!parsed.ok) {
        std::fprintf(stderr, "procsentryd: %s\n%s", parsed.error.c_str(), app::usage().c_str());
        return 2;
    }
    if (parsed.help) {
        std::fputs(app::usage().c_str(), stdout);
        return 0;
    }
    if (parsed.options.check_only) {
        const auto res = rules::ConfigLoader(parsed.options.state_dir).load_file(parsed.options.config);
        for (const auto& e : res.errors)
            std::fprintf(stderr, "%s\n", e.to_string().c_str());
        if (res.ok)
            std::printf("%s: OK\n", parsed.options.config.c_str());
        return res.ok ? 0 : 1;
    }
    try {
        app::Daemon d(parsed.options);
        return d.run();
    } catch (const std::exception& e) {
        app::log_err(std::string("fatal: ") + e.what());
        return 1;
    }
}
