// SPDX-License-Identifier: GPL-2.0
// The administration subcommands, working on the store directly (the service may be down):
// user add and enrollment-token create.  Both are audited with the actor "cli".
#pragma once

#include <iosfwd>
#include <string>

#include "app/cli_options.hpp"
#include "store/store.hpp"

namespace procsentry::console::app {

class AdminCommands {
public:
    // Return the process exit status; messages go to out/err.
    static int user_add(store::Store& store, const CliOptions& o, std::istream& in, std::ostream& out,
                        std::ostream& err, int scrypt_log_n);
    static int enrollment_token_create(store::Store& store, const CliOptions& o, std::ostream& out, std::ostream& err);
};

}  // namespace procsentry::console::app
