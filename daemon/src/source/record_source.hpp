// SPDX-License-Identifier: GPL-2.0
// Where EVENTS messages come from: the module (NetlinkSource) or a recorded
// file (ReplaySource).  A message is the payload of one PROCSENTRY_A_RECORDS
// attribute and the CPU it names.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace procsentry::source {

struct Message {
    uint32_t cpu = 0;
    std::vector<uint8_t> records;
};

struct SourceCounters {
    uint64_t messages = 0;       // EVENTS messages returned
    uint64_t enobufs = 0;        // socket receive buffer overflows (reader overflow)
    uint64_t bad_messages = 0;   // EVENTS without CPU/RECORDS, or unparsable
    uint64_t foreign = 0;        // messages not from the kernel or not our family
};

class RecordSource {
public:
    enum class Status { message, timeout, end, interrupted };

    virtual ~RecordSource() = default;

    // Waits up to timeout for the next message.  Errors are thrown as
    // SourceError; interrupted means a signal arrived (EINTR).
    virtual Status read(Message& out, std::chrono::milliseconds timeout) = 0;

    virtual SourceCounters counters() const = 0;
};

}  // namespace procsentry::source
