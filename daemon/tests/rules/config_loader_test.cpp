// SPDX-License-Identifier: GPL-2.0
#include "rules/config_loader.hpp"
#include "rules/glob_set.hpp"
#include "rules/path_match.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <string>

#include "support/temp_file.hpp"

using namespace procsentry::rules;
using namespace std::string_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

constexpr const char* kSink = R"({"name": "out", "type": "stdout"})";

// A valid document with the given rules (JSON array text) and sinks.
std::string doc(const std::string& rules = "[]", const std::string& sinks = std::string("[") + kSink + "]",
                const std::string& extra = "")
{
    return R"({"version": 1, )" + extra + R"("rules": )" + rules + R"(, "sinks": )" + sinks + "}";
}

std::string rule(const std::string& extra = "", const std::string& name = "r")
{
    return R"({"name": ")" + name + R"(", "type": "bin-execution", "severity": {"success": "high", "failure": "low"})" +
           extra + "}";
}

LoadResult load(const std::string& text, const std::string& name = "test.json")
{
    return ConfigLoader("/var/lib/ps").load_string(text, name);
}

// The one error a document should produce.
ConfigError only_error(const std::string& text)
{
    const auto r = load(text);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.errors.size(), 1u) << [&] {
        std::string s;
        for (const auto& e : r.errors)
            s += e.to_string() + "\n";
        return s;
    }();
    return r.errors.empty() ? ConfigError{} : r.errors.front();
}

void expect_error(const std::string& text, const std::string& key, const std::string& value,
                  const std::string& message_part)
{
    const ConfigError e = only_error(text);
    EXPECT_EQ(e.file, "test.json");
    EXPECT_EQ(e.key, key);
    EXPECT_EQ(e.value, value);
    EXPECT_THAT(e.message, HasSubstr(message_part));
}

}  // namespace

TEST(ConfigLoader, DefaultConfigurationLoads)
{
    const auto r = ConfigLoader().load_file(PROCSENTRY_SOURCE_DIR "/etc/procsentry.json");
    for (const auto& e : r.errors)
        ADD_FAILURE() << e.to_string();
    ASSERT_TRUE(r.ok);
    const Config& c = r.config;
    EXPECT_EQ(c.source, PROCSENTRY_SOURCE_DIR "/etc/procsentry.json");
    EXPECT_GE(c.rules.size(), 3u);
    bool types[3] = {};
    for (const auto& rule : c.rules)
        types[static_cast<int>(rule.type)] = true;
    EXPECT_TRUE(types[0] && types[1] && types[2]) << "every rule type has a default rule";
    ASSERT_EQ(c.sinks.size(), 2u);
    EXPECT_EQ(c.sinks[0].type, "file");
    EXPECT_EQ(c.sinks[0].file.path, "/var/log/procsentry/alerts.json");
    EXPECT_EQ(c.sinks[1].type, "syslog");
    EXPECT_EQ(c.sinks[1].syslog.address, "/dev/log");
    // No default skip may be a basename for root escalation: anyone can name a file "sudo".
    for (const auto& rule : c.rules) {
        if (rule.type != RuleType::root_escalation)
            continue;
        for (const auto& cmd : rule.skip.commands)
            EXPECT_EQ(cmd.front(), '/') << rule.name << ": " << cmd;
    }
}

TEST(ConfigLoader, DefaultsApplied)
{
    const auto r = load(doc("[" + rule() + "]", R"([{"name": "h", "type": "http", "http": {"url": "https://c.example:8443/in"}}])"));
    ASSERT_TRUE(r.ok) << r.errors.front().to_string();
    const Config& c = r.config;
    EXPECT_EQ(c.version, 1u);
    EXPECT_EQ(c.daemon.ancestry_depth, 8u);
    EXPECT_EQ(c.daemon.max_processes, 65536u);
    EXPECT_EQ(c.daemon.argv_max, 4096u);
    EXPECT_EQ(c.daemon.escalation_window_ms, 10000u);
    EXPECT_EQ(c.daemon.loss_severity, Severity::high);
    EXPECT_EQ(c.noise.fold_window_ms, 60000u);
    EXPECT_EQ(c.noise.max_alerts_per_minute, 600u);
    EXPECT_TRUE(c.skip.commands.empty() && c.skip.paths.empty() && c.skip.users.empty());
    ASSERT_EQ(c.rules.size(), 1u);
    EXPECT_TRUE(c.rules[0].enabled);
    EXPECT_EQ(c.rules[0].on_success, Severity::high);
    EXPECT_EQ(c.rules[0].on_failure, Severity::low);
    EXPECT_TRUE(c.rules[0].match.exe.empty());
    ASSERT_EQ(c.sinks.size(), 1u);
    const SinkSpec& s = c.sinks[0];
    EXPECT_EQ(s.min_severity, Severity::info);
    EXPECT_EQ(s.queue_max, 10000u);
    EXPECT_EQ(s.http.url, "https://c.example:8443/in");
    EXPECT_EQ(s.http.spool_dir, "/var/lib/ps/spool/h");
    EXPECT_EQ(s.http.batch_max, 200u);
    EXPECT_EQ(s.http.spool_max_bytes, 256ull << 20);
}

TEST(ConfigLoader, ReadsEveryField)
{
    const std::string text = R"({"version": 1,
      "daemon": {"ancestry_depth": 3, "max_processes": 2048, "argv_max": 0, "escalation_window_ms": 500,
                 "loss_severity": "none"},
      "skip": {"commands": ["nice", "/usr//bin/./ionice"], "paths": ["/opt/agent/", "/usr/lib/../libexec"],
               "users": ["nagios", "1000", "host$"]},
      "noise": {"fold_window_ms": 0, "max_alerts_per_minute": 0},
      "rules": [{"name": "a.b_c-1", "description": "why", "type": "termination-failure", "enabled": false,
                 "severity": {"success": "none", "failure": "critical"},
                 "match": {"exe": ["/tmp/**"], "users": ["root"], "parent_exe": ["/usr/sbin/*"]},
                 "skip": {"commands": ["sleep"], "paths": ["/srv"], "users": ["0"]}}],
      "sinks": [{"name": "f", "type": "file", "min_severity": "critical", "queue_max": 1,
                 "file": {"path": "/var/log//x.json", "max_bytes": 4096, "keep": 0}},
                {"name": "s", "type": "syslog", "syslog": {"transport": "tcp", "address": "[::1]:6514",
                 "facility": "local3"}},
                {"name": "h", "type": "http", "http": {"url": "http://10.0.0.1", "token_file": "/etc/t",
                 "batch_max": 1, "batch_ms": 0, "timeout_ms": 100, "retry_max_ms": 100,
                 "spool_dir": "/var/spool/x/", "spool_max_bytes": 1048576}}]})";
    const auto r = load(text);
    ASSERT_TRUE(r.ok) << r.errors.front().to_string();
    const Config& c = r.config;
    EXPECT_EQ(c.daemon.ancestry_depth, 3u);
    EXPECT_EQ(c.daemon.max_processes, 2048u);
    EXPECT_EQ(c.daemon.argv_max, 0u);
    EXPECT_EQ(c.daemon.escalation_window_ms, 500u);
    EXPECT_EQ(c.daemon.loss_severity, Severity::none);
    EXPECT_THAT(c.skip.commands, ElementsAre("nice", "/usr/bin/ionice"));
    EXPECT_THAT(c.skip.paths, ElementsAre("/opt/agent", "/usr/libexec"));
    EXPECT_THAT(c.skip.users, ElementsAre("nagios", "1000", "host$"));
    EXPECT_EQ(c.noise.fold_window_ms, 0u);
    EXPECT_EQ(c.noise.max_alerts_per_minute, 0u);
    const Rule& rl = c.rules.at(0);
    EXPECT_EQ(rl.name, "a.b_c-1");
    EXPECT_EQ(rl.description, "why");
    EXPECT_EQ(rl.type, RuleType::termination_failure);
    EXPECT_FALSE(rl.enabled);
    EXPECT_EQ(rl.on_success, Severity::none);
    EXPECT_EQ(rl.on_failure, Severity::critical);
    EXPECT_THAT(rl.match.exe, ElementsAre("/tmp/**"));
    EXPECT_THAT(rl.match.users, ElementsAre("root"));
    EXPECT_THAT(rl.match.parent_exe, ElementsAre("/usr/sbin/*"));
    EXPECT_THAT(rl.skip.commands, ElementsAre("sleep"));
    EXPECT_THAT(rl.skip.paths, ElementsAre("/srv"));
    EXPECT_THAT(rl.skip.users, ElementsAre("0"));
    ASSERT_EQ(c.sinks.size(), 3u);
    EXPECT_EQ(c.sinks[0].min_severity, Severity::critical);
    EXPECT_EQ(c.sinks[0].queue_max, 1u);
    EXPECT_EQ(c.sinks[0].file.path, "/var/log/x.json");
    EXPECT_EQ(c.sinks[0].file.max_bytes, 4096u);
    EXPECT_EQ(c.sinks[0].file.keep, 0u);
    EXPECT_EQ(c.sinks[1].syslog.transport, "tcp");
    EXPECT_EQ(c.sinks[1].syslog.address, "[::1]:6514");
    EXPECT_EQ(c.sinks[1].syslog.facility, "local3");
    EXPECT_EQ(c.sinks[2].http.url, "http://10.0.0.1");
    EXPECT_EQ(c.sinks[2].http.token_file, "/etc/t");
    EXPECT_EQ(c.sinks[2].http.spool_dir, "/var/spool/x");
    EXPECT_EQ(c.sinks[2].http.spool_max_bytes, 1048576u);
}

TEST(ConfigLoader, ParseErrors)
{
    for (const std::string& text :
         {""s, "{"s, "[]"s, "1"s, R"({"version": 1,})"s, "{\"version\": 1} // c"s, "/* c */ {\"version\": 1}"s,
          "{\"version\": 1} {}"s, "{'version': 1}"s, "{\"version\": NaN}"s, "\xEF\xBB\xBF{\"version\": 1}"s}) {
        const auto r = load(text);
        EXPECT_FALSE(r.ok) << text;
        ASSERT_FALSE(r.errors.empty()) << text;
        EXPECT_EQ(r.errors[0].file, "test.json");
    }
    const ConfigError e = only_error("{\n  \"version\": 1\n  \"rules\": []}");
    EXPECT_EQ(e.key, "");
    EXPECT_THAT(e.message, HasSubstr("invalid JSON: Line 3, Column 3"));
    EXPECT_EQ(e.to_string().rfind("test.json: invalid JSON: Line 3", 0), 0u) << e.to_string();
}

TEST(ConfigLoader, TopLevelMustBeAnObject)
{
    expect_error("[1, 2]", "", "[1,2]", "must be an object");
}

TEST(ConfigLoader, DuplicateKeysRejected)
{
    const ConfigError e = only_error(R"({"version": 1, "version": 1, "rules": [], "sinks": []})");
    EXPECT_THAT(e.message, HasSubstr("Duplicate key"));
    EXPECT_THAT(only_error(doc("[" + rule(R"(, "enabled": true, "enabled": false)") + "]")).message,
                HasSubstr("Duplicate key"));
}

TEST(ConfigLoader, DeepNestingRefusedWithoutCrashing)
{
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    const auto r = load(R"({"version": 1, "x": )" + deep + "}");
    EXPECT_FALSE(r.ok);
    ASSERT_FALSE(r.errors.empty());
    EXPECT_THAT(r.errors[0].message, HasSubstr("invalid JSON"));
}

TEST(ConfigLoader, SizeBounded)
{
    const std::string padding(ConfigLoader::kMaxBytes, ' ');
    const ConfigError e = only_error(doc() + padding);
    EXPECT_THAT(e.message, HasSubstr("larger than 1048576 bytes"));
    // Just below the bound is fine.
    const std::string ok = doc();
    EXPECT_TRUE(load(ok + std::string(ConfigLoader::kMaxBytes - ok.size(), ' ')).ok);
}

TEST(ConfigLoader, UnknownKeysAtEveryLevel)
{
    expect_error(doc("[]", std::string("[") + kSink + "]", R"("verison": 1, )"), "verison", "1", "unknown key");
    expect_error(doc("[]", std::string("[") + kSink + "]", R"("daemon": {"depth": 2}, )"), "daemon.depth", "2",
                 "unknown key (known here: ancestry_depth,");
    expect_error(doc("[]", std::string("[") + kSink + "]", R"("skip": {"command": []}, )"), "skip.command", "[]",
                 "unknown key");
    expect_error(doc("[]", std::string("[") + kSink + "]", R"("noise": {"x": null}, )"), "noise.x", "null",
                 "unknown key");
    expect_error(doc("[" + rule(R"(, "sevrity": 1)") + "]"), "rules[0].sevrity", "1", "unknown key");
    expect_error(doc(R"([{"name": "r", "type": "bin-execution", "severity": {"success": "low", "failure": "low", "x": 1}}])"),
                 "rules[0].severity.x", "1", "unknown key");
    expect_error(doc("[" + rule(R"(, "match": {"path": []})") + "]"), "rules[0].match.path", "[]", "unknown key");
    expect_error(doc("[" + rule(R"(, "skip": {"exe": []})") + "]"), "rules[0].skip.exe", "[]", "unknown key");
    expect_error(doc("[]", R"([{"name": "o", "type": "stdout", "colour": true}])"), "sinks[0].colour", "true",
                 "unknown key");
    expect_error(doc("[]", R"([{"name": "f", "type": "file", "file": {"path": "/x", "rotate": 1}}])"),
                 "sinks[0].file.rotate", "1", "unknown key");
    expect_error(doc("[]", R"([{"name": "s", "type": "syslog", "syslog": {"port": 1}}])"), "sinks[0].syslog.port",
                 "1", "unknown key");
    expect_error(doc("[]", R"([{"name": "h", "type": "http", "http": {"url": "http://a", "proxy": ""}}])"),
                 "sinks[0].http.proxy", "\"\"", "unknown key");
}

TEST(ConfigLoader, UnknownKeyNamesAreEscapedAndQuotedWhenAmbiguous)
{
    const auto e = only_error(doc("[]", std::string("[") + kSink + "]", R"("a.b\u0001": 1, )"));
    EXPECT_EQ(e.key, R"("a.b\u0001")");
}

TEST(ConfigLoader, WrongTypes)
{
    const std::string sinks = std::string("[") + kSink + "]";
    expect_error(R"({"version": "1", "rules": [], "sinks": )" + sinks + "}", "version", "\"1\"", "must be an integer");
    expect_error(doc("[]", sinks, R"("daemon": {"ancestry_depth": "8"}, )"), "daemon.ancestry_depth", "\"8\"",
                 "must be an integer");
    expect_error(doc("[]", sinks, R"("daemon": {"ancestry_depth": 8.0}, )"), "daemon.ancestry_depth", "8.0",
                 "must be an integer");
    expect_error(doc("[]", sinks, R"("daemon": {"ancestry_depth": null}, )"), "daemon.ancestry_depth", "null",
                 "must be an integer");
    expect_error(doc("[]", sinks, R"("daemon": [], )"), "daemon", "[]", "must be an object");
    expect_error(doc("[" + rule(R"(, "enabled": "yes")") + "]"), "rules[0].enabled", "\"yes\"", "true or false");
    expect_error(doc("{}"), "rules", "{}", "must be an array");
    expect_error(doc("[1]"), "rules[0]", "1", "must be an object");
    expect_error(doc("[]", "{}"), "sinks", "{}", "must be an array");
    expect_error(doc("[" + rule(R"(, "match": {"exe": "/tmp/*"})") + "]"), "rules[0].match.exe", "\"/tmp/*\"",
                 "must be an array of strings");
    expect_error(doc("[" + rule(R"(, "match": {"exe": ["/tmp/*", 7]})") + "]"), "rules[0].match.exe[1]", "7",
                 "must be a string");
    expect_error(doc(R"([{"name": "r", "type": "bin-execution", "severity": "high"}])"), "rules[0].severity",
                 "\"high\"", "must be an object");
    expect_error(doc("[]", R"([{"name": 5, "type": "stdout"}])"), "sinks[0].name", "5", "must be a string");
}

TEST(ConfigLoader, OutOfRangeNumbers)
{
    const std::string sinks = std::string("[") + kSink + "]";
    expect_error(doc("[]", sinks, R"("daemon": {"ancestry_depth": 0}, )"), "daemon.ancestry_depth", "0",
                 "out of range: between 1 and 64");
    expect_error(doc("[]", sinks, R"("daemon": {"ancestry_depth": 65}, )"), "daemon.ancestry_depth", "65",
                 "between 1 and 64");
    expect_error(doc("[]", sinks, R"("daemon": {"argv_max": 16385}, )"), "daemon.argv_max", "16385",
                 "between 0 and 16384");
    expect_error(doc("[]", sinks, R"("daemon": {"max_processes": -1}, )"), "daemon.max_processes", "-1",
                 "out of range");
    expect_error(doc("[]", sinks, R"("noise": {"fold_window_ms": 4294967296}, )"), "noise.fold_window_ms",
                 "4294967296", "out of range");
    // Beyond 64 bits jsoncpp falls back to a double: refused as not an integer.
    expect_error(doc("[]", sinks, R"("noise": {"fold_window_ms": 18446744073709551616}, )"),
                 "noise.fold_window_ms", "1.8446744073709552e+19", "must be an integer");
    expect_error(doc("[]", R"([{"name": "o", "type": "stdout", "queue_max": 0}])"), "sinks[0].queue_max", "0",
                 "between 1 and 1000000");
    expect_error(doc("[]", R"([{"name": "f", "type": "file", "file": {"path": "/x", "keep": 101}}])"),
                 "sinks[0].file.keep", "101", "between 0 and 100");
}

TEST(ConfigLoader, Version)
{
    const std::string sinks = std::string("[") + kSink + "]";
    expect_error(R"({"version": 2, "rules": [], "sinks": )" + sinks + "}", "version", "2",
                 "unsupported version: this procsentryd reads version 1");
    expect_error(R"({"rules": [], "sinks": )" + sinks + "}", "version", "", "missing (required)");
}

TEST(ConfigLoader, Names)
{
    expect_error(doc("[" + rule("", "") + "]"), "rules[0].name", "\"\"", "must not be empty");
    expect_error(doc("[" + rule("", "has space") + "]"), "rules[0].name", "\"has space\"", "only letters");
    expect_error(doc("[" + rule("", "-x") + "]"), "rules[0].name", "\"-x\"", "must start with");
    expect_error(doc("[" + rule("", std::string(65, 'a')) + "]"), "rules[0].name", "\"" + std::string(65, 'a') + "\"",
                 "longer than 64");
    expect_error(doc(R"([{"type": "bin-execution", "severity": {"success": "low", "failure": "low"}}])"),
                 "rules[0].name", "", "missing");
    expect_error(doc("[]", R"([{"name": "", "type": "stdout"}])"), "sinks[0].name", "\"\"", "must not be empty");
}

TEST(ConfigLoader, DuplicateNames)
{
    expect_error(doc("[" + rule("", "a") + "," + rule("", "b") + "," + rule("", "a") + "]"), "rules[2].name",
                 "\"a\"", "duplicate rule name");
    expect_error(doc("[]", std::string("[") + kSink + "," + kSink + "]"), "sinks[1].name", "\"out\"",
                 "duplicate sink name");
    // A rule and a sink may share a name: they live in different name spaces.
    EXPECT_TRUE(load(doc("[" + rule("", "out") + "]")).ok);
}

TEST(ConfigLoader, RuleTypeAndSeverity)
{
    expect_error(doc(R"([{"name": "r", "type": "bin_execution", "severity": {"success": "low", "failure": "low"}}])"),
                 "rules[0].type", "\"bin_execution\"", "unknown rule type (one of bin-execution, root-escalation,");
    expect_error(doc(R"([{"name": "r", "severity": {"success": "low", "failure": "low"}}])"), "rules[0].type", "",
                 "missing");
    expect_error(doc(R"([{"name": "r", "type": "root-escalation", "severity": {"success": "low", "failure": "severe"}}])"),
                 "rules[0].severity.failure", "\"severe\"",
                 "unknown severity (one of none, info, low, medium, high, critical)");
    expect_error(doc(R"([{"name": "r", "type": "root-escalation", "severity": {"success": "High", "failure": "low"}}])"),
                 "rules[0].severity.success", "\"High\"", "unknown severity");
    expect_error(doc(R"([{"name": "r", "type": "root-escalation", "severity": {"success": "low"}}])"),
                 "rules[0].severity.failure", "", "missing");
    expect_error(doc(R"([{"name": "r", "type": "root-escalation"}])"), "rules[0].severity", "", "missing");
    expect_error(doc("[]", R"([{"name": "o", "type": "stdout", "min_severity": "none"}])"), "sinks[0].min_severity",
                 "\"none\"", "unknown severity (one of info, low,");
}

TEST(ConfigLoader, SkipListsValidatedAndNormalised)
{
    const std::string sinks = std::string("[") + kSink + "]";
    expect_error(doc("[]", sinks, R"("skip": {"paths": ["usr/bin"]}, )"), "skip.paths[0]", "\"usr/bin\"",
                 "must be an absolute path");
    expect_error(doc("[]", sinks, R"("skip": {"paths": ["/usr/.."]}, )"), "skip.paths[0]", "\"/usr/..\"",
                 "would skip every executable");
    expect_error(doc("[]", sinks, R"("skip": {"paths": [""]}, )"), "skip.paths[0]", "\"\"", "must not be empty");
    expect_error(doc("[]", sinks, R"("skip": {"commands": ["bin/nice"]}, )"), "skip.commands[0]", "\"bin/nice\"",
                 "plain basename");
    expect_error(doc("[]", sinks, R"("skip": {"commands": [".."]}, )"), "skip.commands[0]", "\"..\"",
                 "not a command");
    expect_error(doc("[]", sinks, R"("skip": {"commands": ["//"]}, )"), "skip.commands[0]", "\"//\"",
                 "not a command");
    expect_error(doc("[]", sinks, R"("skip": {"users": ["bad user"]}, )"), "skip.users[0]", "\"bad user\"",
                 "not a user name");
    expect_error(doc("[]", sinks, R"("skip": {"users": ["4294967295"]}, )"), "skip.users[0]", "\"4294967295\"",
                 "uid out of range");
    expect_error(doc("[" + rule(R"(, "skip": {"paths": ["./x"]})") + "]"), "rules[0].skip.paths[0]", "\"./x\"",
                 "absolute");
    const auto r = load(doc("[" + rule(R"(, "skip": {"paths": ["//opt//x/./y/../"], "commands": ["/usr/bin/../sbin/x"]})") +
                            "]", sinks, R"("skip": {"paths": ["/usr/bin/../../tmp/"]}, )"));
    ASSERT_TRUE(r.ok);
    EXPECT_THAT(r.config.skip.paths, ElementsAre("/tmp"));
    EXPECT_THAT(r.config.rules[0].skip.paths, ElementsAre("/opt/x"));
    EXPECT_THAT(r.config.rules[0].skip.commands, ElementsAre("/usr/sbin/x"));
}

TEST(ConfigLoader, NulBytesNeverReachASkip)
{
    const std::string sinks = std::string("[") + kSink + "]";
    expect_error(doc("[]", sinks, R"("skip": {"paths": ["/usr/bin\u0000/../../tmp"]}, )"), "skip.paths[0]",
                 R"("/usr/bin\u0000/../../tmp")", "NUL byte");
    expect_error(doc("[]", sinks, R"("skip": {"commands": ["nice\u0000"]}, )"), "skip.commands[0]",
                 R"("nice\u0000")", "NUL byte");
}

TEST(ConfigLoader, Globs)
{
    expect_error(doc("[" + rule(R"(, "match": {"exe": ["tmp/*"]})") + "]"), "rules[0].match.exe[0]", "\"tmp/*\"",
                 "absolute pattern");
    expect_error(doc("[" + rule(R"(, "match": {"parent_exe": ["/usr//sbin/nginx"]})") + "]"),
                 "rules[0].match.parent_exe[0]", "\"/usr//sbin/nginx\"", "did you mean \"/usr/sbin/nginx\"");
    expect_error(doc("[" + rule(R"(, "match": {"exe": ["/tmp/"]})") + "]"), "rules[0].match.exe[0]", "\"/tmp/\"",
                 "normal form");
    expect_error(doc("[" + rule(R"(, "match": {"exe": ["/tmp/**/x"]})") + "]"), "rules[0].match.exe[0]",
                 "\"/tmp/**/x\"", "final \"/**\"");
    expect_error(doc("[" + rule(R"(, "match": {"exe": ["/tmp**"]})") + "]"), "rules[0].match.exe[0]", "\"/tmp**\"",
                 "final \"/**\"");
    expect_error(doc("[" + rule(R"(, "match": {"users": [""]})") + "]"), "rules[0].match.users[0]", "\"\"",
                 "must not be empty");
}

TEST(ConfigLoader, FileSink)
{
    expect_error(doc("[]", R"([{"name": "f", "type": "file"}])"), "sinks[0].file", "", "missing");
    expect_error(doc("[]", R"([{"name": "f", "type": "file", "file": {}}])"), "sinks[0].file.path", "", "missing");
    expect_error(doc("[]", R"([{"name": "f", "type": "file", "file": {"path": "alerts.json"}}])"),
                 "sinks[0].file.path", "\"alerts.json\"", "must be an absolute path");
    expect_error(doc("[]", R"([{"name": "f", "type": "file", "file": {"path": "/"}}])"), "sinks[0].file.path",
                 "\"/\"", "not \"/\"");
    expect_error(doc("[]", R"([{"name": "f", "type": "file", "file": {"path": "/x"}, "http": {}}])"),
                 "sinks[0].http", "{}", "settings for a http sink, but this sink's type is file");
    expect_error(doc("[]", R"([{"name": "f", "type": "pipe"}])"), "sinks[0].type", "\"pipe\"",
                 "unknown sink type (one of stdout, file, syslog, http)");
    // No sink is allowed: alerts still reach `procsentryctl tail`.
    EXPECT_TRUE(load(doc("[]", "[]")).ok);
}

TEST(ConfigLoader, SyslogSink)
{
    const auto sl = [](const std::string& body) {
        return doc("[]", R"([{"name": "s", "type": "syslog", "syslog": )" + body + "}]");
    };
    const auto r = load(doc("[]", R"([{"name": "s", "type": "syslog"}])"));
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.config.sinks[0].syslog.transport, "unix");
    EXPECT_EQ(r.config.sinks[0].syslog.address, "/dev/log");
    EXPECT_EQ(r.config.sinks[0].syslog.facility, "authpriv");
    EXPECT_EQ(r.config.sinks[0].syslog.format, "rfc3164");
    EXPECT_EQ(load(sl(R"({"transport": "tcp", "address": "logs.example:6514"})")).config.sinks[0].syslog.format,
              "rfc5424");
    EXPECT_EQ(load(sl(R"({"format": "rfc5424"})")).config.sinks[0].syslog.format, "rfc5424");
    expect_error(sl(R"({"format": "json"})"), "sinks[0].syslog.format", "\"json\"", "rfc3164 or rfc5424");
    expect_error(sl(R"({"transport": "udp"})"), "sinks[0].syslog.transport", "\"udp\"", "unix or tcp");
    expect_error(sl(R"({"transport": "tcp"})"), "sinks[0].syslog.address", "", "missing");
    expect_error(sl(R"({"address": "localhost:514"})"), "sinks[0].syslog.address", "\"localhost:514\"",
                 "socket path such as /dev/log");
    expect_error(sl(R"({"transport": "tcp", "address": "/dev/log"})"), "sinks[0].syslog.address", "\"/dev/log\"",
                 "not a valid host name");
    expect_error(sl(R"({"transport": "tcp", "address": "logs.example"})"), "sinks[0].syslog.address",
                 "\"logs.example\"", "a port is needed");
    expect_error(sl(R"({"transport": "tcp", "address": "logs.example:0"})"), "sinks[0].syslog.address",
                 "\"logs.example:0\"", "1 to 65535");
    expect_error(sl(R"({"transport": "tcp", "address": "logs.example:65536"})"), "sinks[0].syslog.address",
                 "\"logs.example:65536\"", "1 to 65535");
    expect_error(sl(R"({"transport": "tcp", "address": "300.1.1.1:514"})"), "sinks[0].syslog.address",
                 "\"300.1.1.1:514\"", "not an IPv4 address");
    expect_error(sl(R"({"transport": "tcp", "address": "[::g]:514"})"), "sinks[0].syslog.address",
                 "\"[::g]:514\"", "not an IPv6 address");
    expect_error(sl(R"({"transport": "tcp", "address": "-bad.example:514"})"), "sinks[0].syslog.address",
                 "\"-bad.example:514\"", "not a valid host name");
    expect_error(sl(R"({"facility": "security"})"), "sinks[0].syslog.facility", "\"security\"", "unknown facility");
    for (const char* ok : {"logs.example:514", "10.1.2.3:6514", "[2001:db8::1]:514", "a-b.c.example:1"})
        EXPECT_TRUE(load(sl(R"({"transport": "tcp", "address": ")" + std::string(ok) + "\"}")).ok) << ok;
}

TEST(ConfigLoader, HttpSink)
{
    const auto h = [](const std::string& body) {
        return doc("[]", R"([{"name": "h", "type": "http", "http": )" + body + "}]");
    };
    expect_error(doc("[]", R"([{"name": "h", "type": "http"}])"), "sinks[0].http", "", "missing");
    expect_error(h("{}"), "sinks[0].http.url", "", "missing");
    expect_error(h(R"({"url": "ftp://x"})"), "sinks[0].http.url", "\"ftp://x\"", "http:// or https://");
    expect_error(h(R"({"url": "https://"})"), "sinks[0].http.url", "\"https://\"", "the host is empty");
    expect_error(h(R"({"url": "https://user:pw@x/"})"), "sinks[0].http.url", "\"https://user:pw@x/\"",
                 "user info");
    expect_error(h(R"({"url": "https://x:99999/"})"), "sinks[0].http.url", "\"https://x:99999/\"", "1 to 65535");
    expect_error(h(R"({"url": "https://x/a b"})"), "sinks[0].http.url", "\"https://x/a b\"", "printable ASCII");
    expect_error(h(R"({"url": "https://x/#f"})"), "sinks[0].http.url", "\"https://x/#f\"", "fragment");
    expect_error(h(R"({"url": "http://x", "ca_file": "/etc/ca.pem"})"), "sinks[0].http.ca_file",
                 "\"/etc/ca.pem\"", "needs an https:// url");
    expect_error(h(R"({"url": "https://x", "token_file": "token"})"), "sinks[0].http.token_file", "\"token\"",
                 "absolute");
    expect_error(h(R"({"url": "https://x", "spool_max_bytes": 1})"), "sinks[0].http.spool_max_bytes", "1",
                 "out of range");
    for (const char* ok : {"https://x", "http://x:80", "https://[::1]:8443/a/b?c=d", "https://c.example/api/v1/alerts"})
        EXPECT_TRUE(load(h(R"({"url": ")" + std::string(ok) + "\"}")).ok) << ok;
}

TEST(ConfigLoader, CollectsEveryError)
{
    const auto r = load(R"({"version": 3, "daemon": {"ancestry_depth": 0, "argv_max": "x"},
        "rules": [{"name": "a", "type": "nope", "severity": {"success": "low", "failure": "worse"}},
                  {"name": "a", "type": "bin-execution", "severity": {"success": "low", "failure": "low"}}],
        "sinks": [{"name": "f", "type": "file", "file": {"path": "rel"}}], "extra": 1})");
    EXPECT_FALSE(r.ok);
    std::vector<std::string> keys;
    for (const auto& e : r.errors)
        keys.push_back(e.key);
    EXPECT_THAT(keys, ::testing::UnorderedElementsAre("extra", "version", "daemon.ancestry_depth", "daemon.argv_max",
                                                      "rules[0].type", "rules[0].severity.failure", "rules[1].name",
                                                      "sinks[0].file.path"));
    // A failed load hands out no half-read configuration.
    EXPECT_TRUE(r.config.rules.empty());
    EXPECT_TRUE(r.config.sinks.empty());
}

TEST(ConfigLoader, ErrorCountBounded)
{
    std::string list;
    for (int i = 0; i < 500; i++)
        list += std::string(i ? "," : "") + "\"rel\"";
    const auto r = load(doc("[]", std::string("[") + kSink + "]", R"("skip": {"paths": [)" + list + "]}, "));
    ASSERT_EQ(r.errors.size(), 101u);
    EXPECT_EQ(r.errors[99].key, "skip.paths[99]");
    EXPECT_EQ(r.errors[100].message, "400 more errors not shown");
}

TEST(ConfigLoader, ErrorTextNamesFileKeyAndEscapedBoundedValue)
{
    const auto e = only_error(doc("[]", std::string("[") + kSink + "]", R"("skip": {"users": ["\u001b[31mred\n"]}, )"));
    EXPECT_EQ(e.to_string(), R"(test.json: skip.users[0]: not a user name or uid (got "\u001b[31mred\u000a"))");
    const std::string big(5000, 'x');
    const auto b = only_error(doc("[]", std::string("[") + kSink + "]", R"("skip": {"paths": [")" + big + "\"]}, "));
    EXPECT_LE(b.value.size(), 100u);
    EXPECT_EQ(b.value, "\"" + std::string(93, 'x') + "...\"");
    // Invalid UTF-8 and cut multi-byte characters never reach the message.
    const auto u = only_error(doc("[]", std::string("[") + kSink + "]", "\"skip\": {\"users\": [\"\xff\xfe\"]}, "));
    EXPECT_EQ(u.value, R"("\\xff\\xfe")");
    std::string euros;
    for (int i = 0; i < 100; i++)
        euros += "\xe2\x82\xac";
    const auto m = only_error(doc("[]", std::string("[") + kSink + "]", R"("skip": {"paths": [")" + euros + "\"]}, "));
    EXPECT_EQ(m.value, "\"" + euros.substr(0, 93) + "...\"");
    std::string ones = "1";
    for (int i = 0; i < 100; i++)
        ones += ",1";
    const auto o = only_error(doc("[]", std::string("[") + kSink + "]", R"("daemon": {"argv_max": [)" + ones + "]}, "));
    EXPECT_LE(o.value.size(), 96u);
    EXPECT_EQ(o.value.substr(o.value.size() - 3), "...");
}

TEST(ConfigLoader, LoadFileErrors)
{
    const ConfigLoader loader;
    const auto missing = loader.load_file("/nonexistent/procsentry.json");
    ASSERT_EQ(missing.errors.size(), 1u);
    EXPECT_EQ(missing.errors[0].to_string(), "/nonexistent/procsentry.json: cannot open: No such file or directory");
    const auto dir = loader.load_file("/tmp");
    ASSERT_EQ(dir.errors.size(), 1u);
    EXPECT_EQ(dir.errors[0].message, "not a regular file");

    procsentry::test::TempFile f;
    const std::string text = doc();
    f.write(std::vector<uint8_t>(text.begin(), text.end()));
    EXPECT_TRUE(loader.load_file(f.path()).ok);
    ASSERT_EQ(::chmod(f.path().c_str(), 0666), 0);
    const auto ww = loader.load_file(f.path());
    ASSERT_EQ(ww.errors.size(), 1u);
    EXPECT_EQ(ww.errors[0].message, "writable by every user (mode 0666); chmod o-w it");
    ASSERT_EQ(::chmod(f.path().c_str(), 0600), 0);
    // Attack: a rules file a user owns (mode 0644 or not) or can write
    // through a group is theirs to edit: they would skip their own tools.
    if (::geteuid() == 0) {
        ASSERT_EQ(::chmod(f.path().c_str(), 0644), 0);
        ASSERT_EQ(::chown(f.path().c_str(), 1000, 0), 0);
        const auto owned = loader.load_file(f.path());
        ASSERT_EQ(owned.errors.size(), 1u);
        EXPECT_EQ(owned.errors[0].message, "owned by uid 1000, not root; chown root it");
        ASSERT_EQ(::chown(f.path().c_str(), 0, 1000), 0);
        ASSERT_EQ(::chmod(f.path().c_str(), 0664), 0);
        const auto grp = loader.load_file(f.path());
        ASSERT_EQ(grp.errors.size(), 1u);
        EXPECT_EQ(grp.errors[0].message, "writable by group 1000; chmod g-w it");
        ASSERT_EQ(::chmod(f.path().c_str(), 0644), 0);
        EXPECT_TRUE(loader.load_file(f.path()).ok) << "root's file, read-only for the group";
        ASSERT_EQ(::chmod(f.path().c_str(), 0600), 0);
    }
    f.write(std::vector<uint8_t>(ConfigLoader::kMaxBytes + 1, ' '));
    const auto big = loader.load_file(f.path());
    ASSERT_EQ(big.errors.size(), 1u);
    EXPECT_THAT(big.errors[0].message, HasSubstr("larger than 1048576 bytes (1048577)"));
    f.write({'{'});
    const auto bad = loader.load_file(f.path());
    ASSERT_EQ(bad.errors.size(), 1u);
    EXPECT_EQ(bad.errors[0].file, f.path());
}

TEST(ConfigLoader, DefaultRulesMatchWhatTheDocumentationPromises)
{
    const auto r = ConfigLoader().load_file(PROCSENTRY_SOURCE_DIR "/etc/procsentry.json");
    ASSERT_TRUE(r.ok);
    const auto find = [&](const std::string& name) -> const Rule& {
        for (const auto& rule : r.config.rules)
            if (rule.name == name)
                return rule;
        throw std::runtime_error("no rule " + name);
    };
    const auto any = [](const std::vector<std::string>& globs, const std::string& path) {
        for (const auto& g : globs)
            if (glob_match(g, path))
                return true;
        return false;
    };
    const Rule& writable = find("exec-from-writable-dir");
    for (const char* p : {"/tmp/x", "/tmp/a/b/c/d/e/x", "/var/tmp/x", "/dev/shm/.x", "/run/user/1000/x",
                          "/var/lib/php/sessions/sess_1"})
        EXPECT_TRUE(any(writable.match.exe, p)) << p;
    for (const char* p : {"/usr/bin/ls", "/tmpx/y", "/tmp", "/run/systemd/x", "/usr/lib/tmp/x"})
        EXPECT_FALSE(any(writable.match.exe, p)) << p;
    const Rule& memfd = find("exec-from-memory");
    EXPECT_TRUE(any(memfd.match.exe, "/memfd:x (deleted)"));
    EXPECT_TRUE(any(memfd.match.exe, "/memfd:a/b (deleted)"));
    EXPECT_TRUE(any(memfd.match.exe, "/memfd:/../../usr/bin/ls (deleted)"));
    {
        const GlobSet set(memfd.match.exe);
        EXPECT_TRUE(set.any("/memfd:/../../usr/bin/ls (deleted)"));
    }
    const Rule& shell = find("shell-from-network-service");
    EXPECT_TRUE(any(shell.match.exe, "/usr/bin/dash"));
    EXPECT_TRUE(any(shell.match.exe, "/usr/bin/bash"));
    EXPECT_FALSE(any(shell.match.exe, "/usr/bin/ssh"));
    EXPECT_TRUE(any(shell.match.parent_exe, "/usr/sbin/nginx"));
    EXPECT_TRUE(any(shell.match.parent_exe, "/usr/sbin/php-fpm8.2"));
    EXPECT_FALSE(any(shell.match.parent_exe, "/usr/sbin/sshd"));
    EXPECT_FALSE(any(shell.match.parent_exe, "/usr/sbin/cron"));
    const Rule& pg = find("shell-from-database");
    EXPECT_TRUE(any(pg.match.parent_exe, "/usr/lib/postgresql/15/bin/postgres"));
    const Rule& crash = find("process-crash");
    EXPECT_EQ(crash.on_success, Severity::none);
    // A basename skip lets /tmp/<name> pass: a crashing exploit named
    // /tmp/sleep would go unseen.  The default skips by absolute path only.
    for (const auto& c : r.config.skip.commands)
        EXPECT_EQ(c.front(), '/') << "global skip " << c;
    for (const auto& rule : r.config.rules)
        for (const auto& c : rule.skip.commands)
            EXPECT_EQ(c.front(), '/') << rule.name << " skips " << c;
    EXPECT_EQ(find("root-escalation").on_success, Severity::critical);
}
