// SPDX-License-Identifier: GPL-2.0
#include "app/state_store.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.hpp"

namespace procsentry::app {
namespace {

TEST(StateStore, FirstStartIsEnabledWithoutPreviousSession)
{
    test::TempDir d;
    StateStore s(d.path());
    std::string err;
    ASSERT_TRUE(s.load(err)) << err;
    EXPECT_TRUE(s.enabled());
    EXPECT_FALSE(s.previous().has_value());
}

TEST(StateStore, RoundTripKeepsEnabledAndSession)
{
    test::TempDir d;
    {
        StateStore s(d.path());
        std::string err;
        ASSERT_TRUE(s.load(err));
        s.set_enabled(false);
        s.current() = Session{"boot-a", 123456789, 42, false};
        ASSERT_TRUE(s.save(err, true)) << err;
    }
    StateStore s(d.path());
    std::string err;
    ASSERT_TRUE(s.load(err)) << err;
    EXPECT_FALSE(s.enabled());
    ASSERT_TRUE(s.previous().has_value());
    EXPECT_EQ(s.previous()->boot_id, "boot-a");
    EXPECT_EQ(s.previous()->last_ts_ns, 123456789u);
    EXPECT_FALSE(s.previous()->clean);
}

TEST(StateStore, CorruptFileIsReportedAndTreatedAsFirstStart)
{
    test::TempDir d;
    std::ofstream(d.file("state.json")) << "{not json";
    StateStore s(d.path());
    std::string err;
    EXPECT_FALSE(s.load(err));
    EXPECT_NE(err.find("state.json"), std::string::npos);
    EXPECT_TRUE(s.enabled());
    EXPECT_FALSE(s.previous().has_value());
}

TEST(StateStore, SaveFailsWithThePathWhenTheDirectoryIsMissing)
{
    StateStore s("/nonexistent/procsentry-state");
    std::string err;
    EXPECT_FALSE(s.save(err));
    EXPECT_NE(err.find("/nonexistent/procsentry-state"), std::string::npos);
}

}  // namespace
}  // namespace procsentry::app
