// SPDX-License-Identifier: GPL-2.0
// Alerts as JSON lines appended to a file, rotated by size:
// path -> path.1 -> ... -> path.<keep>, the oldest deleted.  A line is never
// split across files; a line longer than max_bytes gets a file of its own.
//
// The file is reopened when someone else (logrotate, an operator) renamed
// or removed it, checked once per batch (a stat is cheap next to a write
// and a batch is the smallest unit of work).  Data are fdatasync'ed at most
// once per batch: alerts are evidence, but one sync per line would let a
// burst of alerts throttle the whole pipeline.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "rules/config.hpp"
#include "sinks/line_writer.hpp"
#include "sinks/queued_sink.hpp"

namespace procsentry::sinks {

class FileSink final : public QueuedSink {
public:
    // Creates missing directories (0750) and opens the file (0640); throws
    // std::runtime_error naming the path and errno when it cannot.
    FileSink(std::string name, Options opts, rules::FileSinkSpec spec);
    ~FileSink() override;

protected:
    DeliverResult deliver(std::vector<alert::SerializedPtr>& batch) override;

private:
    std::string open_file();       // "" or error text
    void close_file();
    std::string reopen_if_moved();  // "" or error text
    std::string rotate();          // "" or error text
    std::string sync_if_dirty();   // "" or error text

    const rules::FileSinkSpec spec_;
    int fd_ = -1;
    uint64_t size_ = 0;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
    bool dirty_ = false;  // written since the last fdatasync
    LineWriter writer_;
};

}  // namespace procsentry::sinks
