// SPDX-License-Identifier: GPL-2.0
// POSTs alerts in batches to a collector over HTTP or HTTPS, through a
// durable spool (sinks/spool.hpp), so that alerts survive the collector and
// the daemon being down.
//
// Wire format: the body is NDJSON (Content-Type: application/x-ndjson), one
// alert JSON line of docs/alerts.md per line, each ending in "\n", oldest
// first.  Headers: "X-Procsentry-Batch: <id of the first alert>..<count>"
// and, with token_file, "Authorization: Bearer <token>".
//
// Answers: 2xx delivered; 408, 429, 5xx, other codes, timeouts and
// connection or TLS errors are retried from the spool with exponential
// backoff (500 ms doubling up to retry_max_ms, each wait cut to a random
// 50-100 % so that many hosts do not retry in step); other 4xx mean the
// collector will never take this batch: it is dropped and counted.
//
// Threads: submit() only puts the alert into a bounded in-memory queue
// (queue_max; overflow counted as dropped).  One worker thread appends the
// queue to the spool (fdatasync per batch of appends), then sends batches of
// up to batch_max from the spool, oldest first, waiting up to batch_ms for a
// batch to fill.  Delivery is at least once (see spool.hpp).
//
// Why not QueuedSink: its retries are of in-memory batches and its stop()
// counts what is left as dropped.  Here the unit of retry is the head of the
// spool, which also holds alerts of earlier runs that never were in the
// queue, and what stop() cannot deliver stays on disk.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "rules/config.hpp"
#include "sinks/http_client.hpp"
#include "sinks/sink.hpp"
#include "sinks/spool.hpp"

namespace procsentry::sinks {

class HttpSink : public Sink {
public:
    using Clock = std::chrono::steady_clock;
    // The bearer token, asked before every POST; "" while there is none yet
    // (the console sink before enrolment): alerts then wait in the spool.
    // With a provider a 401/403 is retried, not a refused batch: the token
    // can be replaced while the alerts wait.  Called from the worker thread.
    using TokenProvider = std::function<std::string()>;

    // Checks everything it can before start(): the URL, token_file (read
    // once here), ca_file, and that spool_dir can be created.  Throws
    // std::runtime_error naming the key, value and errno text.  The spool
    // itself is opened by the worker, which waits while another sink (the
    // one a reload replaces) still holds it.
    explicit HttpSink(const rules::SinkSpec& spec, TokenProvider tokens = {});
    ~HttpSink() override;
    HttpSink(const HttpSink&) = delete;
    HttpSink& operator=(const HttpSink&) = delete;

    void start() override;
    void submit(const alert::SerializedPtr& a) override;
    // Appends the queue to the spool, then delivers until the spool is empty
    // or the deadline passed (an exchange in flight is cut off then); what
    // is left stays in the spool for the next run.
    void stop(std::chrono::milliseconds deadline) override;
    SinkHealth health() const override;

    // Damaged spool regions cut off when the spool was opened (a crash in
    // the middle of a write); the alerts in them cannot be counted.
    uint64_t spool_corrupt() const;

private:
    enum class Wake { none, work, stop };

    void run();
    bool open_spool(std::unique_lock<std::mutex>& lk);
    void spool_queue(std::unique_lock<std::mutex>& lk);
    void send_batch(std::unique_lock<std::mutex>& lk);
    std::chrono::milliseconds next_backoff();
    void fail(std::string error);
    void refresh_locked();

    const std::string name_;
    const rules::HttpSinkSpec spec_;
    const std::size_t queue_max_;
    const rules::Severity min_severity_;
    std::string auth_header_;  // "Bearer ..." or ""
    const TokenProvider tokens_;
    HttpClient client_;

    // Worker-only state.
    std::unique_ptr<Spool> spool_;
    std::optional<Clock::time_point> batch_start_;
    Clock::time_point next_try_{};
    std::chrono::milliseconds backoff_{0};
    std::mt19937 rng_{std::random_device{}()};

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<alert::SerializedPtr> queue_;
    std::size_t inflight_ = 0;  // taken from the queue, not yet in the spool
    bool started_ = false;
    bool stop_requested_ = false;
    bool joined_ = false;
    Clock::time_point deadline_{};
    bool healthy_ = true;
    std::string last_error_;
    uint64_t submitted_ = 0;
    uint64_t delivered_ = 0;
    uint64_t dropped_ = 0;  // queue overflow, refused batches, spool write errors
    uint64_t retries_ = 0;
    uint64_t spool_dropped_ = 0;  // copies of the spool's counters
    uint64_t spooled_ = 0;
    uint64_t corrupt_ = 0;
    std::thread worker_;
};

std::unique_ptr<Sink> make_http_sink(const rules::SinkSpec& spec);

}  // namespace procsentry::sinks
