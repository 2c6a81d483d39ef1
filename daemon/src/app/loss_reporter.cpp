// SPDX-License-Identifier: GPL-2.0
#include "app/loss_reporter.hpp"

#include <algorithm>

namespace procsentry::app {

void LossReporter::add(const std::string& cause, uint64_t n)
{
    if (n == 0)
        return;
    totals_[cause] += n;
    pending_[cause] += n;
}

bool LossReporter::due(uint64_t now_ns) const
{
    if (pending_.empty())
        return false;
    return !reported_ || now_ns - last_report_ns_ >= interval_ns_;
}

LossReporter::Report LossReporter::take(uint64_t now_ns)
{
    Report r;
    uint64_t kernel = 0, holes = 0, other = 0;
    for (const auto& [cause, n] : pending_) {
        if (!r.detail.empty())
            r.detail += ", ";
        r.detail += cause + "=" + std::to_string(n);
        if (cause == "sequence_gap")
            holes += n;
        else if (cause.rfind("kernel_", 0) == 0)
            kernel += n;
        else if (cause != "socket_overflow")
            other += n;  // records we received but could not use
    }
    // A record the kernel dropped leaves a hole too, so the two overlap.
    r.records = std::max(kernel, holes) + other;
    pending_.clear();
    reported_ = true;
    last_report_ns_ = now_ns;
    return r;
}

}  // namespace procsentry::app
