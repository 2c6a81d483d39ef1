// SPDX-License-Identifier: GPL-2.0
// A replay file read like `tail -f`: frames (replay_format.hpp) are returned
// as they are appended, and the end of the file, or a frame not yet complete,
// is a timeout rather than the end.  The file may not exist yet: it is opened
// once it appears.  For tests that feed recorded records to a daemon that
// stays up (connected to a console) and for offline pipelines.
//
// The caller polls: read() never blocks; a timeout means "try again later".
// A frame header announcing more than kMaxFrame is corruption (SourceError).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "source/record_source.hpp"

namespace procsentry::source {

class ReplayFollowSource : public RecordSource {
public:
    explicit ReplayFollowSource(std::string path);
    ~ReplayFollowSource() override;
    ReplayFollowSource(const ReplayFollowSource&) = delete;
    ReplayFollowSource& operator=(const ReplayFollowSource&) = delete;

    // The timeout is not waited for: the daemon's loop polls with a timer.
    Status read(Message& out, std::chrono::milliseconds timeout) override;
    SourceCounters counters() const override { return counters_; }

    bool opened() const { return fd_ >= 0; }
    uint64_t offset() const { return offset_; }  // bytes of complete frames consumed

private:
    bool try_open();
    std::size_t fill();  // reads some of what was appended; 0 at the end

    std::string path_;
    int fd_ = -1;
    std::vector<uint8_t> buf_;  // bytes read but not yet returned
    std::size_t pos_ = 0;       // start of the next frame in buf_
    uint64_t offset_ = 0;
    SourceCounters counters_;
};

}  // namespace procsentry::source
