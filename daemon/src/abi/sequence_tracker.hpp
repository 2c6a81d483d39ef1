// SPDX-License-Identifier: GPL-2.0
// Per-CPU sequence tracking: hdr.seq counts records per CPU from 1 with no
// holes, so a hole is loss.  LOST records (seq 0) are not part of the
// sequence and are not passed here.
//
// The first record seen from a CPU sets the baseline.  A reader that
// registers late legitimately starts mid-sequence, so by default the records
// before it are not counted as missing; count_initial_gap makes a first seq
// of N > 1 count N - 1 missing records (for readers present from the start).
#pragma once

#include <cstdint>
#include <map>

namespace procsentry::abi {

struct CpuSequence {
    uint64_t first_seq = 0;
    uint64_t last_seq = 0;
    uint64_t records = 0;
    uint64_t missing = 0;    // records absent in holes
    uint64_t gaps = 0;       // number of holes
    uint64_t anomalies = 0;  // duplicate, backwards or zero seq
};

class SequenceTracker {
public:
    enum class Verdict { ok, first, gap, anomaly };

    struct Observation {
        Verdict verdict = Verdict::ok;
        uint64_t missing = 0;  // for Verdict::gap (or first, with count_initial_gap)
    };

    explicit SequenceTracker(bool count_initial_gap = false) : count_initial_gap_(count_initial_gap) {}

    Observation observe(uint32_t cpu, uint64_t seq);

    const std::map<uint32_t, CpuSequence>& cpus() const { return cpus_; }
    uint64_t total_missing() const;
    uint64_t total_anomalies() const;

private:
    bool count_initial_gap_;
    std::map<uint32_t, CpuSequence> cpus_;
};

}  // namespace procsentry::abi
