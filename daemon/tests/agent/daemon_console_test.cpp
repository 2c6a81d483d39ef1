// SPDX-License-Identifier: GPL-2.0
// The whole daemon with a console section against the fake console, fed by
// --replay-follow: alerts reach the console with the agent token (and wait
// in the spool before enrolment), monitoring and policies from the console
// take effect, a refused policy leaves the last good one running, and a
// restart keeps the applied policy.
#include "app/daemon.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "agent/fake_console.hpp"
#include "control/ctl_client.hpp"
#include "source/replay_writer.hpp"
#include "support/json.hpp"
#include "support/record_builder.hpp"
#include "support/temp_dir.hpp"

namespace procsentry::app {
namespace {

using namespace std::chrono_literals;
using agent::test::FakeConsole;
using ::testing::HasSubstr;

std::vector<uint8_t> exec_record(uint64_t seq, uint32_t pid, const std::string& path)
{
    test::RecordBuilder<procsentry_exec> b(PROCSENTRY_REC_EXEC, seq);
    b.body.task = test::sample_task(pid);
    b.body.task.cred.uid = b.body.task.cred.euid = 1000;
    b.body.cred_before = b.body.task.cred;
    b.body.argc = 1;
    b.body.path = b.str(path);
    b.body.filename = b.str(path);
    b.body.argv = b.str(path);
    return b.bytes();
}

constexpr const char* kTmpRule = R"({"name": "tmp", "type": "bin-execution",
    "severity": {"success": "high", "failure": "high"}, "match": {"exe": ["/tmp/*"]}})";

class DaemonConsoleTest : public ::testing::Test {
protected:
    DaemonConsoleTest()
    {
        std::ofstream(dir_.file("enroll.token")) << FakeConsole::kEnrollToken;
        std::ofstream(dir_.file("procsentry.json"))
            << R"({"version": 1, "noise": {"fold_window_ms": 0}, "rules": [)" << kTmpRule << R"(],
                  "sinks": [{"name": "file", "type": "file", "file": {"path": ")" << dir_.file("alerts.json")
            << R"("}}], "console": {"url": ")" << console_.url() << R"(", "enrollment_token_file": ")"
            << dir_.file("enroll.token") << R"(", "heartbeat_wait_s": 2}})";
        chmod(dir_.file("procsentry.json").c_str(), 0600);
        std::ofstream(dir_.file("passwd")) << "alice:x:1000:1000::/home/alice:/bin/sh\n";
        std::ofstream(dir_.file("group")) << "alice:x:1000:\n";
    }
    ~DaemonConsoleTest() override { stop(); }

    void start()
    {
        Options o;
        o.config = dir_.file("procsentry.json");
        o.state_dir = dir_.path();
        o.socket = dir_.file("control.sock");
        o.passwd = dir_.file("passwd");
        o.group = dir_.file("group");
        o.replay = dir_.file("records.bin");
        o.replay_follow = true;
        o.seed_proc = false;
        o.hostname = "host-a";
        daemon_ = std::make_unique<Daemon>(o);
        thread_ = std::thread([this] { status_ = daemon_->run(); });
    }
    void stop()
    {
        if (!daemon_)
            return;
        daemon_->request_stop();
        thread_.join();
        daemon_.reset();
        EXPECT_EQ(status_, 0);
    }

    void exec(const std::string& path)
    {
        const std::string part = dir_.file("part.bin");
        {
            source::ReplayWriter w(part);
            w.write({0, exec_record(++seq_, static_cast<uint32_t>(100 + seq_), path)});
        }
        std::ifstream in(part, std::ios::binary);
        std::ofstream(dir_.file("records.bin"), std::ios::binary | std::ios::app) << in.rdbuf();
    }

    std::vector<Json::Value> file_alerts() const
    {
        std::ifstream in(dir_.file("alerts.json"));
        std::vector<Json::Value> v;
        for (std::string line; std::getline(in, line);)
            v.push_back(test::parse_json(line));
        return v;
    }
    std::vector<std::string> exes() const
    {
        std::vector<std::string> out;
        for (const auto& a : file_alerts())
            if (a["process"]["exe"].isString())
                out.push_back(a["process"]["exe"].asString());
        return out;
    }
    bool has_exe(const std::string& exe) const
    {
        const auto e = exes();
        return std::find(e.begin(), e.end(), exe) != e.end();
    }
    // A marker exec that alerts: once it is in the file, every earlier record was processed.
    bool processed_through(const std::string& marker)
    {
        exec(marker);
        return FakeConsole::wait_for([&] { return has_exe(marker); });
    }
    // The last heartbeat answered; null when none was yet.
    Json::Value last_heartbeat() const
    {
        const auto hbs = console_.heartbeats();
        return hbs.empty() ? Json::Value() : FakeConsole::parse(hbs.back().body);
    }
    bool wait_heartbeat(const std::function<bool(const Json::Value&)>& pred)
    {
        return FakeConsole::wait_for([&] {
            const auto hbs = console_.heartbeats();
            return !hbs.empty() && pred(FakeConsole::parse(hbs.back().body));
        });
    }

    // One control command, as procsentryctl sends it; the reply object.
    Json::Value control(const std::string& cmd)
    {
        control::CtlClient c;
        if (!c.connect(dir_.file("control.sock")) || !c.send_line(R"({"cmd": ")" + cmd + "\"}"))
            return {};
        std::string line;
        if (c.read_line(line, 5000) != control::CtlClient::Status::ok)
            return {};
        return test::parse_json(line);
    }

    test::TempDir dir_;
    FakeConsole console_;
    std::unique_ptr<Daemon> daemon_;
    std::thread thread_;
    int status_ = -1;
    uint64_t seq_ = 0;
};

TEST_F(DaemonConsoleTest, AlertsWaitInTheSpoolUntilEnrolledThenGoOutWithTheAgentToken)
{
    std::ofstream(dir_.file("enroll.token")) << "not-the-token";
    start();
    exec("/tmp/early");
    ASSERT_TRUE(FakeConsole::wait_for([&] { return has_exe("/tmp/early"); }));
    ASSERT_TRUE(FakeConsole::wait_for([&] { return console_.enrolments().size() >= 2; }));
    EXPECT_TRUE(console_.requests("/api/agent/v1/alerts").empty());

    std::ofstream(dir_.file("enroll.token")) << FakeConsole::kEnrollToken;
    ASSERT_TRUE(FakeConsole::wait_for([&] { return !console_.alert_lines().empty(); }));
    const auto line = FakeConsole::parse(console_.alert_lines().front());
    EXPECT_EQ(line["process"]["exe"].asString(), "/tmp/early");
    EXPECT_EQ(line["host"]["name"].asString(), "host-a");
    for (const auto& r : console_.requests("/api/agent/v1/alerts")) {
        EXPECT_EQ(r.authorization, "Bearer agent-secret");
        EXPECT_EQ(r.content_type, "application/x-ndjson");
    }
    // Heartbeats are recorded when answered, which can be after the alerts.
    ASSERT_TRUE(wait_heartbeat([](const Json::Value&) { return true; }));
    EXPECT_EQ(last_heartbeat()["host"]["name"].asString(), "host-a");
    EXPECT_EQ(last_heartbeat()["kernel"]["state"].asString(), "replay-follow");
}

TEST_F(DaemonConsoleTest, MonitoringFromTheConsoleIsPersistedAndAlerted)
{
    console_.set_monitoring(false, 5);
    start();
    ASSERT_TRUE(wait_heartbeat([](const Json::Value& hb) {
        return hb["monitoring"]["generation"].asUInt64() == 5 && !hb["monitoring"]["enabled"].asBool();
    }));
    exec("/tmp/while-off");
    console_.set_monitoring(true, 6);
    ASSERT_TRUE(wait_heartbeat([](const Json::Value& hb) {
        return hb["monitoring"]["generation"].asUInt64() == 6 && hb["monitoring"]["enabled"].asBool();
    }));
    ASSERT_TRUE(processed_through("/tmp/after"));
    EXPECT_FALSE(has_exe("/tmp/while-off"));
    std::vector<std::string> sensor;
    for (const auto& a : file_alerts())
        if (a["kind"].asString() == "sensor")
            sensor.push_back(a["sensor"]["what"].asString() + ": " + a["summary"].asString());
    ASSERT_EQ(sensor.size(), 2u);
    EXPECT_THAT(sensor[0], HasSubstr("monitoring_disabled"));
    EXPECT_THAT(sensor[0], HasSubstr("(console)"));
    EXPECT_THAT(sensor[1], HasSubstr("monitoring_enabled"));
    stop();
    std::ifstream in(dir_.file("state.json"));
    const auto state = test::parse_json(std::string(std::istreambuf_iterator<char>(in), {}));
    EXPECT_EQ(state["console_generation"].asUInt64(), 6u);
    EXPECT_TRUE(state["enabled"].asBool());
}

TEST_F(DaemonConsoleTest, PolicyAppliesRefusalKeepsTheLastGoodAndRestartKeepsIt)
{
    console_.set_policy(2, std::string(R"({"skip": {"commands": ["skipped"]}, "rules": [)") + kTmpRule + "]}");
    start();
    ASSERT_TRUE(wait_heartbeat([](const Json::Value& hb) { return hb["config"]["applied_version"].asUInt64() == 2; }));
    struct stat st {};
    ASSERT_EQ(stat(dir_.file("console-policy.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    exec("/tmp/skipped");
    ASSERT_TRUE(processed_through("/tmp/marker1"));
    EXPECT_FALSE(has_exe("/tmp/skipped"));

    // A policy the daemon refuses: reported, and version 2 keeps running.
    console_.set_policy(3, R"({"rules": [{"name": "x", "type": "bin-exec", "severity": {"success": "low", "failure": "low"}}]})");
    ASSERT_TRUE(wait_heartbeat([](const Json::Value& hb) { return hb["config"]["rejected_version"].asUInt64() == 3; }));
    EXPECT_THAT(last_heartbeat()["config"]["error"].asString(), HasSubstr("rules[0].type: unknown rule type"));
    EXPECT_EQ(last_heartbeat()["config"]["applied_version"].asUInt64(), 2u);
    exec("/tmp/skipped");
    ASSERT_TRUE(processed_through("/tmp/marker2"));
    EXPECT_FALSE(has_exe("/tmp/skipped"));

    // After a restart the saved policy runs before the console says anything.
    stop();
    console_.set_policy(2, std::string(R"({"skip": {"commands": ["skipped"]}, "rules": [)") + kTmpRule + "]}");
    const auto before = console_.heartbeats().size();
    start();
    ASSERT_TRUE(FakeConsole::wait_for([&] { return console_.heartbeats().size() > before; }));
    EXPECT_EQ(FakeConsole::parse(console_.heartbeats()[before].body)["config"]["applied_version"].asUInt64(), 2u);
    exec("/tmp/skipped");
    ASSERT_TRUE(processed_through("/tmp/marker3"));
    EXPECT_FALSE(has_exe("/tmp/skipped"));
    EXPECT_EQ(console_.enrolments().size(), 1u);
}

// A console may push a policy that leaves nothing enabled (allowed: an
// operator's choice), but that silences this host as surely as disabling
// monitoring does: the host itself raises a sensor alert, once.
TEST_F(DaemonConsoleTest, PolicyWithoutAnEnabledRuleRaisesASensorAlert)
{
    start();
    ASSERT_TRUE(wait_heartbeat([](const Json::Value&) { return true; }));
    console_.set_policy(4, R"({"rules": [{"name": "tmp", "type": "bin-execution", "enabled": false,
        "severity": {"success": "high", "failure": "high"}, "match": {"exe": ["/tmp/*"]}}]})");
    ASSERT_TRUE(wait_heartbeat([](const Json::Value& hb) { return hb["config"]["applied_version"].asUInt64() == 4; }));
    console_.set_policy(5, R"({"rules": []})");
    ASSERT_TRUE(wait_heartbeat([](const Json::Value& hb) { return hb["config"]["applied_version"].asUInt64() == 5; }));
    std::vector<Json::Value> sensor;
    ASSERT_TRUE(FakeConsole::wait_for([&] {
        sensor.clear();
        for (const auto& a : file_alerts())
            if (a["kind"].asString() == "sensor")
                sensor.push_back(a);
        return !sensor.empty();
    }));
    stop();
    sensor.clear();
    for (const auto& a : file_alerts())
        if (a["kind"].asString() == "sensor")
            sensor.push_back(a);
    ASSERT_EQ(sensor.size(), 1u);
    EXPECT_EQ(sensor[0]["sensor"]["what"].asString(), "no_enabled_rules");
    EXPECT_EQ(sensor[0]["severity"].asString(), "medium");
    EXPECT_THAT(sensor[0]["summary"].asString(), HasSubstr("console policy 4"));
}

TEST_F(DaemonConsoleTest, LocalReloadKeepsThePolicyAndStatusShowsTheConsole)
{
    console_.set_policy(2, std::string(R"({"skip": {"commands": ["skipped"]}, "rules": [)") + kTmpRule + "]}");
    start();
    ASSERT_TRUE(wait_heartbeat([](const Json::Value& hb) { return hb["config"]["applied_version"].asUInt64() == 2; }));
    const Json::Value r = control("reload");
    ASSERT_TRUE(r["ok"].asBool()) << r;
    EXPECT_THAT(r["message"].asString(), HasSubstr("console policy version 2"));
    exec("/tmp/skipped");
    ASSERT_TRUE(processed_through("/tmp/marker"));
    EXPECT_FALSE(has_exe("/tmp/skipped"));

    const Json::Value st = control("status");
    ASSERT_TRUE(st["ok"].asBool()) << st;
    const Json::Value& c = st["status"]["console"];
    EXPECT_EQ(c["url"].asString(), console_.url());
    EXPECT_EQ(c["host_id"].asInt64(), 7);
    EXPECT_TRUE(c["enrolled"].asBool());
    EXPECT_TRUE(c["connected"].asBool());
    EXPECT_EQ(c["state"].asString(), "connected");
    EXPECT_TRUE(c["last_contact"].isString());
    EXPECT_EQ(c["last_error"].asString(), "");
    EXPECT_EQ(c["policy_applied_version"].asUInt64(), 2u);
    EXPECT_TRUE(c["rejected_version"].isNull());
    EXPECT_EQ(c["monitoring_generation"].asUInt64(), 0u);
    EXPECT_EQ(st["status"]["config"]["console_policy_version"].asUInt64(), 2u);
    bool console_sink = false;
    for (const auto& s : st["status"]["sinks"])
        console_sink = console_sink || (s["name"].asString() == "console" && s["type"].asString() == "http");
    EXPECT_TRUE(console_sink);
}

TEST_F(DaemonConsoleTest, StopsWithinASecondWhileALongPollIsHeld)
{
    console_.set_hold(30s);
    start();
    ASSERT_TRUE(FakeConsole::wait_for([&] { return console_.enrolments().size() == 1; }));
    std::this_thread::sleep_for(200ms);  // the first heartbeat is now held by the console
    const auto t0 = std::chrono::steady_clock::now();
    stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1500ms);
}

}  // namespace
}  // namespace procsentry::app
