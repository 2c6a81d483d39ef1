// SPDX-License-Identifier: GPL-2.0
#include "agent/console_agent.hpp"

#include <cstdio>
#include <ctime>
#include <stdexcept>

#include "agent/console_answer.hpp"
#include "agent/json_text.hpp"
#include "agent/private_file.hpp"
#include "sinks/url.hpp"

namespace procsentry::agent {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kEnrollTimeout = 30s;
// Beyond the wait the console may hold a heartbeat: time for the answer.
constexpr auto kHeartbeatSlack = 15s;
// A console answering at once without asking for anything is not polled
// faster than this.
constexpr auto kMinInterval = 250ms;
// A heartbeat answer may carry a policy (a configuration is at most 1 MiB).
constexpr std::size_t kHeartbeatAnswerLimit = 2u << 20;
constexpr std::size_t kEnrollAnswerLimit = 16u << 10;
constexpr std::size_t kMaxTokenFile = 4096;

sinks::Url endpoint(const std::string& base, const std::string& path)
{
    try {
        return sinks::parse_url(base + path);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(std::string("console url: ") + e.what());
    }
}

int64_t wall_ns()
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string http_error(const sinks::HttpClient::Response& r, const std::string& what)
{
    if (r.status == 0)
        return what + ": " + r.error;
    return what + ": HTTP " + std::to_string(r.status) + " " + r.reason;
}

void log_line(int prio, const std::string& msg) { std::fprintf(stderr, "<%d>console: %s\n", prio, msg.c_str()); }

}  // namespace

ConsoleAgent::ConsoleAgent(rules::ConsoleSpec spec, std::string state_dir, HostIdentity id, AgentHost& host,
                           Post post, std::shared_ptr<TokenBox> token)
    : spec_(std::move(spec)),
      state_dir_(std::move(state_dir)),
      id_(std::move(id)),
      host_(host),
      post_(std::move(post)),
      token_(std::move(token)),
      credentials_(state_dir_),
      enroll_client_(endpoint(spec_.url, "/api/agent/v1/enroll"), spec_.ca_file),
      heartbeat_client_(endpoint(spec_.url, "/api/agent/v1/heartbeat?wait=" + std::to_string(spec_.heartbeat_wait_s)),
                        spec_.ca_file)
{
    enroll_client_.set_response_body_limit(kEnrollAnswerLimit);
    heartbeat_client_.set_response_body_limit(kHeartbeatAnswerLimit);
    status_.url = spec_.url;
}

ConsoleAgent::~ConsoleAgent()
{
    stop();
    join();
}

void ConsoleAgent::start()
{
    std::lock_guard lk(mu_);
    if (thread_.joinable() || stop_)
        return;
    thread_ = std::thread(&ConsoleAgent::run, this);
}

void ConsoleAgent::stop()
{
    {
        std::lock_guard lk(mu_);
        stop_ = true;
    }
    // A held long poll gives up now: the client closes its socket.
    const auto now = Clock::now();
    enroll_client_.abort_at(now);
    heartbeat_client_.abort_at(now);
    cv_.notify_all();
}

void ConsoleAgent::join()
{
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id())
        thread_.join();
}

AgentStatus ConsoleAgent::status() const
{
    std::lock_guard lk(mu_);
    return status_;
}

bool ConsoleAgent::stopping() const
{
    std::lock_guard lk(mu_);
    return stop_;
}

bool ConsoleAgent::pause(std::chrono::milliseconds d)
{
    std::unique_lock lk(mu_);
    return !cv_.wait_for(lk, d, [&] { return stop_; });
}

void ConsoleAgent::set_error(const std::string& state, const std::string& error)
{
    std::lock_guard lk(mu_);
    if (status_.last_error != error)
        log_line(4, error);
    status_.state = state;
    status_.connected = false;
    status_.last_error = error;
}

void ConsoleAgent::run()
{
    std::string error;
    cred_ = credentials_.load(spec_.url, error);
    if (!error.empty())
        log_line(4, error + "; enrolling again");
    if (!cred_ && !enrol())
        return;
    token_->set(cred_->agent_token);
    {
        std::lock_guard lk(mu_);
        status_.enrolled = true;
        status_.host_id = cred_->host_id;
    }
    heartbeats();
}

std::string ConsoleAgent::read_enrollment_token(std::string& error) const
{
    if (spec_.enrollment_token_file.empty()) {
        error = "not enrolled and console.enrollment_token_file is not set";
        return {};
    }
    std::string text;
    if (!PrivateFile::read(spec_.enrollment_token_file, kMaxTokenFile, text, error)) {
        if (error.empty())
            error = spec_.enrollment_token_file + ": No such file or directory";
        error = "enrollment_token_file " + error;
        return {};
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
        text.pop_back();
    if (!CredentialStore::valid_token(text)) {
        error = "enrollment_token_file " + spec_.enrollment_token_file +
                ": the token must be one line of printable ASCII without spaces";
        return {};
    }
    return text;
}

bool ConsoleAgent::enrol()
{
    {
        std::lock_guard lk(mu_);
        status_.state = "enrolling";
    }
    const std::string body = JsonText::write(HeartbeatBody::enroll(id_));
    while (!stopping()) {
        std::string error;
        const std::string token = read_enrollment_token(error);
        if (!token.empty()) {
            const auto res = enroll_client_.post(
                body, {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}},
                Clock::now() + kEnrollTimeout);
            if (stopping())
                return false;
            EnrollAnswer answer;
            if (res.status == 200 || res.status == 201) {
                if (EnrollAnswer::parse(res.body, answer, error)) {
                    cred_ = Credential{spec_.url, answer.host_id, answer.agent_token};
                    std::string save_error;
                    if (!credentials_.save(*cred_, save_error))
                        // Usable now; a restart would enrol again (a second host).
                        log_line(3, "enrolled, but the credential was not saved: " + save_error);
                    log_line(5, "enrolled with " + spec_.url + " as host " + std::to_string(answer.host_id));
                    backoff_.reset();
                    return true;
                }
                error = "enrolment: " + error;
            } else if (res.status == 401 || res.status == 403) {
                error = "the console refused the enrolment token (HTTP " + std::to_string(res.status) +
                        "); put a valid one in " + spec_.enrollment_token_file;
            } else {
                error = http_error(res, "enrolment");
            }
        }
        set_error("enrolling", error);
        if (!pause(backoff_.next()))
            return false;
    }
    return false;
}

void ConsoleAgent::heartbeats()
{
    const auto deadline_after = std::chrono::seconds(spec_.heartbeat_wait_s) + kHeartbeatSlack;
    while (!stopping()) {
        auto report = on_loop<HostReport>([h = &host_] { return h->report(); });
        if (!report)
            return;
        const std::string body = JsonText::write(HeartbeatBody::heartbeat(id_, *report, rejected_));
        const auto sent = Clock::now();
        const auto res = heartbeat_client_.post(
            body, {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + cred_->agent_token}},
            sent + deadline_after);
        if (stopping())
            return;
        if (res.status == 401) {
            // Revoked or unknown: enrolling again by ourselves would undo
            // an operator's decommission.
            set_error("stopped", "console rejected the agent token (HTTP 401): the host was removed or its "
                                 "token revoked; enrol again by deleting " + credentials_.path() +
                                     " and restarting, with a new enrollment token");
            return;
        }
        HeartbeatAnswer answer;
        std::string error;
        if (res.status != 200)
            error = http_error(res, "heartbeat");
        else if (!HeartbeatAnswer::parse(res.body, answer, error))
            error = "heartbeat: " + error;
        if (!error.empty()) {
            set_error("retrying", error);
            if (!pause(backoff_.next()))
                return;
            continue;
        }
        backoff_.reset();
        {
            std::lock_guard lk(mu_);
            status_.state = "connected";
            status_.connected = true;
            status_.last_contact_ns = wall_ns();
            status_.last_error.clear();
            status_.heartbeats++;
        }

        bool applied = false;
        if (answer.monitoring && answer.monitoring->generation != report->monitoring_generation) {
            const auto m = *answer.monitoring;
            auto r = on_loop<std::string>([h = &host_, m] {
                std::string e;
                return h->apply_monitoring(m.enabled, m.generation, e) ? std::string() : (e.empty() ? "failed" : e);
            });
            if (!r)
                return;
            if (!r->empty())
                set_error("connected", "monitoring change from the console not applied: " + *r);
            applied = r->empty();
        }
        if (answer.config) {
            const auto& c = *answer.config;
            if (report->config_applied_version == c.version) {
                rejected_ = {};  // back on a version that runs: nothing is refused now
            } else if (c.policy && rejected_.version != c.version) {
                auto r = on_loop<std::string>([h = &host_, v = c.version, p = *c.policy] {
                    std::string e;
                    return h->apply_policy(v, p, e) ? std::string() : (e.empty() ? "refused" : e);
                });
                if (!r)
                    return;
                if (r->empty()) {
                    rejected_ = {};
                    log_line(5, "policy version " + std::to_string(c.version) + " applied");
                } else {
                    rejected_.version = c.version;
                    rejected_.error = *r;  // bounded on a character boundary in the body
                    log_line(3, "policy version " + std::to_string(c.version) + " refused: " + rejected_.error);
                }
                applied = true;
                std::lock_guard lk(mu_);
                status_.rejected_version = rejected_.version;
                status_.rejected_error = rejected_.error;
            }
        }
        {
            std::lock_guard lk(mu_);
            status_.rejected_version = rejected_.version;
            status_.rejected_error = rejected_.error;
        }
        // Right after an answer (and at once after applying) the next
        // heartbeat goes out; only a console that answers at once for
        // nothing is slowed down.
        if (!applied && Clock::now() - sent < kMinInterval && !pause(kMinInterval))
            return;
    }
}

}  // namespace procsentry::agent
