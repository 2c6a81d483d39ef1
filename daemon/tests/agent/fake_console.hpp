// SPDX-License-Identifier: GPL-2.0
// A console for agent tests: the agent endpoints of docs/api.md on
// 127.0.0.1 (plain HTTP, which the agent allows to loopback), in its own
// thread.  It enrols with one enrolment token, answers heartbeats with the
// monitoring state and policy the test sets (at once when the agent is
// behind, otherwise after holding the request for `hold`), records every
// request, and can be told to fail (scripted status codes) or to revoke the
// agent (401).
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <json/json.h>

namespace procsentry::agent::test {

class FakeConsole {
public:
    using Clock = std::chrono::steady_clock;
    struct Request {
        std::string target, authorization, content_type, body;
        int answered = 0;
        Clock::time_point at;
    };

    static constexpr const char* kEnrollToken = "enroll-secret";
    static constexpr const char* kAgentToken = "agent-secret";

    FakeConsole() : acceptor_(ioc_)
    {
        namespace asio = boost::asio;
        const asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
        acceptor_.open(ep.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(ep);
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        asio::co_spawn(ioc_, accept_loop(), asio::detached);
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~FakeConsole()
    {
        ioc_.stop();
        thread_.join();
    }
    FakeConsole(const FakeConsole&) = delete;
    FakeConsole& operator=(const FakeConsole&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    void set_monitoring(bool enabled, uint64_t generation)
    {
        std::lock_guard lk(mu_);
        monitoring_ = {enabled, generation};
    }
    void set_policy(uint64_t version, const std::string& policy_json)
    {
        std::lock_guard lk(mu_);
        version_ = version;
        Json::CharReaderBuilder b;
        std::string errs;
        std::istringstream in(policy_json);
        Json::parseFromStream(b, in, &policy_, &errs);
    }
    void set_hold(std::chrono::milliseconds d)
    {
        std::lock_guard lk(mu_);
        hold_ = d;
    }
    // Status codes for the next heartbeats (instead of answering normally).
    void script_heartbeats(std::vector<int> statuses)
    {
        std::lock_guard lk(mu_);
        script_.assign(statuses.begin(), statuses.end());
    }
    void revoke()
    {
        std::lock_guard lk(mu_);
        revoked_ = true;
    }

    std::vector<Request> requests(const std::string& path_prefix = "") const
    {
        std::lock_guard lk(mu_);
        std::vector<Request> out;
        for (const auto& r : requests_)
            if (r.target.rfind(path_prefix, 0) == 0)
                out.push_back(r);
        return out;
    }
    std::vector<Request> heartbeats() const { return requests("/api/agent/v1/heartbeat"); }
    std::vector<Request> enrolments() const { return requests("/api/agent/v1/enroll"); }
    // Alert lines accepted.
    std::vector<std::string> alert_lines() const
    {
        std::vector<std::string> out;
        for (const auto& r : requests("/api/agent/v1/alerts")) {
            if (r.answered != 200)
                continue;
            std::istringstream in(r.body);
            for (std::string line; std::getline(in, line);)
                out.push_back(line);
        }
        return out;
    }

    static bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds limit = std::chrono::seconds(10))
    {
        const auto until = Clock::now() + limit;
        while (Clock::now() < until) {
            if (pred())
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return pred();
    }

    static Json::Value parse(const std::string& text)
    {
        Json::Value v;
        Json::CharReaderBuilder b;
        std::string errs;
        std::istringstream in(text);
        Json::parseFromStream(b, in, &v, &errs);
        return v;
    }

private:
    boost::asio::awaitable<void> accept_loop()
    {
        namespace asio = boost::asio;
        for (;;) {
            asio::ip::tcp::socket sock = co_await acceptor_.async_accept(asio::use_awaitable);
            asio::co_spawn(ioc_, session(std::move(sock)), asio::detached);
        }
    }

    // The answer to a heartbeat and whether the agent is behind.
    Json::Value heartbeat_answer(const Json::Value& hb, bool& behind)
    {
        std::lock_guard lk(mu_);
        Json::Value a;
        a["monitoring"]["enabled"] = monitoring_.first;
        a["monitoring"]["generation"] = Json::UInt64(monitoring_.second);
        a["heartbeat_wait_s"] = 25;
        behind = hb["monitoring"]["generation"].asUInt64() != monitoring_.second;
        if (version_) {
            a["config"]["version"] = Json::UInt64(version_);
            const auto& c = hb["config"];
            const bool runs = c["applied_version"].isUInt64() && c["applied_version"].asUInt64() == version_;
            const bool refused = c["rejected_version"].isUInt64() && c["rejected_version"].asUInt64() == version_;
            if (!runs && !refused) {
                a["config"]["policy"] = policy_;
                behind = true;
            }
        }
        return a;
    }

    boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket sock)
    {
        namespace asio = boost::asio;
        namespace http = boost::beast::http;
        try {
            boost::beast::flat_buffer buf;
            http::request_parser<http::string_body> p;
            p.body_limit(64u << 20);
            co_await http::async_read(sock, buf, p, asio::use_awaitable);
            const auto& req = p.get();
            Request r;
            r.target = std::string(req.target());
            r.authorization = std::string(req[http::field::authorization]);
            r.content_type = std::string(req[http::field::content_type]);
            r.body = req.body();
            r.at = Clock::now();
            int status = 200;
            std::string body = "{}";
            std::chrono::milliseconds hold{0};
            {
                std::lock_guard lk(mu_);
                const bool agent_ok = r.authorization == std::string("Bearer ") + kAgentToken && !revoked_;
                if (r.target == "/api/agent/v1/enroll") {
                    status = r.authorization == std::string("Bearer ") + kEnrollToken ? 201 : 401;
                    if (status == 201)
                        body = std::string(R"({"host_id": 7, "agent_token": ")") + kAgentToken + "\"}";
                } else if (r.target.rfind("/api/agent/v1/heartbeat?wait=", 0) == 0) {
                    if (!agent_ok) {
                        status = 401;
                    } else if (!script_.empty()) {
                        status = script_.front();
                        script_.pop_front();
                    }
                } else if (r.target == "/api/agent/v1/alerts") {
                    status = agent_ok ? 200 : 401;
                    body = R"({"accepted": 1, "duplicates": 0, "rejected": 0})";
                } else {
                    status = 404;
                }
                hold = hold_;
            }
            if (status == 200 && r.target.rfind("/api/agent/v1/heartbeat", 0) == 0) {
                bool behind = false;
                const Json::Value a = heartbeat_answer(parse(r.body), behind);
                if (!behind && hold.count() > 0) {
                    asio::steady_timer t(ioc_, hold);
                    co_await t.async_wait(asio::use_awaitable);
                }
                Json::StreamWriterBuilder w;
                body = Json::writeString(w, a);
            }
            r.answered = status;
            {
                std::lock_guard lk(mu_);
                requests_.push_back(r);
            }
            http::response<http::string_body> res{static_cast<http::status>(status), 11};
            res.set(http::field::connection, "close");
            res.set(http::field::content_type, "application/json");
            res.body() = body;
            res.prepare_payload();
            co_await http::async_write(sock, res, asio::use_awaitable);
        } catch (const std::exception&) {
        }
    }

    boost::asio::io_context ioc_;
    boost::asio::ip::tcp::acceptor acceptor_;
    uint16_t port_ = 0;
    std::thread thread_;

    mutable std::mutex mu_;
    std::pair<bool, uint64_t> monitoring_{true, 0};
    uint64_t version_ = 0;
    Json::Value policy_;
    std::chrono::milliseconds hold_{50};
    std::deque<int> script_;
    bool revoked_ = false;
    std::vector<Request> requests_;
};

}  // namespace procsentry::agent::test
