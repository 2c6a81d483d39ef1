// SPDX-License-Identifier: GPL-2.0
// Where alerts go.  submit() is called on the daemon's event loop and must
// never block: a sink queues (bounded) and delivers on its own thread or
// asynchronously; what it cannot queue it counts as dropped (or spools).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "alert/alert.hpp"

namespace procsentry::sinks {

struct SinkHealth {
    std::string name;
    std::string type;
    bool healthy = true;       // last delivery attempt succeeded (or none yet)
    std::string last_error;    // "" when healthy
    uint64_t submitted = 0;    // alerts handed to submit()
    uint64_t delivered = 0;
    uint64_t dropped = 0;      // lost for good (queue or spool overflow, permanent error)
    uint64_t queued = 0;       // waiting in memory now
    uint64_t spooled = 0;      // waiting on disk now (http)
    uint64_t retries = 0;
};

class Sink {
public:
    virtual ~Sink() = default;
    virtual void start() = 0;
    virtual void submit(const alert::SerializedPtr& a) = 0;
    // Delivers (or spools) what is queued, waiting at most `deadline`, then
    // stops the sink's worker.  Called once at shutdown or when replaced.
    virtual void stop(std::chrono::milliseconds deadline) = 0;
    virtual SinkHealth health() const = 0;
};

}  // namespace procsentry::sinks
