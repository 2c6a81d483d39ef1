// SPDX-License-Identifier: GPL-2.0
#include "app/cli_options.hpp"

#include <gtest/gtest.h>

namespace procsentry::console::app {
namespace {

std::optional<CliOptions> parse(std::vector<std::string> args, std::string* err = nullptr)
{
    std::string e;
    auto o = CliOptions::parse(args, e);
    if (err)
        *err = e;
    return o;
}

TEST(CliOptions, Serve)
{
    auto o = parse({});
    ASSERT_TRUE(o);
    EXPECT_EQ(o->command, CliOptions::Command::serve);
    EXPECT_EQ(o->config, "/etc/procsentry-console/console.json");
    o = parse({"--config", "/x.json", "--check-config"});
    ASSERT_TRUE(o);
    EXPECT_EQ(o->command, CliOptions::Command::check_config);
    EXPECT_EQ(o->config, "/x.json");
}

TEST(CliOptions, UserAdd)
{
    auto o = parse({"user", "add", "alice", "--role", "operator", "--generate-password"});
    ASSERT_TRUE(o);
    EXPECT_EQ(o->command, CliOptions::Command::user_add);
    EXPECT_EQ(o->name, "alice");
    EXPECT_EQ(o->role, "operator");
    EXPECT_TRUE(o->generate_password);
    std::string err;
    EXPECT_FALSE(parse({"user", "add", "alice"}, &err));
    EXPECT_NE(err.find("--role"), std::string::npos);
    EXPECT_FALSE(parse({"user", "add", "alice", "--role", "root"}));
}

TEST(CliOptions, EnrollmentTokenCreate)
{
    auto o = parse({"--config", "/c", "enrollment-token", "create", "fleet", "--max-uses", "10", "--expires-days", "7"});
    ASSERT_TRUE(o);
    EXPECT_EQ(o->command, CliOptions::Command::enrollment_token_create);
    EXPECT_EQ(o->name, "fleet");
    EXPECT_EQ(o->max_uses, 10);
    EXPECT_EQ(o->expires_days, 7);
    EXPECT_FALSE(parse({"enrollment-token", "create", "x", "--max-uses", "0"}));
    EXPECT_FALSE(parse({"enrollment-token", "create", "x", "--max-uses", "abc"}));
    EXPECT_FALSE(parse({"enrollment-token", "create", "x", "--role", "admin"}));
}

TEST(CliOptions, Mistakes)
{
    std::string err;
    EXPECT_FALSE(parse({"--bogus"}, &err));
    EXPECT_NE(err.find("--bogus"), std::string::npos);
    EXPECT_FALSE(parse({"--config"}));
    EXPECT_FALSE(parse({"frobnicate"}));
    EXPECT_FALSE(parse({"--check-config", "user", "add", "x", "--role", "admin"}));
    EXPECT_FALSE(parse({"--max-uses", "3"}));
}

}  // namespace
}  // namespace procsentry::console::app
