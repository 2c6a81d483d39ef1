// SPDX-License-Identifier: GPL-2.0
// The common machinery of every sink: a bounded in-memory queue filled by
// submit() (never blocks) and drained by one worker thread that hands batches
// to deliver(), retries failures with bounded exponential backoff, and keeps
// the health counters.  A concrete sink only says how to deliver a batch.
//
// Overflow drops the NEWEST alert, not the oldest: the first alerts of an
// incident describe how it started, and an attacker who can make the host
// raise alerts must not be able to flush those out of the queue by flooding
// it.  The loss is counted (dropped) and visible in health().
//
// Lifetime: a concrete sink MUST call halt() first thing in its destructor,
// while its own members still exist, because the worker may be inside
// deliver().  stop() normally ran already; halt() is then a no-op.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rules/types.hpp"
#include "sinks/sink.hpp"

namespace procsentry::sinks {

class QueuedSink : public Sink {
public:
    using Clock = std::chrono::steady_clock;

    struct Options {
        std::size_t queue_max = 10000;  // alerts waiting; more are dropped (0 is taken as 1)
        std::size_t batch_max = 256;    // alerts per deliver() call
        // Longest wait for a batch to fill up to batch_max before delivering
        // a smaller one; 0 = deliver whatever is queued at once.
        std::chrono::milliseconds batch_wait{0};
        std::chrono::milliseconds retry_initial{250};
        std::chrono::milliseconds retry_max{30000};  // backoff ceiling
        // Alerts below this are not for this sink: ignored, not counted.
        rules::Severity min_severity = rules::Severity::none;
        // If > 0, on_idle() runs on the worker when the queue stayed empty
        // this long (e.g. to replay a spool or probe a dead peer).
        std::chrono::milliseconds idle_interval{0};
    };

    struct DeliverResult {
        // Leading items of the batch that reached the destination.
        std::size_t delivered = 0;
        // Items after those that were handed elsewhere (e.g. spooled): they
        // leave the queue but are not counted as delivered.
        std::size_t diverted = 0;
        // "" = the batch is finished: items beyond delivered + diverted were
        // refused for good and are counted as dropped.  Otherwise the items
        // beyond delivered + diverted are retried after a backoff, or
        // dropped if `permanent` (retrying cannot help).
        std::string error;
        bool permanent = false;

        static DeliverResult ok(std::size_t n) { return {n, 0, {}, false}; }
        static DeliverResult failed(std::size_t delivered, std::string why, bool permanent = false)
        {
            return {delivered, 0, std::move(why), permanent};
        }
    };

    QueuedSink(std::string name, std::string type, Options opts);
    ~QueuedSink() override;
    QueuedSink(const QueuedSink&) = delete;
    QueuedSink& operator=(const QueuedSink&) = delete;

    void start() override;
    void submit(const alert::SerializedPtr& a) override;
    // Keeps delivering (retrying failures, backoff cut to the deadline)
    // until the queue is empty or `deadline` has passed, then joins the
    // worker; what is left is counted as dropped.  Idempotent.
    void stop(std::chrono::milliseconds deadline) override;
    SinkHealth health() const override;

    const std::string& name() const { return name_; }

protected:
    // Runs on the worker thread only, never concurrently with itself.  The
    // batch is not empty.  Blocking I/O inside must be bounded: use
    // time_left() for its timeouts so that stop() is honoured.
    virtual DeliverResult deliver(std::vector<alert::SerializedPtr>& batch) = 0;

    // Runs on the worker thread; see Options::idle_interval.
    virtual void on_idle() {}

    // Adds sink-specific fields (spooled, ...) to a snapshot; called with
    // the base's lock held, so it must not call back into this class.
    virtual void fill_health(SinkHealth& h) const { (void)h; }

    // `want`, or less if stop() is running and its deadline is nearer
    // (never negative).  For timeouts of blocking calls inside deliver().
    std::chrono::milliseconds time_left(std::chrono::milliseconds want) const;
    // A budget of `want` from now, shrunk by stop() like time_left(), asked
    // again while waiting (sinks/fd_write.hpp TimeLeft).
    std::function<std::chrono::milliseconds()> budget(std::chrono::milliseconds want) const;
    // True once stop() was called and its deadline has passed: give up.
    bool aborting() const;

    // Counters for work done outside the batch flow (spool replay).
    void note_delivered(uint64_t n);
    void note_dropped(uint64_t n);

    // Stops the worker at once (stop(0) if stop() was never called) and
    // joins it.  Concrete sinks call it first in their destructor.
    void halt();

private:
    void run();
    std::chrono::milliseconds next_backoff(std::chrono::milliseconds cur) const;
    bool past_deadline_locked(Clock::time_point now) const;

    const std::string name_;
    const std::string type_;
    const Options opts_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<alert::SerializedPtr> queue_;
    bool started_ = false;
    bool stop_requested_ = false;
    bool joined_ = false;  // one stop()/halt() caller owns the join
    Clock::time_point deadline_{};
    std::size_t inflight_ = 0;  // taken from the queue, not yet finished

    bool healthy_ = true;
    std::string last_error_;
    uint64_t submitted_ = 0;
    uint64_t delivered_ = 0;
    uint64_t dropped_ = 0;
    uint64_t retries_ = 0;

    std::thread worker_;
};

}  // namespace procsentry::sinks
