// SPDX-License-Identifier: GPL-2.0
#include "sinks/syslog_sink.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "format/json_writer.hpp"
#include "sink_test_util.hpp"
#include "syslog_test_support.hpp"

namespace procsentry::sinks {
namespace {

using namespace std::chrono_literals;
using rules::Severity;
using test::eventually;
using test::make_alert;
using test::parse_rfc5424;
using test::TcpReceiver;
using test::TempDir;
using test::UnixDgramReceiver;

QueuedSink::Options fast_retry()
{
    QueuedSink::Options o;
    o.retry_initial = 20ms;
    o.retry_max = 100ms;
    return o;
}

rules::SyslogSinkSpec unix_spec(const std::string& path, const std::string& facility = "authpriv")
{
    rules::SyslogSinkSpec s;
    s.transport = "unix";
    s.address = path;
    s.facility = facility;
    s.format = "rfc5424";  // the tests below parse RFC 5424; the unix default is covered on its own
    return s;
}

rules::SyslogSinkSpec tcp_spec(uint16_t port)
{
    rules::SyslogSinkSpec s;
    s.transport = "tcp";
    s.address = "127.0.0.1:" + std::to_string(port);
    s.facility = "local3";
    return s;
}

TEST(SyslogSink, UnixDatagramDefaultsToTheSyslog3Format)
{
    TempDir d;
    UnixDgramReceiver rx(d.path() + "/log");
    rules::SyslogSinkSpec spec;
    spec.address = d.path() + "/log";
    SyslogSink s("sys", {}, spec, "myhost");
    s.start();
    s.submit(make_alert("i-1", Severity::high, R"({"id":"i-1"})"));
    const auto m = rx.recv();
    ASSERT_TRUE(m);
    const std::string tail = " procsentryd[" + std::to_string(getpid()) + R"(]: {"id":"i-1"})";
    EXPECT_EQ(m->rfind("<83>", 0), 0u) << *m;
    ASSERT_GE(m->size(), tail.size());
    EXPECT_EQ(m->substr(m->size() - tail.size()), tail) << *m;
    s.stop(5s);
}

TEST(SyslogSink, UnixDatagramRfc5424)
{
    TempDir d;
    UnixDgramReceiver rx(d.path() + "/log");
    SyslogSink s("sys", {}, unix_spec(d.path() + "/log"), "myhost");
    s.start();
    s.submit(make_alert("i-1", Severity::critical, R"({"id":"i-1","a":"b"})"));
    s.submit(make_alert(R"(i"2])", Severity::low));
    const auto m1 = rx.recv();
    const auto m2 = rx.recv();
    ASSERT_TRUE(m1 && m2);
    const auto p1 = parse_rfc5424(*m1);
    ASSERT_TRUE(p1) << *m1;
    EXPECT_EQ(p1->pri, 10 * 8 + 2);
    EXPECT_EQ(p1->version, 1);
    EXPECT_EQ(p1->timestamp, "2023-11-14T22:13:20.123456Z");
    EXPECT_EQ(p1->hostname, "myhost");
    EXPECT_EQ(p1->app, "procsentryd");
    EXPECT_EQ(p1->procid, std::to_string(getpid()));
    EXPECT_EQ(p1->msgid, "ALERT");
    EXPECT_EQ(p1->params.at("id"), "i-1");
    EXPECT_EQ(p1->params.at("severity"), "critical");
    EXPECT_EQ(p1->msg, R"({"id":"i-1","a":"b"})");
    const auto p2 = parse_rfc5424(*m2);
    ASSERT_TRUE(p2) << *m2;
    EXPECT_EQ(p2->pri, 10 * 8 + 5);
    EXPECT_EQ(p2->params.at("id"), R"(i"2])");
    EXPECT_NE(m2->find(R"(id="i\"2\]")"), std::string::npos) << *m2;
    s.stop(5s);
    const auto h = s.health();
    EXPECT_EQ(h.type, "syslog");
    EXPECT_EQ(h.delivered, 2u);
    EXPECT_TRUE(h.healthy);
}

TEST(SyslogSink, UnixDatagramTooLongIsTruncatedAndMarked)
{
    TempDir d;
    UnixDgramReceiver rx(d.path() + "/log");
    SyslogSink s("sys", {}, unix_spec(d.path() + "/log"), "h");
    const std::string json = "{\"id\":\"big\",\"pad\":\"" + std::string(10000, 'p') + "\"}";
    s.start();
    s.submit(make_alert("big", Severity::high, json));
    const auto m = rx.recv();
    ASSERT_TRUE(m);
    EXPECT_LE(m->size(), SyslogSink::default_datagram_max);
    EXPECT_GT(m->size(), SyslogSink::default_datagram_max - 10);
    const auto p = parse_rfc5424(*m);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->params.at("truncated"), std::to_string(json.size()));
    EXPECT_EQ(json.compare(0, p->msg.size(), p->msg), 0);
}

TEST(SyslogSink, UnixDatagramRefusedAsTooBigFallsBackToTheRfcSize)
{
    TempDir d;
    UnixDgramReceiver rx(d.path() + "/log");
    // Our own limit above the socket's send buffer: the kernel says EMSGSIZE.
    SyslogSink s("sys", {}, unix_spec(d.path() + "/log"), "h", 4u << 20);
    const std::string json = "{\"pad\":\"" + std::string(1u << 20, 'p') + "\"}";
    s.start();
    s.submit(make_alert("huge", Severity::high, json));
    s.submit(make_alert("small", Severity::high));
    const auto m = rx.recv();
    ASSERT_TRUE(m);
    EXPECT_LE(m->size(), SyslogSink::min_datagram_max);
    const auto p = parse_rfc5424(*m);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->params.at("truncated"), std::to_string(json.size()));
    const auto m2 = rx.recv();
    ASSERT_TRUE(m2);
    EXPECT_EQ(parse_rfc5424(*m2)->params.at("id"), "small");
    s.stop(5s);
    EXPECT_EQ(s.health().delivered, 2u);
    EXPECT_EQ(s.health().dropped, 0u);
}

TEST(SyslogSink, UnixReconnectsWhenTheReceiverComesBack)
{
    TempDir d;
    const std::string path = d.path() + "/log";
    SyslogSink s("sys", fast_retry(), unix_spec(path), "h");
    s.start();
    {
        UnixDgramReceiver rx(path);
        s.submit(make_alert("before"));
        ASSERT_TRUE(rx.recv());
    }  // the receiver dies: its socket is closed and removed
    s.submit(make_alert("during"));
    ASSERT_TRUE(eventually([&] { return !s.health().healthy; }));
    EXPECT_NE(s.health().last_error.find(path), std::string::npos) << s.health().last_error;
    EXPECT_EQ(s.health().queued, 1u);

    UnixDgramReceiver rx(path);  // restarted: a new socket at the same path
    const auto m = rx.recv();
    ASSERT_TRUE(m);
    EXPECT_EQ(parse_rfc5424(*m)->params.at("id"), "during");
    ASSERT_TRUE(eventually([&] { return s.health().healthy; }));
    s.submit(make_alert("after"));
    const auto m2 = rx.recv();
    ASSERT_TRUE(m2);
    EXPECT_EQ(parse_rfc5424(*m2)->params.at("id"), "after");
    s.stop(5s);
    const auto h = s.health();
    EXPECT_EQ(h.delivered, 3u);
    EXPECT_EQ(h.dropped, 0u);
    EXPECT_GE(h.retries, 1u);
}

TEST(SyslogSink, TcpOctetCounting)
{
    TcpReceiver rx;
    SyslogSink s("tcp", fast_retry(), tcp_spec(rx.port()), "h");
    s.start();
    // Multi-byte characters: LEN counts octets, not characters.
    const std::string json = "{\"id\":\"u\",\"s\":\"\xc3\xa9t\xc3\xa9\"}";
    s.submit(make_alert("u", Severity::medium, json));
    s.submit(make_alert("v", Severity::info));
    ASSERT_TRUE(eventually([&] { return rx.messages().size() == 2; }));
    EXPECT_FALSE(rx.framing_error());
    const auto p = parse_rfc5424(rx.messages()[0]);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->pri, 19 * 8 + 4);
    EXPECT_EQ(p->msg, json);
    EXPECT_EQ(parse_rfc5424(rx.messages()[1])->params.at("id"), "v");
    EXPECT_EQ(rx.accepted(), 1);  // one connection for both
    s.stop(5s);
    EXPECT_EQ(s.health().delivered, 2u);
}

TEST(SyslogSink, TcpReconnectsAfterTheReceiverRestarts)
{
    auto rx = std::make_unique<TcpReceiver>();
    const uint16_t port = rx->port();
    SyslogSink s("tcp", fast_retry(), tcp_spec(port), "h");
    s.start();
    s.submit(make_alert("a0"));
    s.submit(make_alert("a1"));
    ASSERT_TRUE(eventually([&] { return rx->messages().size() == 2; }));

    rx->stop();  // killed: connection and listener gone
    s.submit(make_alert("a2"));
    ASSERT_TRUE(eventually([&] { return !s.health().healthy; }));
    EXPECT_NE(s.health().last_error.find("connect 127.0.0.1:" + std::to_string(port)), std::string::npos)
        << s.health().last_error;
    EXPECT_NE(s.health().last_error.find("Connection refused"), std::string::npos) << s.health().last_error;
    EXPECT_EQ(s.health().queued, 1u);

    rx = std::make_unique<TcpReceiver>(port);  // restarted on the same port
    ASSERT_TRUE(eventually([&] { return rx->messages().size() == 1; }));
    s.submit(make_alert("a3"));
    ASSERT_TRUE(eventually([&] { return rx->messages().size() == 2; }));
    EXPECT_FALSE(rx->framing_error());
    EXPECT_EQ(parse_rfc5424(rx->messages()[0])->params.at("id"), "a2");
    EXPECT_EQ(parse_rfc5424(rx->messages()[1])->params.at("id"), "a3");
    s.stop(5s);
    const auto h = s.health();
    EXPECT_EQ(h.submitted, 4u);
    EXPECT_EQ(h.delivered, 4u);
    EXPECT_EQ(h.dropped, 0u);
    EXPECT_EQ(h.queued, 0u);
    EXPECT_GE(h.retries, 1u);
    EXPECT_TRUE(h.healthy);
    EXPECT_EQ(h.last_error, "");
}

TEST(SyslogSink, TcpStopIsNotHeldUpByADeadPeer)
{
    TcpReceiver rx;
    const uint16_t port = rx.port();
    rx.stop();
    QueuedSink::Options o;
    o.retry_initial = 10s;
    SyslogSink s("tcp", o, tcp_spec(port), "h");
    s.start();
    s.submit(make_alert("lost"));
    ASSERT_TRUE(eventually([&] { return !s.health().healthy; }));
    const auto t0 = std::chrono::steady_clock::now();
    s.stop(300ms);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    EXPECT_EQ(s.health().dropped, 1u);
    EXPECT_EQ(s.health().delivered, 0u);
}

TEST(SyslogSink, InvalidSpecificationsAreRejectedWithContext)
{
    auto what = [](const rules::SyslogSinkSpec& spec) {
        try {
            SyslogSink s("remote", {}, spec, "h");
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    auto bad_facility = unix_spec("/dev/log", "security");
    EXPECT_NE(what(bad_facility).find("syslog.facility: unknown facility 'security'"), std::string::npos)
        << what(bad_facility);
    EXPECT_NE(what(bad_facility).find("'remote'"), std::string::npos);
    auto bad_transport = unix_spec("/dev/log");
    bad_transport.transport = "udp";
    EXPECT_NE(what(bad_transport).find("unknown transport 'udp'"), std::string::npos) << what(bad_transport);
    for (const std::string addr : {"nohost", "host:", ":514", "host:0", "host:65536", "host:5x4", "[::1]514", "a:b:c"}) {
        rules::SyslogSinkSpec t = tcp_spec(1);
        t.address = addr;
        EXPECT_NE(what(t).find("syslog.address"), std::string::npos) << addr << ": " << what(t);
    }
    rules::SyslogSinkSpec v6 = tcp_spec(1);
    v6.address = "[::1]:514";
    EXPECT_EQ(what(v6), "no error");
    EXPECT_NE(what(unix_spec(std::string(200, 'x'))).find("syslog.address"), std::string::npos);
}

}  // namespace
}  // namespace procsentry::sinks
