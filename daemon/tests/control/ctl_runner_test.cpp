// SPDX-License-Identifier: GPL-2.0
#include "control/ctl_runner.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "control/control_server.hpp"
#include "control/fake_control_handler.hpp"
#include "control/loop_thread.hpp"
#include "support/temp_dir.hpp"

namespace procsentry::control {
namespace {

using namespace std::chrono_literals;

class CtlRunnerTest : public ::testing::Test {
protected:
    void start(ControlServer::Limits limits = {})
    {
        server_.emplace(io_, path_, handler_, limits);
        server_->start();
        loop_.emplace(io_);
    }
    void TearDown() override
    {
        if (server_ && loop_) {
            server_->stop();
            EXPECT_TRUE(loop_->wait_finished(5s));
        }
    }
    int run(std::vector<std::string> args)
    {
        out_.str("");
        err_.str("");
        args.insert(args.begin(), {"--socket", path_});
        const CtlOptions o = CtlOptions::parse(args);
        EXPECT_EQ(o.error, "");
        CtlRunner runner(out_, err_);
        return runner.run(o);
    }

    procsentry::test::TempDir dir_;
    std::string path_ = dir_.file("control.sock");
    boost::asio::io_context io_;
    test::FakeControlHandler handler_;
    std::optional<ControlServer> server_;
    std::optional<test::LoopThread> loop_;
    std::ostringstream out_, err_;
};

TEST_F(CtlRunnerTest, NoDaemonIsExit3NamingTheSocket)
{
    EXPECT_EQ(run({"status"}), CtlRunner::kUnreachable);
    EXPECT_EQ(err_.str(), "procsentryctl: cannot connect to " + path_ +
                              ": No such file or directory (is procsentryd running?)\n");
    EXPECT_EQ(out_.str(), "");
}

TEST_F(CtlRunnerTest, StatusReadableAndJson)
{
    start();
    EXPECT_EQ(run({"status"}), CtlRunner::kOk);
    EXPECT_EQ(out_.str(),
              "config:\n  file: /etc/procsentry/procsentry.json\nmodule:\n  abi: 3\nmonitoring: yes\n");
    EXPECT_EQ(run({"status", "--json"}), CtlRunner::kOk);
    EXPECT_EQ(out_.str().rfind("{\"ok\":true,\"status\":{", 0), 0u) << out_.str();
    EXPECT_EQ(run({"stats"}), CtlRunner::kOk);
    EXPECT_EQ(out_.str(), "drops:\n  ring_full: 2\nevents: 12345\n");
}

TEST_F(CtlRunnerTest, EnableDisableReloadPrintTheDaemonsMessage)
{
    start();
    EXPECT_EQ(run({"disable"}), CtlRunner::kOk);
    EXPECT_EQ(out_.str(), "monitoring disabled\n");
    EXPECT_FALSE(handler_.enabled);
    EXPECT_EQ(run({"enable"}), CtlRunner::kOk);
    EXPECT_TRUE(handler_.enabled);
    EXPECT_EQ(run({"reload"}), CtlRunner::kOk);
    EXPECT_EQ(out_.str(), "configuration 2 loaded\n");
}

TEST_F(CtlRunnerTest, FailedReloadIsExit1WithTheReason)
{
    start();
    handler_.reload_fails = true;
    EXPECT_EQ(run({"reload"}), CtlRunner::kFailed);
    EXPECT_EQ(err_.str(),
              "procsentryctl: reload: /etc/procsentry/procsentry.json: rules[0].severity: unknown severity "
              "(\"loud\")\n");
}

TEST_F(CtlRunnerTest, RefusedClientIsExit1WithTheServersReason)
{
    ControlServer::Limits limits;
    limits.max_clients = 0;  // everyone is refused, as a non-root client would be
    start(limits);
    EXPECT_EQ(run({"status"}), CtlRunner::kFailed);
    EXPECT_EQ(err_.str(), "procsentryctl: status: too many control clients (max 0)\n");
    EXPECT_EQ(handler_.status_calls, 0);
}

TEST_F(CtlRunnerTest, TailPrintsAlertsAndDropNoticesUntilTheDaemonGoes)
{
    start();
    std::ostringstream out, err;
    auto done = std::async(std::launch::async, [&] {
        CtlRunner runner(out, err);
        return runner.run(CtlOptions::parse({"--socket", path_, "tail"}));
    });
    auto stats = [&] { return loop_->on_loop([&] { return server_->client_stats(); }); };
    auto eventually = [](auto pred) {
        const auto end = std::chrono::steady_clock::now() + 5s;
        while (!pred() && std::chrono::steady_clock::now() < end)
            std::this_thread::sleep_for(2ms);
        return pred();
    };
    ASSERT_TRUE(eventually([&] { return stats().tail_clients == 1; }));
    auto a = std::make_shared<alert::Serialized>();
    a->json = R"({"id":"x1"})";
    server_->publish(a);
    a = std::make_shared<alert::Serialized>();
    a->json = R"({"id":"x2","dropped":1})";  // an alert, although it has a "dropped" key
    server_->publish(a);
    // Once the queue is empty the lines are in the client's socket: stopping now loses none.
    ASSERT_TRUE(eventually([&] { return stats().queued_lines == 0; }));
    server_->stop();
    ASSERT_EQ(done.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(done.get(), CtlRunner::kFailed);
    EXPECT_EQ(out.str(), "{\"id\":\"x1\"}\n{\"id\":\"x2\",\"dropped\":1}\n");
    EXPECT_NE(err.str().find("closed the connection"), std::string::npos) << err.str();
    EXPECT_TRUE(loop_->wait_finished(5s));
    loop_.reset();
}

}  // namespace
}  // namespace procsentry::control
