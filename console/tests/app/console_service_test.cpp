// SPDX-License-Identifier: GPL-2.0
// The whole service in-process: startup steps, first start, the API and the UI over a real
// socket, and a graceful SIGTERM that answers a held long poll.
#include "app/console_service.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "app/console_config_loader.hpp"
#include "support/raw_http.hpp"

namespace procsentry::console::app {
namespace {

using namespace std::chrono_literals;
using test::RawHttp;
namespace fs = std::filesystem;

class ConsoleServiceTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        dir_ = fs::temp_directory_path() / ("psc-svc-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "ui");
        std::ofstream(dir_ / "ui" / "index.html") << "<html>console</html>";
        port_ = static_cast<uint16_t>(20000 + std::random_device{}() % 20000);
    }
    void TearDown() override { fs::remove_all(dir_); }

    ConsoleConfig config()
    {
        auto r = ConsoleConfigLoader::load_string(
            "{\"version\":1,\"listen\":{\"address\":\"127.0.0.1\",\"port\":" + std::to_string(port_) +
                "},\"store\":{\"type\":\"sqlite\",\"path\":\"" + (dir_ / "console.db").string() + "\"},\"ui_dir\":\"" +
                (dir_ / "ui").string() + "\",\"threads\":2,\"agents\":{\"heartbeat_wait_s\":30,\"offline_after_s\":60}}",
            "test");
        EXPECT_TRUE(r.ok);
        return r.config;
    }

    std::string get(const std::string& path)
    {
        RawHttp c(port_);
        if (!c.connected())
            return "";
        c.send("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n");
        return c.read_response(5s);
    }

    fs::path dir_;
    uint16_t port_ = 0;
};

TEST_F(ConsoleServiceTest, StartsServesAndStopsGracefullyOnSigterm)
{
    ConsoleService service(config());
    auto done = std::async(std::launch::async, [&service] { return service.run(); });
    std::string health;
    for (int i = 0; i < 100 && RawHttp::status(health) != 200; ++i) {
        if (done.wait_for(50ms) == std::future_status::ready)
            FAIL() << "the service exited at startup";
        health = get("/api/v1/health");
    }
    ASSERT_EQ(RawHttp::status(health), 200) << health;
    EXPECT_NE(health.find("\"store\":\"sqlite\""), std::string::npos);
    std::string ui = get("/");
    EXPECT_EQ(RawHttp::status(ui), 200);
    EXPECT_NE(ui.find("<html>console</html>"), std::string::npos);
    // First start: admin password file 0600.
    struct stat st {};
    ASSERT_EQ(::stat((dir_ / "initial-admin-password").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    // A held long poll (logged in as the first admin) is answered when the service stops.
    std::string pw;
    std::getline(std::ifstream(dir_ / "initial-admin-password"), pw);
    RawHttp login(port_);
    const std::string body = "{\"username\":\"admin\",\"password\":\"" + pw + "\"}";
    login.send("POST /api/v1/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body);
    std::string ans = login.read_response(10s);
    ASSERT_EQ(RawHttp::status(ans), 200) << ans;
    auto c0 = ans.find("ps_session=");
    std::string cookie = ans.substr(c0, ans.find(';', c0) - c0);
    RawHttp held(port_);
    held.send("GET /api/v1/incidents/wait?after=0&timeout=60 HTTP/1.1\r\nHost: t\r\nCookie: " + cookie + "\r\n\r\n");
    std::this_thread::sleep_for(200ms);

    ::kill(::getpid(), SIGHUP);  // no TLS: logged, nothing else
    auto start = std::chrono::steady_clock::now();
    ::kill(::getpid(), SIGTERM);
    std::string last = held.read_response(10s);
    EXPECT_EQ(RawHttp::status(last), 200) << last;
    EXPECT_NE(last.find("\"last_id\":0"), std::string::npos);
    EXPECT_NE(last.find("Connection: close"), std::string::npos);
    ASSERT_EQ(done.wait_for(15s), std::future_status::ready);
    EXPECT_EQ(done.get(), 0);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 12s);
    EXPECT_FALSE(RawHttp(port_).connected());
}

TEST_F(ConsoleServiceTest, StartupFailureNamesTheStep)
{
    ConsoleConfig c = config();
    c.tls_cert_file = (dir_ / "missing.crt").string();
    c.tls_key_file = (dir_ / "missing.key").string();
    testing::internal::CaptureStderr();
    EXPECT_EQ(ConsoleService(c).run(), 1);
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("cannot start the HTTP listener: tls.cert_file"), std::string::npos) << err;
}

}  // namespace
}  // namespace procsentry::console::app
