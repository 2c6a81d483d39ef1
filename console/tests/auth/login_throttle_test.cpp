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

TEST(LoginThrottle, KnownUserRow)
{
    store::UserRow u;
    const int64_t now = 1000 * kS;
    for (int i = 0; i < 4; ++i)
        LoginThrottle::record_failure(u, now);
    EXPECT_EQ(LoginThrottle::retry_after(u, now), 0);
    LoginThrottle::record_failure(u, now);
    EXPECT_EQ(LoginThrottle::retry_after(u, now), 60);
    EXPECT_EQ(LoginThrottle::retry_after(u, now + 59 * kS + 1), 1);
    EXPECT_EQ(LoginThrottle::retry_after(u, now + 60 * kS), 0);
    LoginThrottle::record_success(u);
    EXPECT_EQ(u.failed_logins, 0);
    EXPECT_EQ(u.locked_until, 0);
}

TEST(LoginThrottle, UnknownNamesLockTheSameWay)
{
    LoginThrottle t;
    const int64_t now = 1000 * kS;
    for (int i = 0; i < 5; ++i)
        t.record_failure_unknown("ghost", now);
    EXPECT_EQ(t.retry_after_unknown("ghost", now), 60);
    EXPECT_EQ(t.retry_after_unknown("other", now), 0);
}

TEST(LoginThrottle, UnknownNameTableIsBounded)
{
    LoginThrottle t;
    for (std::size_t i = 0; i < LoginThrottle::kMaxUnknownNames + 100; ++i)
        t.record_failure_unknown("n" + std::to_string(i), 0);
    // Still answering, and the newest name is tracked.
    for (int i = 0; i < 5; ++i)
        t.record_failure_unknown("last", 0);
    EXPECT_EQ(t.retry_after_unknown("last", 0), 60);
}

}  // namespace
}  // namespace procsentry::console::auth
