// SPDX-License-Identifier: GPL-2.0
// The `console` section and the merge of a console policy into the local file.
#include "rules/config_console_reader.hpp"
#include "rules/config_loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include <json/reader.h>

#include "support/temp_dir.hpp"

using namespace procsentry::rules;
using ::testing::HasSubstr;

namespace {

std::string doc(const std::string& console, const std::string& sinks = R"([{"name": "out", "type": "stdout"}])")
{
    return R"({"version": 1, "rules": [], "sinks": )" + sinks + R"(, "console": )" + console + "}";
}

LoadResult load(const std::string& text) { return ConfigLoader("/var/lib/ps").load_string(text, "test.json"); }

std::string errors_of(const LoadResult& r)
{
    std::string s;
    for (const auto& e : r.errors)
        s += e.to_string() + "\n";
    return s;
}

void expect_one_error(const std::string& console, const std::string& key, const std::string& part)
{
    const auto r = load(doc(console));
    EXPECT_FALSE(r.ok) << console;
    ASSERT_EQ(r.errors.size(), 1u) << errors_of(r);
    EXPECT_EQ(r.errors[0].key, key) << errors_of(r);
    EXPECT_THAT(r.errors[0].message, HasSubstr(part)) << errors_of(r);
}

Json::Value json(const std::string& text)
{
    Json::Value v;
    Json::CharReaderBuilder b;
    std::string errs;
    std::unique_ptr<Json::CharReader> r(b.newCharReader());
    EXPECT_TRUE(r->parse(text.data(), text.data() + text.size(), &v, &errs)) << errs;
    return v;
}

TEST(ConfigConsole, AbsentSectionMeansNoConsole)
{
    const auto r = load(R"({"version": 1, "rules": [], "sinks": []})");
    ASSERT_TRUE(r.ok) << errors_of(r);
    EXPECT_FALSE(r.config.console);
}

TEST(ConfigConsole, FullSectionIsRead)
{
    const auto r = load(doc(R"({"url": "https://console.example:8443/", "ca_file": "/etc/procsentry//ca.pem",
        "enrollment_token_file": "/etc/procsentry/enrollment.token", "heartbeat_wait_s": 300,
        "min_severity": "low", "queue_max": 5, "spool_max_bytes": 1048576})"));
    ASSERT_TRUE(r.ok) << errors_of(r);
    ASSERT_TRUE(r.config.console);
    const ConsoleSpec& c = *r.config.console;
    EXPECT_EQ(c.url, "https://console.example:8443");
    EXPECT_EQ(c.ca_file, "/etc/procsentry/ca.pem");
    EXPECT_EQ(c.enrollment_token_file, "/etc/procsentry/enrollment.token");
    EXPECT_EQ(c.heartbeat_wait_s, 300u);
    EXPECT_EQ(c.min_severity, Severity::low);
    EXPECT_EQ(c.queue_max, 5u);
    EXPECT_EQ(c.spool_max_bytes, 1048576u);
}

TEST(ConfigConsole, DefaultsApply)
{
    const auto r = load(doc(R"({"url": "http://127.0.0.1:8080"})"));
    ASSERT_TRUE(r.ok) << errors_of(r);
    EXPECT_EQ(r.config.console->heartbeat_wait_s, 25u);
    EXPECT_EQ(r.config.console->min_severity, Severity::info);
    EXPECT_EQ(r.config.console->queue_max, 10000u);
    EXPECT_EQ(r.config.console->spool_max_bytes, 256ull << 20);
    EXPECT_TRUE(r.config.console->ca_file.empty());
}

TEST(ConfigConsole, PlainHttpOnlyToLoopback)
{
    for (const char* ok : {"http://127.0.0.1:1", "http://127.8.9.1", "http://[::1]:8080", "http://localhost:9"})
        EXPECT_TRUE(load(doc(std::string(R"({"url": ")") + ok + "\"}")).ok) << ok;
    expect_one_error(R"({"url": "http://console.example:8080"})", "console.url", "must be https://");
    expect_one_error(R"({"url": "http://10.0.2.2:8080"})", "console.url", "loopback");
    expect_one_error(R"({"url": "http://128.0.0.1"})", "console.url", "must be https://");
}

TEST(ConfigConsole, HttpsNeedsAPinnedCa)
{
    expect_one_error(R"({"url": "https://console.example"})", "console.ca_file", "missing");
    expect_one_error(R"({"url": "http://127.0.0.1", "ca_file": "/ca.pem"})", "console.ca_file", "needs an https://");
}

TEST(ConfigConsole, BadValuesAreNamed)
{
    expect_one_error(R"({"url": "ftp://x"})", "console.url", "http:// or https://");
    expect_one_error(R"({"url": "https://c.example/api", "ca_file": "/ca"})", "console.url", "base URL");
    expect_one_error(R"({"url": "https://c.example/?a=b", "ca_file": "/ca"})", "console.url", "base URL");
    expect_one_error(R"({"url": "https://u@c.example", "ca_file": "/ca"})", "console.url", "user info");
    expect_one_error(R"({"ca_file": "/ca"})", "console.url", "missing");
    expect_one_error(R"({"url": "http://127.0.0.1", "heartbeat_wait_s": 0})", "console.heartbeat_wait_s", "");
    expect_one_error(R"({"url": "http://127.0.0.1", "heartbeat_wait_s": 301})", "console.heartbeat_wait_s", "");
    expect_one_error(R"({"url": "http://127.0.0.1", "min_severity": "urgent"})", "console.min_severity", "");
    expect_one_error(R"({"url": "http://127.0.0.1", "queue_max": 0})", "console.queue_max", "");
    expect_one_error(R"({"url": "http://127.0.0.1", "spool_max_bytes": 1024})", "console.spool_max_bytes", "");
    expect_one_error(R"({"url": "http://127.0.0.1", "enrollment_token_file": "rel/path"})",
                     "console.enrollment_token_file", "");
    expect_one_error(R"({"url": "http://127.0.0.1", "token": "x"})", "console.token", "unknown key");
    expect_one_error(R"("https://c")", "console", "");
}

TEST(ConfigConsole, SinkNameConsoleIsReserved)
{
    const auto r = load(doc(R"({"url": "http://127.0.0.1"})", R"([{"name": "console", "type": "stdout"}])"));
    EXPECT_FALSE(r.ok);
    ASSERT_EQ(r.errors.size(), 1u) << errors_of(r);
    EXPECT_EQ(r.errors[0].key, "sinks[0].name");
    // Without a console section the name is free.
    EXPECT_TRUE(load(R"({"version": 1, "rules": [], "sinks": [{"name": "console", "type": "stdout"}]})").ok);
}

TEST(ConfigConsole, LoopbackHosts)
{
    EXPECT_TRUE(ConfigConsoleReader::is_loopback_host("127.0.0.1"));
    EXPECT_TRUE(ConfigConsoleReader::is_loopback_host("::1"));
    EXPECT_FALSE(ConfigConsoleReader::is_loopback_host("::2"));
    EXPECT_FALSE(ConfigConsoleReader::is_loopback_host("localhost.evil.example"));
    EXPECT_FALSE(ConfigConsoleReader::is_loopback_host("127.0.0.1.evil.example"));
    EXPECT_EQ(ConfigConsoleReader::url_host("http://[::1]:80"), "::1");
    EXPECT_EQ(ConfigConsoleReader::url_host("https://a.b:1"), "a.b");
}

class PolicyMerge : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::ofstream(dir_.file("procsentry.json")) << R"({"version": 1,
            "skip": {"commands": ["local-skip"]},
            "rules": [{"name": "local", "type": "bin-execution", "severity": {"success": "low", "failure": "low"}}],
            "sinks": [{"name": "out", "type": "stdout"}],
            "console": {"url": "http://127.0.0.1:1"}})";
        chmod(dir_.file("procsentry.json").c_str(), 0600);
    }
    LoadResult merge(const std::string& policy)
    {
        return ConfigLoader(dir_.path()).load_file_with_policy(dir_.file("procsentry.json"), json(policy),
                                                               "console policy 7");
    }
    procsentry::test::TempDir dir_;
};

TEST_F(PolicyMerge, PolicyReplacesSkipAndRulesOnly)
{
    const auto r = merge(R"({"skip": {"paths": ["/opt/x"]},
        "rules": [{"name": "pushed", "type": "root-escalation", "severity": {"success": "high", "failure": "none"}}]})");
    ASSERT_TRUE(r.ok) << errors_of(r);
    ASSERT_EQ(r.config.rules.size(), 1u);
    EXPECT_EQ(r.config.rules[0].name, "pushed");
    EXPECT_TRUE(r.config.skip.commands.empty());
    ASSERT_EQ(r.config.skip.paths.size(), 1u);
    EXPECT_EQ(r.config.skip.paths[0], "/opt/x");
    ASSERT_EQ(r.config.sinks.size(), 1u);
    EXPECT_TRUE(r.config.console);
}

TEST_F(PolicyMerge, PolicyWithoutSkipDropsTheLocalSkip)
{
    const auto r = merge(R"({"rules": []})");
    ASSERT_TRUE(r.ok) << errors_of(r);
    EXPECT_TRUE(r.config.skip.commands.empty());
    EXPECT_TRUE(r.config.rules.empty());
}

TEST_F(PolicyMerge, ErrorsUseTheDaemonsMessagesAndNameThePolicy)
{
    auto r = merge(R"({"rules": [{"name": "x", "type": "bin-exec", "severity": {"success": "low", "failure": "low"}}]})");
    ASSERT_FALSE(r.ok);
    ASSERT_EQ(r.errors.size(), 1u) << errors_of(r);
    EXPECT_EQ(r.errors[0].key, "rules[0].type");
    EXPECT_THAT(r.errors[0].file, HasSubstr("console policy 7"));
    EXPECT_THAT(r.errors[0].message, HasSubstr("unknown rule type"));

    // Only skip and rules: a policy cannot touch sinks or the console section.
    r = merge(R"({"rules": [], "sinks": []})");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.errors[0].key, "policy.sinks");
    r = merge(R"({"skip": {}})");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.errors[0].key, "policy.rules");
    r = merge(R"([1])");
    ASSERT_FALSE(r.ok);
}

TEST_F(PolicyMerge, LocalFileChecksStillApply)
{
    chmod(dir_.file("procsentry.json").c_str(), 0666);
    const auto r = merge(R"({"rules": []})");
    ASSERT_FALSE(r.ok);
    EXPECT_THAT(r.errors[0].message, HasSubstr("writable by every user"));
}

}  // namespace
