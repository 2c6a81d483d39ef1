// SPDX-License-Identifier: GPL-2.0
#include "control/ctl_formatter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace procsentry::control {
namespace {

TEST(CtlFormatterTest, NestedKeysSortedAndIndented)
{
    Json::Value v;
    v["monitoring"] = true;
    v["events_per_second"] = 12.5;
    v["module"]["abi"] = 3;
    v["module"]["registered"] = true;
    v["drops"]["ring_full"] = Json::UInt64(18446744073709551615ull);
    v["drops"]["dedup"] = 0;
    v["config"]["file"] = "/etc/procsentry/procsentry.json";
    v["config"]["version"] = Json::Value::null;
    v["rules"] = Json::arrayValue;
    v["rules"].append("bin");
    v["rules"].append("suid");
    v["sinks"][0]["name"] = "file";
    v["sinks"][0]["healthy"] = false;
    v["sinks"][1]["name"] = "http";
    v["empty"] = Json::objectValue;
    EXPECT_EQ(CtlFormatter::tree(v),
              "config:\n"
              "  file: /etc/procsentry/procsentry.json\n"
              "  version: -\n"
              "drops:\n"
              "  dedup: 0\n"
              "  ring_full: 18446744073709551615\n"
              "empty: {}\n"
              "events_per_second: 12.5\n"
              "module:\n"
              "  abi: 3\n"
              "  registered: yes\n"
              "monitoring: yes\n"
              "rules: bin, suid\n"
              "sinks:\n"
              "  [0]:\n"
              "    healthy: no\n"
              "    name: file\n"
              "  [1]:\n"
              "    name: http\n");
}

TEST(CtlFormatterTest, ControlBytesCannotReachTheTerminal)
{
    EXPECT_EQ(CtlFormatter::printable("a\x1b[2Jb\n\x7f"), "a\\x1b[2Jb\\x0a\\x7f");
    Json::Value v;
    v["comm\x1b"] = "x\ry";
    EXPECT_EQ(CtlFormatter::tree(v), "comm\\x1b: x\\x0dy\n");
}

TEST(CtlFormatterTest, RepliesOkFailedAndUnreadable)
{
    auto r = CtlFormatter::parse_reply(R"({"ok":true,"message":"monitoring enabled"})");
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.message, "monitoring enabled");
    r = CtlFormatter::parse_reply(R"({"ok":false,"error":"permission denied: procsentryctl must run as root"})");
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error, "permission denied: procsentryctl must run as root");
    r = CtlFormatter::parse_reply(R"({"ok":false})");
    EXPECT_EQ(r.error, "procsentryd reported a failure without a reason");
    r = CtlFormatter::parse_reply("garbage\x1b");
    EXPECT_FALSE(r.parsed);
    EXPECT_EQ(r.error, "unreadable reply from procsentryd: garbage\\x1b");
}

TEST(CtlFormatterTest, DropNoticeIsOnlyTheDroppedKey)
{
    uint64_t n = 0;
    Json::Value v;
    v["dropped"] = 7;
    EXPECT_TRUE(CtlFormatter::is_drop_notice(v, n));
    EXPECT_EQ(n, 7u);
    v["id"] = "an alert that has a dropped field";
    EXPECT_FALSE(CtlFormatter::is_drop_notice(v, n));
}

}  // namespace
}  // namespace procsentry::control
