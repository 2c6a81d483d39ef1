// SPDX-License-Identifier: GPL-2.0
// The running service: startup as ordered steps (store, first start, TLS, listener), the
// io_context run by `threads` workers, signals (SIGTERM/SIGINT stop gracefully, SIGHUP reloads
// the TLS certificate), the retention timer and sd_notify.  Teardown always runs.
#pragma once

#include <memory>
#include <string>

#include "app/console_config.hpp"

namespace procsentry::console::app {

class ConsoleService {
public:
    explicit ConsoleService(ConsoleConfig config);
    ~ConsoleService();
    // Returns the exit status (0 after a signal, 1 when a startup step failed).
    int run();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace procsentry::console::app
