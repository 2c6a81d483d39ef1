// SPDX-License-Identifier: GPL-2.0
#include "auth/login_throttle.hpp"

#include <gtest/gtest.h>

namespace procsentry::console::auth {
namespace {

constexpr int64_t kS = 1000000000;

TEST(LoginThrottle, FiveFailuresLockSixtySecondsDoublingToAnHour)
{
    EXPECT_EQ(LoginThrottle::lock_seconds(4), 0);
    EXPECT_EQ(LoginThrottle::lock_seconds(5), 60);
    EXPECT_EQ(LoginThrottle::lock_seconds(6), 0);
    EXPECT_EQ(LoginThrottle::lock_seconds(10), 120);
    EXPECT_EQ(LoginThrottle::lock_seconds(15), 240);
    EXPECT_EQ(LoginThrottle::lock_seconds(35), 3600);
    EXPECT_EQ(LoginThrottle::lock_seconds(1000000), 3600);
}

TEST(LoginThrottle, LocksAndUnlocks)
{
    LoginThrottle t;
    const int64_t now = 1000 * kS;
    for (int i = 0; i < 4; ++i)
        t.record_failure("alice", now);
    EXPECT_EQ(t.retry_after("alice", now), 0);
    t.record_failure("alice", now);
    EXPECT_EQ(t.retry_after("alice", now), 60);
    EXPECT_EQ(t.retry_after("alice", now + 59 * kS + 1), 1);
    EXPECT_EQ(t.retry_after("alice", now + 60 * kS), 0);
    EXPECT_EQ(t.retry_after("bob", now), 0);
    for (int i = 0; i < 5; ++i)
        t.record_failure("alice", now + 60 * kS);
    EXPECT_EQ(t.retry_after("alice", now + 60 * kS), 120);
    t.record_success("alice");
    EXPECT_EQ(t.retry_after("alice", now + 60 * kS), 0);
}

TEST(LoginThrottle, TableIsBoundedAndKeepsLocks)
{
    LoginThrottle t;
    for (int i = 0; i < 5; ++i)
        t.record_failure("victim", 0);
    for (std::size_t i = 0; i < LoginThrottle::kMaxNames + 100; ++i)
        t.record_failure("n" + std::to_string(i), 0);
    EXPECT_EQ(t.retry_after("victim", 0), 60);  // unlocked names were forgotten first
    for (int i = 0; i < 5; ++i)
        t.record_failure("last", 0);
    EXPECT_EQ(t.retry_after("last", 0), 60);
}

}  // namespace
}  // namespace procsentry::console::auth
