// SPDX-License-Identifier: GPL-2.0
#include "sinks/syslog_formatter.hpp"

#include <gtest/gtest.h>

#include <string>

#include "format/json_writer.hpp"
#include "sink_test_util.hpp"
#include "syslog_test_support.hpp"

namespace procsentry::sinks {
namespace {

using rules::Severity;
using test::make_alert;
using test::parse_rfc5424;

TEST(SyslogFormatter, HeaderFieldsAndStructuredData)
{
    const SyslogFormatter f(10, "host-1", 4242);
    const auto a = make_alert("ab12-7", Severity::high, R"({"id":"ab12-7","rule":"x"})");
    const std::string m = f.format(*a);
    EXPECT_EQ(m, "<83>1 2023-11-14T22:13:20.123456Z host-1 procsentryd 4242 ALERT "
                 "[procsentry@32473 id=\"ab12-7\" severity=\"high\"] {\"id\":\"ab12-7\",\"rule\":\"x\"}");
    const auto p = parse_rfc5424(m);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->pri, 83);
    EXPECT_EQ(p->version, 1);
    EXPECT_EQ(p->sd_id, "procsentry@32473");
    EXPECT_EQ(p->msg, a->json);
}

TEST(SyslogFormatter, Rfc3164IsWhatJournaldParses)
{
    // journald: <PRI>, then an RFC 3164 date it skips, then "identifier[pid]: " -> SYSLOG_IDENTIFIER,
    // SYSLOG_PID; the rest (the JSON) is MESSAGE.
    setenv("TZ", "UTC", 1);
    tzset();
    const SyslogFormatter f(10, "host-1", 4242, "procsentryd", SyslogFormatter::Style::rfc3164);
    const auto a = make_alert("ab12-7", Severity::critical, R"({"id":"ab12-7","rule":"x"})");
    EXPECT_EQ(f.format(*a), "<82>Nov 14 22:13:20 procsentryd[4242]: {\"id\":\"ab12-7\",\"rule\":\"x\"}");
    EXPECT_EQ(SyslogFormatter::timestamp_3164(1700000000LL * 1000000000 + 123), "Nov 14 22:13:20");
    EXPECT_EQ(SyslogFormatter::timestamp_3164(1699000000LL * 1000000000), "Nov  3 08:26:40");
    EXPECT_EQ(SyslogFormatter::timestamp_3164(0), "-");
    // Cut to the limit on a character boundary and announced before the JSON.
    const std::string json = R"({"a":")" + std::string(100, 'x') + "\"}";
    const auto big = make_alert("id", Severity::high, json);
    const auto m = f.format(*big, 80);
    EXPECT_LE(m.size(), 80u);
    EXPECT_EQ(m.rfind("<83>Nov 14 22:13:20 procsentryd[4242]: truncated=" + std::to_string(json.size()) + " {\"a\":\"x", 0),
              0u);
}

TEST(SyslogFormatter, SeverityMapping)
{
    EXPECT_EQ(SyslogFormatter::severity_code(Severity::critical), 2);
    EXPECT_EQ(SyslogFormatter::severity_code(Severity::high), 3);
    EXPECT_EQ(SyslogFormatter::severity_code(Severity::medium), 4);
    EXPECT_EQ(SyslogFormatter::severity_code(Severity::low), 5);
    EXPECT_EQ(SyslogFormatter::severity_code(Severity::info), 6);
    const SyslogFormatter f(16, "h", 1);  // local0
    EXPECT_EQ(parse_rfc5424(f.format(*make_alert("x", Severity::critical)))->pri, 16 * 8 + 2);
    EXPECT_EQ(parse_rfc5424(f.format(*make_alert("x", Severity::info)))->pri, 16 * 8 + 6);
}

TEST(SyslogFormatter, FacilityNames)
{
    EXPECT_EQ(SyslogFormatter::parse_facility("authpriv"), 10);
    EXPECT_EQ(SyslogFormatter::parse_facility("auth"), 4);
    EXPECT_EQ(SyslogFormatter::parse_facility("daemon"), 3);
    EXPECT_EQ(SyslogFormatter::parse_facility("local0"), 16);
    EXPECT_EQ(SyslogFormatter::parse_facility("local7"), 23);
    EXPECT_FALSE(SyslogFormatter::parse_facility("local8"));
    EXPECT_FALSE(SyslogFormatter::parse_facility("AUTHPRIV"));
    EXPECT_FALSE(SyslogFormatter::parse_facility(""));
    EXPECT_FALSE(SyslogFormatter::parse_facility("security"));
}

TEST(SyslogFormatter, SdParamValuesAreEscaped)
{
    std::string out;
    SyslogFormatter::escape_sd_value(R"(a"b\c]d)", out);
    EXPECT_EQ(out, R"(a\"b\\c\]d)");
    const SyslogFormatter f(10, "h", 1);
    const auto m = f.format(*make_alert(R"(x"]\y)"));
    EXPECT_NE(m.find(R"(id="x\"\]\\y")"), std::string::npos) << m;
    const auto p = parse_rfc5424(m);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->params.at("id"), R"(x"]\y)");
    EXPECT_EQ(p->params.at("severity"), "high");
}

TEST(SyslogFormatter, HostnameIsPrintableAsciiOrNil)
{
    EXPECT_EQ(parse_rfc5424(SyslogFormatter(1, "bad host\n", 1).format(*make_alert("a")))->hostname, "bad_host_");
    EXPECT_EQ(parse_rfc5424(SyslogFormatter(1, "", 1).format(*make_alert("a")))->hostname, "-");
    EXPECT_EQ(parse_rfc5424(SyslogFormatter(1, std::string(300, 'h'), 1).format(*make_alert("a")))->hostname.size(),
              255u);
}

TEST(SyslogFormatter, Timestamp)
{
    EXPECT_EQ(SyslogFormatter::timestamp(1700000000123456789LL), "2023-11-14T22:13:20.123456Z");
    EXPECT_EQ(SyslogFormatter::timestamp(1000), "1970-01-01T00:00:00.000001Z");
    EXPECT_EQ(SyslogFormatter::timestamp(0), "-");
}

TEST(SyslogFormatter, TruncatesOnACharacterBoundaryAndSaysSo)
{
    const SyslogFormatter f(10, "h", 1);
    std::string json = "{\"id\":\"t\",\"s\":\"";
    while (json.size() < 3000)
        json += "\xc3\xa9\xe2\x82\xac";  // é € : 2- and 3-byte characters
    json += "\"}";
    const auto a = make_alert("t", Severity::high, json);
    for (std::size_t max = 600; max < 620; ++max) {  // every cut position within a character
        const std::string m = f.format(*a, max);
        EXPECT_LE(m.size(), max);
        EXPECT_GE(m.size(), max - 2);
        EXPECT_TRUE(format::is_valid_utf8(m)) << max;
        const auto p = parse_rfc5424(m);
        ASSERT_TRUE(p) << m;
        EXPECT_EQ(p->params.at("truncated"), std::to_string(json.size()));
        EXPECT_EQ(json.compare(0, p->msg.size(), p->msg), 0);
    }
    // Fits: untouched, no marker.
    const auto whole = parse_rfc5424(f.format(*a, 8192));
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->msg, json);
    EXPECT_EQ(whole->params.count("truncated"), 0u);
}

}  // namespace
}  // namespace procsentry::sinks
