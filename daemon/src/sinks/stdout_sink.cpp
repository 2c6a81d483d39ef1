// SPDX-License-Identifier: GPL-2.0
#include "sinks/stdout_sink.hpp"

#include <chrono>
#include <utility>

#include "sinks/fd_write.hpp"

namespace procsentry::sinks {

namespace {
// A reader this slow is stuck: give the batch back and let backoff retry.
constexpr std::chrono::milliseconds write_timeout{2000};
}  // namespace

StdoutSink::StdoutSink(std::string name, Options opts, int fd)
    : QueuedSink(std::move(name), "stdout", opts), fd_(fd)
{
}

StdoutSink::~StdoutSink()
{
    halt();
}

QueuedSink::DeliverResult StdoutSink::deliver(std::vector<alert::SerializedPtr>& batch)
{
    const LineWriter::Result r = writer_.write(fd_, batch, 0, batch.size(), budget(write_timeout));
    if (r.err == 0)
        return DeliverResult::ok(r.lines);
    return DeliverResult::failed(r.lines, errno_text("write fd " + std::to_string(fd_), r.err));
}

}  // namespace procsentry::sinks
