// SPDX-License-Identifier: GPL-2.0
#include "sinks/sink_factory.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sink_test_util.hpp"
#include "syslog_test_support.hpp"

namespace procsentry::sinks {
namespace {

using namespace std::chrono_literals;
using rules::Severity;
using test::make_alert;
using test::TempDir;

rules::SinkSpec spec(const std::string& name, const std::string& type)
{
    rules::SinkSpec s;
    s.name = name;
    s.type = type;
    return s;
}

std::string error_of(const rules::SinkSpec& s)
{
    try {
        (void)make_sink(s, "h");
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "no error";
}

TEST(SinkFactory, DispatchesOnType)
{
    TempDir d;
    auto out = make_sink(spec("o", "stdout"), "h");
    EXPECT_EQ(out->health().type, "stdout");
    EXPECT_EQ(out->health().name, "o");

    auto f = spec("f", "file");
    f.file.path = d.path() + "/alerts.json";
    EXPECT_EQ(make_sink(f, "h")->health().type, "file");

    auto sys = spec("s", "syslog");
    sys.syslog.address = d.path() + "/log";
    EXPECT_EQ(make_sink(sys, "h")->health().type, "syslog");

    auto http = spec("c", "http");
    http.http.url = "http://127.0.0.1:9/alerts";
    http.http.spool_dir = d.path() + "/spool";
    const auto h = make_sink(http, "h");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->health().type, "http");
}

TEST(SinkFactory, SyslogSinkUsesTheHostnameGiven)
{
    TempDir d;
    test::UnixDgramReceiver rx(d.path() + "/log");
    auto sys = spec("s", "syslog");
    sys.syslog.address = d.path() + "/log";
    sys.syslog.facility = "daemon";
    sys.syslog.format = "rfc5424";  // the hostname is in RFC 5424's header only
    auto s = make_sink(sys, "web-7");
    s->start();
    s->submit(make_alert("a", Severity::medium));
    const auto m = rx.recv();
    ASSERT_TRUE(m);
    const auto p = test::parse_rfc5424(*m);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->hostname, "web-7");
    EXPECT_EQ(p->pri, 3 * 8 + 4);
    s->stop(5s);
}

TEST(SinkFactory, QueueMaxAndMinSeverityComeFromTheSpec)
{
    auto o = spec("o", "stdout");
    o.queue_max = 2;
    o.min_severity = Severity::high;
    auto s = make_sink(o, "h");  // not started: the queue only fills
    s->submit(make_alert("low", Severity::low));
    for (int i = 0; i < 3; ++i)
        s->submit(make_alert(std::to_string(i), Severity::critical));
    const auto h = s->health();
    EXPECT_EQ(h.submitted, 3u);
    EXPECT_EQ(h.queued, 2u);
    EXPECT_EQ(h.dropped, 1u);
    s->stop(0ms);
}

TEST(SinkFactory, ErrorsNameTheSinkKeyAndValue)
{
    const auto unknown = error_of(spec("weird", "kafka"));
    EXPECT_NE(unknown.find("sink 'weird'"), std::string::npos) << unknown;
    EXPECT_NE(unknown.find("unknown sink type 'kafka'"), std::string::npos) << unknown;

    auto fac = spec("sys", "syslog");
    fac.syslog.facility = "locl0";
    const auto f = error_of(fac);
    EXPECT_NE(f.find("'sys'"), std::string::npos) << f;
    EXPECT_NE(f.find("syslog.facility"), std::string::npos) << f;
    EXPECT_NE(f.find("'locl0'"), std::string::npos) << f;

    auto file = spec("audit", "file");
    file.file.path = "/proc/self/no/such/dir/alerts.json";
    const auto e = error_of(file);
    EXPECT_NE(e.find("'audit'"), std::string::npos) << e;
    EXPECT_NE(e.find("/proc/self/no"), std::string::npos) << e;
}

}  // namespace
}  // namespace procsentry::sinks
