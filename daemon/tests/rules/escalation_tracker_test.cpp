// SPDX-License-Identifier: GPL-2.0
#include "rules/escalation_tracker.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace procsentry::rules {
namespace {

using ::testing::HasSubstr;

Event pending_event(uint32_t tgid, uint64_t ts)
{
    Event ev;
    ev.type = RuleType::root_escalation;
    ev.ts_ns = ts;
    ev.proc.tgid = tgid;
    return ev;
}

abi::Creds ids(uint32_t uid, uint32_t euid)
{
    abi::Creds c;
    c.uid = uid;
    c.euid = euid;
    return c;
}

class EscalationTrackerTest : public ::testing::Test {
protected:
    EscalationTrackerTest() { t_.set_limits(100, 3); }
    void add(uint32_t tgid, uint64_t ts)
    {
        t_.add(ProcessKey{tgid, tgid * 10ull}, pending_event(tgid, ts), ids(1000, 1000), out_);
    }

    EscalationTracker t_;
    std::vector<Event> out_;
};

TEST_F(EscalationTrackerTest, ExpiresOldestFirstAtTheWindowsEnd)
{
    add(1, 10);
    add(2, 50);
    t_.expire(109, out_);
    EXPECT_TRUE(out_.empty());
    t_.expire(110, out_);
    ASSERT_EQ(out_.size(), 1u);
    EXPECT_EQ(out_[0].proc.tgid, 1u);
    EXPECT_EQ(out_[0].outcome, Outcome::success);
    EXPECT_EQ(t_.size(), 1u);
    EXPECT_FALSE(t_.contains(ProcessKey{1, 10}));
    EXPECT_TRUE(t_.contains(ProcessKey{2, 20}));
}

TEST_F(EscalationTrackerTest, KeyIncludesStartTime)
{
    add(1, 10);
    abi::Exit x;
    x.status = 1;
    t_.on_exit(ProcessKey{1, 11}, x, out_);
    EXPECT_TRUE(out_.empty());
    t_.on_exit(ProcessKey{1, 10}, x, out_);
    ASSERT_EQ(out_.size(), 1u);
    EXPECT_EQ(out_[0].outcome, Outcome::failure);
    EXPECT_TRUE(t_.empty());
}

TEST_F(EscalationTrackerTest, BoundedOverflowResolvesOldest)
{
    add(1, 10);
    add(2, 11);
    add(3, 12);
    EXPECT_TRUE(out_.empty());
    add(4, 13);
    ASSERT_EQ(out_.size(), 1u);
    EXPECT_EQ(out_[0].proc.tgid, 1u);
    EXPECT_EQ(t_.size(), 3u);
    EXPECT_EQ(t_.stats().overflowed, 1u);
    EXPECT_EQ(t_.stats().started, 4u);
    EXPECT_EQ(t_.stats().succeeded, 1u);
}

TEST_F(EscalationTrackerTest, SecondSetuidExecOfTheSameProcessReplacesTheFirst)
{
    add(1, 10);
    add(1, 20);
    ASSERT_EQ(out_.size(), 1u);
    EXPECT_EQ(out_[0].ts_ns, 10u);
    EXPECT_THAT(out_[0].reason, HasSubstr("replaced"));
    EXPECT_EQ(t_.size(), 1u);
}

TEST_F(EscalationTrackerTest, DescendantEvidenceNeedsOtherIdsSelfExecDoesNot)
{
    add(1, 10);
    t_.on_exec(ProcessKey{1, 10}, false, 5, ids(1000, 1000), out_);
    EXPECT_TRUE(out_.empty());
    t_.on_exec(ProcessKey{1, 10}, false, 5, ids(1000, 0), out_);
    ASSERT_EQ(out_.size(), 1u);
    add(2, 10);
    t_.on_exec(ProcessKey{2, 20}, true, 2, ids(1000, 1000), out_);
    ASSERT_EQ(out_.size(), 2u);
    EXPECT_THAT(out_[1].reason, HasSubstr("ran another program"));
}

// Attack: the set-user-ID program (exploited) forks a child that keeps the
// caller's uid but runs with gid disk or with ambient capabilities, then
// exits 1 itself: before, the child was taken for a harmless helper and the
// escalation reported as refused.
TEST_F(EscalationTrackerTest, DescendantWithCallersUidButOtherGroupOrCapsIsEvidence)
{
    add(1, 10);
    abi::Creds helper = ids(1000, 1000);
    t_.on_exec(ProcessKey{1, 10}, false, 5, helper, out_);
    EXPECT_TRUE(out_.empty());
    abi::Creds disk = helper;
    disk.egid = disk.gid = disk.sgid = disk.fsgid = 6;
    t_.on_exec(ProcessKey{1, 10}, false, 5, disk, out_);
    ASSERT_EQ(out_.size(), 1u);
    EXPECT_EQ(out_[0].outcome, Outcome::success);
    EXPECT_THAT(out_[0].reason, HasSubstr("extra groups or caps"));

    add(2, 10);
    abi::Creds ambient = helper;
    ambient.cap_effective = ambient.cap_permitted = 1ull << 21;  // CAP_SYS_ADMIN
    t_.on_exec(ProcessKey{2, 20}, false, 6, ambient, out_);
    ASSERT_EQ(out_.size(), 2u);
    EXPECT_EQ(out_[1].outcome, Outcome::success);

    // Capabilities in a user namespace of the child's own are no gain.
    add(3, 10);
    abi::Creds own_ns = ambient;
    own_ns.userns = 4026532000u;
    abi::Creds inv = ids(1000, 1000);
    inv.userns = 4026531837u;
    t_.add(ProcessKey{4, 40}, pending_event(4, 10), inv, out_);
    t_.on_exec(ProcessKey{4, 40}, false, 7, own_ns, out_);
    EXPECT_EQ(out_.size(), 2u);
    EXPECT_TRUE(t_.contains(ProcessKey{4, 40}));
}

TEST_F(EscalationTrackerTest, ReasonsCarryNoUntrustedText)
{
    add(1, 10);
    abi::Exit x;
    x.status = 3;
    t_.on_exit(ProcessKey{1, 10}, x, out_);
    ASSERT_EQ(out_.size(), 1u);
    EXPECT_EQ(out_[0].reason, "set-user-ID root program exited with status 3 before running anything");
    EXPECT_LE(out_[0].reason.size(), 96u);
}

}  // namespace
}  // namespace procsentry::rules

namespace procsentry::rules {
namespace {

// sudo left at its password prompt past the window, then refused: the
// window's success is followed by the refusal.
TEST_F(EscalationTrackerTest, RefusalAfterTheWindowFollowsTheSuccess)
{
    add(1, 10);
    t_.expire(110, out_);
    ASSERT_EQ(out_.size(), 1u);
    EXPECT_EQ(out_[0].outcome, Outcome::success);
    EXPECT_FALSE(t_.empty());  // still watched
    abi::Exit x;
    x.status = 1;
    t_.on_exit(ProcessKey{1, 10}, x, out_);
    ASSERT_EQ(out_.size(), 2u);
    EXPECT_EQ(out_[1].outcome, Outcome::failure);
    EXPECT_EQ(out_[1].exit_status, 1);
    EXPECT_THAT(out_[1].reason, HasSubstr("after the window"));
    EXPECT_EQ(t_.stats().failed_late, 1u);
    EXPECT_TRUE(t_.empty());
}

TEST_F(EscalationTrackerTest, AWatchedProgramThatActsOrExitsCleanlyRaisesNothingMore)
{
    add(1, 10);
    add(2, 20);
    t_.expire(200, out_);
    ASSERT_EQ(out_.size(), 2u);
    // 1 runs a program itself; 2 runs a helper under the caller's ids (keeps watching), then exits 0.
    t_.on_exec(ProcessKey{1, 10}, true, 1, ids(0, 0), out_);
    t_.on_exec(ProcessKey{2, 20}, false, 7, ids(1000, 1000), out_);
    abi::Exit ok;
    t_.on_exit(ProcessKey{2, 20}, ok, out_);
    abi::Exit bad;
    bad.status = 1;
    t_.on_exit(ProcessKey{1, 10}, bad, out_);
    EXPECT_EQ(out_.size(), 2u);
    EXPECT_TRUE(t_.empty());
}

TEST_F(EscalationTrackerTest, WatchedProgramsAreBounded)
{
    for (uint32_t i = 1; i <= 5; i++) {
        add(i, i);
        t_.expire(i + 100, out_);
    }
    EXPECT_EQ(out_.size(), 5u);
    abi::Exit bad;
    bad.status = 1;
    t_.on_exit(ProcessKey{1, 10}, bad, out_);  // forgotten: max_pending is 3
    EXPECT_EQ(out_.size(), 5u);
    t_.on_exit(ProcessKey{5, 50}, bad, out_);
    EXPECT_EQ(out_.size(), 6u);
}

}  // namespace
}  // namespace procsentry::rules
