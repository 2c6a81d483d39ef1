// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "source/record_source.hpp"

namespace procsentry::source {

// Reads messages recorded by ReplayWriter.  The whole file is loaded at
// construction; a truncated or oversized frame ends the replay with an error
// (SourceError from read()) after all complete frames before it.
class ReplaySource : public RecordSource {
public:
    static ReplaySource from_file(const std::string& path);  // throws SourceError
    explicit ReplaySource(std::vector<uint8_t> bytes, std::string name = "<memory>");

    Status read(Message& out, std::chrono::milliseconds timeout) override;
    SourceCounters counters() const override { return counters_; }

private:
    std::vector<uint8_t> bytes_;
    std::string name_;
    std::size_t pos_ = 0;
    SourceCounters counters_;
};

}  // namespace procsentry::source
