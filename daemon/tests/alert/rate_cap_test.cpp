// SPDX-License-Identifier: GPL-2.0
#include "alert/rate_cap.hpp"

#include <gtest/gtest.h>

namespace procsentry::alert {
namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kT0 = 1795839235 * kSec;

Alert alert(std::string rule, rules::Severity sev = rules::Severity::medium, int64_t t = kT0)
{
    Alert a;
    a.rule = std::move(rule);
    a.severity = sev;
    a.time_ns = a.first_ns = a.last_ns = t;
    return a;
}

TEST(RateCap, AdmitsUpToTheLimitInAnySixtySeconds)
{
    RateCap cap(3);
    EXPECT_TRUE(cap.admit(alert("r"), kT0));
    EXPECT_TRUE(cap.admit(alert("r"), kT0 + 10 * kSec));
    EXPECT_TRUE(cap.admit(alert("r"), kT0 + 20 * kSec));
    EXPECT_FALSE(cap.admit(alert("r"), kT0 + 30 * kSec));
    EXPECT_FALSE(cap.admit(alert("r"), kT0 + 59 * kSec));
    // The first one leaves the window after 60 s: room for one more.
    EXPECT_TRUE(cap.admit(alert("r"), kT0 + 60 * kSec));
    EXPECT_FALSE(cap.admit(alert("r"), kT0 + 61 * kSec));
    EXPECT_TRUE(cap.admit(alert("r"), kT0 + 70 * kSec));
}

TEST(RateCap, ZeroMeansNoCapButStillCounts)
{
    RateCap cap(0);
    for (int i = 0; i < 1000; ++i)
        EXPECT_TRUE(cap.admit(alert("r"), kT0));
    cap.set_limit(500);
    EXPECT_FALSE(cap.admit(alert("r"), kT0 + kSec)) << "a reload's cap applies to the recent rate";
    EXPECT_TRUE(cap.admit(alert("r"), kT0 + 60 * kSec));
}

TEST(RateCap, LongGapClearsEverything)
{
    RateCap cap(2);
    EXPECT_TRUE(cap.admit(alert("r"), kT0));
    EXPECT_TRUE(cap.admit(alert("r"), kT0));
    EXPECT_FALSE(cap.admit(alert("r"), kT0));
    EXPECT_TRUE(cap.admit(alert("r"), kT0 + 3600 * kSec));
    EXPECT_EQ(cap.in_window(), 1u);
}

TEST(RateCap, ClockSteppedBackCountsInTheCurrentSecond)
{
    RateCap cap(2);
    EXPECT_TRUE(cap.admit(alert("r"), kT0));
    EXPECT_TRUE(cap.admit(alert("r"), kT0 - 3600 * kSec));
    EXPECT_FALSE(cap.admit(alert("r"), kT0 - 3600 * kSec));
}

TEST(RateCap, SummaryAfterAWindowWithPerRuleCounts)
{
    RateCap cap(1);
    EXPECT_TRUE(cap.admit(alert("a"), kT0));
    EXPECT_FALSE(cap.admit(alert("a", rules::Severity::low, kT0 + kSec), kT0 + kSec));
    EXPECT_FALSE(cap.admit(alert("b", rules::Severity::medium, kT0 + 2 * kSec), kT0 + 2 * kSec));
    Alert folded = alert("b", rules::Severity::low, kT0 + 3 * kSec);
    folded.count = 5;
    folded.first_ns = kT0 - 10 * kSec;
    EXPECT_FALSE(cap.admit(folded, kT0 + 3 * kSec));
    EXPECT_FALSE(cap.due_summary(kT0 + 60 * kSec)) << "a minute from the first refusal, not before";
    const auto s = cap.due_summary(kT0 + 61 * kSec);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->kind, Kind::summary);
    EXPECT_TRUE(s->id.empty());
    EXPECT_EQ(s->time_ns, kT0 + 61 * kSec);
    EXPECT_EQ(s->sensor_count, 7u);
    EXPECT_EQ(s->severity, rules::Severity::medium);
    EXPECT_EQ(s->first_ns, kT0 - 10 * kSec);
    EXPECT_EQ(s->last_ns, kT0 + 3 * kSec);
    ASSERT_EQ(s->suppressed.size(), 2u);
    EXPECT_EQ(s->suppressed[0].rule, "b");
    EXPECT_EQ(s->suppressed[0].count, 6u);
    EXPECT_EQ(s->suppressed[0].max_severity, rules::Severity::medium);
    EXPECT_EQ(s->suppressed[1].rule, "a");
    EXPECT_EQ(s->suppressed[1].count, 1u);
    EXPECT_EQ(s->summary, "rate cap of 1 alerts/min: suppressed 7 alerts (b 6, a 1)");
    EXPECT_FALSE(cap.due_summary(kT0 + 200 * kSec)) << "one summary per episode";
    EXPECT_FALSE(cap.take_summary(kT0 + 200 * kSec));
}

// Attack: any user can raise low alerts at will (crash their own programs
// from ever new paths, so nothing folds); at the cap, a critical escalation
// right after must still go out, not wait as a line in a summary.
TEST(RateCap, FloodOfLowAlertsDoesNotStarveMoreSevereOnes)
{
    RateCap cap(3);
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(cap.admit(alert("crash", rules::Severity::low), kT0));
    EXPECT_FALSE(cap.admit(alert("crash", rules::Severity::low), kT0));
    EXPECT_FALSE(cap.admit(alert("crash", rules::Severity::info), kT0));
    EXPECT_TRUE(cap.admit(alert("root-escalation", rules::Severity::critical), kT0 + kSec));
    EXPECT_TRUE(cap.admit(alert("exec-from-writable-dir", rules::Severity::high), kT0 + kSec));
    // A budget per severity and above: high ones fill it for high and lower.
    EXPECT_TRUE(cap.admit(alert("exec-from-writable-dir", rules::Severity::high), kT0 + kSec));
    EXPECT_FALSE(cap.admit(alert("exec-from-writable-dir", rules::Severity::high), kT0 + kSec));
    EXPECT_FALSE(cap.admit(alert("scan", rules::Severity::medium), kT0 + kSec));
    EXPECT_TRUE(cap.admit(alert("root-escalation", rules::Severity::critical), kT0 + kSec));
    EXPECT_TRUE(cap.admit(alert("root-escalation", rules::Severity::critical), kT0 + kSec));
    EXPECT_FALSE(cap.admit(alert("root-escalation", rules::Severity::critical), kT0 + kSec));
    EXPECT_EQ(cap.in_window(), 8u);
    // All leave the window together.
    EXPECT_TRUE(cap.admit(alert("crash", rules::Severity::low), kT0 + 61 * kSec));
    EXPECT_EQ(cap.in_window(), 1u);
    const auto s = cap.take_summary(kT0 + 61 * kSec);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->sensor_count, 5u);
    EXPECT_EQ(s->severity, rules::Severity::critical);
}

TEST(RateCap, SummaryLineNamesAtMostFiveRules)
{
    RateCap cap(1);
    cap.admit(alert("first"), kT0);
    for (int i = 0; i < 8; ++i)
        cap.admit(alert("rule" + std::to_string(i)), kT0);
    const auto s = cap.take_summary(kT0);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->suppressed.size(), 8u);
    EXPECT_EQ(s->summary,
              "rate cap of 1 alerts/min: suppressed 8 alerts (rule0 1, rule1 1, rule2 1, rule3 1, rule4 1, 3 more rules)");
}

}  // namespace
}  // namespace procsentry::alert
