// SPDX-License-Identifier: GPL-2.0
#include "app/options.hpp"

#include <gtest/gtest.h>

namespace procsentry::app {
namespace {

TEST(Options, DefaultsAreTheInstalledPaths)
{
    const auto r = parse_options({});
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.options.config, "/etc/procsentry/procsentry.json");
    EXPECT_EQ(r.options.socket, "/run/procsentry/control.sock");
    EXPECT_TRUE(r.options.seed_proc);
}

TEST(Options, ReplayTurnsOffProcSeedingUnlessAskedOtherwise)
{
    auto r = parse_options({"--replay", "f.bin"});
    ASSERT_TRUE(r.ok);
    EXPECT_FALSE(r.options.seed_proc);
    EXPECT_EQ(*r.options.replay, "f.bin");
}

TEST(Options, ErrorsNameTheArgument)
{
    auto r = parse_options({"--config"});
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error, "--config needs a value");
    r = parse_options({"--bogus"});
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error, "unknown argument '--bogus'");
    r = parse_options({"--state-dir", ""});
    EXPECT_FALSE(r.ok);
}

}  // namespace
}  // namespace procsentry::app
