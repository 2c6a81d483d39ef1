// SPDX-License-Identifier: GPL-2.0
#include "api/alert_extractor.hpp"

#include <gtest/gtest.h>

#include "api/time_text.hpp"

namespace procsentry::console::api {
namespace {

const char* kLine =
    R"({"schema":"procsentry.alert/1","id":"3f2a-41","time":"2026-11-28T04:13:55.123456789Z","host":{"name":"web-1"},)"
    R"("kind":"rule","severity":"high","summary":"alice ran /tmp/x/evil","rule":{"name":"exec-from-tmp","type":"bin-execution"},)"
    R"("outcome":"success","process":{"exe":"/tmp/x/evil","args":["./evil","-c","id"],"uid":1000,"user":"alice"}})";

TEST(AlertExtractor, ExtractsTheIncidentFields)
{
    std::string err;
    auto r = AlertExtractor::extract(kLine, 7, "host-7", 99, &err);
    ASSERT_TRUE(r) << err;
    EXPECT_EQ(r->host_id, 7);
    EXPECT_EQ(r->host_name, "host-7");
    EXPECT_EQ(r->received, 99);
    EXPECT_EQ(r->alert_id, "3f2a-41");
    EXPECT_EQ(r->time, *TimeText::parse("2026-11-28T04:13:55.123456789Z"));
    EXPECT_EQ(r->kind, "rule");
    EXPECT_EQ(r->severity, 3);
    EXPECT_EQ(r->rule_name, "exec-from-tmp");
    EXPECT_EQ(r->rule_type, "bin-execution");
    EXPECT_EQ(r->outcome, "success");
    EXPECT_EQ(r->exe, "/tmp/x/evil");
    EXPECT_EQ(r->command, "./evil -c id");
    EXPECT_EQ(r->user, "alice");
    EXPECT_EQ(r->summary, "alice ran /tmp/x/evil");
    EXPECT_EQ(r->raw_json, kLine);
}

TEST(AlertExtractor, SensorAlertWithoutProcessAndUidFallback)
{
    auto s = AlertExtractor::extract(
        R"({"schema":"procsentry.alert/1","id":"s","time":"2026-11-28T04:13:55Z","kind":"sensor","severity":"high","summary":"lost"})",
        1, "h", 0);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->rule_name, "");
    EXPECT_EQ(s->exe, "");
    auto u = AlertExtractor::extract(
        R"({"schema":"procsentry.alert/1","id":"u","time":"2026-11-28T04:13:55Z","kind":"rule","severity":"low","summary":"x","rule":null,"outcome":null,"process":{"exe":null,"args":[],"uid":33,"user":null}})",
        1, "h", 0);
    ASSERT_TRUE(u);
    EXPECT_EQ(u->user, "33");
}

TEST(AlertExtractor, CommandIsBoundedWithoutSplittingUtf8)
{
    std::string args;
    for (int i = 0; i < 400; ++i)
        args += std::string(i ? "," : "") + "\"\xc3\xa9\xc3\xa9\"";
    std::string line = R"({"schema":"procsentry.alert/1","id":"c","time":"2026-11-28T04:13:55Z","kind":"rule","severity":"low","summary":"x","process":{"args":[)" +
                       args + "]}}";
    auto r = AlertExtractor::extract(line, 1, "h", 0);
    ASSERT_TRUE(r);
    EXPECT_LE(r->command.size(), AlertExtractor::kMaxCommandBytes);
    EXPECT_NE(static_cast<unsigned char>(r->command.back()) & 0xc0, 0xc0u);
}

TEST(AlertExtractor, RefusesWhatIsNotAnAlert)
{
    const std::string base = R"("id":"x","time":"2026-11-28T04:13:55Z","kind":"rule","severity":"low","summary":"s")";
    for (const std::string& bad : std::vector<std::string>{
             std::string(""), std::string("{}"), std::string("[1]"),
             "{\"schema\":\"procsentry.alert/2\"," + base + "}",
             "{\"schema\":\"procsentry.alert/1\"," + base + ",\"id\":\"dup\"}",
             R"({"schema":"procsentry.alert/1","id":"","time":"2026-11-28T04:13:55Z","kind":"rule","severity":"low","summary":"s"})",
             R"({"schema":"procsentry.alert/1","id":1,"time":"2026-11-28T04:13:55Z","kind":"rule","severity":"low","summary":"s"})",
             R"({"schema":"procsentry.alert/1","id":"x","time":"2026-13-28T04:13:55Z","kind":"rule","severity":"low","summary":"s"})",
             R"({"schema":"procsentry.alert/1","id":"x","time":"2026-11-28T04:13:55Z","kind":"other","severity":"low","summary":"s"})",
             R"({"schema":"procsentry.alert/1","id":"x","time":"2026-11-28T04:13:55Z","kind":"rule","severity":"LOW","summary":"s"})",
             R"({"schema":"procsentry.alert/1","id":"x","time":"2026-11-28T04:13:55Z","kind":"rule","severity":"low"})",
             "{\"schema\":\"procsentry.alert/1\"," + base + ",\"rule\":[]}",
             "{\"schema\":\"procsentry.alert/1\"," + base + ",\"outcome\":\"maybe\"}",
             "{\"schema\":\"procsentry.alert/1\"," + base + ",\"process\":7}",
             "{\"schema\":\"procsentry.alert/1\"," + base + ",\"process\":{\"args\":\"rm -rf\"}}",
             "{\"schema\":\"procsentry.alert/1\"," + base + ",\"summary\":\"\xff\"}",
             "{\"schema\":\"procsentry.alert/1\"," + base + ",\"pad\":\"" + std::string(70000, 'x') + "\"}",
         }) {
        std::string err;
        EXPECT_FALSE(AlertExtractor::extract(bad, 1, "h", 0, &err)) << bad.substr(0, 120);
        EXPECT_FALSE(err.empty());
    }
}

TEST(TimeText, FormatsAndParsesRfc3339)
{
    EXPECT_EQ(TimeText::format(0), "1970-01-01T00:00:00.000000000Z");
    EXPECT_EQ(TimeText::format(-1), "1969-12-31T23:59:59.999999999Z");
    const int64_t t = 1795839235123456789LL;
    EXPECT_EQ(*TimeText::parse(TimeText::format(t)), t);
    EXPECT_EQ(*TimeText::parse("2026-11-28T05:13:55.5+01:00"), *TimeText::parse("2026-11-28T04:13:55.500Z"));
    EXPECT_EQ(*TimeText::parse("2024-02-29T00:00:00Z") + 86400LL * 1000000000, *TimeText::parse("2024-03-01T00:00:00Z"));
    for (const char* bad : {"", "2026-11-28", "2026-11-28T04:13:55", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z",
                            "2026-11-28T24:00:00Z", "2026-11-28T04:13:55.Z", "2026-11-28T04:13:55Zjunk",
                            "9999-01-01T00:00:00Z", "1000-01-01T00:00:00Z", "2026-11-28T04:13:55+1:00"})
        EXPECT_FALSE(TimeText::parse(bad)) << bad;
}

}  // namespace
}  // namespace procsentry::console::api
