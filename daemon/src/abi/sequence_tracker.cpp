// SPDX-License-Identifier: GPL-2.0
#include "abi/sequence_tracker.hpp"

namespace procsentry::abi {

SequenceTracker::Observation SequenceTracker::observe(uint32_t cpu, uint64_t seq)
{
    auto [it, inserted] = cpus_.try_emplace(cpu);
    CpuSequence& s = it->second;
    Observation obs;

    if (seq == 0) {  // only LOST may carry 0, and those are not tracked
        ++s.anomalies;
        obs.verdict = Verdict::anomaly;
        return obs;
    }
    ++s.records;
    if (inserted || s.last_seq == 0) {
        s.first_seq = seq;
        s.last_seq = seq;
        obs.verdict = Verdict::first;
        if (count_initial_gap_ && seq > 1) {
            obs.missing = seq - 1;
            s.missing += obs.missing;
            ++s.gaps;
        }
        return obs;
    }
    if (seq <= s.last_seq) {
        ++s.anomalies;
        obs.verdict = Verdict::anomaly;
        return obs;  // keep last_seq: a replayed old record must not hide loss
    }
    if (seq != s.last_seq + 1) {
        obs.verdict = Verdict::gap;
        obs.missing = seq - s.last_seq - 1;
        s.missing += obs.missing;
        ++s.gaps;
    }
    s.last_seq = seq;
    return obs;
}

uint64_t SequenceTracker::total_missing() const
{
    uint64_t n = 0;
    for (const auto& [cpu, s] : cpus_)
        n += s.missing;
    return n;
}

uint64_t SequenceTracker::total_anomalies() const
{
    uint64_t n = 0;
    for (const auto& [cpu, s] : cpus_)
        n += s.anomalies;
    return n;
}

}  // namespace procsentry::abi
