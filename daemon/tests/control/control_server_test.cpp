// SPDX-License-Identifier: GPL-2.0
#include "control/control_server.hpp"

#include <gtest/gtest.h>
#include <json/reader.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "control/ctl_client.hpp"
#include "control/fake_control_handler.hpp"
#include "control/loop_thread.hpp"
#include "support/temp_dir.hpp"

namespace procsentry::control {
namespace {

using namespace std::chrono_literals;
constexpr int kWaitMs = 5000;

Json::Value parse(const std::string& line)
{
    Json::CharReaderBuilder rb;
    const std::unique_ptr<Json::CharReader> r(rb.newCharReader());
    Json::Value v;
    EXPECT_TRUE(r->parse(line.data(), line.data() + line.size(), &v, nullptr)) << line;
    return v;
}

alert::SerializedPtr make_alert(const std::string& id, std::size_t pad = 0)
{
    auto a = std::make_shared<alert::Serialized>();
    a->id = id;
    a->json = "{\"id\":\"" + id + "\",\"pad\":\"" + std::string(pad, 'p') + "\"}";
    return a;
}

class ControlServerTest : public ::testing::Test {
protected:
    void start(ControlServer::Limits limits = {})
    {
        server_.emplace(io_, path_, handler_, limits);
        server_->start();
        loop_.emplace(io_);
    }
    void TearDown() override
    {
        if (server_ && loop_ && !stopped_) {
            server_->stop();
            EXPECT_TRUE(loop_->wait_finished(5s)) << "run() did not return after stop()";
        }
    }

    // Connects and checks the connection works with a status round trip.
    std::unique_ptr<CtlClient> connect()
    {
        auto c = std::make_unique<CtlClient>();
        EXPECT_TRUE(c->connect(path_)) << c->error();
        return c;
    }
    Json::Value ask(CtlClient& c, const std::string& request)
    {
        EXPECT_TRUE(c.send_line(request)) << c.error();
        std::string line;
        EXPECT_EQ(c.read_line(line, kWaitMs), CtlClient::Status::ok) << c.error();
        return parse(line);
    }
    std::size_t clients() { return stats().clients; }
    ControlServer::ClientStats stats() { return loop_->on_loop([this] { return server_->client_stats(); }); }
    // Polls loop-owned state with a deadline (the server acts asynchronously).
    template <typename Pred>
    bool eventually(Pred p)
    {
        const auto end = std::chrono::steady_clock::now() + 5s;
        while (std::chrono::steady_clock::now() < end) {
            if (p())
                return true;
            std::this_thread::sleep_for(2ms);
        }
        return false;
    }

    procsentry::test::TempDir dir_;
    std::string path_ = dir_.file("control.sock");
    boost::asio::io_context io_;
    test::FakeControlHandler handler_;
    std::optional<ControlServer> server_;
    std::optional<test::LoopThread> loop_;
    bool stopped_ = false;
};

TEST_F(ControlServerTest, EveryCommandRoundTrips)
{
    start();
    auto c = connect();
    Json::Value v = ask(*c, R"({"cmd":"status"})");
    EXPECT_TRUE(v["ok"].asBool());
    EXPECT_EQ(v["status"]["config"]["file"].asString(), "/etc/procsentry/procsentry.json");
    v = ask(*c, R"({"cmd":"stats"})");
    EXPECT_EQ(v["stats"]["drops"]["ring_full"].asInt(), 2);
    v = ask(*c, R"({"cmd":"disable"})");
    EXPECT_TRUE(v["ok"].asBool());
    EXPECT_FALSE(handler_.enabled);
    v = ask(*c, R"({"cmd":"enable"})");
    EXPECT_TRUE(handler_.enabled);
    v = ask(*c, R"({"cmd":"reload"})");
    EXPECT_EQ(v["message"].asString(), "configuration 2 loaded");
    v = ask(*c, R"({"cmd":"tail"})");
    EXPECT_TRUE(v["tail"].asBool());
}

TEST_F(ControlServerTest, SocketIsMode0600WhateverTheUmask)
{
    const mode_t old = ::umask(0);
    start();
    ::umask(old);
    struct stat st{};
    ASSERT_EQ(::lstat(path_.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(ControlServerTest, BadJsonAndUnknownCommandKeepTheConnection)
{
    start();
    auto c = connect();
    Json::Value v = ask(*c, "this is not json");
    EXPECT_FALSE(v["ok"].asBool());
    EXPECT_NE(v["error"].asString().find("bad request"), std::string::npos);
    v = ask(*c, R"({"cmd":"format-disk"})");
    EXPECT_NE(v["error"].asString().find("unknown command"), std::string::npos);
    v = ask(*c, R"({"cmd":"status"})");
    EXPECT_TRUE(v["ok"].asBool());
}

TEST_F(ControlServerTest, OversizedLineIsRefusedAndClosed)
{
    start();
    auto c = connect();
    // 64 KiB + 1 without a newline: the server must not wait for the rest.
    ASSERT_TRUE(c->send_line(std::string(64 * 1024 + 10, 'x')));
    std::string line;
    ASSERT_EQ(c->read_line(line, kWaitMs), CtlClient::Status::ok) << c->error();
    const Json::Value v = parse(line);
    EXPECT_FALSE(v["ok"].asBool());
    EXPECT_NE(v["error"].asString().find("too long (max 65536 bytes)"), std::string::npos);
    // Closed: EOF, or ECONNRESET when the kernel discards the unread rest of the line.
    const CtlClient::Status st = c->read_line(line, kWaitMs);
    EXPECT_TRUE(st == CtlClient::Status::eof || st == CtlClient::Status::error) << static_cast<int>(st);
    // The server still serves others.
    auto d = connect();
    EXPECT_TRUE(ask(*d, R"({"cmd":"status"})")["ok"].asBool());
}

TEST_F(ControlServerTest, LineOfExactlyTheLimitIsAccepted)
{
    start();
    auto c = connect();
    std::string req = R"({"cmd":"status","pad":")";
    req += std::string(64 * 1024 - req.size() - 2, 'p') + "\"}";
    ASSERT_EQ(req.size(), 64u * 1024);
    EXPECT_TRUE(ask(*c, req)["ok"].asBool());
}

TEST_F(ControlServerTest, TailStreamsPublishedAlertsInOrder)
{
    start();
    auto tailer = connect();
    auto other = connect();
    EXPECT_TRUE(ask(*tailer, R"({"cmd":"tail"})")["ok"].asBool());
    EXPECT_TRUE(ask(*other, R"({"cmd":"status"})")["ok"].asBool());
    for (int i = 0; i < 3; ++i)
        server_->publish(make_alert("a" + std::to_string(i)));
    for (int i = 0; i < 3; ++i) {
        std::string line;
        ASSERT_EQ(tailer->read_line(line, kWaitMs), CtlClient::Status::ok) << tailer->error();
        EXPECT_EQ(parse(line)["id"].asString(), "a" + std::to_string(i));
    }
    // A client that did not ask for tail gets no alerts.
    std::string line;
    EXPECT_EQ(other->read_line(line, 100), CtlClient::Status::timeout);
}

TEST_F(ControlServerTest, SlowTailClientLosesAlertsCountedAndToldLater)
{
    ControlServer::Limits limits;
    limits.queue_lines = 4;
    start(limits);
    auto c = connect();
    ASSERT_TRUE(ask(*c, R"({"cmd":"tail"})")["ok"].asBool());
    constexpr int kAlerts = 200;  // 8 KiB each: far beyond the socket buffers
    for (int i = 0; i < kAlerts; ++i)
        server_->publish(make_alert("a" + std::to_string(i), 8192));
    ASSERT_TRUE(eventually([&] { return stats().tail_dropped > 0; }));
    const uint64_t dropped_at_server = stats().tail_dropped;

    uint64_t received = 0, dropped_told = 0;
    int last_id = -1;
    std::string line;
    while (received + dropped_told < kAlerts) {
        ASSERT_EQ(c->read_line(line, kWaitMs), CtlClient::Status::ok)
            << c->error() << " after " << received << " alerts, " << dropped_told << " drops";
        const Json::Value v = parse(line);
        if (v.isMember("dropped")) {
            dropped_told += v["dropped"].asUInt64();
            continue;
        }
        const int id = std::stoi(v["id"].asString().substr(1));
        EXPECT_GT(id, last_id);  // what arrives stays in order
        last_id = id;
        ++received;
    }
    EXPECT_EQ(received + dropped_told, static_cast<uint64_t>(kAlerts));
    EXPECT_GT(dropped_told, 0u);
    EXPECT_EQ(dropped_told, dropped_at_server);
    EXPECT_GT(received, 0u);
}

TEST_F(ControlServerTest, DeadTailClientIsCleanedUp)
{
    start();
    {
        auto c = connect();
        ASSERT_TRUE(ask(*c, R"({"cmd":"tail"})")["ok"].asBool());
        EXPECT_EQ(clients(), 1u);
    }
    server_->publish(make_alert("after-close"));
    EXPECT_TRUE(eventually([&] { return clients() == 0; }));
}

TEST_F(ControlServerTest, ClientsBeyondTheLimitAreRefused)
{
    ControlServer::Limits limits;
    limits.max_clients = 2;
    start(limits);
    auto a = connect();
    auto b = connect();
    EXPECT_TRUE(ask(*a, R"({"cmd":"status"})")["ok"].asBool());
    EXPECT_TRUE(ask(*b, R"({"cmd":"status"})")["ok"].asBool());
    auto c = connect();
    std::string line;
    ASSERT_EQ(c->read_line(line, kWaitMs), CtlClient::Status::ok);
    EXPECT_NE(parse(line)["error"].asString().find("too many control clients (max 2)"), std::string::npos);
    EXPECT_EQ(c->read_line(line, kWaitMs), CtlClient::Status::eof);
    // A slot freed is a slot usable again.
    a.reset();
    ASSERT_TRUE(eventually([&] { return clients() == 1; }));
    auto d = connect();
    EXPECT_TRUE(ask(*d, R"({"cmd":"status"})")["ok"].asBool());
}

TEST_F(ControlServerTest, StopMakesRunReturnWithClientsConnected)
{
    start();
    auto tailer = connect();
    auto idle = connect();
    ASSERT_TRUE(ask(*tailer, R"({"cmd":"tail"})")["ok"].asBool());
    ASSERT_TRUE(eventually([&] { return clients() == 2; }));
    server_->stop();
    stopped_ = true;
    EXPECT_TRUE(loop_->wait_finished(5s));
    std::string line;
    EXPECT_EQ(tailer->read_line(line, kWaitMs), CtlClient::Status::eof);
    EXPECT_EQ(idle->read_line(line, kWaitMs), CtlClient::Status::eof);
    struct stat st{};
    EXPECT_NE(::lstat(path_.c_str(), &st), 0) << "socket file left behind";
}

TEST_F(ControlServerTest, StaleSocketIsReplaced)
{
    {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        path_.copy(sa.sun_path, sizeof(sa.sun_path) - 1);
        ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
        ::close(fd);  // the file stays, nobody listens: stale
    }
    start();
    auto c = connect();
    EXPECT_TRUE(ask(*c, R"({"cmd":"status"})")["ok"].asBool());
}

TEST_F(ControlServerTest, NonSocketAtThePathIsLeftAloneAndReported)
{
    std::ofstream(path_) << "precious";
    ControlServer s(io_, path_, handler_);
    try {
        s.start();
        FAIL() << "start() accepted a regular file at the socket path";
    } catch (const std::system_error& e) {
        EXPECT_NE(std::string(e.what()).find(path_), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("not a socket"), std::string::npos) << e.what();
    }
    std::ifstream in(path_);
    std::string content;
    in >> content;
    EXPECT_EQ(content, "precious");
}

TEST_F(ControlServerTest, MissingParentDirectoryIsAnErrorNamingIt)
{
    ControlServer s(io_, dir_.file("nope/control.sock"), handler_);
    try {
        s.start();
        FAIL() << "start() succeeded without its directory";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), ENOENT);
        EXPECT_NE(std::string(e.what()).find(dir_.file("nope")), std::string::npos) << e.what();
    }
}

TEST_F(ControlServerTest, SecondServerOnALiveSocketRefuses)
{
    start();
    boost::asio::io_context io2;
    ControlServer second(io2, path_, handler_);
    try {
        second.start();
        FAIL() << "second server took over a live socket";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), EADDRINUSE);
    }
    auto c = connect();
    EXPECT_TRUE(ask(*c, R"({"cmd":"status"})")["ok"].asBool());
}

// SO_PEERCRED: a client that is not uid 0 is refused even if the file mode
// let it connect.  Needs root to switch the child to nobody.
TEST_F(ControlServerTest, NonRootPeerIsRefused)
{
    if (::geteuid() != 0)
        GTEST_SKIP() << "needs root to connect as another user";
    start();
    ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
    const uid_t nobody = 65534;

    // First as the file mode forbids: the connect itself fails.
    // Then with the mode opened up: the server's own check must refuse.
    for (const bool open_mode : {false, true}) {
        ASSERT_EQ(::chmod(path_.c_str(), open_mode ? 0666 : 0600), 0);
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            if (::setgid(nobody) != 0 || ::setuid(nobody) != 0)
                ::_exit(10);
            CtlClient c;
            if (!c.connect(path_))
                ::_exit(c.error().find("must run as root") != std::string::npos ? 20 : 21);
            std::string line;
            // The refusal may come before the request is sent: sending may fail, reading must not.
            (void)c.send_line(R"({"cmd":"status"})");
            if (c.read_line(line, kWaitMs) != CtlClient::Status::ok)
                ::_exit(22);
            if (line != R"({"ok":false,"error":"permission denied: procsentryctl must run as root"})")
                ::_exit(23);
            // Closed: EOF, or ECONNRESET because the unread request was discarded.
            const CtlClient::Status st = c.read_line(line, kWaitMs);
            ::_exit(st == CtlClient::Status::eof || st == CtlClient::Status::error ? 30 : 31);
        }
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFEXITED(status));
        EXPECT_EQ(WEXITSTATUS(status), open_mode ? 30 : 20) << "open_mode " << open_mode;
    }
    EXPECT_EQ(handler_.status_calls, 0);
}

}  // namespace
}  // namespace procsentry::control
