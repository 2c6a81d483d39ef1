// SPDX-License-Identifier: GPL-2.0
#include "alert/alert_serializer.hpp"

#include <gtest/gtest.h>

#include "alert/sample_event.hpp"
#include "format/json_writer.hpp"
#include "support/json.hpp"

namespace procsentry::alert {
namespace {

using procsentry::test::parse_json;

constexpr int64_t kTime = 1795839235'123456789;  // 2026-11-28T04:13:55.123456789Z

HostInfo host() { return {"web-1", "0123456789abcdef0123456789abcdef", "01234567-89ab-cdef-0123-456789abcdef"}; }

Alert rule_alert(rules::Event ev)
{
    Alert a;
    a.kind = Kind::rule;
    a.id = "ignored";
    a.time_ns = kTime;
    a.first_ns = a.last_ns = kTime;
    a.rule = "exec-from-tmp";
    a.type = ev.type;
    a.severity = rules::Severity::high;
    a.outcome = ev.outcome;
    a.summary = "the line";
    a.event = std::move(ev);
    return a;
}

std::string json_of(const Alert& a, const HostInfo& h = host())
{
    std::string out;
    AlertSerializer::append(a, h, "abcdef0123456789-7", a.summary, out);
    return out;
}

TEST(AlertSerializer, ExecAlertGolden)
{
    const std::string text = json_of(rule_alert(test::exec_event()));
    EXPECT_EQ(text.find('\n'), std::string::npos);
    EXPECT_EQ(text.rfind("{\"schema\":\"procsentry.alert/1\",\"id\":\"abcdef0123456789-7\",", 0), 0u) << text;
    const auto v = parse_json(text);
    EXPECT_EQ(v["time"].asString(), "2026-11-28T04:13:55.123456789Z");
    EXPECT_EQ(v["host"]["name"].asString(), "web-1");
    EXPECT_EQ(v["host"]["machine_id"].asString(), "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(v["host"]["boot_id"].asString(), "01234567-89ab-cdef-0123-456789abcdef");
    EXPECT_EQ(v["kind"].asString(), "rule");
    EXPECT_EQ(v["rule"]["name"].asString(), "exec-from-tmp");
    EXPECT_EQ(v["rule"]["type"].asString(), "bin-execution");
    EXPECT_EQ(v["severity"].asString(), "high");
    EXPECT_EQ(v["outcome"].asString(), "success");
    EXPECT_EQ(v["summary"].asString(), "the line");

    const auto& p = v["process"];
    EXPECT_EQ(p["pid"].asUInt(), 4242u);
    EXPECT_EQ(p["tid"].asUInt(), 4243u);
    EXPECT_EQ(p["ppid"].asUInt(), 4000u);
    EXPECT_EQ(p["exe"].asString(), "/tmp/x/evil");
    EXPECT_TRUE(p["exe_trusted"].asBool());
    EXPECT_EQ(p["filename"].asString(), "./evil");
    ASSERT_EQ(p["args"].size(), 3u);
    EXPECT_EQ(p["args"][2].asString(), "value");
    EXPECT_FALSE(p["args_truncated"].asBool());
    EXPECT_EQ(p["comm"].asString(), "evil");
    EXPECT_EQ(p["uid"].asUInt(), 1000u);
    EXPECT_EQ(p["user"].asString(), "alice");
    EXPECT_EQ(p["euid"].asUInt(), 1000u);
    EXPECT_EQ(p["euser"].asString(), "alice");
    EXPECT_EQ(p["gid"].asUInt(), 1000u);
    EXPECT_EQ(p["group"].asString(), "alice");
    EXPECT_EQ(p["loginuid"].asUInt(), 1000u);
    EXPECT_TRUE(p["container"].isNull());
    EXPECT_EQ(p["cgroup_id"].asUInt64(), 77u);
    EXPECT_EQ(p["start_ns"].asUInt64(), 4'999'000'000u);

    ASSERT_EQ(v["ancestry"].size(), 2u);
    EXPECT_EQ(v["ancestry"][0]["pid"].asUInt(), 4000u);
    EXPECT_EQ(v["ancestry"][0]["exe"].asString(), "/bin/bash");
    EXPECT_EQ(v["ancestry"][1]["user"].asString(), "root");
    EXPECT_EQ(v["ancestry"][1]["uid"].asUInt(), 0u);

    EXPECT_TRUE(v["credentials"]["before"].isNull());
    EXPECT_EQ(v["credentials"]["after"]["euid"].asUInt(), 1000u);
    EXPECT_EQ(v["credentials"]["after"]["cap_eff"].asString(), "0x0");
    EXPECT_EQ(v["call"]["name"].asString(), "execve");
    EXPECT_TRUE(v["call"]["errno"].isNull());
    EXPECT_TRUE(v["exit"].isNull());
    ASSERT_EQ(v["techniques"].size(), 1u);
    EXPECT_EQ(v["techniques"][0].asString(), "T1204.002");
    EXPECT_TRUE(v["reason"].isNull());
    EXPECT_EQ(v["exec_flags"][0].asString(), "interpreted");
    EXPECT_EQ(v["count"].asUInt64(), 1u);
    EXPECT_EQ(v["first_time"].asString(), v["time"].asString());
    EXPECT_EQ(v["last_time"].asString(), v["time"].asString());
    EXPECT_TRUE(v["first_id"].isNull());
    EXPECT_FALSE(v.isMember("sensor"));
    EXPECT_FALSE(v.isMember("suppressed"));
}

TEST(AlertSerializer, EscalationCredentialsAndErrno)
{
    auto ev = test::setuid_refused_event();
    ev.cred_after = test::user_creds(1000);
    ev.cred_after->cap_effective = 0x1ffffffffffull;
    ev.cred_after->cap_permitted = 0x80;
    ev.reason = "setuid towards root refused";
    const auto v = parse_json(json_of(rule_alert(ev)));
    EXPECT_EQ(v["rule"]["type"].asString(), "root-escalation");
    EXPECT_EQ(v["outcome"].asString(), "failure");
    EXPECT_EQ(v["credentials"]["before"]["uid"].asUInt(), 1000u);
    EXPECT_EQ(v["credentials"]["before"]["fsgid"].asUInt(), 1000u);
    EXPECT_EQ(v["credentials"]["after"]["cap_eff"].asString(), "0x1ffffffffff");
    EXPECT_EQ(v["credentials"]["after"]["cap_prm"].asString(), "0x80");
    EXPECT_EQ(v["call"]["name"].asString(), "setuid");
    ASSERT_EQ(v["call"]["args"].size(), 1u);
    EXPECT_EQ(v["call"]["args"][0].asUInt(), 0u);
    EXPECT_EQ(v["call"]["errno"].asString(), "EPERM");
    EXPECT_EQ(v["reason"].asString(), "setuid towards root refused");
    EXPECT_EQ(v["techniques"][0].asString(), "T1548");
}

TEST(AlertSerializer, TerminationExit)
{
    auto ev = test::crash_event();
    auto v = parse_json(json_of(rule_alert(ev)));
    EXPECT_EQ(v["rule"]["type"].asString(), "termination-failure");
    EXPECT_TRUE(v["exit"]["status"].isNull());
    EXPECT_EQ(v["exit"]["signal"].asString(), "SIGSEGV");
    EXPECT_EQ(v["exit"]["signal_number"].asUInt(), 11u);
    EXPECT_TRUE(v["exit"]["core_dumped"].asBool());
    EXPECT_TRUE(v["call"].isNull());

    ev.signal = 0;
    ev.core_dumped = false;
    ev.exit_status = 2;
    v = parse_json(json_of(rule_alert(ev)));
    EXPECT_EQ(v["exit"]["status"].asInt(), 2);
    EXPECT_TRUE(v["exit"]["signal"].isNull());
    EXPECT_TRUE(v["exit"]["signal_number"].isNull());
    EXPECT_FALSE(v["exit"]["core_dumped"].asBool());
}

TEST(AlertSerializer, UnknownsAreNullNotEmpty)
{
    auto ev = test::exec_event();
    ev.proc.exe.clear();
    ev.proc.filename.clear();
    ev.proc.user.clear();
    ev.proc.loginuid = 0xffffffffu;
    ev.proc.container_id = "3f2a9c0d1e4b";
    ev.ancestry = {{1, "", "init", 0, ""}};
    ev.call.clear();
    const auto v = parse_json(json_of(rule_alert(ev), HostInfo{"h", "", ""}));
    EXPECT_TRUE(v["process"]["exe"].isNull());
    EXPECT_TRUE(v["process"]["filename"].isNull());
    EXPECT_TRUE(v["process"]["user"].isNull());
    EXPECT_TRUE(v["process"]["loginuid"].isNull());
    EXPECT_EQ(v["process"]["container"].asString(), "3f2a9c0d1e4b");
    EXPECT_TRUE(v["ancestry"][0]["exe"].isNull());
    EXPECT_TRUE(v["ancestry"][0]["user"].isNull());
    EXPECT_TRUE(v["call"].isNull());
    EXPECT_TRUE(v["host"]["machine_id"].isNull());
    EXPECT_TRUE(v["host"]["boot_id"].isNull());
}

TEST(AlertSerializer, FoldedAlert)
{
    Alert a = rule_alert(test::exec_event());
    a.count = 41;
    a.first_ns = kTime;
    a.last_ns = kTime + 59'000'000'000;
    a.first_id = "abcdef0123456789-3";
    const auto v = parse_json(json_of(a));
    EXPECT_EQ(v["count"].asUInt64(), 41u);
    EXPECT_EQ(v["first_time"].asString(), "2026-11-28T04:13:55.123456789Z");
    EXPECT_EQ(v["last_time"].asString(), "2026-11-28T04:14:54.123456789Z");
    EXPECT_EQ(v["first_id"].asString(), "abcdef0123456789-3");
}

TEST(AlertSerializer, SummaryWithPerRuleBreakdown)
{
    Alert a;
    a.kind = Kind::summary;
    a.time_ns = kTime;
    a.severity = rules::Severity::critical;
    a.sensor_count = 1234;
    a.first_ns = kTime - 60'000'000'000;
    a.last_ns = kTime - 1;
    a.suppressed = {{"exec-from-tmp", rules::RuleType::bin_execution, 1000, rules::Severity::high},
                    {"setuid-root", rules::RuleType::root_escalation, 234, rules::Severity::critical}};
    const auto v = parse_json(json_of(a));
    EXPECT_EQ(v["kind"].asString(), "summary");
    EXPECT_EQ(v["severity"].asString(), "critical");
    EXPECT_EQ(v["suppressed"]["count"].asUInt64(), 1234u);
    EXPECT_EQ(v["suppressed"]["first_time"].asString(), "2026-11-28T04:12:55.123456789Z");
    EXPECT_EQ(v["suppressed"]["last_time"].asString(), "2026-11-28T04:13:55.123456788Z");
    ASSERT_EQ(v["suppressed"]["rules"].size(), 2u);
    EXPECT_EQ(v["suppressed"]["rules"][1]["name"].asString(), "setuid-root");
    EXPECT_EQ(v["suppressed"]["rules"][1]["type"].asString(), "root-escalation");
    EXPECT_EQ(v["suppressed"]["rules"][1]["count"].asUInt64(), 234u);
    EXPECT_EQ(v["suppressed"]["rules"][1]["max_severity"].asString(), "critical");
    EXPECT_FALSE(v.isMember("process"));
    EXPECT_FALSE(v.isMember("rule"));
}

TEST(AlertSerializer, HostileStringsGiveOneLineOfValidJson)
{
    auto ev = test::exec_event();
    const std::string nasty = std::string("a\"b\\c\nd\re\x1b[31m\x7f\xff\xfe\xc0\xaf\xed\xa0\x80 \xe2\x80\xae") +
                              std::string("\0z", 2);
    ev.proc.exe = "/tmp/" + nasty;
    ev.proc.filename = nasty;
    ev.proc.comm = nasty;
    ev.proc.user = nasty;
    ev.proc.container_id = nasty;
    ev.parent_exe = nasty;
    ev.reason = nasty;
    ev.techniques = {nasty};
    ev.ancestry[0].exe = nasty;
    ev.ancestry[0].comm = nasty;
    ev.proc.argv = {nasty, std::string(4096, 'x') + nasty, std::string(4096, '\n'), std::string(4096, '\xff')};
    ev.proc.argv_truncated = true;
    Alert a = rule_alert(ev);
    a.rule = nasty;
    a.summary = nasty;  // the factory never lets this through; the writer copes anyway
    const std::string text = json_of(a, HostInfo{nasty, nasty, nasty});

    EXPECT_EQ(text.find('\n'), std::string::npos);
    EXPECT_EQ(text.find('\r'), std::string::npos);
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
    EXPECT_EQ(text.find('\0'), std::string::npos);
    EXPECT_TRUE(format::is_valid_utf8(text));
    const auto v = parse_json(text);
    EXPECT_EQ(v["process"]["args"].size(), 4u);
    EXPECT_TRUE(v["process"]["args_truncated"].asBool());
    EXPECT_EQ(v["process"]["args"][2].asString(), std::string(4096, '\n'));
    // Valid parts come back byte for byte, invalid bytes as \xNN text.
    const std::string comm = v["process"]["comm"].asString();
    EXPECT_EQ(comm.substr(0, 14), "a\"b\\c\nd\re\x1b[31m");
    EXPECT_NE(comm.find("\\xff\\xfe\\xc0\\xaf\\xed\\xa0\\x80"), std::string::npos) << comm;
    EXPECT_EQ(v["host"]["name"].asString(), comm);
    EXPECT_EQ(v["rule"]["name"].asString(), comm);
}

}  // namespace
}  // namespace procsentry::alert
