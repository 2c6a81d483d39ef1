// SPDX-License-Identifier: GPL-2.0
// The global alert rate cap of NoiseFilter: at most N alerts in any 60 s
// (sliding, in one-second buckets, so memory does not grow with N).  The
// budget is per severity and above: an alert is refused only when N alerts
// at least as severe as it went out in the window, so a flood of low alerts
// (which any user can cause) never suppresses a high or critical one; at
// most N alerts of each severity leave per minute.  What
// it refuses is tallied per rule; once a minute has passed since the first
// refusal, one summary alert says what was suppressed.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "alert/alert.hpp"

namespace procsentry::alert {

class RateCap {
public:
    static constexpr int64_t kWindowNs = 60'000'000'000;

    explicit RateCap(uint32_t per_minute) : limit_(per_minute) {}
    void set_limit(uint32_t per_minute) { limit_ = per_minute; }  // 0 = no cap

    // True if `a` may go out now (it is counted); false if suppressed (it
    // is tallied under its rule, a.count occurrences).
    bool admit(const Alert& a, int64_t now_ns);
    // The summary once the first refusal is a window old, else nothing.
    std::optional<Alert> due_summary(int64_t now_ns);
    // Whatever is tallied, now (shutdown).
    std::optional<Alert> take_summary(int64_t now_ns);
    uint64_t in_window() const { return in_window_; }

private:
    static constexpr std::size_t kBuckets = 60;
    static constexpr std::size_t kLevels = static_cast<std::size_t>(rules::Severity::critical) + 1;

    static std::size_t level_of(rules::Severity s);
    uint64_t at_or_above(std::size_t level) const;

    void advance(int64_t now_ns);
    void tally(const Alert& a, int64_t now_ns);
    Alert make_summary(int64_t now_ns);

    uint32_t limit_;
    std::array<std::array<uint64_t, kBuckets>, kLevels> buckets_{};
    std::optional<int64_t> cur_sec_;
    uint64_t in_window_ = 0;  // all levels
    std::array<uint64_t, kLevels> level_in_window_{};

    // The episode of refusals the next summary covers.
    bool open_ = false;
    int64_t opened_ns_ = 0;
    int64_t first_ns_ = 0, last_ns_ = 0;
    uint64_t total_ = 0;
    std::map<std::string, SuppressedRule> by_rule_;
};

}  // namespace procsentry::alert
