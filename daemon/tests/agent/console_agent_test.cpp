// SPDX-License-Identifier: GPL-2.0
// The agent against a fake console, with a fake daemon behind it whose
// calls run on their own loop thread as the daemon's do.
#include "agent/console_agent.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <fstream>

#include "agent/fake_console.hpp"
#include "support/temp_dir.hpp"

namespace procsentry::agent {
namespace {

using namespace std::chrono_literals;
using test::FakeConsole;
using ::testing::HasSubstr;

// The daemon's side: counts what it was asked to do, on its loop thread.
class FakeHost : public AgentHost {
public:
    HostReport report() override
    {
        check_thread();
        std::lock_guard lk(mu_);
        HostReport r;
        r.kernel_release = "6.1.0-test";
        r.module_version = "0.1.0";
        r.abi_version = 1;
        r.sensor_state = "registered";
        r.monitoring_enabled = enabled_;
        r.monitoring_generation = generation_;
        r.config_applied_version = applied_;
        r.loss_total = 3;
        r.loss_by_cause["sequence_gap"] = 3;
        r.alerts_total = 12;
        r.alerts_by_severity["high"] = 2;
        r.alerts_by_severity["low"] = 10;
        r.uptime_s = 42;
        return r;
    }
    bool apply_monitoring(bool enabled, uint64_t generation, std::string&) override
    {
        check_thread();
        std::lock_guard lk(mu_);
        monitoring_calls++;
        enabled_ = enabled;
        generation_ = generation;
        return true;
    }
    bool apply_policy(uint64_t version, const Json::Value& policy, std::string& error) override
    {
        check_thread();
        std::lock_guard lk(mu_);
        policy_calls.push_back(version);
        if (policy.isMember("bad")) {
            error = "rules[0].type: unknown rule type";
            return false;
        }
        applied_ = version;
        return true;
    }

    std::thread::id loop_thread;
    mutable std::mutex mu_;
    bool enabled_ = true;
    uint64_t generation_ = 0;
    std::optional<uint64_t> applied_;
    int monitoring_calls = 0;
    std::vector<uint64_t> policy_calls;
    bool wrong_thread = false;

private:
    void check_thread()
    {
        if (std::this_thread::get_id() != loop_thread)
            wrong_thread = true;
    }
};

class ConsoleAgentTest : public ::testing::Test {
protected:
    ConsoleAgentTest() : work_(boost::asio::make_work_guard(io_))
    {
        loop_ = std::thread([this] { io_.run(); });
        host_.loop_thread = loop_.get_id();
        std::ofstream(dir_.file("enroll.token")) << FakeConsole::kEnrollToken << "\n";
    }
    ~ConsoleAgentTest() override
    {
        agent_.reset();
        work_.reset();
        io_.stop();
        loop_.join();
        EXPECT_FALSE(host_.wrong_thread) << "the daemon was called from another thread than its loop";
    }

    rules::ConsoleSpec spec() const
    {
        rules::ConsoleSpec s;
        s.url = console_.url();
        s.enrollment_token_file = dir_.file("enroll.token");
        s.heartbeat_wait_s = 5;
        return s;
    }

    void start(std::optional<rules::ConsoleSpec> s = std::nullopt)
    {
        HostIdentity id{"web-1", "0123456789abcdef0123456789abcdef", "11111111-2222-3333-4444-555555555555", "0.1.0"};
        agent_ = std::make_unique<ConsoleAgent>(
            s ? *s : spec(), dir_.path(), id, host_, [this](std::function<void()> f) { boost::asio::post(io_, std::move(f)); },
            token_);
        agent_->set_backoff(Backoff(20ms, 160ms, 1));
        agent_->start();
    }

    bool wait_heartbeats(std::size_t n) { return FakeConsole::wait_for([&] { return console_.heartbeats().size() >= n; }); }
    Json::Value last_heartbeat() const { return FakeConsole::parse(console_.heartbeats().back().body); }

    procsentry::test::TempDir dir_;
    FakeConsole console_;
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    std::thread loop_;
    FakeHost host_;
    std::shared_ptr<TokenBox> token_ = std::make_shared<TokenBox>();
    std::unique_ptr<ConsoleAgent> agent_;
};

TEST_F(ConsoleAgentTest, EnrolsOnceAndKeepsThePrivateCredential)
{
    start();
    ASSERT_TRUE(wait_heartbeats(2));
    ASSERT_EQ(console_.enrolments().size(), 1u);
    const auto e = console_.enrolments()[0];
    EXPECT_EQ(e.authorization, "Bearer enroll-secret");
    const Json::Value body = FakeConsole::parse(e.body);
    EXPECT_EQ(body["host"]["name"].asString(), "web-1");
    EXPECT_EQ(body["host"]["machine_id"].asString(), "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(body["agent_version"].asString(), "0.1.0");

    struct stat st {};
    ASSERT_EQ(stat(dir_.file("console-agent.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    std::ifstream in(dir_.file("console-agent.json"));
    const Json::Value cred = FakeConsole::parse(std::string(std::istreambuf_iterator<char>(in), {}));
    EXPECT_EQ(cred["url"].asString(), console_.url());
    EXPECT_EQ(cred["host_id"].asInt64(), 7);
    EXPECT_EQ(cred["agent_token"].asString(), FakeConsole::kAgentToken);
    EXPECT_EQ(token_->get(), FakeConsole::kAgentToken);
    const auto st1 = agent_->status();
    EXPECT_TRUE(st1.enrolled);
    EXPECT_EQ(*st1.host_id, 7);

    // A restart uses the credential: no second host on the console.
    agent_.reset();
    const auto before = console_.heartbeats().size();
    start();
    ASSERT_TRUE(wait_heartbeats(before + 1));
    EXPECT_EQ(console_.enrolments().size(), 1u);
}

TEST_F(ConsoleAgentTest, CredentialForAnotherConsoleMeansEnrollingAgain)
{
    std::ofstream(dir_.file("console-agent.json"))
        << R"({"url": "https://old.example", "host_id": 3, "agent_token": "old-token"})";
    start();
    ASSERT_TRUE(wait_heartbeats(1));
    EXPECT_EQ(console_.enrolments().size(), 1u);
    EXPECT_EQ(console_.heartbeats()[0].authorization, "Bearer agent-secret");
}

TEST_F(ConsoleAgentTest, RefusedEnrolmentTokenIsRetriedAndReported)
{
    std::ofstream(dir_.file("enroll.token")) << "wrong-token";
    start();
    ASSERT_TRUE(FakeConsole::wait_for([&] { return console_.enrolments().size() >= 2; }));
    EXPECT_THAT(agent_->status().last_error, HasSubstr("refused the enrolment token"));
    EXPECT_FALSE(agent_->status().enrolled);
    EXPECT_TRUE(console_.heartbeats().empty());
    // The operator puts a good token in place: the next try enrols.
    std::ofstream(dir_.file("enroll.token")) << FakeConsole::kEnrollToken;
    ASSERT_TRUE(wait_heartbeats(1));
    EXPECT_TRUE(agent_->status().enrolled);
}

TEST_F(ConsoleAgentTest, HeartbeatCarriesTheReport)
{
    start();
    ASSERT_TRUE(wait_heartbeats(1));
    const auto r = console_.heartbeats()[0];
    EXPECT_EQ(r.target, "/api/agent/v1/heartbeat?wait=5");
    EXPECT_EQ(r.authorization, "Bearer agent-secret");
    EXPECT_EQ(r.content_type, "application/json");
    const Json::Value hb = FakeConsole::parse(r.body);
    EXPECT_EQ(hb["agent_version"].asString(), "0.1.0");
    EXPECT_EQ(hb["host"]["name"].asString(), "web-1");
    EXPECT_EQ(hb["host"]["boot_id"].asString(), "11111111-2222-3333-4444-555555555555");
    EXPECT_EQ(hb["kernel"]["release"].asString(), "6.1.0-test");
    EXPECT_EQ(hb["kernel"]["module_version"].asString(), "0.1.0");
    EXPECT_EQ(hb["kernel"]["abi_version"].asUInt(), 1u);
    EXPECT_EQ(hb["kernel"]["state"].asString(), "registered");
    EXPECT_TRUE(hb["kernel"]["reason"].isNull());
    EXPECT_TRUE(hb["monitoring"]["enabled"].asBool());
    EXPECT_EQ(hb["monitoring"]["generation"].asUInt64(), 0u);
    EXPECT_TRUE(hb["config"]["applied_version"].isNull());
    EXPECT_TRUE(hb["config"]["rejected_version"].isNull());
    EXPECT_TRUE(hb["config"]["error"].isNull());
    EXPECT_EQ(hb["loss"]["total"].asUInt64(), 3u);
    EXPECT_EQ(hb["loss"]["by_cause"]["sequence_gap"].asUInt64(), 3u);
    EXPECT_EQ(hb["alerts"]["total"].asUInt64(), 12u);
    EXPECT_EQ(hb["alerts"]["by_severity"]["high"].asUInt64(), 2u);
    EXPECT_EQ(hb["uptime_s"].asUInt64(), 42u);
    const auto st = agent_->status();
    EXPECT_TRUE(st.connected);
    EXPECT_EQ(st.state, "connected");
    EXPECT_GT(st.last_contact_ns, 0);
}

TEST_F(ConsoleAgentTest, MonitoringGenerationIsAppliedOnce)
{
    console_.set_monitoring(false, 3);
    start();
    ASSERT_TRUE(wait_heartbeats(5));
    {
        std::lock_guard lk(host_.mu_);
        EXPECT_EQ(host_.monitoring_calls, 1);
        EXPECT_FALSE(host_.enabled_);
    }
    EXPECT_EQ(last_heartbeat()["monitoring"]["generation"].asUInt64(), 3u);
    EXPECT_FALSE(last_heartbeat()["monitoring"]["enabled"].asBool());
    // The next operator change is applied at the next answer.
    console_.set_monitoring(true, 4);
    ASSERT_TRUE(FakeConsole::wait_for([&] {
        std::lock_guard lk(host_.mu_);
        return host_.monitoring_calls == 2 && host_.enabled_;
    }));
}

TEST_F(ConsoleAgentTest, PolicyIsAppliedAndRejectionIsReportedOnce)
{
    console_.set_policy(5, R"({"bad": true, "rules": []})");
    start();
    ASSERT_TRUE(FakeConsole::wait_for([&] {
        const auto hbs = console_.heartbeats();
        return !hbs.empty() && FakeConsole::parse(hbs.back().body)["config"]["rejected_version"].asUInt64() == 5;
    }));
    const Json::Value hb = last_heartbeat();
    EXPECT_THAT(hb["config"]["error"].asString(), HasSubstr("unknown rule type"));
    EXPECT_TRUE(hb["config"]["applied_version"].isNull());
    EXPECT_EQ(agent_->status().rejected_version, 5u);
    ASSERT_TRUE(wait_heartbeats(console_.heartbeats().size() + 3));
    {
        std::lock_guard lk(host_.mu_);
        EXPECT_EQ(host_.policy_calls, std::vector<uint64_t>{5});  // a refused version is not tried again
    }
    console_.set_policy(6, R"({"rules": []})");
    ASSERT_TRUE(FakeConsole::wait_for([&] {
        const auto hbs = console_.heartbeats();
        return !hbs.empty() && FakeConsole::parse(hbs.back().body)["config"]["applied_version"].asUInt64() == 6;
    }));
    EXPECT_TRUE(last_heartbeat()["config"]["rejected_version"].isNull());
    std::lock_guard lk(host_.mu_);
    EXPECT_EQ(host_.policy_calls, (std::vector<uint64_t>{5, 6}));
}

TEST_F(ConsoleAgentTest, RevokedTokenStopsTheAgentWithoutEnrollingAgain)
{
    start();
    ASSERT_TRUE(wait_heartbeats(1));
    console_.revoke();
    ASSERT_TRUE(FakeConsole::wait_for([&] { return agent_->status().state == "stopped"; }));
    const auto st = agent_->status();
    EXPECT_THAT(st.last_error, HasSubstr("console rejected the agent token"));
    EXPECT_FALSE(st.connected);
    const auto n = console_.requests().size();
    std::this_thread::sleep_for(300ms);  // nothing more may arrive: this is the point of the test
    EXPECT_EQ(console_.requests().size(), n);
    EXPECT_EQ(console_.enrolments().size(), 1u);
}

TEST_F(ConsoleAgentTest, ErrorsBackOffAndRecover)
{
    console_.set_hold(0ms);
    console_.script_heartbeats({500, 503, 500, 500});
    start();
    ASSERT_TRUE(FakeConsole::wait_for([&] { return agent_->status().connected; }));
    const auto hbs = console_.heartbeats();
    ASSERT_GE(hbs.size(), 5u);
    // Backoff(20ms, cap 160ms): ceilings 20, 40, 80, 160; each wait at least half.
    const std::chrono::milliseconds floor[] = {10ms, 20ms, 40ms, 80ms};
    for (std::size_t i = 0; i < 4; i++) {
        EXPECT_EQ(hbs[i].answered, i == 1 ? 503 : 500);
        EXPECT_GE(hbs[i + 1].at - hbs[i].at, floor[i]) << i;
    }
    EXPECT_EQ(hbs[4].answered, 200);
}

TEST_F(ConsoleAgentTest, LastErrorNamesTheFailure)
{
    console_.script_heartbeats({500, 500, 500, 500, 500, 500, 500, 500, 500, 500});
    start();
    ASSERT_TRUE(FakeConsole::wait_for([&] { return agent_->status().state == "retrying"; }));
    EXPECT_THAT(agent_->status().last_error, HasSubstr("HTTP 500"));
}

TEST_F(ConsoleAgentTest, StopCutsAHeldLongPoll)
{
    console_.set_hold(30s);
    start();
    ASSERT_TRUE(FakeConsole::wait_for([&] { return agent_->status().enrolled; }));
    std::this_thread::sleep_for(200ms);  // let the heartbeat be held
    const auto t0 = std::chrono::steady_clock::now();
    agent_->stop();
    agent_->join();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
}

TEST(Backoff, DoublesToTheCapWithJitter)
{
    Backoff b(std::chrono::seconds(1), std::chrono::seconds(60), 7);
    const long ceilings[] = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000};
    for (long c : ceilings) {
        const auto d = b.next();
        EXPECT_EQ(b.ceiling().count(), c);
        EXPECT_GE(d.count(), c / 2);
        EXPECT_LE(d.count(), c);
    }
    b.reset();
    b.next();
    EXPECT_EQ(b.ceiling().count(), 1000);
}

}  // namespace
}  // namespace procsentry::agent
