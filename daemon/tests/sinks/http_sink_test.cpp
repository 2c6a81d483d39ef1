// SPDX-License-Identifier: GPL-2.0
#include "sinks/http_sink.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "http_receiver.hpp"
#include "sink_test_util.hpp"
#include "test_certs.hpp"

namespace procsentry::sinks {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::HttpReceiver;
using test::make_alert;
using test::TempDir;
using Clock = std::chrono::steady_clock;

std::string id(int i) { return "a-" + std::to_string(i); }
std::string json(int i) { return "{\"id\":\"" + id(i) + "\"}"; }

std::vector<std::string> lines(int from, int to)
{
    std::vector<std::string> out;
    for (int i = from; i < to; i++)
        out.push_back(json(i));
    return out;
}

void submit_range(Sink& s, int from, int to)
{
    for (int i = from; i < to; i++)
        s.submit(make_alert(id(i)));
}

// A port nothing listens on (for "collector down"); a receiver may take it
// later.
uint16_t free_port()
{
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

class HttpSinkTest : public ::testing::Test {
protected:
    rules::SinkSpec spec(const std::string& url)
    {
        rules::SinkSpec s;
        s.name = "collector";
        s.type = "http";
        s.http.url = url;
        s.http.batch_max = 100;
        s.http.batch_ms = 20;
        s.http.timeout_ms = 3000;
        s.http.retry_max_ms = 50;
        s.http.spool_dir = dir_.path() + "/spool";
        s.http.spool_max_bytes = 1 << 20;
        return s;
    }
    std::string down_url() { return "http://127.0.0.1:" + std::to_string(down_port_) + "/ingest"; }

    TempDir dir_;
    uint16_t down_port_ = free_port();
};

TEST_F(HttpSinkTest, PostsNdjsonBatchesWithBatchHeader)
{
    HttpReceiver rx;
    auto s = spec(rx.url());
    s.http.batch_max = 3;
    s.http.batch_ms = 60000;  // only full batches until stop()
    HttpSink sink(s);
    sink.start();
    submit_range(sink, 0, 7);
    ASSERT_TRUE(rx.wait_for([&] { return rx.requests().size() == 2; }));
    sink.stop(5s);

    const auto reqs = rx.requests();
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[0].batch, "a-0..3");
    EXPECT_EQ(reqs[1].batch, "a-3..3");
    EXPECT_EQ(reqs[2].batch, "a-6..1");  // the partial batch went at stop()
    EXPECT_EQ(reqs[0].body, json(0) + "\n" + json(1) + "\n" + json(2) + "\n");
    EXPECT_EQ(reqs[0].content_type, "application/x-ndjson");
    EXPECT_EQ(reqs[0].target, "/ingest");
    EXPECT_EQ(reqs[0].host, "127.0.0.1:" + std::to_string(rx.port()));
    EXPECT_EQ(reqs[0].authorization, "");
    const auto h = sink.health();
    EXPECT_EQ(h.type, "http");
    EXPECT_EQ(h.name, "collector");
    EXPECT_EQ(h.submitted, 7u);
    EXPECT_EQ(h.delivered, 7u);
    EXPECT_EQ(h.spooled, 0u);
    EXPECT_EQ(h.dropped, 0u);
    EXPECT_TRUE(h.healthy);
}

TEST_F(HttpSinkTest, BatchMsSendsAPartialBatch)
{
    HttpReceiver rx;
    auto s = spec(rx.url());
    s.http.batch_ms = 50;
    HttpSink sink(s);
    sink.start();
    submit_range(sink, 0, 2);
    ASSERT_TRUE(rx.wait_for([&] { return rx.requests().size() == 1; }));
    EXPECT_EQ(rx.requests()[0].batch, "a-0..2");
    EXPECT_TRUE(eventually([&] { return sink.health().delivered == 2; }));
}

TEST_F(HttpSinkTest, BearerTokenFromTokenFile)
{
    HttpReceiver rx;
    auto s = spec(rx.url());
    s.http.token_file = dir_.path() + "/token";
    std::ofstream(s.http.token_file) << "s3cr3t-T0ken\n";
    HttpSink sink(s);
    sink.start();
    submit_range(sink, 0, 1);
    ASSERT_TRUE(rx.wait_for([&] { return rx.requests().size() == 1; }));
    EXPECT_EQ(rx.requests()[0].authorization, "Bearer s3cr3t-T0ken");
}

TEST_F(HttpSinkTest, AnAlertIdCannotSplitTheBatchHeader)
{
    HttpReceiver rx;
    HttpSink sink(spec(rx.url()));
    sink.start();
    sink.submit(make_alert("x\r\nX-Evil: 1"));
    ASSERT_TRUE(rx.wait_for([&] { return rx.requests().size() == 1; }));
    EXPECT_EQ(rx.requests()[0].batch, "x??X-Evil:?1..1");
}

TEST_F(HttpSinkTest, ConfigurationErrorsNameTheKeyAndErrno)
{
    auto expect_error = [](const rules::SinkSpec& s, const std::string& want) {
        try {
            HttpSink sink(s);
            ADD_FAILURE() << "no error, wanted " << want;
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
        }
    };
    auto s = spec("http://127.0.0.1:1/");
    s.http.token_file = dir_.path() + "/missing-token";
    expect_error(s, "token_file " + dir_.path() + "/missing-token: No such file or directory");

    s.http.token_file = dir_.path() + "/two-lines";
    std::ofstream(s.http.token_file) << "abc\nX-Evil: 1\n";
    expect_error(s, "printable ASCII");

    s = spec("https://127.0.0.1:1/");
    s.http.ca_file = dir_.path() + "/missing-ca.pem";
    expect_error(s, "ca_file " + dir_.path() + "/missing-ca.pem: No such file or directory");

    s = spec("gopher://x/");
    expect_error(s, "url: invalid url \"gopher://x/\": scheme");

    s = spec("http://127.0.0.1:1/");
    std::ofstream(dir_.path() + "/plain") << "x";
    s.http.spool_dir = dir_.path() + "/plain/spool";
    expect_error(s, "spool " + dir_.path() + "/plain/spool: mkdir: Not a directory");
}

TEST_F(HttpSinkTest, RetriesAfter503UntilDelivered)
{
    HttpReceiver rx;
    rx.script({503, 503});
    HttpSink sink(spec(rx.url()));
    sink.start();
    submit_range(sink, 0, 3);
    ASSERT_TRUE(eventually([&] { return sink.health().delivered == 3; }));
    const auto reqs = rx.requests();
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[0].body, reqs[2].body);  // the same batch again
    const auto h = sink.health();
    EXPECT_EQ(h.retries, 2u);
    EXPECT_TRUE(h.healthy);
    EXPECT_EQ(h.last_error, "");
    EXPECT_EQ(rx.delivered_lines(), lines(0, 3));
}

TEST_F(HttpSinkTest, FailureIsReportedInHealth)
{
    HttpReceiver rx;
    rx.script({}, 503);
    HttpSink sink(spec(rx.url()));
    sink.start();
    submit_range(sink, 0, 1);
    ASSERT_TRUE(eventually([&] { return sink.health().retries >= 1; }));
    const auto h = sink.health();
    EXPECT_FALSE(h.healthy);
    EXPECT_EQ(h.last_error, "HTTP 503 Service Unavailable (127.0.0.1:" + std::to_string(rx.port()) + ")");
    EXPECT_EQ(h.spooled, 1u);
    EXPECT_EQ(h.delivered, 0u);
    sink.stop(0ms);
}

TEST_F(HttpSinkTest, Refused400BatchIsDroppedAndCounted429IsRetried)
{
    HttpReceiver rx;
    rx.script({400, 429});
    auto s = spec(rx.url());
    s.http.batch_max = 2;
    s.http.batch_ms = 60000;
    HttpSink sink(s);
    sink.start();
    submit_range(sink, 0, 2);
    ASSERT_TRUE(eventually([&] { return sink.health().dropped == 2; }));
    auto h = sink.health();
    EXPECT_FALSE(h.healthy);
    EXPECT_NE(h.last_error.find("HTTP 400 Bad Request"), std::string::npos) << h.last_error;
    EXPECT_NE(h.last_error.find("batch of 2 alerts refused, dropped"), std::string::npos) << h.last_error;
    EXPECT_EQ(h.spooled, 0u);
    EXPECT_EQ(h.retries, 0u);

    submit_range(sink, 2, 4);  // 429 first, then 200
    ASSERT_TRUE(eventually([&] { return sink.health().delivered == 2; }));
    const auto reqs = rx.requests();
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[1].batch, "a-2..2");
    EXPECT_EQ(reqs[2].batch, "a-2..2");
    h = sink.health();
    EXPECT_EQ(h.dropped, 2u);
    EXPECT_EQ(h.retries, 1u);
    EXPECT_EQ(rx.delivered_lines(), lines(2, 4));
}

TEST_F(HttpSinkTest, OrderIsKeptThroughFailures)
{
    HttpReceiver rx;
    rx.script({503, 200, 500, 502, 200, 0, 200, 503});  // 0: hangs until the sink's timeout
    auto s = spec(rx.url());
    s.http.batch_max = 7;
    s.http.timeout_ms = 200;
    HttpSink sink(s);
    sink.start();
    for (int i = 0; i < 60; i++) {
        sink.submit(make_alert(id(i), rules::Severity::high, json(i)));
        if (i % 10 == 0)
            std::this_thread::sleep_for(5ms);  // batches of several sizes
    }
    ASSERT_TRUE(eventually([&] { return sink.health().delivered == 60; }, 20s));
    EXPECT_EQ(rx.delivered_lines(), lines(0, 60));  // each once, in order
}

TEST_F(HttpSinkTest, BackoffGrowsButStaysUnderTheCeiling)
{
    HttpReceiver rx;
    rx.script({503, 503, 503, 503, 503, 503});
    auto s = spec(rx.url());
    s.http.retry_max_ms = 120;
    HttpSink sink(s);
    sink.start();
    submit_range(sink, 0, 1);
    ASSERT_TRUE(eventually([&] { return sink.health().delivered == 1; }));
    const auto reqs = rx.requests();
    ASSERT_EQ(reqs.size(), 7u);
    for (std::size_t i = 1; i < reqs.size(); i++) {
        const auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(reqs[i].at - reqs[i - 1].at);
        // Jitter keeps at least half the backoff; the ceiling holds (an
        // uncapped 500 ms doubling would be past 2 s by the fourth retry).
        EXPECT_GE(gap.count(), 55) << "retry " << i;
        EXPECT_LT(gap.count(), 1000) << "retry " << i;
    }
}

TEST_F(HttpSinkTest, CollectorDownThenUpLosesNothing)
{
    HttpSink sink(spec(down_url()));
    sink.start();
    submit_range(sink, 0, 5);
    ASSERT_TRUE(eventually([&] { return sink.health().retries >= 2; }));
    auto h = sink.health();
    EXPECT_EQ(h.last_error, "connect: Connection refused (127.0.0.1:" + std::to_string(down_port_) + ")");
    EXPECT_EQ(h.spooled, 5u);
    EXPECT_EQ(h.queued, 0u);

    HttpReceiver rx(std::nullopt, down_port_);
    submit_range(sink, 5, 8);
    ASSERT_TRUE(eventually([&] { return sink.health().delivered == 8; }));
    EXPECT_EQ(rx.delivered_lines(), lines(0, 8));
    h = sink.health();
    EXPECT_TRUE(h.healthy);
    EXPECT_EQ(h.spooled, 0u);
}

TEST_F(HttpSinkTest, SpoolSurvivesARestartOfTheSink)
{
    {
        HttpSink first(spec(down_url()));
        first.start();
        submit_range(first, 0, 5);
        ASSERT_TRUE(eventually([&] { return first.health().spooled == 5; }));
        first.stop(100ms);
        const auto h = first.health();
        EXPECT_EQ(h.spooled, 5u);
        EXPECT_EQ(h.delivered, 0u);
        EXPECT_EQ(h.dropped, 0u);
    }
    // Alerts queued in memory when stop() comes still reach the disk.
    {
        HttpSink second(spec(down_url()));
        submit_range(second, 5, 7);  // never started
        second.stop(0ms);
        EXPECT_EQ(second.health().spooled, 7u);
    }
    HttpReceiver rx(std::nullopt, down_port_);
    HttpSink third(spec(down_url()));
    third.start();
    ASSERT_TRUE(rx.wait_for([&] { return rx.delivered_lines().size() == 7; }));
    EXPECT_EQ(rx.requests()[0].batch, "a-0..7");
    submit_range(third, 7, 8);
    ASSERT_TRUE(rx.wait_for([&] { return rx.delivered_lines().size() == 8; }));
    EXPECT_EQ(rx.delivered_lines(), lines(0, 8));
    third.stop(1s);
    EXPECT_EQ(third.health().spooled, 0u);
}

TEST_F(HttpSinkTest, FullSpoolDropsTheOldestAndCountsThem)
{
    auto s = spec(down_url());
    s.http.spool_max_bytes = 4096;
    HttpSink sink(s);
    sink.start();
    submit_range(sink, 0, 300);
    ASSERT_TRUE(eventually([&] {
        const auto h = sink.health();
        return h.queued == 0 && h.spooled + h.dropped == 300;
    }));
    const auto dropped = sink.health().dropped;
    EXPECT_GT(dropped, 100u);

    HttpReceiver rx(std::nullopt, down_port_);
    ASSERT_TRUE(eventually([&] { return sink.health().spooled == 0; }));
    EXPECT_EQ(rx.delivered_lines(), lines(static_cast<int>(dropped), 300));  // the newest, in order
    EXPECT_EQ(sink.health().delivered + dropped, 300u);
}

TEST_F(HttpSinkTest, CorruptSpoolTailIsSkippedAndCounted)
{
    const auto s = spec(down_url());
    {
        Spool spool({s.http.spool_dir, s.http.spool_max_bytes, 0});
        for (int i = 0; i < 4; i++)
            spool.append(id(i), json(i));
    }
    std::filesystem::path seg;
    for (const auto& e : std::filesystem::directory_iterator(s.http.spool_dir))
        if (e.path().extension() == ".seg")
            seg = e.path();
    std::filesystem::resize_file(seg, std::filesystem::file_size(seg) - 3);  // torn last write
    std::ofstream(seg, std::ios::app | std::ios::binary) << std::string("\x10\x00\x00\x00zz", 6);

    HttpReceiver rx(std::nullopt, down_port_);
    HttpSink sink(s);
    sink.start();
    submit_range(sink, 4, 5);
    ASSERT_TRUE(rx.wait_for([&] { return rx.delivered_lines().size() == 4; }));
    EXPECT_EQ(rx.delivered_lines(), (std::vector<std::string>{json(0), json(1), json(2), json(4)}));
    EXPECT_EQ(sink.spool_corrupt(), 1u);
}

TEST_F(HttpSinkTest, HungCollectorTimesOutAndSubmitNeverBlocks)
{
    HttpReceiver rx;
    rx.script({0});  // the first request never gets an answer
    auto s = spec(rx.url());
    s.http.timeout_ms = 300;
    HttpSink sink(s);
    sink.start();
    submit_range(sink, 0, 1);
    ASSERT_TRUE(rx.wait_for([&] { return rx.requests().size() == 1; }));
    const auto t0 = Clock::now();
    submit_range(sink, 1, 2001);  // while the worker waits on the network
    EXPECT_LT(Clock::now() - t0, 1s);
    ASSERT_TRUE(eventually([&] { return sink.health().delivered == 2001; }, 20s));
    EXPECT_EQ(sink.health().retries, 1u);
    EXPECT_EQ(rx.delivered_lines().front(), json(0));
    EXPECT_EQ(rx.delivered_lines().back(), json(2000));
}

TEST_F(HttpSinkTest, TimeoutIsReported)
{
    HttpReceiver rx;
    rx.script({}, 0);
    auto s = spec(rx.url());
    s.http.timeout_ms = 100;
    HttpSink sink(s);
    sink.start();
    submit_range(sink, 0, 1);
    ASSERT_TRUE(eventually([&] { return sink.health().retries >= 1; }));
    EXPECT_EQ(sink.health().last_error, "timeout in receive (127.0.0.1:" + std::to_string(rx.port()) + ")");
    sink.stop(0ms);
}

TEST_F(HttpSinkTest, StopHonoursItsDeadlineAndKeepsTheRestSpooled)
{
    HttpReceiver rx;
    rx.script({}, 0);  // hangs forever
    auto s = spec(rx.url());
    s.http.timeout_ms = 30000;
    HttpSink sink(s);
    sink.start();
    submit_range(sink, 0, 10);
    ASSERT_TRUE(rx.wait_for([&] { return rx.requests().size() == 1; }));
    const auto t0 = Clock::now();
    sink.stop(300ms);
    const auto took = Clock::now() - t0;
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 2s);
    const auto h = sink.health();
    EXPECT_EQ(h.spooled, 10u);
    EXPECT_EQ(h.dropped, 0u);
    EXPECT_EQ(h.last_error, "sink stopping in receive (127.0.0.1:" + std::to_string(rx.port()) + ")");
    sink.submit(make_alert("late"));  // after stop: refused and counted
    EXPECT_EQ(sink.health().dropped, 1u);
}

TEST_F(HttpSinkTest, AlertsBelowMinSeverityAreIgnored)
{
    auto s = spec(down_url());
    s.min_severity = rules::Severity::high;
    HttpSink sink(s);
    sink.submit(make_alert("low", rules::Severity::low));
    sink.submit(make_alert("crit", rules::Severity::critical));
    EXPECT_EQ(sink.health().submitted, 1u);
    EXPECT_EQ(sink.health().queued, 1u);
}

TEST_F(HttpSinkTest, NeverStartedNeverUsedStopsQuietly)
{
    {
        HttpSink sink(spec(down_url()));
    }
    HttpSink sink(spec(down_url()));
    sink.stop(0ms);
    sink.stop(0ms);
    EXPECT_EQ(sink.health().dropped, 0u);
}

TEST_F(HttpSinkTest, QueueOverflowIsCounted)
{
    auto s = spec(down_url());
    s.queue_max = 5;
    HttpSink sink(s);  // not started: nothing drains the queue
    submit_range(sink, 0, 8);
    auto h = sink.health();
    EXPECT_EQ(h.submitted, 8u);
    EXPECT_EQ(h.queued, 5u);
    EXPECT_EQ(h.dropped, 3u);
    sink.stop(0ms);
    EXPECT_EQ(sink.health().spooled, 5u);
}

TEST_F(HttpSinkTest, ReplacementSinkWaitsForTheSpoolLock)
{
    HttpReceiver rx;
    rx.script({}, 503);
    HttpSink old_sink(spec(rx.url()));
    old_sink.start();
    submit_range(old_sink, 0, 2);
    ASSERT_TRUE(eventually([&] { return old_sink.health().spooled == 2; }));

    HttpSink next(spec(rx.url()));  // a reload: same spool directory
    next.start();
    submit_range(next, 2, 3);
    ASSERT_TRUE(eventually([&] { return next.health().last_error.find("in use") != std::string::npos; }));
    EXPECT_EQ(next.health().queued, 1u);
    rx.script({}, 200);
    old_sink.stop(0ms);
    ASSERT_TRUE(rx.wait_for([&] { return rx.delivered_lines().size() == 3; }));
    EXPECT_EQ(rx.delivered_lines(), lines(0, 3));
}

class HttpsSinkTest : public HttpSinkTest {
protected:
    void SetUp() override
    {
        std::string why;
        certs_ = test::make_test_certs(dir_.path(), why);
        if (!certs_)
            GTEST_SKIP() << why;
    }
    std::optional<test::TestCerts> certs_;
};

TEST_F(HttpsSinkTest, DeliversOverTlsWithThePinnedCa)
{
    HttpReceiver rx(HttpReceiver::Tls{certs_->cert, certs_->key});
    for (const std::string host : {"127.0.0.1", "localhost"}) {
        auto s = spec(rx.url(host));
        s.http.ca_file = certs_->ca;
        HttpSink sink(s);
        sink.start();
        submit_range(sink, 0, 2);
        ASSERT_TRUE(eventually([&] { return sink.health().delivered == 2; })) << host << ": " << sink.health().last_error;
        sink.stop(1s);
    }
    EXPECT_EQ(rx.delivered_lines(), (std::vector<std::string>{json(0), json(1), json(0), json(1)}));
}

TEST_F(HttpsSinkTest, RefusesAServerSignedByAnotherCa)
{
    HttpReceiver rx(HttpReceiver::Tls{certs_->cert, certs_->key});
    auto s = spec(rx.url());
    s.http.ca_file = certs_->other_ca;
    HttpSink sink(s);
    sink.start();
    submit_range(sink, 0, 1);
    ASSERT_TRUE(eventually([&] { return sink.health().retries >= 1; }));
    const auto h = sink.health();
    EXPECT_NE(h.last_error.find("TLS handshake: "), std::string::npos) << h.last_error;
    EXPECT_NE(h.last_error.find("certificate verify failed"), std::string::npos) << h.last_error;
    EXPECT_EQ(h.delivered, 0u);
    EXPECT_TRUE(rx.requests().empty());
    EXPECT_EQ(h.spooled, 1u);
    sink.stop(0ms);
}

TEST_F(HttpsSinkTest, RefusesACertificateForAnotherName)
{
    HttpReceiver rx(HttpReceiver::Tls{certs_->wrong_name_cert, certs_->wrong_name_key});
    auto s = spec(rx.url("localhost"));
    s.http.ca_file = certs_->ca;
    HttpSink sink(s);
    sink.start();
    submit_range(sink, 0, 1);
    ASSERT_TRUE(eventually([&] { return sink.health().retries >= 1; }));
    const auto h = sink.health();
    EXPECT_NE(h.last_error.find("TLS handshake: "), std::string::npos) << h.last_error;
    EXPECT_NE(h.last_error.find("hostname mismatch"), std::string::npos) << h.last_error;
    EXPECT_TRUE(rx.requests().empty());
    sink.stop(0ms);
}

TEST_F(HttpsSinkTest, SystemStoreDoesNotTrustTheTestCa)
{
    HttpReceiver rx(HttpReceiver::Tls{certs_->cert, certs_->key});
    HttpSink sink(spec(rx.url()));  // no ca_file: the system's default paths
    sink.start();
    submit_range(sink, 0, 1);
    ASSERT_TRUE(eventually([&] { return sink.health().retries >= 1; }));
    EXPECT_NE(sink.health().last_error.find("certificate verify failed"), std::string::npos)
        << sink.health().last_error;
    sink.stop(0ms);
}

}  // namespace
}  // namespace procsentry::sinks
