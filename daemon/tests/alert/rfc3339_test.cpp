// SPDX-License-Identifier: GPL-2.0
#include "alert/rfc3339.hpp"

#include <gtest/gtest.h>
#include <time.h>

#include <cstdint>
#include <limits>

namespace procsentry::alert {
namespace {

constexpr int64_t kSec = 1'000'000'000;

TEST(Rfc3339, EpochAndNanoseconds)
{
    EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00.000000000Z");
    EXPECT_EQ(rfc3339(1), "1970-01-01T00:00:00.000000001Z");
    EXPECT_EQ(rfc3339(999'999'999), "1970-01-01T00:00:00.999999999Z");
    EXPECT_EQ(rfc3339(kSec), "1970-01-01T00:00:01.000000000Z");
}

TEST(Rfc3339, BeforeEpochRoundsDown)
{
    EXPECT_EQ(rfc3339(-1), "1969-12-31T23:59:59.999999999Z");
    EXPECT_EQ(rfc3339(-kSec), "1969-12-31T23:59:59.000000000Z");
    EXPECT_EQ(rfc3339(-kSec - 1), "1969-12-31T23:59:58.999999999Z");
    EXPECT_EQ(rfc3339(-86400 * kSec), "1969-12-31T00:00:00.000000000Z");
}

TEST(Rfc3339, KnownDates)
{
    // date -u -d 2026-11-28T04:13:55 +%s = 1795839235
    EXPECT_EQ(rfc3339(1795839235 * kSec + 123456789), "2026-11-28T04:13:55.123456789Z");
    EXPECT_EQ(rfc3339(951782400 * kSec), "2000-02-29T00:00:00.000000000Z");   // leap century
    EXPECT_EQ(rfc3339(1709251199 * kSec), "2024-02-29T23:59:59.000000000Z");  // leap day end
    EXPECT_EQ(rfc3339(1709251200 * kSec), "2024-03-01T00:00:00.000000000Z");
    EXPECT_EQ(rfc3339(4107542400 * kSec), "2100-03-01T00:00:00.000000000Z");  // 2100 is not leap
}

TEST(Rfc3339, Int64Extremes)
{
    EXPECT_EQ(rfc3339(std::numeric_limits<int64_t>::max()), "2262-04-11T23:47:16.854775807Z");
    EXPECT_EQ(rfc3339(std::numeric_limits<int64_t>::min()), "1677-09-21T00:12:43.145224192Z");
}

TEST(Rfc3339, AgreesWithGmtime)
{
    // A spread of seconds over 1970..2200, each checked against libc.
    for (int64_t s = -2'000'000'000; s < 7'000'000'000; s += 7'777'777) {
        const time_t t = static_cast<time_t>(s);
        tm tm{};
        ASSERT_NE(gmtime_r(&t, &tm), nullptr);
        char buf[64];
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
        EXPECT_EQ(rfc3339(s * kSec + 42), std::string(buf) + ".000000042Z") << s;
    }
}

TEST(Rfc3339, AppendsToExistingText)
{
    std::string out = "t=";
    append_rfc3339(0, out);
    EXPECT_EQ(out, "t=1970-01-01T00:00:00.000000000Z");
}

}  // namespace
}  // namespace procsentry::alert
