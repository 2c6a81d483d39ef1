// SPDX-License-Identifier: GPL-2.0
#include "alert/alert_factory.hpp"

#include <gtest/gtest.h>
#include <time.h>

#include <regex>
#include <set>

#include "alert/rfc3339.hpp"
#include "alert/sample_event.hpp"
#include "format/json_writer.hpp"
#include "support/json.hpp"

namespace procsentry::alert {
namespace {

using procsentry::test::parse_json;

HostInfo host() { return {"web-1", "0123456789abcdef0123456789abcdef", "01234567-89ab-cdef-0123-456789abcdef"}; }

rules::Rule exec_rule()
{
    rules::Rule r;
    r.name = "exec-from-tmp";
    r.type = rules::RuleType::bin_execution;
    return r;
}

int64_t now_ns(clockid_t c)
{
    timespec ts{};
    clock_gettime(c, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

TEST(AlertFactory, IdsAreUniqueAndShaped)
{
    AlertFactory f(host());
    AlertFactory other(host());
    const std::regex shape("[0-9a-f]{16}-[0-9]+");
    std::set<std::string> ids;
    for (int i = 0; i < 1000; ++i) {
        const Alert a = f.from_event(test::exec_event(), exec_rule(), rules::Severity::high);
        EXPECT_TRUE(std::regex_match(a.id, shape)) << a.id;
        EXPECT_TRUE(ids.insert(a.id).second) << a.id;
    }
    // A second factory (a daemon restart) draws another prefix.
    const Alert b = other.from_event(test::exec_event(), exec_rule(), rules::Severity::high);
    EXPECT_NE(b.id.substr(0, 16), ids.begin()->substr(0, 16));
    EXPECT_TRUE(ids.insert(b.id).second);
}

TEST(AlertFactory, SerializeFillsMissingIdsUniquely)
{
    AlertFactory f(host());
    Alert s;
    s.kind = Kind::summary;
    const auto one = f.serialize(s);
    const auto two = f.serialize(s);
    EXPECT_FALSE(one->id.empty());
    EXPECT_NE(one->id, two->id);
    EXPECT_EQ(parse_json(one->json)["id"].asString(), one->id);
    Alert given = f.from_event(test::exec_event(), exec_rule(), rules::Severity::low);
    EXPECT_EQ(f.serialize(given)->id, given.id);
}

TEST(AlertFactory, BoottimeToRealtime)
{
    const int64_t boot = now_ns(CLOCK_BOOTTIME);
    const int64_t real = now_ns(CLOCK_REALTIME);
    const int64_t got = AlertFactory::boottime_to_realtime(static_cast<uint64_t>(boot));
    EXPECT_LT(std::llabs(got - real), 50'000'000) << "more than 50 ms off";
    // An event 3 s before now stays 3 s before now.
    const int64_t earlier = AlertFactory::boottime_to_realtime(static_cast<uint64_t>(boot - 3'000'000'000));
    EXPECT_NEAR(static_cast<double>(got - earlier), 3e9, 5e7);
}

TEST(AlertFactory, FromEventFillsTheAlert)
{
    AlertFactory f(host());
    auto ev = test::exec_event();
    ev.ts_ns = static_cast<uint64_t>(now_ns(CLOCK_BOOTTIME));
    const Alert a = f.from_event(ev, exec_rule(), rules::Severity::medium);
    EXPECT_EQ(a.kind, Kind::rule);
    EXPECT_EQ(a.rule, "exec-from-tmp");
    EXPECT_EQ(a.type, rules::RuleType::bin_execution);
    EXPECT_EQ(a.severity, rules::Severity::medium);
    EXPECT_EQ(a.outcome, rules::Outcome::success);
    EXPECT_EQ(a.count, 1u);
    EXPECT_EQ(a.first_ns, a.time_ns);
    EXPECT_EQ(a.last_ns, a.time_ns);
    EXPECT_LT(std::llabs(a.time_ns - now_ns(CLOCK_REALTIME)), 1'000'000'000);
    EXPECT_EQ(a.summary, "alice (uid 1000) ran /tmp/x/evil via /bin/bash: exec succeeded");
    EXPECT_EQ(a.event.proc.argv, ev.proc.argv);
}

TEST(AlertFactory, SerializedCarriesWhatSinksRouteOn)
{
    AlertFactory f(host());
    const Alert a = f.from_event(test::exec_event(), exec_rule(), rules::Severity::critical);
    const auto s = f.serialize(a);
    EXPECT_EQ(s->id, a.id);
    EXPECT_EQ(s->severity, rules::Severity::critical);
    EXPECT_EQ(s->time_ns, a.time_ns);
    EXPECT_EQ(s->summary, a.summary);
    EXPECT_EQ(s->json.find('\n'), std::string::npos);
    EXPECT_EQ(parse_json(s->json)["time"].asString(), rfc3339(a.time_ns));
}

TEST(AlertFactory, SensorAlert)
{
    AlertFactory f(host());
    const Alert a = f.sensor("records_lost", rules::Severity::high, "cpu 3 lost 120 records\n(buffer full)", 120, 0);
    EXPECT_EQ(a.kind, Kind::sensor);
    EXPECT_FALSE(a.id.empty());
    EXPECT_LT(std::llabs(a.time_ns - now_ns(CLOCK_REALTIME)), 1'000'000'000);
    EXPECT_EQ(a.summary, "sensor: cpu 3 lost 120 records\\x0a(buffer full)");
    const auto v = parse_json(f.serialize(a)->json);
    EXPECT_EQ(v["kind"].asString(), "sensor");
    EXPECT_EQ(v["severity"].asString(), "high");
    EXPECT_EQ(v["sensor"]["what"].asString(), "records_lost");
    EXPECT_EQ(v["sensor"]["count"].asUInt64(), 120u);
    EXPECT_EQ(v["sensor"]["detail"].asString(), "cpu 3 lost 120 records\n(buffer full)");
    EXPECT_FALSE(v.isMember("rule"));
    EXPECT_FALSE(v.isMember("process"));
}

TEST(AlertFactory, SummaryAlert)
{
    AlertFactory f(host());
    const Alert a = f.summary(42, 1'000'000'000, 2'000'000'000, "suppressed 42");
    EXPECT_EQ(a.kind, Kind::summary);
    const auto v = parse_json(f.serialize(a)->json);
    EXPECT_EQ(v["kind"].asString(), "summary");
    EXPECT_EQ(v["summary"].asString(), "suppressed 42");
    EXPECT_EQ(v["suppressed"]["count"].asUInt64(), 42u);
    EXPECT_EQ(v["suppressed"]["first_time"].asString(), "1970-01-01T00:00:01.000000000Z");
    EXPECT_EQ(v["suppressed"]["last_time"].asString(), "1970-01-01T00:00:02.000000000Z");
    EXPECT_TRUE(v["suppressed"]["rules"].isArray());
}

TEST(AlertFactory, CallersSummaryIsMadeSafeWhenSerialised)
{
    AlertFactory f(host());
    Alert a = f.from_event(test::exec_event(), exec_rule(), rules::Severity::low);
    a.summary = "set by hand\n\x1b[2J";
    const auto s = f.serialize(a);
    EXPECT_EQ(s->summary, "set by hand\\x0a\\x1b[2J");
    EXPECT_EQ(parse_json(s->json)["summary"].asString(), s->summary);
}

}  // namespace
}  // namespace procsentry::alert

namespace procsentry::alert {
namespace {

TEST(AlertFactory, HostileEventEndToEnd)
{
    AlertFactory f(HostInfo{"h\n\x1b", "", ""});
    auto ev = test::exec_event();
    ev.proc.exe = "/tmp/\xe2\x80\xae" "fdp.sh\n";
    ev.proc.argv = {std::string(4096, 'A'), "\"quoted\"", "\x1b]52;c;cGF5bG9hZA==\x07", "\xc3\x28"};
    ev.proc.comm = "\r\n";
    ev.parent_exe = "/bin/\\sh";
    const auto s = f.serialize(f.from_event(ev, exec_rule(), rules::Severity::high));
    for (const std::string* text : {&s->json, &s->summary})
        for (unsigned char c : *text)
            EXPECT_FALSE(c < 0x20 || c == 0x7f) << "raw control byte " << int(c);
    EXPECT_TRUE(format::is_valid_utf8(s->json));
    EXPECT_EQ(s->summary, "alice (uid 1000) ran /tmp/\\u{202e}fdp.sh\\x0a via /bin/\\\\sh: exec succeeded");
    const auto v = parse_json(s->json);
    EXPECT_EQ(v["summary"].asString(), s->summary);
    EXPECT_EQ(v["process"]["args"][0].asString().size(), 4096u);
    EXPECT_EQ(v["process"]["args"][1].asString(), "\"quoted\"");
    EXPECT_EQ(v["process"]["args"][2].asString(), "\x1b]52;c;cGF5bG9hZA==\x07");
    EXPECT_EQ(v["process"]["args"][3].asString(), "\\xc3(");
    EXPECT_EQ(v["process"]["comm"].asString(), "\r\n");
    EXPECT_EQ(v["host"]["name"].asString(), "h\n\x1b");
}

}  // namespace
}  // namespace procsentry::alert
