// SPDX-License-Identifier: GPL-2.0
// Folding and the global rate cap.  Identical alerts (same rule, outcome,
// executable, user, parent executable) within the fold window become one:
// the first is emitted at once, later ones are counted and emitted as one
// alert with count = N when the window closes.  Past the per-minute cap,
// alerts are suppressed and one summary alert per minute says how many and
// of which rules; less severe alerts never use up the cap of more severe
// ones (rate_cap.hpp).  Sensor alerts are never folded or capped.
//
// A fold alert is the first duplicate, carrying count = N (the duplicates
// after the alert emitted at once), first_ns/last_ns (their span) and
// first_id (the id of the alert emitted at once).  Folding happens before
// the cap, and the alerts it emits count against the cap.  Time is only
// what the caller passes in: no clock is read here.  Not thread-safe; the
// Emit callback must not call back into the filter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "alert/alert.hpp"
#include "rules/config.hpp"

namespace procsentry::alert {

struct NoiseStats {
    uint64_t folded = 0;      // duplicates counted into a fold alert instead of emitted
    uint64_t suppressed = 0;  // alerts dropped by the rate cap
    // Added by the alert part:
    uint64_t unfolded = 0;    // emitted on their own because the fold table was full
    uint64_t summaries = 0;   // summary alerts emitted
};

// Bounds of the fold table (memory stays bounded whatever the input).
struct NoiseLimits {
    std::size_t max_keys = 16384;              // open windows
    std::size_t max_pending_bytes = 8u << 20;  // held fold alerts, estimated
};

class NoiseFilter {
public:
    using Emit = std::function<void(Alert&&)>;
    NoiseFilter(const rules::NoiseSpec& spec, Emit emit);
    NoiseFilter(const rules::NoiseSpec& spec, Emit emit, const NoiseLimits& limits);
    ~NoiseFilter();
    void set_spec(const rules::NoiseSpec& spec);  // keeps open windows and tallies
    void offer(Alert&& a, int64_t now_ns);  // now: CLOCK_REALTIME ns
    void tick(int64_t now_ns);              // closes windows, emits summaries
    void flush();                           // emits everything pending (shutdown)
    const NoiseStats& stats() const;
    std::size_t open_windows() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace procsentry::alert
