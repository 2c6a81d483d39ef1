// SPDX-License-Identifier: GPL-2.0
#include "sinks/queued_sink.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sink_test_util.hpp"

namespace procsentry::sinks {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::make_alert;
using Clock = std::chrono::steady_clock;

// Delivers by recording; results are scripted per call (then success).
class FakeSink final : public QueuedSink {
public:
    using Script = std::function<DeliverResult(std::vector<alert::SerializedPtr>&)>;

    explicit FakeSink(Options o) : QueuedSink("fake", "fake", o) {}
    ~FakeSink() override { halt(); }

    void script(Script s)
    {
        std::lock_guard lk(mu_);
        scripts_.push_back(std::move(s));
    }
    // While closed, deliver() waits (bounded by time_left) before acting.
    void close_gate()
    {
        std::lock_guard lk(mu_);
        gate_open_ = false;
    }
    void open_gate()
    {
        {
            std::lock_guard lk(mu_);
            gate_open_ = true;
        }
        cv_.notify_all();
    }

    std::vector<std::string> ids() const
    {
        std::lock_guard lk(mu_);
        return ids_;
    }
    int entered() const
    {
        std::lock_guard lk(mu_);
        return entered_;
    }
    std::vector<std::size_t> batch_sizes() const
    {
        std::lock_guard lk(mu_);
        return sizes_;
    }
    std::vector<Clock::time_point> attempts() const
    {
        std::lock_guard lk(mu_);
        return attempts_;
    }
    std::vector<std::vector<std::string>> batches() const
    {
        std::lock_guard lk(mu_);
        return batches_;
    }

protected:
    DeliverResult deliver(std::vector<alert::SerializedPtr>& batch) override
    {
        std::unique_lock lk(mu_);
        ++entered_;
        cv_.wait_for(lk, time_left(10s), [&] { return gate_open_; });
        attempts_.push_back(Clock::now());
        sizes_.push_back(batch.size());
        std::vector<std::string> b;
        for (const auto& a : batch)
            b.push_back(a->id);
        batches_.push_back(b);
        DeliverResult r = DeliverResult::ok(batch.size());
        if (!scripts_.empty()) {
            r = scripts_.front()(batch);
            scripts_.pop_front();
        }
        for (std::size_t i = 0; i < std::min(r.delivered, batch.size()); ++i)
            ids_.push_back(batch[i]->id);
        return r;
    }

private:
    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool gate_open_ = true;
    int entered_ = 0;
    std::deque<Script> scripts_;
    std::vector<std::string> ids_;
    std::vector<std::size_t> sizes_;
    std::vector<Clock::time_point> attempts_;
    std::vector<std::vector<std::string>> batches_;
};

QueuedSink::Options opts(std::size_t queue_max = 100)
{
    QueuedSink::Options o;
    o.queue_max = queue_max;
    o.retry_initial = 20ms;
    o.retry_max = 50ms;
    return o;
}

FakeSink::Script fail(const std::string& why, std::size_t delivered = 0, bool permanent = false)
{
    return [=](std::vector<alert::SerializedPtr>&) { return FakeSink::DeliverResult::failed(delivered, why, permanent); };
}

TEST(QueuedSink, OverflowDropsTheNewestAndCountsIt)
{
    FakeSink s(opts(3));
    for (int i = 0; i < 5; ++i)
        s.submit(make_alert("a" + std::to_string(i)));
    auto h = s.health();
    EXPECT_EQ(h.submitted, 5u);
    EXPECT_EQ(h.dropped, 2u);
    EXPECT_EQ(h.queued, 3u);
    EXPECT_EQ(h.name, "fake");
    EXPECT_EQ(h.type, "fake");

    s.start();
    ASSERT_TRUE(eventually([&] { return s.health().delivered == 3; }));
    EXPECT_EQ(s.ids(), (std::vector<std::string>{"a0", "a1", "a2"}));
    s.stop(1s);
    h = s.health();
    EXPECT_EQ(h.dropped, 2u);
    EXPECT_EQ(h.queued, 0u);
    EXPECT_TRUE(h.healthy);
}

TEST(QueuedSink, OverflowEvictsALessSevereAlertForAMoreSevereOne)
{
    using rules::Severity;
    FakeSink s(opts(3));
    s.submit(make_alert("low0", Severity::low));
    s.submit(make_alert("info1", Severity::info));
    s.submit(make_alert("low2", Severity::low));
    s.submit(make_alert("crit", Severity::critical));  // evicts info1, the least severe
    s.submit(make_alert("low3", Severity::low));       // nothing less severe waits: dropped
    s.submit(make_alert("high", Severity::high));      // evicts low0, the oldest low
    const auto h = s.health();
    EXPECT_EQ(h.submitted, 6u);
    EXPECT_EQ(h.dropped, 3u);
    EXPECT_EQ(h.queued, 3u);
    s.start();
    ASSERT_TRUE(eventually([&] { return s.health().delivered == 3; }));
    EXPECT_EQ(s.ids(), (std::vector<std::string>{"low2", "crit", "high"}));
    s.stop(1s);
}

TEST(QueuedSink, InflightBatchCountsAsQueuedAndDoesNotBlockSubmit)
{
    FakeSink s(opts(2));
    s.close_gate();
    s.start();
    s.submit(make_alert("a0"));
    // The worker holds a0 (gate closed); two more fit in the queue, one not.
    ASSERT_TRUE(eventually([&] { return s.entered() == 1; }));
    EXPECT_EQ(s.health().queued, 1u);
    const auto t0 = Clock::now();
    for (int i = 1; i < 4; ++i)
        s.submit(make_alert("a" + std::to_string(i)));
    EXPECT_LT(Clock::now() - t0, 1s);
    auto h = s.health();
    EXPECT_EQ(h.queued, 3u);
    EXPECT_EQ(h.dropped, 1u);
    s.open_gate();
    ASSERT_TRUE(eventually([&] { return s.health().delivered == 3; }));
    EXPECT_EQ(s.ids(), (std::vector<std::string>{"a0", "a1", "a2"}));
}

TEST(QueuedSink, StopDrainsTheQueue)
{
    auto o = opts(1000);
    o.batch_max = 7;
    FakeSink s(o);
    for (int i = 0; i < 100; ++i)
        s.submit(make_alert(std::to_string(i)));
    s.start();
    s.stop(10s);
    const auto h = s.health();
    EXPECT_EQ(h.delivered, 100u);
    EXPECT_EQ(h.dropped, 0u);
    EXPECT_EQ(h.queued, 0u);
    ASSERT_EQ(s.ids().size(), 100u);
    for (int i = 0; i < 100; ++i)
        EXPECT_EQ(s.ids()[static_cast<std::size_t>(i)], std::to_string(i));
    for (auto n : s.batch_sizes())
        EXPECT_LE(n, 7u);
    // Stopped: more alerts are refused and counted.
    s.submit(make_alert("late"));
    EXPECT_EQ(s.health().dropped, 1u);
    EXPECT_EQ(s.health().submitted, 101u);
}

// A destination still failing once stop() asked for a last attempt is given
// up at once: shutdown does not wait out the deadline on a dead sink.
TEST(QueuedSink, StopGivesUpAfterAFailedLastAttemptAndCountsTheRestDropped)
{
    auto o = opts();
    o.retry_initial = 10ms;
    o.retry_max = 20ms;
    FakeSink s(o);
    for (int i = 0; i < 1000; ++i)
        s.script(fail("peer down"));
    for (int i = 0; i < 5; ++i)
        s.submit(make_alert(std::to_string(i)));
    s.start();
    ASSERT_TRUE(eventually([&] { return s.health().retries >= 2; }));
    const auto t0 = Clock::now();
    s.stop(5s);
    const auto took = Clock::now() - t0;
    EXPECT_LT(took, 1s);
    const auto h = s.health();
    EXPECT_FALSE(h.healthy);
    EXPECT_EQ(h.last_error, "peer down");
    EXPECT_EQ(h.delivered, 0u);
    EXPECT_EQ(h.dropped, 5u);
    EXPECT_EQ(h.queued, 0u);
}

TEST(QueuedSink, StopWithoutStartDropsWhatWasQueued)
{
    FakeSink s(opts());
    s.submit(make_alert("x"));
    s.stop(1s);
    EXPECT_EQ(s.health().dropped, 1u);
    EXPECT_TRUE(s.attempts().empty());
    s.start();  // refused after stop
    s.submit(make_alert("y"));
    EXPECT_EQ(s.health().dropped, 2u);
}

TEST(QueuedSink, BackoffGrowsExponentiallyUpToTheCeilingThenRecovers)
{
    auto o = opts();
    o.retry_initial = 30ms;
    o.retry_max = 100ms;
    FakeSink s(o);
    for (int i = 0; i < 4; ++i)
        s.script(fail("refused " + std::to_string(i)));
    s.submit(make_alert("a"));
    s.start();
    ASSERT_TRUE(eventually([&] { return s.health().delivered == 1; }));
    const auto t = s.attempts();
    ASSERT_EQ(t.size(), 5u);
    const std::chrono::milliseconds want[] = {30ms, 60ms, 100ms, 100ms};
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_GE(t[i + 1] - t[i], want[i] - 1ms) << "gap " << i;
        EXPECT_LT(t[i + 1] - t[i], want[i] + 2s) << "gap " << i;
    }
    const auto h = s.health();
    EXPECT_EQ(h.retries, 4u);
    EXPECT_TRUE(h.healthy);
    EXPECT_EQ(h.last_error, "");
    EXPECT_EQ(h.dropped, 0u);
}

TEST(QueuedSink, UnhealthyWhileFailingWithTheLastError)
{
    auto o = opts();
    o.retry_initial = 5s;  // stays in backoff
    FakeSink s(o);
    s.script(fail("connect: Connection refused"));
    s.submit(make_alert("a"));
    s.start();
    ASSERT_TRUE(eventually([&] { return !s.health().healthy; }));
    const auto h = s.health();
    EXPECT_EQ(h.last_error, "connect: Connection refused");
    EXPECT_EQ(h.queued, 1u);
    // stop() cuts the backoff short: one more attempt, which succeeds.
    const auto t0 = Clock::now();
    s.stop(3s);
    EXPECT_LT(Clock::now() - t0, 2s);
    EXPECT_EQ(s.health().delivered, 1u);
    EXPECT_TRUE(s.health().healthy);
}

TEST(QueuedSink, PartialDeliveryRetriesOnlyTheRest)
{
    FakeSink s(opts());
    s.script(fail("short write", 2));
    for (int i = 0; i < 5; ++i)
        s.submit(make_alert(std::to_string(i)));
    s.start();
    ASSERT_TRUE(eventually([&] { return s.health().delivered == 5; }));
    const auto b = s.batches();
    ASSERT_EQ(b.size(), 2u);
    EXPECT_EQ(b[0], (std::vector<std::string>{"0", "1", "2", "3", "4"}));
    EXPECT_EQ(b[1], (std::vector<std::string>{"2", "3", "4"}));
    EXPECT_EQ(s.ids(), (std::vector<std::string>{"0", "1", "2", "3", "4"}));
    EXPECT_EQ(s.health().retries, 1u);
}

TEST(QueuedSink, PermanentErrorDropsTheRestOfTheBatchOnly)
{
    FakeSink s(opts());
    s.script(fail("413 too large", 1, true));
    s.close_gate();
    for (int i = 0; i < 3; ++i)
        s.submit(make_alert(std::to_string(i)));
    s.start();
    s.open_gate();
    ASSERT_TRUE(eventually([&] { return s.health().dropped == 2; }));
    s.submit(make_alert("next"));
    ASSERT_TRUE(eventually([&] { return s.health().delivered == 2; }));
    EXPECT_EQ(s.ids(), (std::vector<std::string>{"0", "next"}));
    EXPECT_EQ(s.health().retries, 0u);
    EXPECT_TRUE(s.health().healthy);
}

TEST(QueuedSink, SuccessWithFewerDoneCountsTheRestDropped)
{
    FakeSink s(opts());
    s.script([](std::vector<alert::SerializedPtr>&) { return FakeSink::DeliverResult{1, 1, "", false}; });
    for (int i = 0; i < 3; ++i)
        s.submit(make_alert(std::to_string(i)));
    s.start();
    s.stop(5s);
    const auto h = s.health();
    EXPECT_EQ(h.delivered, 1u);  // the diverted one is not "delivered"
    EXPECT_EQ(h.dropped, 1u);
    EXPECT_EQ(h.queued, 0u);
}

TEST(QueuedSink, BelowMinSeverityIsIgnored)
{
    auto o = opts();
    o.min_severity = rules::Severity::medium;
    FakeSink s(o);
    s.submit(make_alert("low", rules::Severity::low));
    s.submit(make_alert("crit", rules::Severity::critical));
    s.submit(nullptr);
    EXPECT_EQ(s.health().submitted, 1u);
    s.start();
    s.stop(5s);
    EXPECT_EQ(s.ids(), std::vector<std::string>{"crit"});
}

TEST(QueuedSink, BatchWaitCollectsUpToBatchMax)
{
    auto o = opts();
    o.batch_max = 4;
    o.batch_wait = 10s;
    FakeSink s(o);
    s.start();
    for (int i = 0; i < 4; ++i)
        s.submit(make_alert(std::to_string(i)));
    ASSERT_TRUE(eventually([&] { return s.health().delivered == 4; }, 5s));
    EXPECT_EQ(s.batch_sizes(), std::vector<std::size_t>{4});
    s.submit(make_alert("alone"));
    const auto t0 = Clock::now();
    s.stop(5s);  // stop does not wait for the batch to fill
    EXPECT_LT(Clock::now() - t0, 3s);
    EXPECT_EQ(s.health().delivered, 5u);
}

TEST(QueuedSink, IdleHookRunsWhenNothingIsQueued)
{
    class Idle final : public QueuedSink {
    public:
        explicit Idle(Options o) : QueuedSink("idle", "idle", o) {}
        ~Idle() override { halt(); }
        std::atomic<int> idles{0};

    protected:
        DeliverResult deliver(std::vector<alert::SerializedPtr>& b) override { return DeliverResult::ok(b.size()); }
        void on_idle() override
        {
            ++idles;
            note_delivered(1);
        }
        void fill_health(SinkHealth& h) const override { h.spooled = 42; }
    };
    auto o = opts();
    o.idle_interval = 5ms;
    Idle s(o);
    s.start();
    ASSERT_TRUE(eventually([&] { return s.idles.load() >= 3; }));
    s.stop(1s);
    EXPECT_GE(s.health().delivered, 3u);
    EXPECT_EQ(s.health().spooled, 42u);
}

TEST(QueuedSink, StopIsIdempotentAndConcurrentSafe)
{
    FakeSink s(opts());
    s.start();
    for (int i = 0; i < 10; ++i)
        s.submit(make_alert(std::to_string(i)));
    std::thread t([&] { s.stop(5s); });
    s.stop(5s);
    t.join();
    s.stop(0ms);
    EXPECT_EQ(s.health().delivered + s.health().dropped, 10u);
}

}  // namespace
}  // namespace procsentry::sinks
