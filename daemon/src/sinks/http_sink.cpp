// SPDX-License-Identifier: GPL-2.0
#include "sinks/http_sink.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace procsentry::sinks {

namespace {

constexpr auto kInitialBackoff = std::chrono::milliseconds(500);
// How often a worker that cannot open its spool tries again.
constexpr auto kSpoolRetry = std::chrono::milliseconds(100);
// How often a sink without a token yet (console enrolment) looks again.
constexpr auto kTokenWait = std::chrono::milliseconds(250);

std::string read_token(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("token_file " + path + ": " + std::strerror(errno));
    std::string token((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
        throw std::runtime_error("token_file " + path + ": read error");
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ' ||
                              token.back() == '\t'))
        token.pop_back();
    if (token.empty())
        throw std::runtime_error("token_file " + path + ": empty");
    // The token goes into a header line: anything that could end or split
    // it is refused.  The token itself is never echoed.
    for (unsigned char c : token)
        if (c <= 0x20 || c >= 0x7f)
            throw std::runtime_error("token_file " + path +
                                     ": the token must be one line of printable ASCII without spaces");
    return "Bearer " + token;
}

// Alert ids are ours, but a header line must not be splittable whatever
// reaches it.
std::string header_safe(std::string_view s)
{
    std::string out(s.substr(0, 200));
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
            c = '?';
    return out;
}

Url parse_url_for(const rules::SinkSpec& spec)
{
    try {
        return parse_url(spec.http.url);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(std::string("url: ") + e.what());
    }
}

}  // namespace

HttpSink::HttpSink(const rules::SinkSpec& spec, TokenProvider tokens)
    : name_(spec.name),
      spec_(spec.http),
      queue_max_(std::max<std::size_t>(spec.queue_max, 1)),
      min_severity_(spec.min_severity),
      auth_header_(spec.http.token_file.empty() ? std::string() : read_token(spec.http.token_file)),
      tokens_(std::move(tokens)),
      client_(parse_url_for(spec), spec.http.ca_file)
{
    if (spec_.spool_dir.empty())
        throw std::runtime_error("spool_dir: empty");
    Spool::make_dir(spec_.spool_dir);
}

HttpSink::~HttpSink() { stop(std::chrono::milliseconds(0)); }

void HttpSink::start()
{
    std::lock_guard lk(mu_);
    if (started_ || stop_requested_)
        return;
    started_ = true;
    worker_ = std::thread(&HttpSink::run, this);
}

void HttpSink::submit(const alert::SerializedPtr& a)
{
    // Like the other sinks: alerts below min_severity are not for us.
    if (!a || a->severity < min_severity_)
        return;
    {
        std::lock_guard lk(mu_);
        ++submitted_;
        if (stop_requested_ || queue_.size() >= queue_max_) {
            ++dropped_;
            return;
        }
        queue_.push_back(a);
    }
    cv_.notify_one();
}

void HttpSink::stop(std::chrono::milliseconds deadline)
{
    bool run_here = false;
    {
        std::lock_guard lk(mu_);
        if (!stop_requested_) {
            stop_requested_ = true;
            deadline_ = Clock::now() + std::max(deadline, std::chrono::milliseconds(0));
            client_.abort_at(deadline_);
        }
        if (joined_)
            return;
        joined_ = true;
        // Never started: still spool (and try to deliver) what was queued.
        run_here = !started_ && !queue_.empty();
    }
    cv_.notify_all();
    if (run_here)
        run();
    else if (worker_.joinable())
        worker_.join();
}

SinkHealth HttpSink::health() const
{
    std::lock_guard lk(mu_);
    SinkHealth h;
    h.name = name_;
    h.type = "http";
    h.healthy = healthy_;
    h.last_error = last_error_;
    h.submitted = submitted_;
    h.delivered = delivered_;
    h.dropped = dropped_ + spool_dropped_;
    h.queued = queue_.size() + inflight_;
    h.spooled = spooled_;
    h.retries = retries_;
    return h;
}

uint64_t HttpSink::spool_corrupt() const
{
    std::lock_guard lk(mu_);
    return corrupt_;
}

void HttpSink::fail(std::string error)
{
    healthy_ = false;
    last_error_ = std::move(error);
}

void HttpSink::refresh_locked()
{
    spooled_ = spool_->pending();
    spool_dropped_ = spool_->dropped();
    corrupt_ = spool_->corrupt();
}

bool HttpSink::open_spool(std::unique_lock<std::mutex>& lk)
{
    std::string error;
    lk.unlock();
    try {
        spool_ = std::make_unique<Spool>(Spool::Options{spec_.spool_dir, spec_.spool_max_bytes, 0});
    } catch (const std::exception& e) {
        error = e.what();
    }
    lk.lock();
    if (!spool_) {
        fail(std::move(error));
        return false;
    }
    refresh_locked();
    if (corrupt_ > 0)
        std::fprintf(stderr, "<4>http sink '%s': spool %s: %llu damaged region(s) cut off (a write cut short?)\n",
                     name_.c_str(), spec_.spool_dir.c_str(), static_cast<unsigned long long>(corrupt_));
    // A spool that a busy lock kept us from is not a delivery error.
    if (!healthy_ && last_error_.rfind("spool ", 0) == 0) {
        healthy_ = true;
        last_error_.clear();
    }
    return true;
}

void HttpSink::spool_queue(std::unique_lock<std::mutex>& lk)
{
    std::deque<alert::SerializedPtr> items;
    items.swap(queue_);
    inflight_ = items.size();
    lk.unlock();
    uint64_t lost = 0;
    std::string error;
    for (std::size_t i = 0; i < items.size(); i++) {
        try {
            spool_->append(items[i]->id, items[i]->json);
        } catch (const std::exception& e) {
            // Disk full or gone: this alert is lost, the next may fit.
            lost++;
            error = e.what();
        }
    }
    try {
        spool_->sync();
    } catch (const std::exception& e) {
        error = e.what();
    }
    lk.lock();
    inflight_ = 0;
    dropped_ += lost;
    if (!error.empty())
        fail(std::move(error));
    refresh_locked();
}

std::chrono::milliseconds HttpSink::next_backoff()
{
    const auto cap = std::chrono::milliseconds(std::max<uint32_t>(spec_.retry_max_ms, 1));
    backoff_ = backoff_.count() == 0 ? std::min(kInitialBackoff, cap) : std::min(backoff_ * 2, cap);
    std::uniform_int_distribution<long> jitter(backoff_.count() / 2, backoff_.count());
    return std::chrono::milliseconds(jitter(rng_));
}

void HttpSink::send_batch(std::unique_lock<std::mutex>& lk)
{
    const std::size_t batch_max = std::max<uint32_t>(spec_.batch_max, 1);
    const auto timeout = std::chrono::milliseconds(std::max<uint32_t>(spec_.timeout_ms, 1));
    lk.unlock();
    std::string auth = auth_header_;
    if (tokens_) {
        const std::string token = tokens_();
        if (token.empty()) {
            lk.lock();
            fail("no token yet (the agent is not enrolled with the console): alerts wait in the spool");
            next_try_ = Clock::now() + kTokenWait;
            return;
        }
        auth = "Bearer " + token;
        // The provider checks its token; a header line must not split whatever reaches it.
        for (char& c : auth)
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
                c = '?';
    }
    Spool::Batch batch;
    std::string read_error;
    try {
        batch = spool_->peek(batch_max);
    } catch (const std::exception& e) {
        read_error = e.what();  // the spool directory was tampered with
    }
    if (batch.records.empty()) {
        lk.lock();
        refresh_locked();  // damage found while reading: counted there
        if (!read_error.empty()) {
            fail(std::move(read_error));
            next_try_ = Clock::now() + next_backoff();
        }
        return;
    }
    std::string body;
    for (const auto& r : batch.records) {
        body += r.json;
        body += '\n';
    }
    HttpClient::Headers headers{{"Content-Type", "application/x-ndjson"},
                                {"X-Procsentry-Batch", header_safe(batch.records.front().id) + ".." +
                                                           std::to_string(batch.records.size())}};
    if (!auth.empty())
        headers.emplace_back("Authorization", auth);
    const HttpClient::Response res = client_.post(body, headers, Clock::now() + timeout);

    const int s = res.status;
    const bool ok = s >= 200 && s <= 299;
    const bool token_refused = tokens_ && (s == 401 || s == 403);
    const bool refused = s >= 400 && s <= 499 && s != 408 && s != 429 && !token_refused;
    std::string ack_error;
    if (ok || refused) {
        try {
            spool_->ack(batch);
        } catch (const std::exception& e) {
            ack_error = e.what();  // delivered, but may be sent again after a restart
        }
    }
    const std::string where = " (" + client_.url().authority() + ")";
    lk.lock();
    refresh_locked();
    const auto n = batch.records.size();
    if (ok) {
        delivered_ += n;
        healthy_ = ack_error.empty();
        last_error_ = ack_error;
        backoff_ = std::chrono::milliseconds(0);
        next_try_ = Clock::now();
    } else if (refused) {
        dropped_ += n;
        fail("HTTP " + std::to_string(s) + " " + res.reason + where + ": batch of " + std::to_string(n) +
             " alerts refused, dropped");
        backoff_ = std::chrono::milliseconds(0);
        next_try_ = Clock::now();
    } else {
        fail(s ? "HTTP " + std::to_string(s) + " " + res.reason + where +
                     (token_refused ? ": the token was refused; alerts wait in the spool" : "")
               : res.error);
        ++retries_;
        next_try_ = Clock::now() + next_backoff();
    }
    batch_start_.reset();
}

void HttpSink::run()
{
    const std::size_t batch_max = std::max<uint32_t>(spec_.batch_max, 1);
    const auto batch_wait = std::chrono::milliseconds(spec_.batch_ms);
    std::unique_lock lk(mu_);
    for (;;) {
        const bool stopping = stop_requested_;
        if (!spool_ && !open_spool(lk)) {
            if (stopping && Clock::now() >= deadline_)
                break;
            const auto until = stopping ? std::min(deadline_, Clock::now() + kSpoolRetry) : Clock::now() + kSpoolRetry;
            cv_.wait_until(lk, until, [&] { return stop_requested_ != stopping; });
            continue;
        }
        if (!queue_.empty()) {
            spool_queue(lk);
            continue;
        }
        const auto now = Clock::now();
        const uint64_t pending = spool_->pending();
        if (stopping && (pending == 0 || now >= deadline_))
            break;
        if (pending == 0) {
            batch_start_.reset();
            cv_.wait(lk, [&] { return !queue_.empty() || stop_requested_ != stopping; });
            continue;
        }
        if (!batch_start_)
            batch_start_ = now;
        // A full batch, or a stop, does not wait for batch_ms; a backoff is
        // only cut short by stop() (one more try within its deadline).
        auto send_at = (pending >= batch_max || stopping) ? now : *batch_start_ + batch_wait;
        send_at = std::max(send_at, next_try_);
        if (stopping)
            send_at = std::min(send_at, deadline_);
        if (now < send_at) {
            cv_.wait_until(lk, send_at, [&] { return !queue_.empty() || stop_requested_ != stopping; });
            if (stop_requested_ != stopping)
                next_try_ = Clock::now();
            continue;
        }
        send_batch(lk);
    }
    // What is still queued goes to disk for the next run, deadline or not:
    // a local append is quick and alerts in memory would be lost.
    if (spool_ && !queue_.empty())
        spool_queue(lk);
    dropped_ += queue_.size();
    queue_.clear();
    // Unlock the directory now, not at destruction: the sink that replaces
    // this one on a reload is waiting for it.
    spool_.reset();
}

std::unique_ptr<Sink> make_http_sink(const rules::SinkSpec& spec) { return std::make_unique<HttpSink>(spec); }

}  // namespace procsentry::sinks
