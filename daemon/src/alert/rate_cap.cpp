// SPDX-License-Identifier: GPL-2.0
#include "alert/rate_cap.hpp"

#include <algorithm>
#include <vector>

#include "alert/summary_line.hpp"

namespace procsentry::alert {

namespace {

int64_t floor_div(int64_t a, int64_t b)
{
    const int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::size_t bucket_of(int64_t sec, std::size_t n)
{
    const auto m = static_cast<int64_t>(n);
    return static_cast<std::size_t>(((sec % m) + m) % m);
}

constexpr std::size_t kRulesInLine = 5;

}  // namespace

void RateCap::advance(int64_t now_ns)
{
    const int64_t sec = floor_div(now_ns, 1'000'000'000);
    if (!cur_sec_) {
        cur_sec_ = sec;
        return;
    }
    // A clock stepped back keeps counting in the current second rather than
    // reopening seconds already counted.
    if (sec <= *cur_sec_)
        return;
    const int64_t steps = std::min<int64_t>(sec - *cur_sec_, static_cast<int64_t>(kBuckets));
    for (int64_t i = 1; i <= steps; ++i) {
        const std::size_t idx = bucket_of(*cur_sec_ + i, kBuckets);
        for (std::size_t l = 0; l < kLevels; ++l) {
            auto& b = buckets_[l][idx];
            in_window_ -= b;
            level_in_window_[l] -= b;
            b = 0;
        }
    }
    cur_sec_ = sec;
}

std::size_t RateCap::level_of(rules::Severity s)
{
    return std::min(static_cast<std::size_t>(s), kLevels - 1);
}

uint64_t RateCap::at_or_above(std::size_t level) const
{
    uint64_t n = 0;
    for (std::size_t l = level; l < kLevels; ++l)
        n += level_in_window_[l];
    return n;
}

bool RateCap::admit(const Alert& a, int64_t now_ns)
{
    advance(now_ns);
    const std::size_t level = level_of(a.severity);
    if (limit_ != 0 && at_or_above(level) >= limit_) {
        tally(a, now_ns);
        return false;
    }
    // Counted even without a cap, so that a cap set by a reload starts
    // from the real recent rate.
    ++buckets_[level][bucket_of(*cur_sec_, kBuckets)];
    ++level_in_window_[level];
    ++in_window_;
    return true;
}

void RateCap::tally(const Alert& a, int64_t now_ns)
{
    const int64_t first = a.first_ns ? a.first_ns : a.time_ns;
    const int64_t last = a.last_ns ? a.last_ns : a.time_ns;
    if (!open_) {
        open_ = true;
        opened_ns_ = now_ns;
        first_ns_ = first;
        last_ns_ = last;
    } else {
        first_ns_ = std::min(first_ns_, first);
        last_ns_ = std::max(last_ns_, last);
    }
    total_ += a.count;
    auto [it, fresh] = by_rule_.try_emplace(a.rule);
    SuppressedRule& r = it->second;
    if (fresh) {
        r.rule = a.rule;
        r.type = a.type;
        r.max_severity = a.severity;
    }
    r.count += a.count;
    r.max_severity = std::max(r.max_severity, a.severity);
}

std::optional<Alert> RateCap::due_summary(int64_t now_ns)
{
    // The second test catches a wall clock stepped back past the episode.
    if (!open_ || (now_ns - opened_ns_ < kWindowNs && now_ns + kWindowNs >= opened_ns_))
        return std::nullopt;
    return make_summary(now_ns);
}

std::optional<Alert> RateCap::take_summary(int64_t now_ns)
{
    if (!open_)
        return std::nullopt;
    return make_summary(now_ns);
}

Alert RateCap::make_summary(int64_t now_ns)
{
    Alert a;
    a.kind = Kind::summary;
    a.time_ns = now_ns;
    a.first_ns = first_ns_;
    a.last_ns = last_ns_;
    a.sensor_count = total_;
    a.count = 1;
    // The summary is as severe as the worst alert it stands for, so that a
    // sink taking only high alerts still learns that some were suppressed.
    a.severity = rules::Severity::info;
    for (auto& [name, r] : by_rule_) {
        a.severity = std::max(a.severity, r.max_severity);
        a.suppressed.push_back(std::move(r));
    }
    std::stable_sort(a.suppressed.begin(), a.suppressed.end(),
                     [](const SuppressedRule& x, const SuppressedRule& y) { return x.count > y.count; });

    std::string& s = a.summary;
    s = "rate cap of " + std::to_string(limit_) + " alerts/min: suppressed " + std::to_string(total_) +
        (total_ == 1 ? " alert" : " alerts");
    for (std::size_t i = 0; i < a.suppressed.size() && i < kRulesInLine; ++i) {
        s += i == 0 ? " (" : ", ";
        SummaryLine::append_untrusted(s, a.suppressed[i].rule, 64);
        s += ' ' + std::to_string(a.suppressed[i].count);
    }
    if (a.suppressed.size() > kRulesInLine)
        s += ", " + std::to_string(a.suppressed.size() - kRulesInLine) + " more rules";
    if (!a.suppressed.empty())
        s += ')';

    open_ = false;
    total_ = 0;
    by_rule_.clear();
    return a;
}

}  // namespace procsentry::alert
