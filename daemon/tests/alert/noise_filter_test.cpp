// SPDX-License-Identifier: GPL-2.0
#include "alert/noise_filter.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "alert/sample_event.hpp"

namespace procsentry::alert {
namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kT0 = 1795839235 * kSec;

rules::NoiseSpec spec(uint32_t fold_ms, uint32_t cap)
{
    rules::NoiseSpec s;
    s.fold_window_ms = fold_ms;
    s.max_alerts_per_minute = cap;
    return s;
}

class NoiseFilterTest : public ::testing::Test {
protected:
    NoiseFilter::Emit sink()
    {
        return [this](Alert&& a) { out.push_back(std::move(a)); };
    }

    Alert alert(int64_t t, std::string rule = "exec-from-tmp", std::string exe = "/tmp/x/evil", uint32_t uid = 1000)
    {
        Alert a;
        a.kind = Kind::rule;
        a.id = "p-" + std::to_string(++ids);
        a.rule = std::move(rule);
        a.severity = rules::Severity::medium;
        a.time_ns = a.first_ns = a.last_ns = t;
        a.summary = "line";
        a.event = test::exec_event();
        a.event.proc.exe = std::move(exe);
        a.event.proc.cred.uid = uid;
        return a;
    }

    std::vector<Alert> out;
    int ids = 0;
};

TEST_F(NoiseFilterTest, FirstAtOnceDuplicatesFoldedUntilTheWindowCloses)
{
    NoiseFilter f(spec(60000, 0), sink());
    f.offer(alert(kT0), kT0);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].id, "p-1");
    EXPECT_EQ(out[0].count, 1u);

    for (int i = 1; i <= 41; ++i)
        f.offer(alert(kT0 + i * kSec), kT0 + i * kSec);
    EXPECT_EQ(out.size(), 1u) << "duplicates wait for the window";
    EXPECT_EQ(f.stats().folded, 41u);
    EXPECT_EQ(f.open_windows(), 1u);

    f.tick(kT0 + 59 * kSec);
    EXPECT_EQ(out.size(), 1u);
    f.tick(kT0 + 60 * kSec);
    ASSERT_EQ(out.size(), 2u);
    const Alert& fold = out[1];
    EXPECT_EQ(fold.id, "p-2") << "the first duplicate, with its own id";
    EXPECT_EQ(fold.first_id, "p-1");
    EXPECT_EQ(fold.count, 41u);
    EXPECT_EQ(fold.first_ns, kT0 + kSec);
    EXPECT_EQ(fold.last_ns, kT0 + 41 * kSec);
    EXPECT_EQ(fold.summary, "line (repeated 41 times)");
    EXPECT_EQ(f.open_windows(), 0u);

    // After the window a new one opens with the next alert.
    f.offer(alert(kT0 + 61 * kSec), kT0 + 61 * kSec);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[2].count, 1u);
    EXPECT_TRUE(out[2].first_id.empty());
}

TEST_F(NoiseFilterTest, AWindowWithoutDuplicatesClosesSilently)
{
    NoiseFilter f(spec(1000, 0), sink());
    f.offer(alert(kT0), kT0);
    f.tick(kT0 + 5 * kSec);
    EXPECT_EQ(out.size(), 1u);
    EXPECT_EQ(f.open_windows(), 0u);
}

TEST_F(NoiseFilterTest, OfferPastTheWindowClosesItFirst)
{
    NoiseFilter f(spec(1000, 0), sink());
    f.offer(alert(kT0), kT0);
    f.offer(alert(kT0 + kSec / 2), kT0 + kSec / 2);
    f.offer(alert(kT0 + 2 * kSec), kT0 + 2 * kSec);  // no tick in between
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[1].count, 1u);
    EXPECT_EQ(out[1].first_id, "p-1");
    EXPECT_EQ(out[2].id, "p-3");
    EXPECT_TRUE(out[2].first_id.empty());
}

TEST_F(NoiseFilterTest, KeyIsRuleOutcomeExeUidParent)
{
    NoiseFilter f(spec(60000, 0), sink());
    f.offer(alert(kT0), kT0);
    f.offer(alert(kT0, "other-rule"), kT0);
    f.offer(alert(kT0, "exec-from-tmp", "/tmp/x/other"), kT0);
    f.offer(alert(kT0, "exec-from-tmp", "/tmp/x/evil", 1001), kT0);
    Alert failed = alert(kT0);
    failed.outcome = rules::Outcome::failure;
    f.offer(std::move(failed), kT0);
    Alert parent = alert(kT0);
    parent.event.parent_exe = "/usr/bin/python3";
    f.offer(std::move(parent), kT0);
    EXPECT_EQ(out.size(), 6u);
    // Same key, different pid, args and comm: folded.
    Alert same = alert(kT0);
    same.event.proc.tgid = 99;
    same.event.proc.argv = {"other", "args"};
    same.event.proc.comm = "renamed";
    f.offer(std::move(same), kT0);
    EXPECT_EQ(out.size(), 6u);
    EXPECT_EQ(f.open_windows(), 6u);
}

TEST_F(NoiseFilterTest, FoldsInOpeningOrder)
{
    NoiseFilter f(spec(10000, 0), sink());
    for (int k = 0; k < 50; ++k)
        f.offer(alert(kT0 + k, "r" + std::to_string(k)), kT0 + k);
    for (int k = 0; k < 50; ++k)
        f.offer(alert(kT0 + kSec, "r" + std::to_string(k)), kT0 + kSec);
    out.clear();
    f.tick(kT0 + 20 * kSec);
    ASSERT_EQ(out.size(), 50u);
    for (int k = 0; k < 50; ++k)
        EXPECT_EQ(out[static_cast<std::size_t>(k)].rule, "r" + std::to_string(k));
}

TEST_F(NoiseFilterTest, SensorAndSummaryAlertsBypass)
{
    NoiseFilter f(spec(60000, 1), sink());
    f.offer(alert(kT0), kT0);
    for (int i = 0; i < 5; ++i) {
        Alert s;
        s.kind = Kind::sensor;
        s.sensor_what = "records_lost";
        f.offer(std::move(s), kT0);
    }
    EXPECT_EQ(out.size(), 6u);
    EXPECT_EQ(f.stats().suppressed, 0u);
    EXPECT_EQ(f.open_windows(), 1u);
}

TEST_F(NoiseFilterTest, FoldWindowZeroTurnsFoldingOff)
{
    NoiseFilter f(spec(0, 0), sink());
    for (int i = 0; i < 3; ++i)
        f.offer(alert(kT0), kT0);
    EXPECT_EQ(out.size(), 3u);
    EXPECT_EQ(f.open_windows(), 0u);
}

TEST_F(NoiseFilterTest, CapSuppressesAndSummarisesOncePerMinute)
{
    NoiseFilter f(spec(0, 2), sink());
    f.offer(alert(kT0, "a"), kT0);
    f.offer(alert(kT0, "b"), kT0);
    for (int i = 0; i < 10; ++i)
        f.offer(alert(kT0 + i * kSec, i % 3 ? "a" : "b"), kT0 + i * kSec);
    EXPECT_EQ(out.size(), 2u);
    EXPECT_EQ(f.stats().suppressed, 10u);
    f.tick(kT0 + 30 * kSec);
    EXPECT_EQ(out.size(), 2u);
    f.tick(kT0 + 60 * kSec);
    ASSERT_EQ(out.size(), 3u);
    const Alert& s = out[2];
    EXPECT_EQ(s.kind, Kind::summary);
    EXPECT_TRUE(s.id.empty()) << "the factory assigns it when serialising";
    EXPECT_EQ(s.sensor_count, 10u);
    ASSERT_EQ(s.suppressed.size(), 2u);
    EXPECT_EQ(s.suppressed[0].rule, "a");
    EXPECT_EQ(s.suppressed[0].count, 6u);
    EXPECT_EQ(s.suppressed[1].count, 4u);
    EXPECT_EQ(f.stats().summaries, 1u);
    f.tick(kT0 + 200 * kSec);
    EXPECT_EQ(out.size(), 3u);
    // A new minute has room again.
    f.offer(alert(kT0 + 200 * kSec, "a"), kT0 + 200 * kSec);
    EXPECT_EQ(out.size(), 4u);
}

TEST_F(NoiseFilterTest, CriticalPassesACapFilledByLowerAlerts)
{
    NoiseFilter f(spec(60000, 2), sink());
    for (int i = 0; i < 10; ++i)
        f.offer(alert(kT0, "process-crash", "/tmp/c" + std::to_string(i)), kT0);
    ASSERT_EQ(out.size(), 2u);
    Alert esc = alert(kT0 + kSec, "root-escalation", "/usr/local/bin/suid");
    esc.severity = rules::Severity::critical;
    f.offer(std::move(esc), kT0 + kSec);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[2].rule, "root-escalation");
    EXPECT_EQ(f.stats().suppressed, 8u);
}

TEST_F(NoiseFilterTest, HighAndCriticalAreNeverFolded)
{
    NoiseFilter f(spec(60000, 0), sink());
    for (int i = 0; i < 3; ++i) {
        Alert a = alert(kT0 + i, "root-escalation", "/usr/local/bin/suid");
        a.severity = i == 2 ? rules::Severity::critical : rules::Severity::high;
        a.event.proc.pid = 100 + static_cast<uint32_t>(i);
        f.offer(std::move(a), kT0 + i);
    }
    ASSERT_EQ(out.size(), 3u);  // each with its own process details
    EXPECT_EQ(out[2].event.proc.pid, 102u);
    EXPECT_EQ(out[2].count, 1u);
    EXPECT_EQ(f.stats().folded, 0u);
}

TEST_F(NoiseFilterTest, FoldAlertsCountAgainstTheCapWithTheirCount)
{
    NoiseFilter f(spec(10000, 1), sink());
    f.offer(alert(kT0), kT0);  // emitted, fills the cap
    for (int i = 0; i < 5; ++i)
        f.offer(alert(kT0 + kSec), kT0 + kSec);  // folded
    EXPECT_EQ(f.stats().folded, 5u);
    f.tick(kT0 + 10 * kSec);  // the fold alert meets a full cap
    EXPECT_EQ(out.size(), 1u);
    EXPECT_EQ(f.stats().suppressed, 5u);
    f.flush();
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].kind, Kind::summary);
    EXPECT_EQ(out[1].sensor_count, 5u);
}

TEST_F(NoiseFilterTest, SuppressedFirstOpensNoWindow)
{
    NoiseFilter f(spec(60000, 1), sink());
    f.offer(alert(kT0, "a"), kT0);
    f.offer(alert(kT0, "b"), kT0);  // suppressed
    f.offer(alert(kT0, "b"), kT0);  // suppressed too, not folded
    EXPECT_EQ(f.open_windows(), 1u);
    EXPECT_EQ(f.stats().suppressed, 2u);
    EXPECT_EQ(f.stats().folded, 0u);
}

TEST_F(NoiseFilterTest, FlushEmitsPendingFoldsThenTheSummary)
{
    NoiseFilter f(spec(60000, 2), sink());
    f.offer(alert(kT0, "a"), kT0);
    f.offer(alert(kT0, "a"), kT0);
    f.offer(alert(kT0, "b"), kT0);
    f.offer(alert(kT0, "c"), kT0);  // over the cap
    f.flush();
    // The fold of "a" met the full cap as well: the summary covers it.
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[2].kind, Kind::summary);
    EXPECT_EQ(out[2].sensor_count, 2u);
    ASSERT_EQ(out[2].suppressed.size(), 2u);
    EXPECT_EQ(out[2].suppressed[0].rule, "a");
    EXPECT_EQ(out[2].suppressed[1].rule, "c");
    EXPECT_EQ(f.open_windows(), 0u);
}

TEST_F(NoiseFilterTest, FlushEmitsPendingFoldsWhenThereIsRoom)
{
    NoiseFilter f(spec(60000, 0), sink());
    f.offer(alert(kT0), kT0);
    f.offer(alert(kT0 + 1), kT0 + 1);
    f.offer(alert(kT0 + 2), kT0 + 2);
    f.flush();
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].count, 2u);
    EXPECT_EQ(f.open_windows(), 0u);
    f.flush();
    EXPECT_EQ(out.size(), 2u);
}

TEST_F(NoiseFilterTest, SetSpecKeepsPendingFolds)
{
    NoiseFilter f(spec(60000, 0), sink());
    f.offer(alert(kT0), kT0);
    f.offer(alert(kT0 + kSec), kT0 + kSec);
    f.set_spec(spec(120000, 5));
    EXPECT_EQ(f.open_windows(), 1u);
    f.tick(kT0 + 61 * kSec);
    EXPECT_EQ(out.size(), 1u) << "the new, longer window applies to the open one";
    f.tick(kT0 + 120 * kSec);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].count, 1u);
    EXPECT_EQ(out[1].summary, "line (repeated once)");

    // Folding switched off by a reload: open windows close at the next tick.
    f.offer(alert(kT0 + 200 * kSec), kT0 + 200 * kSec);
    f.offer(alert(kT0 + 201 * kSec), kT0 + 201 * kSec);
    f.set_spec(spec(0, 5));
    f.tick(kT0 + 201 * kSec);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[3].first_id, out[2].id);
}

TEST_F(NoiseFilterTest, FullTableEmitsWithoutFolding)
{
    NoiseLimits limits;
    limits.max_keys = 3;
    NoiseFilter f(spec(60000, 0), sink(), limits);
    for (int k = 0; k < 5; ++k)
        f.offer(alert(kT0, "r" + std::to_string(k)), kT0);
    EXPECT_EQ(out.size(), 5u);
    EXPECT_EQ(f.open_windows(), 3u);
    EXPECT_EQ(f.stats().unfolded, 2u);
    f.offer(alert(kT0, "r4"), kT0);  // r4 has no window: emitted again
    EXPECT_EQ(out.size(), 6u);
    f.offer(alert(kT0, "r0"), kT0);  // r0 has one: folded
    EXPECT_EQ(out.size(), 6u);
}

TEST_F(NoiseFilterTest, HeldBytesAreBounded)
{
    NoiseLimits limits;
    limits.max_pending_bytes = 64 * 1024;
    NoiseFilter f(spec(60000, 0), sink(), limits);
    const auto big = [&](int k) {
        Alert a = alert(kT0, "r" + std::to_string(k));
        a.event.proc.argv = {std::string(16 * 1024, 'x')};
        return a;
    };
    for (int k = 0; k < 10; ++k)
        f.offer(big(k), kT0);
    for (int k = 0; k < 10; ++k)
        f.offer(big(k), kT0);  // only the first few can be held
    EXPECT_EQ(out.size(), 10u + f.stats().unfolded);
    EXPECT_GE(f.stats().unfolded, 6u);
    EXPECT_GE(f.stats().folded, 1u);
    EXPECT_EQ(f.stats().folded + f.stats().unfolded, 10u);
}

TEST_F(NoiseFilterTest, WallClockSteppedBackClosesWindows)
{
    NoiseFilter f(spec(60000, 0), sink());
    f.offer(alert(kT0), kT0);
    f.offer(alert(kT0), kT0);
    f.tick(kT0 - 3600 * kSec);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(f.open_windows(), 0u);
}

TEST_F(NoiseFilterTest, StormFoldsIntoTwoAlertsPerWindow)
{
    NoiseFilter f(spec(60000, 600), sink());
    Alert proto = alert(kT0);
    for (int64_t i = 0; i < 30'000; ++i) {
        const int64_t t = kT0 + i * 10'000'000;  // 100/s for 300 s
        Alert a = proto;
        a.time_ns = a.first_ns = a.last_ns = t;
        f.offer(std::move(a), t);
        if (i % 100 == 0)
            f.tick(t);
    }
    f.flush();
    EXPECT_EQ(out.size(), 10u);  // 5 windows: one at once, one folded each
    uint64_t total = 0;
    for (const auto& a : out)
        total += a.count;
    EXPECT_EQ(total, 30'000u);
    EXPECT_EQ(f.stats().suppressed, 0u);
}

}  // namespace
}  // namespace procsentry::alert
