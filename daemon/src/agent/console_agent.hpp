// SPDX-License-Identifier: GPL-2.0
// procsentryd's link to the console (docs/DAEMON.md, "Console"): enrols
// once with the enrolment token, then long-polls the heartbeat endpoint in
// its own thread with the blocking HttpClient, and applies what the console
// answers (monitoring on/off by generation, a policy by version) by posting
// the change to the daemon's loop and waiting for it there: the daemon's
// state is only ever touched by its own thread.
//
// Errors back off 1 s doubling to 60 s with jitter.  A 401 to a heartbeat
// means the console revoked or forgot this agent: the agent stops and says
// so in status; it does not enrol again by itself.  stop() makes a running
// exchange give up at once (the client closes its socket), so the daemon
// stops within a second even while a long poll is held.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "agent/agent_host.hpp"
#include "agent/agent_status.hpp"
#include "agent/backoff.hpp"
#include "agent/credential_store.hpp"
#include "agent/heartbeat_body.hpp"
#include "agent/token_box.hpp"
#include "rules/config.hpp"
#include "sinks/http_client.hpp"

namespace procsentry::agent {

class ConsoleAgent {
public:
    // Runs a task on the daemon's loop (boost::asio::post to its io_context).
    using Post = std::function<void(std::function<void()>)>;

    // Throws std::runtime_error when the URL or ca_file cannot be used.
    ConsoleAgent(rules::ConsoleSpec spec, std::string state_dir, HostIdentity id, AgentHost& host, Post post,
                 std::shared_ptr<TokenBox> token);
    ~ConsoleAgent();
    ConsoleAgent(const ConsoleAgent&) = delete;
    ConsoleAgent& operator=(const ConsoleAgent&) = delete;

    void start();
    void stop();  // returns at once; join() waits for the thread
    void join();

    AgentStatus status() const;
    const rules::ConsoleSpec& spec() const { return spec_; }
    // Tests: shorter waits.
    void set_backoff(Backoff b) { backoff_ = b; }

private:
    void run();
    bool enrol();
    void heartbeats();
    bool pause(std::chrono::milliseconds d);  // false when stopping
    bool stopping() const;
    void set_error(const std::string& state, const std::string& error);
    std::string read_enrollment_token(std::string& error) const;

    template <class T>
    std::optional<T> on_loop(std::function<T()> f)
    {
        auto p = std::make_shared<std::promise<T>>();
        auto fut = p->get_future();
        post_([p, f = std::move(f)] {
            try {
                p->set_value(f());
            } catch (...) {
                p->set_exception(std::current_exception());
            }
        });
        while (fut.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready)
            if (stopping())
                return std::nullopt;
        return fut.get();
    }

    const rules::ConsoleSpec spec_;
    const std::string state_dir_;
    const HostIdentity id_;
    AgentHost& host_;
    const Post post_;
    const std::shared_ptr<TokenBox> token_;
    CredentialStore credentials_;
    sinks::HttpClient enroll_client_;
    sinks::HttpClient heartbeat_client_;
    Backoff backoff_;

    // Agent thread only.
    std::optional<Credential> cred_;
    PolicyRejection rejected_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false;
    AgentStatus status_;
    std::thread thread_;
};

}  // namespace procsentry::agent
