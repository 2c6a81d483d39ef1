// SPDX-License-Identifier: GPL-2.0
#include "dump_loop.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <memory>
#include <sstream>

#include "source/replay_source.hpp"
#include "support/json.hpp"
#include "support/record_builder.hpp"
#include "support/temp_file.hpp"

namespace procsentry::dump {
namespace {

using namespace std::chrono_literals;
using source::Message;
using source::RecordSource;

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

class Output {
public:
    Output() : f_(std::tmpfile()) {}
    std::FILE* get() { return f_.get(); }
    std::vector<Json::Value> lines()
    {
        std::fflush(f_.get());
        std::rewind(f_.get());
        std::string all;
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f_.get())) > 0)
            all.append(buf, n);
        std::vector<Json::Value> out;
        std::istringstream in(all);
        std::string line;
        while (std::getline(in, line))
            out.push_back(test::parse_json(line));
        return out;
    }

private:
    std::unique_ptr<std::FILE, FileCloser> f_;
};

// A source that hands out queued messages, then times out forever.
class FakeSource : public RecordSource {
public:
    std::deque<Message> queue;
    int timeouts = 0;

    Status read(Message& out, std::chrono::milliseconds) override
    {
        if (queue.empty()) {
            ++timeouts;
            return Status::timeout;
        }
        out = std::move(queue.front());
        queue.pop_front();
        return Status::message;
    }
    source::SourceCounters counters() const override { return {0, 2, 0, 0}; }
};

std::vector<Message> scenario()
{
    std::vector<uint8_t> cpu0a, cpu0b, cpu1, garbage, unknown;
    test::append(cpu0a, test::sample_exec(1, 0));
    test::append(cpu0a, test::sample_fork(2, 0));
    test::append(cpu1, test::sample_fork(7, 1));
    test::append(cpu1, test::sample_exit(8, 1));
    test::append(cpu0b, test::sample_lost(PROCSENTRY_LOST_BUFFER_FULL, 3, 0, 0));
    test::append(cpu0b, test::sample_cred_change(6, 0));  // 3, 4, 5 missing
    test::append(cpu0b, test::sample_exec_failed(7, 0));
    garbage = test::sample_fork(8, 0);
    garbage[0] = 3;  // size 3: framing error
    test::RecordBuilder<procsentry_lost> u(42, 9, 0);
    unknown = u.bytes();
    return {{0, cpu0a}, {1, cpu1}, {0, cpu0b}, {0, garbage}, {0, unknown}};
}

TEST(DumpLoop, ReplayPrintsEveryRecordAndASummary)
{
    test::TempFile f;
    {
        source::ReplayWriter w(f.path());
        for (const auto& m : scenario())
            w.write(m);
    }
    auto src = source::ReplaySource::from_file(f.path());
    Output out;
    DumpLoop loop(src, out.get(), nullptr, {}, false);
    EXPECT_EQ(loop.run(nullptr), DumpLoop::Stop::end);
    loop.print_summary();

    const auto lines = out.lines();
    ASSERT_EQ(lines.size(), 8U);
    const std::vector<std::string> types{"exec", "fork", "fork", "exit", "lost", "cred_change", "exec_failed"};
    for (std::size_t i = 0; i < types.size(); ++i)
        EXPECT_EQ(lines[i]["type"].asString(), types[i]) << i;
    EXPECT_EQ(lines[4]["count"].asUInt(), 3U);

    const auto& s = lines.back();
    EXPECT_EQ(s["type"].asString(), "summary");
    EXPECT_EQ(s["messages"].asUInt(), 5U);
    EXPECT_EQ(s["records"]["exec"].asUInt(), 1U);
    EXPECT_EQ(s["records"]["fork"].asUInt(), 2U);
    EXPECT_EQ(s["records"]["lost"].asUInt(), 1U);
    EXPECT_EQ(s["total"].asUInt(), 7U);
    EXPECT_EQ(s["lost_reported"].asUInt(), 3U);
    EXPECT_EQ(s["gaps"]["0"].asUInt(), 3U);
    EXPECT_EQ(s["gaps"]["1"].asUInt(), 0U);
    EXPECT_EQ(s["missing"].asUInt(), 3U);
    EXPECT_EQ(s["malformed"].asUInt(), 1U);
    EXPECT_EQ(s["unknown"].asUInt(), 1U);
    EXPECT_EQ(s["enobufs"].asUInt(), 0U);
}

TEST(DumpLoop, CountStopsMidMessage)
{
    FakeSource src;
    for (auto& m : scenario())
        src.queue.push_back(m);
    Output out;
    DumpLoop loop(src, out.get(), nullptr, {3, std::nullopt, std::nullopt}, false);
    EXPECT_EQ(loop.run(nullptr), DumpLoop::Stop::count);
    loop.print_summary();
    const auto lines = out.lines();
    ASSERT_EQ(lines.size(), 4U);
    EXPECT_EQ(lines[2]["seq"].asUInt(), 7U);
    EXPECT_EQ(lines[3]["total"].asUInt(), 3U);
    EXPECT_EQ(lines[3]["enobufs"].asUInt(), 2U);  // from the source's counters
    EXPECT_EQ(src.queue.size(), 3U);
}

TEST(DumpLoop, IdleAndTotalTimeouts)
{
    FakeSource src;
    Output out;
    DumpLoop idle(src, out.get(), nullptr, {std::nullopt, std::nullopt, 30ms}, false);
    EXPECT_EQ(idle.run(nullptr), DumpLoop::Stop::idle);
    DumpLoop total(src, out.get(), nullptr, {std::nullopt, 30ms, std::nullopt}, false);
    EXPECT_EQ(total.run(nullptr), DumpLoop::Stop::timeout);
}

TEST(DumpLoop, StopFlagEndsTheLoop)
{
    FakeSource src;
    Output out;
    volatile std::sig_atomic_t stop = 1;
    DumpLoop loop(src, out.get(), nullptr, {}, false);
    EXPECT_EQ(loop.run(&stop), DumpLoop::Stop::signal);
}

TEST(DumpLoop, RecordsWhatItReads)
{
    test::TempFile f;
    FakeSource src;
    for (auto& m : scenario())
        src.queue.push_back(m);
    Output out;
    {
        source::ReplayWriter w(f.path());
        DumpLoop loop(src, out.get(), &w, {std::nullopt, std::nullopt, 50ms}, false);
        loop.run(nullptr);
    }
    auto replay = source::ReplaySource::from_file(f.path());
    Message m;
    std::size_t n = 0;
    const auto expected = scenario();
    while (replay.read(m, 0ms) == RecordSource::Status::message) {
        ASSERT_LT(n, expected.size());
        EXPECT_EQ(m.cpu, expected[n].cpu);
        EXPECT_EQ(m.records, expected[n].records);
        ++n;
    }
    EXPECT_EQ(n, expected.size());
}

}  // namespace
}  // namespace procsentry::dump
