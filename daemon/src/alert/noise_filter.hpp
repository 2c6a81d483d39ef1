// SPDX-License-Identifier: GPL-2.0
// Folding and the global rate cap.  Identical alerts (same rule, outcome,
// executable, user, parent executable) within the fold window become one:
// the first is emitted at once, later ones are counted and emitted as one
// alert with count = N when the window closes.  Past the per-minute cap,
// alerts are suppressed and one summary alert per minute says how many and
// of which rules.  Sensor alerts are never folded or capped.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "alert/alert.hpp"
#include "rules/config.hpp"

namespace procsentry::alert {

struct NoiseStats {
    uint64_t folded = 0;      // alerts absorbed into another
    uint64_t suppressed = 0;  // alerts dropped by the rate cap
};

class NoiseFilter {
public:
    using Emit = std::function<void(Alert&&)>;
    NoiseFilter(const rules::NoiseSpec& spec, Emit emit);
    ~NoiseFilter();
    void set_spec(const rules::NoiseSpec& spec);
    void offer(Alert&& a, int64_t now_ns);  // now: CLOCK_REALTIME ns
    void tick(int64_t now_ns);              // closes windows, emits summaries
    void flush();                           // emits everything pending (shutdown)
    const NoiseStats& stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace procsentry::alert
