// SPDX-License-Identifier: GPL-2.0
// Alerts as JSON lines on a descriptor the sink does not own (standard
// output by default, which journald captures under systemd).
//
// A reader that stops reading cannot block the worker past the poll bound;
// a reader that went away is EPIPE (the daemon must ignore SIGPIPE, since a
// pipe, unlike a socket, cannot be told not to raise it).
#pragma once

#include <string>
#include <vector>

#include "sinks/line_writer.hpp"
#include "sinks/queued_sink.hpp"

namespace procsentry::sinks {

class StdoutSink final : public QueuedSink {
public:
    StdoutSink(std::string name, Options opts, int fd = 1);
    ~StdoutSink() override;

protected:
    DeliverResult deliver(std::vector<alert::SerializedPtr>& batch) override;

private:
    const int fd_;
    LineWriter writer_;
};

}  // namespace procsentry::sinks
