// SPDX-License-Identifier: GPL-2.0
#include "sinks/queued_sink.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace procsentry::sinks {

QueuedSink::QueuedSink(std::string name, std::string type, Options opts)
    : name_(std::move(name)), type_(std::move(type)), opts_(opts)
{
}

QueuedSink::~QueuedSink()
{
    // Last resort only: by now the concrete sink is gone, so it must have
    // called halt() itself (see the header).
    halt();
}

void QueuedSink::start()
{
    std::lock_guard lk(mu_);
    if (started_ || stop_requested_)
        return;
    started_ = true;
    worker_ = std::thread(&QueuedSink::run, this);
}

void QueuedSink::submit(const alert::SerializedPtr& a)
{
    if (!a || a->severity < opts_.min_severity)
        return;
    {
        std::lock_guard lk(mu_);
        ++submitted_;
        // A sink being stopped takes nothing more, so that draining ends.
        if (stop_requested_) {
            ++dropped_;
            return;
        }
        if (queue_.size() >= std::max<std::size_t>(opts_.queue_max, 1)) {
            ++dropped_;
            // Full: the newest alert is dropped, unless it is more severe
            // than one waiting; then the oldest of the least severe goes, so
            // a flood of low alerts cannot make a critical one the casualty.
            auto victim = queue_.end();
            for (auto it = queue_.begin(); it != queue_.end(); ++it)
                if ((*it)->severity < a->severity && (victim == queue_.end() || (*it)->severity < (*victim)->severity))
                    victim = it;
            if (victim == queue_.end())
                return;
            queue_.erase(victim);
        }
        queue_.push_back(a);
    }
    cv_.notify_one();
}

void QueuedSink::stop(std::chrono::milliseconds deadline)
{
    {
        std::lock_guard lk(mu_);
        if (!stop_requested_) {
            stop_requested_ = true;
            deadline_ = Clock::now() + std::max(deadline, std::chrono::milliseconds(0));
        }
        if (joined_)
            return;
        joined_ = true;
        if (!started_) {
            dropped_ += queue_.size();
            queue_.clear();
            return;
        }
    }
    cv_.notify_all();
    worker_.join();
}

void QueuedSink::halt()
{
    stop(std::chrono::milliseconds(0));
}

SinkHealth QueuedSink::health() const
{
    std::lock_guard lk(mu_);
    SinkHealth h;
    h.name = name_;
    h.type = type_;
    h.healthy = healthy_;
    h.last_error = last_error_;
    h.submitted = submitted_;
    h.delivered = delivered_;
    h.dropped = dropped_;
    h.queued = queue_.size() + inflight_;
    h.retries = retries_;
    fill_health(h);
    return h;
}

std::chrono::milliseconds QueuedSink::time_left(std::chrono::milliseconds want) const
{
    std::lock_guard lk(mu_);
    if (!stop_requested_)
        return want;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    return std::clamp(left, std::chrono::milliseconds(0), want);
}

std::function<std::chrono::milliseconds()> QueuedSink::budget(std::chrono::milliseconds want) const
{
    const auto until = Clock::now() + want;
    return [this, until] {
        return time_left(std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()));
    };
}

bool QueuedSink::aborting() const
{
    std::lock_guard lk(mu_);
    return past_deadline_locked(Clock::now());
}

void QueuedSink::note_delivered(uint64_t n)
{
    std::lock_guard lk(mu_);
    delivered_ += n;
}

void QueuedSink::note_dropped(uint64_t n)
{
    std::lock_guard lk(mu_);
    dropped_ += n;
}

bool QueuedSink::past_deadline_locked(Clock::time_point now) const
{
    return stop_requested_ && now >= deadline_;
}

std::chrono::milliseconds QueuedSink::next_backoff(std::chrono::milliseconds cur) const
{
    if (cur.count() <= 0)
        return std::max(opts_.retry_initial, std::chrono::milliseconds(1));
    return std::min(cur * 2, std::max(opts_.retry_max, opts_.retry_initial));
}

void QueuedSink::run()
{
    const std::size_t batch_max = std::max<std::size_t>(opts_.batch_max, 1);
    std::vector<alert::SerializedPtr> batch;
    std::chrono::milliseconds backoff{0};
    std::unique_lock lk(mu_);
    const auto have_work = [&] { return stop_requested_ || !queue_.empty(); };

    for (;;) {
        if (batch.empty()) {
            if (opts_.idle_interval.count() > 0) {
                while (!cv_.wait_for(lk, opts_.idle_interval, have_work)) {
                    lk.unlock();
                    on_idle();
                    lk.lock();
                }
            } else {
                cv_.wait(lk, have_work);
            }
            if (queue_.empty() || past_deadline_locked(Clock::now()))
                break;
            if (opts_.batch_wait.count() > 0 && queue_.size() < batch_max && !stop_requested_)
                cv_.wait_for(lk, opts_.batch_wait,
                             [&] { return stop_requested_ || queue_.size() >= batch_max; });
            const auto n = static_cast<std::ptrdiff_t>(std::min(queue_.size(), batch_max));
            batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + n));
            queue_.erase(queue_.begin(), queue_.begin() + n);
            inflight_ = batch.size();
        }

        const bool attempt_while_stopping = stop_requested_;
        lk.unlock();
        DeliverResult r = deliver(batch);
        lk.lock();

        const std::size_t delivered = std::min(r.delivered, batch.size());
        const std::size_t done = std::min(delivered + r.diverted, batch.size());
        delivered_ += delivered;
        batch.erase(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(done));
        const bool ok = r.error.empty();
        healthy_ = ok;
        last_error_ = std::move(r.error);
        if (ok || r.permanent || batch.empty()) {
            dropped_ += batch.size();
            batch.clear();
            inflight_ = 0;
            if (ok)
                backoff = std::chrono::milliseconds(0);
            continue;
        }

        // A destination that fails while we are stopping gets no more
        // tries: shutdown should not wait out the deadline on a dead sink.
        if (attempt_while_stopping)
            break;
        // Retry the rest after a backoff.  A stop() arriving meanwhile ends
        // the wait so that one more attempt is made within its deadline.
        inflight_ = batch.size();
        backoff = next_backoff(backoff);
        const bool was_stopping = stop_requested_;
        auto until = Clock::now() + backoff;
        if (stop_requested_)
            until = std::min(until, deadline_);
        cv_.wait_until(lk, until, [&] { return stop_requested_ && !was_stopping; });
        if (past_deadline_locked(Clock::now()))
            break;
        ++retries_;
    }

    dropped_ += batch.size() + queue_.size();
    queue_.clear();
    inflight_ = 0;
}

}  // namespace procsentry::sinks
