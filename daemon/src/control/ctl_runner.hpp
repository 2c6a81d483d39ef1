// SPDX-License-Identifier: GPL-2.0
// Runs one procsentryctl command against the daemon and maps the outcome to
// the exit status: 0 ok, 1 command failed, 3 daemon not reachable.  Output
// goes to the given streams so tests can drive it against a real socket.
#pragma once

#include <ostream>

#include "control/ctl_options.hpp"

namespace procsentry::control {

class CtlClient;

class CtlRunner {
public:
    static constexpr int kOk = 0, kFailed = 1, kUsage = 2, kUnreachable = 3;

    struct Timeouts {
        int reply_ms = 10000;   // status, stats, enable, disable
        int reload_ms = 60000;  // validating a large configuration takes a while
    };

    CtlRunner(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}
    CtlRunner(std::ostream& out, std::ostream& err, Timeouts t) : out_(out), err_(err), timeouts_(t) {}

    // For the daemon commands (everything except check-config).
    int run(const CtlOptions& opts);

private:
    int tail(CtlClient& client);

    std::ostream& out_;
    std::ostream& err_;
    Timeouts timeouts_;
};

}  // namespace procsentry::control
