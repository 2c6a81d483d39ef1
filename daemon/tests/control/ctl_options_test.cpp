// SPDX-License-Identifier: GPL-2.0
#include "control/ctl_options.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace procsentry::control {
namespace {

using Command = CtlOptions::Command;

CtlOptions parse(std::vector<std::string> args)
{
    return CtlOptions::parse(args);
}

TEST(CtlOptionsTest, EachCommandWithTheDefaultSocket)
{
    const std::pair<const char*, Command> cases[] = {
        {"status", Command::status}, {"stats", Command::stats},   {"enable", Command::enable},
        {"disable", Command::disable}, {"reload", Command::reload}, {"tail", Command::tail},
    };
    for (const auto& [name, cmd] : cases) {
        const CtlOptions o = parse({name});
        EXPECT_EQ(o.error, "") << name;
        EXPECT_EQ(o.command, cmd) << name;
        EXPECT_EQ(o.socket_path, "/run/procsentry/control.sock");
        EXPECT_EQ(CtlOptions::wire_name(cmd), name);
    }
}

TEST(CtlOptionsTest, SocketInBothSpellingsAndPlaces)
{
    EXPECT_EQ(parse({"--socket", "/tmp/s", "status"}).socket_path, "/tmp/s");
    EXPECT_EQ(parse({"--socket=/tmp/t", "status"}).socket_path, "/tmp/t");
    EXPECT_EQ(parse({"status", "--socket", "/tmp/u"}).socket_path, "/tmp/u");
}

TEST(CtlOptionsTest, JsonOnlyForStatusAndStats)
{
    EXPECT_TRUE(parse({"status", "--json"}).json);
    EXPECT_TRUE(parse({"--json", "stats"}).json);
    EXPECT_EQ(parse({"reload", "--json"}).error, "--json applies to status and stats only");
}

TEST(CtlOptionsTest, CheckConfigTakesExactlyOneFile)
{
    const CtlOptions o = parse({"check-config", "/etc/procsentry/procsentry.json"});
    EXPECT_EQ(o.error, "");
    EXPECT_EQ(o.command, Command::check_config);
    EXPECT_EQ(o.config_file, "/etc/procsentry/procsentry.json");
    EXPECT_EQ(CtlOptions::wire_name(Command::check_config), "");
    EXPECT_EQ(parse({"check-config"}).error, "check-config needs a FILE");
    EXPECT_EQ(parse({"check-config", "a", "b"}).error, "unexpected argument b after check-config");
    // A file whose name starts with a dash.
    EXPECT_EQ(parse({"check-config", "--", "-odd.json"}).config_file, "-odd.json");
}

TEST(CtlOptionsTest, UsageErrors)
{
    EXPECT_EQ(parse({}).error, "no command given");
    EXPECT_EQ(parse({"restart"}).error, "unknown command restart");
    EXPECT_EQ(parse({"status", "now"}).error, "unexpected argument now after status");
    EXPECT_EQ(parse({"--verbose", "status"}).error, "unknown option --verbose");
    EXPECT_EQ(parse({"status", "--socket"}).error, "--socket needs a path");
    EXPECT_EQ(parse({"--socket=", "status"}).error, "--socket needs a path");
}

TEST(CtlOptionsTest, HelpWinsOverEverythingElse)
{
    EXPECT_TRUE(parse({"--help"}).help);
    EXPECT_TRUE(parse({"bogus", "-h"}).help);
    EXPECT_NE(CtlOptions::usage().find("check-config FILE"), std::string::npos);
}

}  // namespace
}  // namespace procsentry::control
