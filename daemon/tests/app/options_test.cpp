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

TEST(Options, ReplayFollowKeepsTheFileAndFollows)
{
    auto r = parse_options({"--replay-follow", "f.bin"});
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(r.options.replay_follow);
    EXPECT_EQ(*r.options.replay, "f.bin");
    EXPECT_FALSE(r.options.seed_proc);
    r = parse_options({"--replay", "f.bin"});
    ASSERT_TRUE(r.ok);
    EXPECT_FALSE(r.options.replay_follow);
    r = parse_options({"--replay", "a", "--replay-follow", "b"});
    EXPECT_FALSE(r.ok);
}

TEST(Options, HostnameOverrideIsValidated)
{
    auto r = parse_options({"--hostname", "web-1.example_x"});
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(*r.options.hostname, "web-1.example_x");
    EXPECT_FALSE(parse_options({}).options.hostname);
    for (const char* bad : {"a b", "a\nb", "x;y", "\x7f"}) {
        r = parse_options({"--hostname", bad});
        EXPECT_FALSE(r.ok) << bad;
    }
    EXPECT_FALSE(parse_options({"--hostname", std::string(254, 'a')}).ok);
    EXPECT_TRUE(parse_options({"--hostname", std::string(253, 'a')}).ok);
    EXPECT_FALSE(parse_options({"--hostname"}).ok);
}

}  // namespace
}  // namespace procsentry::app
