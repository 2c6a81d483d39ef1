// SPDX-License-Identifier: GPL-2.0
#include "app/pipeline.hpp"
#include "app/status_json.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

#include "rules/config_loader.hpp"
#include "support/json.hpp"
#include "support/record_builder.hpp"
#include "support/temp_dir.hpp"

namespace procsentry::app {
namespace {

using test::RecordBuilder;

constexpr const char* kConfig = R"({
  "version": 1,
  "skip": {"paths": ["/usr/bin"], "commands": ["nice"]},
  "noise": {"fold_window_ms": 0, "max_alerts_per_minute": 0},
  "rules": [
    {"name": "tmp-exec", "type": "bin-execution", "severity": {"success": "high", "failure": "medium"},
     "match": {"exe": ["/tmp/*", "/usr/bin/*", "/usr/binx/*"]}},
    {"name": "crashes", "type": "termination-failure", "severity": {"success": "none", "failure": "low"}}
  ],
  "sinks": []
})";

class PipelineTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::ofstream(dir_.file("passwd")) << "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n";
        std::ofstream(dir_.file("group")) << "root:x:0:\nalice:x:1000:\n";
        auto res = rules::ConfigLoader(dir_.path()).load_string(kConfig, "test.json");
        ASSERT_TRUE(res.ok) << (res.errors.empty() ? "" : res.errors[0].to_string());
        PipelineOptions o;
        o.proc_root = dir_.file("noproc");
        o.passwd = dir_.file("passwd");
        o.group = dir_.file("group");
        o.cgroup_root = dir_.file("nocgroup");
        o.self_tgid = 4000;
        alert::HostInfo host{"testhost", "0123456789abcdef0123456789abcdef", "boot-1"};
        p_ = std::make_unique<Pipeline>(o, std::make_shared<const rules::Config>(std::move(res.config)), host,
                                        [this](const alert::SerializedPtr& a) { out_.push_back(a); });
    }

    void feed(const std::vector<uint8_t>& records, uint32_t cpu = 0)
    {
        source::Message m;
        m.cpu = cpu;
        m.records = records;
        p_->on_message(m);
    }

    static std::vector<uint8_t> exec(uint64_t seq, uint32_t pid, const std::string& path, const std::string& comm,
                                     uint32_t flags = 0)
    {
        RecordBuilder<procsentry_exec> b(PROCSENTRY_REC_EXEC, seq);
        b.body.task = test::sample_task(pid);
        b.body.task.cred = test::sample_creds(1000);
        b.body.task.cred.uid = b.body.task.cred.euid = 1000;
        std::memset(b.body.task.comm, 0, sizeof b.body.task.comm);
        std::memcpy(b.body.task.comm, comm.data(), std::min(comm.size(), sizeof b.body.task.comm - 1));
        b.body.cred_before = b.body.task.cred;
        b.body.exec_flags = flags;
        b.body.argc = 1;
        b.body.old_pid = pid;
        b.body.path = b.str(path);
        b.body.filename = b.str(path);
        b.body.argv = b.str(path);
        return b.bytes();
    }

    std::vector<Json::Value> alerts() const
    {
        std::vector<Json::Value> v;
        for (const auto& a : out_)
            v.push_back(test::parse_json(a->json));
        return v;
    }

    test::TempDir dir_;
    std::unique_ptr<Pipeline> p_;
    std::vector<alert::SerializedPtr> out_;
};

TEST_F(PipelineTest, ExecInWatchedDirectoryRaisesOneAlert)
{
    feed(exec(1, 500, "/tmp/evil", "evil"));
    const auto a = alerts();
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0]["rule"]["name"].asString(), "tmp-exec");
    EXPECT_EQ(a[0]["rule"]["type"].asString(), "bin-execution");
    EXPECT_EQ(a[0]["outcome"].asString(), "success");
    EXPECT_EQ(a[0]["severity"].asString(), "high");
    EXPECT_EQ(a[0]["process"]["exe"].asString(), "/tmp/evil");
    EXPECT_EQ(a[0]["process"]["user"].asString(), "alice");
    EXPECT_EQ(a[0]["host"]["name"].asString(), "testhost");
    EXPECT_EQ(p_->counters().alerts, 1u);
    EXPECT_EQ(p_->counters().by_severity[static_cast<int>(rules::Severity::high)], 1u);
}

TEST_F(PipelineTest, SkipPathsHoldOnComponentBoundariesAndIgnoreComm)
{
    feed(exec(1, 501, "/usr/bin/tool", "tool"));
    EXPECT_TRUE(out_.empty());
    feed(exec(2, 502, "/usr/binx/tool", "tool"));
    ASSERT_EQ(out_.size(), 1u);
    // A renamed comm ("nice") must not skip: only the resolved path counts.
    feed(exec(3, 503, "/tmp/payload", "nice"));
    ASSERT_EQ(out_.size(), 2u);
    // A memfd path is never trusted for a skip.
    feed(exec(4, 504, "/usr/bin/memfd:x", "x", PROCSENTRY_EXEC_MEMFD));
    ASSERT_EQ(out_.size(), 3u);
}

TEST_F(PipelineTest, SequenceHoleBecomesALossAlert)
{
    feed(exec(1, 600, "/usr/bin/a", "a"));
    feed(exec(5, 601, "/usr/bin/b", "b"));  // 2..4 missing
    p_->tick();
    const auto a = alerts();
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0]["kind"].asString(), "sensor");
    EXPECT_EQ(a[0]["sensor"]["what"].asString(), "records_lost");
    EXPECT_EQ(a[0]["sensor"]["count"].asUInt64(), 3u);
    EXPECT_EQ(p_->loss().totals().at("sequence_gap"), 3u);
    // Nothing new lost: no second alert.
    p_->tick();
    EXPECT_EQ(out_.size(), 1u);
}

TEST_F(PipelineTest, KernelLostRecordsAreCountedByCause)
{
    feed(test::sample_lost(PROCSENTRY_LOST_BUFFER_FULL, 7, 0));
    p_->tick();
    ASSERT_EQ(out_.size(), 1u);
    EXPECT_EQ(p_->loss().totals().at("kernel_buffer_full"), 7u);
}

TEST_F(PipelineTest, ConfigChangeByAnotherProcessIsReported)
{
    feed(test::sample_config(1));  // made by pid 77, not us (4000)
    const auto a = alerts();
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0]["sensor"]["what"].asString(), "module_config_changed");

    RecordBuilder<procsentry_config_change> b(PROCSENTRY_REC_CONFIG, 2);
    b.body.task = test::sample_task(4000);
    feed(b.bytes());
    EXPECT_EQ(out_.size(), 1u);
}

TEST_F(PipelineTest, MalformedInputIsCountedNotFatal)
{
    std::vector<uint8_t> junk(64, 0xff);
    feed(junk);
    std::vector<uint8_t> short_rec = exec(1, 700, "/tmp/x", "x");
    short_rec.resize(40);
    feed(short_rec);
    EXPECT_GE(p_->decode_stats().malformed, 1u);
    feed(exec(2, 701, "/tmp/y", "y"));
    EXPECT_EQ(out_.size(), 1u);
}

// Escalations resolved without their outcome and alerts emitted unfolded
// are what an attacker churning set-user-ID programs or fold keys causes:
// status must show them, not only what was dropped.
TEST_F(PipelineTest, StatusShowsEscalationResolutionsAndNoiseCounters)
{
    const Json::Value v = pipeline_json(*p_);
    for (const char* k : {"started", "succeeded", "failed", "expired", "overflowed"})
        EXPECT_TRUE(v["rules"]["escalations"][k].isUInt64()) << k;
    for (const char* k : {"folded", "suppressed", "unfolded", "summaries"})
        EXPECT_TRUE(v["noise"][k].isUInt64()) << k;
}

TEST_F(PipelineTest, KilledProcessRaisesTerminationFailure)
{
    feed(test::sample_exit(1));  // SIGABRT with core
    const auto a = alerts();
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0]["rule"]["name"].asString(), "crashes");
    EXPECT_EQ(a[0]["outcome"].asString(), "failure");
    EXPECT_EQ(a[0]["severity"].asString(), "low");
}

TEST_F(PipelineTest, ReloadChangesRulesAtOnce)
{
    auto res = rules::ConfigLoader(dir_.path()).load_string(R"({"version": 1, "rules": [], "sinks": []})", "b.json");
    ASSERT_TRUE(res.ok);
    p_->set_config(std::make_shared<const rules::Config>(std::move(res.config)));
    feed(exec(1, 800, "/tmp/evil", "evil"));
    EXPECT_TRUE(out_.empty());
}

}  // namespace
}  // namespace procsentry::app
