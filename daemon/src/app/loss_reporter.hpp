// SPDX-License-Identifier: GPL-2.0
// Collects every sign of lost records (kernel LOST records by cause,
// per-CPU sequence holes, socket receive overflows, malformed input) into
// counters, and decides when to raise a sensor alert about them: at once for
// the first loss, then at most once per interval with what was lost since.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace procsentry::app {

class LossReporter {
public:
    explicit LossReporter(uint64_t interval_ns = 10'000'000'000ull) : interval_ns_(interval_ns) {}
    void add(const std::string& cause, uint64_t n);
    // True when something was lost since the last report and a report is due.
    bool due(uint64_t now_ns) const;
    // Text of what was lost since the last report, and how many records at
    // least (sequence holes and kernel counts overlap: the larger one).
    struct Report {
        std::string detail;
        uint64_t records = 0;
    };
    Report take(uint64_t now_ns);
    const std::map<std::string, uint64_t>& totals() const { return totals_; }

private:
    uint64_t interval_ns_;
    std::map<std::string, uint64_t> totals_, pending_;
    uint64_t last_report_ns_ = 0;
    bool reported_ = false;
};

}  // namespace procsentry::app
