// SPDX-License-Identifier: GPL-2.0
#include "http/server.hpp"

#include <openssl/ssl.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <gtest/gtest.h>

#include "http/tls_context.hpp"
#include "support/raw_http.hpp"

namespace procsentry::console::http {
namespace {

using namespace std::chrono_literals;
using test::RawHttp;

class ServerTest : public ::testing::Test {
protected:
    void start(ServerOptions o = {}, std::shared_ptr<TlsContext> tls = nullptr)
    {
        o.address = "127.0.0.1";
        o.port = 0;
        server_ = std::make_unique<Server>(ioc_, o, tls, [this](Request& req, Reply reply) {
            ++requests_;
            if (req.path == "/later") {
                // Answer from another thread, as a long poll does.
                later_ = std::thread([reply]() {
                    std::this_thread::sleep_for(50ms);
                    reply(Response::text(200, "later"));
                });
                return;
            }
            Response r = Response::text(200, req.method + " " + req.path + " " + std::to_string(req.body.size()) +
                                                 " " + req.remote);
            reply(r);
        });
        server_->start();
        thread_ = std::thread([this]() { ioc_.run(); });
    }
    void TearDown() override
    {
        // The answering thread holds the connection until it ends: join it while the io_context lives.
        if (later_.joinable())
            later_.join();
        if (server_)
            server_->stop();
        ioc_.stop();
        if (thread_.joinable())
            thread_.join();
    }
    uint16_t port() const { return server_->port(); }

    boost::asio::io_context ioc_;
    std::unique_ptr<Server> server_;
    std::thread thread_;
    std::thread later_;
    std::atomic<int> requests_{0};
};

TEST_F(ServerTest, AnswersWithSecurityHeadersAndClientAddress)
{
    start();
    RawHttp c(port());
    ASSERT_TRUE(c.connected());
    c.send("GET /x HTTP/1.1\r\nHost: t\r\n\r\n");
    std::string r = c.read_response();
    EXPECT_EQ(RawHttp::status(r), 200);
    EXPECT_NE(r.find("GET /x 0 127.0.0.1"), std::string::npos);
    EXPECT_NE(r.find("Content-Security-Policy: default-src 'self'; script-src 'self'"), std::string::npos);
    EXPECT_NE(r.find("X-Content-Type-Options: nosniff"), std::string::npos);
    EXPECT_NE(r.find("Referrer-Policy: no-referrer"), std::string::npos);
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection)
{
    start();
    RawHttp c(port());
    for (int i = 0; i < 3; ++i) {
        c.send("GET /k HTTP/1.1\r\nHost: t\r\n\r\n");
        EXPECT_EQ(RawHttp::status(c.read_response()), 200) << i;
    }
    EXPECT_EQ(requests_, 3);
}

TEST_F(ServerTest, DeclaredBodyOverTheLimitIs413WithoutReadingIt)
{
    start();
    RawHttp c(port());
    c.send("POST /api/v1/x HTTP/1.1\r\nHost: t\r\nContent-Length: 1048577\r\n\r\n");
    std::string r = c.read_response();
    EXPECT_EQ(RawHttp::status(r), 413);
    EXPECT_NE(r.find("\"too_large\""), std::string::npos);
    EXPECT_EQ(requests_, 0);
}

TEST_F(ServerTest, ChunkedBodyOverTheLimitIs413)
{
    ServerOptions o;
    o.body_limit = 1000;
    start(o);
    RawHttp c(port());
    std::string chunk(800, 'a');
    c.send("POST /api/v1/x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" + chunk + "\r\n320\r\n" +
           chunk + "\r\n0\r\n\r\n");
    EXPECT_EQ(RawHttp::status(c.read_response()), 413);
    EXPECT_EQ(requests_, 0);
}

TEST_F(ServerTest, AlertPathTakesTheLargerLimit)
{
    ServerOptions o;
    o.body_limit = 1000;
    o.large_body_limit = 5000;
    start(o);
    RawHttp c(port());
    std::string body(3000, 'x');
    c.send("POST /api/agent/v1/alerts HTTP/1.1\r\nHost: t\r\nContent-Length: 3000\r\n\r\n" + body);
    std::string r = c.read_response();
    EXPECT_EQ(RawHttp::status(r), 200);
    EXPECT_NE(r.find("POST /api/agent/v1/alerts 3000"), std::string::npos);
    RawHttp d(port());
    d.send("POST /api/agent/v1/alerts HTTP/1.1\r\nHost: t\r\nContent-Length: 6000\r\n\r\n");
    EXPECT_EQ(RawHttp::status(d.read_response()), 413);
}

TEST_F(ServerTest, HugeHeaderIsRefused)
{
    start();
    RawHttp c(port());
    c.send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
    std::string r = c.read_response();
    EXPECT_EQ(RawHttp::status(r), 431);
    EXPECT_EQ(requests_, 0);
}

TEST_F(ServerTest, SlowClientIsDisconnectedAtTheReadTimeout)
{
    ServerOptions o;
    o.read_timeout = 300ms;
    start(o);
    RawHttp c(port());
    c.send("GET / HTTP/1.1\r\nHost: t\r\n");  // never finishes the header
    EXPECT_TRUE(c.wait_closed(5s));
    EXPECT_EQ(requests_, 0);
}

TEST_F(ServerTest, HeadSendsTheLengthWithoutTheBody)
{
    start();
    RawHttp c(port());
    c.send("HEAD /abc HTTP/1.1\r\nHost: t\r\n\r\n");
    std::string r = c.read_response(2s);
    EXPECT_EQ(RawHttp::status(r), 200);
    EXPECT_NE(r.find("Content-Length: 21"), std::string::npos) << r;  // "HEAD /abc 0 127.0.0.1"
    EXPECT_EQ(r.find("127.0.0.1"), std::string::npos);
}

TEST_F(ServerTest, MalformedRequestIs400)
{
    start();
    RawHttp c(port());
    c.send("GARBAGE\r\n\r\n");
    EXPECT_EQ(RawHttp::status(c.read_response()), 400);
    RawHttp d(port());
    d.send("GET /ui/%2e%2e%2fetc HTTP/1.1\r\nHost: t\r\n\r\n");  // encoded slash
    EXPECT_EQ(RawHttp::status(d.read_response()), 400);
    EXPECT_EQ(requests_, 0);
}

TEST_F(ServerTest, ExpectContinueIsHonoured)
{
    start();
    RawHttp c(port());
    c.send("POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    std::string interim = c.read_response();
    EXPECT_EQ(RawHttp::status(interim), 100);
    c.send("hello");
    std::string r = c.read_response();
    EXPECT_EQ(RawHttp::status(r), 200);
    EXPECT_NE(r.find("POST /p 5"), std::string::npos);
}

TEST_F(ServerTest, DeferredReplyFromAnotherThread)
{
    start();
    RawHttp c(port());
    c.send("GET /later HTTP/1.1\r\nHost: t\r\n\r\n");
    std::string r = c.read_response();
    EXPECT_EQ(RawHttp::status(r), 200);
    EXPECT_NE(r.find("later"), std::string::npos);
}

TEST_F(ServerTest, ConnectionLimitClosesExtraConnections)
{
    ServerOptions o;
    o.max_connections = 1;
    start(o);
    RawHttp a(port());
    a.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    EXPECT_EQ(RawHttp::status(a.read_response()), 200);  // a holds the only slot (keep-alive)
    RawHttp b(port());
    b.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    EXPECT_TRUE(b.wait_closed(5s));
    EXPECT_EQ(requests_, 1);
}

TEST_F(ServerTest, StopClosesIdleKeepAliveConnections)
{
    start();
    RawHttp c(port());
    c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    EXPECT_EQ(RawHttp::status(c.read_response()), 200);
    server_->stop();
    EXPECT_TRUE(c.wait_closed(5s));
}

TEST(ServerListen, BadAddressNamesIt)
{
    boost::asio::io_context ioc;
    ServerOptions o;
    o.address = "not-an-ip";
    Server s(ioc, o, nullptr, [](Request&, Reply) {});
    try {
        s.start();
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("not-an-ip"), std::string::npos);
    }
}

class TlsServerTest : public ServerTest {
protected:
    void SetUp() override
    {
        dir_ = std::filesystem::temp_directory_path() / ("psc-tls-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
        const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -keyout " +
                                (dir_ / "k.pem").string() + " -out " + (dir_ / "c.pem").string() + " 2>/dev/null";
        ASSERT_EQ(std::system(cmd.c_str()), 0);
    }
    void TearDown() override
    {
        ServerTest::TearDown();
        std::filesystem::remove_all(dir_);
    }
    // Handshake with the given version bounds; returns the HTTP status or 0 on a failed handshake.
    int get_over_tls(int min_version, int max_version)
    {
        namespace ssl = boost::asio::ssl;
        boost::asio::io_context io;
        ssl::context ctx(ssl::context::tls_client);
        SSL_CTX_set_min_proto_version(ctx.native_handle(), min_version);
        SSL_CTX_set_max_proto_version(ctx.native_handle(), max_version);
        SSL_CTX_set_security_level(ctx.native_handle(), 0);
        ssl::stream<boost::asio::ip::tcp::socket> s(io, ctx);
        boost::system::error_code ec;
        s.next_layer().connect({boost::asio::ip::make_address("127.0.0.1"), port()}, ec);
        if (ec)
            return 0;
        s.handshake(ssl::stream_base::client, ec);
        if (ec)
            return 0;
        std::string req = "GET /t HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
        boost::asio::write(s, boost::asio::buffer(req), ec);
        std::string out;
        char buf[4096];
        while (true) {
            std::size_t n = s.read_some(boost::asio::buffer(buf), ec);
            out.append(buf, n);
            if (ec)
                break;
        }
        return RawHttp::status(out);
    }
    std::filesystem::path dir_;
};

TEST_F(TlsServerTest, ServesTls12And13AndRefusesOlder)
{
    auto tls = std::make_shared<TlsContext>((dir_ / "c.pem").string(), (dir_ / "k.pem").string());
    start({}, tls);
    EXPECT_EQ(get_over_tls(TLS1_2_VERSION, TLS1_2_VERSION), 200);
    EXPECT_EQ(get_over_tls(TLS1_3_VERSION, TLS1_3_VERSION), 200);
    EXPECT_EQ(get_over_tls(TLS1_VERSION, TLS1_1_VERSION), 0);
    tls->reload();
    EXPECT_EQ(get_over_tls(TLS1_2_VERSION, TLS1_3_VERSION), 200);
}

TEST_F(TlsServerTest, BadCertificateFilesAreNamed)
{
    try {
        TlsContext t((dir_ / "missing.pem").string(), (dir_ / "k.pem").string());
        FAIL();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("missing.pem"), std::string::npos);
    }
    try {
        TlsContext t((dir_ / "c.pem").string(), (dir_ / "c.pem").string());
        FAIL();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("tls.key_file"), std::string::npos);
    }
}

}  // namespace
}  // namespace procsentry::console::http
