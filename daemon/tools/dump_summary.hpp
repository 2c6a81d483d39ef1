// SPDX-License-Identifier: GPL-2.0
// Counters for the final {"type":"summary",...} line of procsentry-dump.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "abi/decoder.hpp"
#include "abi/record.hpp"
#include "abi/sequence_tracker.hpp"
#include "source/record_source.hpp"

namespace procsentry::dump {

class DumpSummary {
public:
    void count(const abi::Record& r);

    uint64_t total() const { return total_; }

    // {"type":"summary","messages":M,"records":{"exec":N,...},"total":N,
    //  "lost_reported":N,"gaps":{"<cpu>":missing,...},"missing":N,
    //  "seq_anomalies":N,"malformed":N,"unknown":N,"cpu_mismatch":N,
    //  "enobufs":N,"bad_messages":N}
    std::string to_json(const abi::SequenceTracker& seq, const abi::DecodeStats& dec,
                        const source::SourceCounters& src) const;

private:
    std::array<uint64_t, std::variant_size_v<abi::Body>> by_type_{};
    uint64_t total_ = 0;
    uint64_t lost_reported_ = 0;  // sum of LOST.count
};

}  // namespace procsentry::dump
