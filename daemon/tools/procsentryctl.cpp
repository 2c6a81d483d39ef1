// SPDX-License-Identifier: GPL-2.0
// procsentryctl: talks to procsentryd over its control socket, or checks a
// configuration file locally.  See control/ctl_options.hpp for the syntax.
#include <iostream>
#include <string>
#include <vector>

#include "control/ctl_options.hpp"
#include "control/ctl_runner.hpp"
#include "rules/config_loader.hpp"

namespace {

using procsentry::control::CtlOptions;
using procsentry::control::CtlRunner;

// Local: an operator validates a file before installing it or reloading.
int check_config(const std::string& file)
{
    const procsentry::rules::ConfigLoader loader;
    const procsentry::rules::LoadResult r = loader.load_file(file);
    if (!r.ok) {
        for (const auto& e : r.errors)
            std::cerr << e.to_string() << '\n';
        if (r.errors.empty())
            std::cerr << file << ": invalid (no detail given)\n";
        return CtlRunner::kFailed;
    }
    std::cout << file << ": OK (" << r.config.rules.size() << " rules, " << r.config.sinks.size()
              << " sinks)\n";
    return CtlRunner::kOk;
}

}  // namespace

int main(int argc, char** argv)
{
    const std::vector<std::string> args(argv + 1, argv + argc);
    const CtlOptions opts = CtlOptions::parse(args);
    if (opts.help) {
        std::cout << CtlOptions::usage();
        return CtlRunner::kOk;
    }
    if (!opts.error.empty()) {
        std::cerr << "procsentryctl: " << opts.error << '\n' << CtlOptions::usage();
        return CtlRunner::kUsage;
    }
    if (opts.command == CtlOptions::Command::check_config)
        return check_config(opts.config_file);
    CtlRunner runner(std::cout, std::cerr);
    return runner.run(opts);
}
