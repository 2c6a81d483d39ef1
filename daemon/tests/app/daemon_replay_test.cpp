// SPDX-License-Identifier: GPL-2.0
// The whole daemon on a recorded file: configuration, pipeline, file sink,
// clean shutdown at the end of the replay.
#include "app/daemon.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "source/replay_writer.hpp"
#include "support/json.hpp"
#include "support/record_builder.hpp"
#include "support/temp_dir.hpp"

namespace procsentry::app {
namespace {

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

class DaemonReplayTest : public ::testing::Test {
protected:
    Options options(const std::string& config_text)
    {
        std::ofstream(dir_.file("procsentry.json")) << config_text;
        std::ofstream(dir_.file("passwd")) << "alice:x:1000:1000::/home/alice:/bin/sh\n";
        std::ofstream(dir_.file("group")) << "alice:x:1000:\n";
        Options o;
        o.config = dir_.file("procsentry.json");
        o.state_dir = dir_.path();
        o.socket = dir_.file("control.sock");
        o.passwd = dir_.file("passwd");
        o.group = dir_.file("group");
        o.replay = dir_.file("records.bin");
        o.seed_proc = false;
        return o;
    }

    std::string config(const std::string& rules) const
    {
        return R"({"version": 1, "noise": {"fold_window_ms": 0},
                   "rules": )" + rules + R"(,
                   "sinks": [{"name": "file", "type": "file", "file": {"path": ")" + dir_.file("alerts.json") +
               R"("}}]})";
    }

    std::vector<Json::Value> alerts() const
    {
        std::ifstream in(dir_.file("alerts.json"));
        std::vector<Json::Value> v;
        for (std::string line; std::getline(in, line);)
            v.push_back(test::parse_json(line));
        return v;
    }

    // Waits (with a deadline) until the file sink holds n alerts.
    bool wait_alerts(std::size_t n) const
    {
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < until) {
            if (alerts().size() >= n)
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }

    void append_frame(const std::vector<uint8_t>& records)
    {
        source::ReplayWriter w(dir_.file("records.bin.part"));
        w.write({0, records});
        w.flush();
        std::ifstream part(dir_.file("records.bin.part"), std::ios::binary);
        std::ofstream(dir_.file("records.bin"), std::ios::binary | std::ios::app) << part.rdbuf();
    }

    test::TempDir dir_;
};

constexpr const char* kTmpRule = R"([{"name": "tmp", "type": "bin-execution",
    "severity": {"success": "high", "failure": "high"}, "match": {"exe": ["/tmp/*"]}}])";

TEST_F(DaemonReplayTest, AlertsReachTheFileAndTheDaemonStopsCleanly)
{
    {
        source::ReplayWriter w(dir_.file("records.bin"));
        source::Message m;
        m.cpu = 0;
        test::append(m.records, exec_record(1, 10, "/tmp/a"));
        test::append(m.records, exec_record(2, 11, "/usr/bin/ls"));
        w.write(m);
        w.flush();
    }
    Daemon d(options(config(R"([{"name": "tmp", "type": "bin-execution",
        "severity": {"success": "high", "failure": "high"}, "match": {"exe": ["/tmp/*"]}}])")));
    ASSERT_EQ(d.run(), 0);
    const auto a = alerts();
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0]["rule"]["name"].asString(), "tmp");
    EXPECT_EQ(a[0]["process"]["exe"].asString(), "/tmp/a");
    EXPECT_EQ(a[0]["process"]["user"].asString(), "alice");
}

TEST_F(DaemonReplayTest, FollowWaitsForTheFileAndReadsWhatIsAppendedUntilStopped)
{
    Options o = options(config(kTmpRule));
    o.replay_follow = true;
    o.hostname = "replayed-host";
    Daemon d(o);
    int status = -1;
    std::thread t([&] { status = d.run(); });
    // The file does not exist yet when the daemon starts.
    append_frame(exec_record(1, 10, "/tmp/first"));
    ASSERT_TRUE(wait_alerts(1));
    append_frame(exec_record(2, 11, "/tmp/second"));
    ASSERT_TRUE(wait_alerts(2));
    d.request_stop();
    t.join();
    EXPECT_EQ(status, 0);
    const auto a = alerts();
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[0]["process"]["exe"].asString(), "/tmp/first");
    EXPECT_EQ(a[1]["process"]["exe"].asString(), "/tmp/second");
    EXPECT_EQ(a[1]["host"]["name"].asString(), "replayed-host");
}

TEST_F(DaemonReplayTest, HostnameOverrideIsInAlerts)
{
    {
        source::ReplayWriter w(dir_.file("records.bin"));
        w.write({0, exec_record(1, 10, "/tmp/a")});
    }
    Options o = options(config(kTmpRule));
    o.hostname = "other-name";
    Daemon d(o);
    ASSERT_EQ(d.run(), 0);
    const auto a = alerts();
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0]["host"]["name"].asString(), "other-name");
}

TEST_F(DaemonReplayTest, InvalidConfigurationRefusesToStartWithConfigStatus)
{
    Daemon d(options(R"({"version": 1, "rules": [{"name": "x", "type": "bin-exec"}]})"));
    EXPECT_EQ(d.run(), 78);
}

TEST_F(DaemonReplayTest, MissingReplayFileIsAnErrorNotACrash)
{
    Daemon d(options(config("[]")));
    EXPECT_EQ(d.run(), 1);
}

}  // namespace
}  // namespace procsentry::app
