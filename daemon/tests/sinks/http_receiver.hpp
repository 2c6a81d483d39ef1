// SPDX-License-Identifier: GPL-2.0
// A collector for http sink tests: listens on 127.0.0.1 (plain or TLS) in
// its own thread, records every request and answers with scripted status
// codes; status 0 means "never answer" (a hung collector).
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace procsentry::test {

class HttpReceiver {
public:
    using Clock = std::chrono::steady_clock;
    struct Request {
        std::string target, host, content_type, batch, authorization, body;
        int answered = 0;
        Clock::time_point at;
    };
    struct Tls {
        std::string cert, key;
    };

    explicit HttpReceiver(std::optional<Tls> tls = std::nullopt, uint16_t port = 0)
        : tls_(tls.has_value()), acceptor_(ioc_)
    {
        namespace asio = boost::asio;
        if (tls) {
            server_ctx_.use_certificate_chain_file(tls->cert);
            server_ctx_.use_private_key_file(tls->key, asio::ssl::context::pem);
        }
        const asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
        acceptor_.open(ep.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(ep);
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        asio::co_spawn(ioc_, accept_loop(), asio::detached);
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~HttpReceiver()
    {
        ioc_.stop();
        thread_.join();
    }
    HttpReceiver(const HttpReceiver&) = delete;
    HttpReceiver& operator=(const HttpReceiver&) = delete;

    uint16_t port() const { return port_; }
    std::string url(const std::string& host = "127.0.0.1") const
    {
        return std::string(tls_ ? "https" : "http") + "://" + host + ":" + std::to_string(port_) + "/ingest";
    }

    // Answers for the next requests, in order; then `fallback`.
    void script(std::vector<int> statuses, int fallback = 200)
    {
        std::lock_guard lk(mu_);
        script_.assign(statuses.begin(), statuses.end());
        fallback_ = fallback;
    }

    std::vector<Request> requests() const
    {
        std::lock_guard lk(mu_);
        return requests_;
    }
    int handshake_failures() const
    {
        std::lock_guard lk(mu_);
        return handshake_failures_;
    }
    // Body lines of the requests answered 2xx, in arrival order.
    std::vector<std::string> delivered_lines() const
    {
        std::vector<std::string> out;
        for (const auto& r : requests()) {
            if (r.answered < 200 || r.answered > 299)
                continue;
            std::istringstream in(r.body);
            for (std::string line; std::getline(in, line);)
                out.push_back(line);
        }
        return out;
    }

    bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds limit = std::chrono::seconds(10)) const
    {
        std::unique_lock lk(mu_);
        const auto until = Clock::now() + limit;
        for (;;) {
            lk.unlock();
            if (pred())
                return true;
            lk.lock();
            if (Clock::now() >= until)
                return false;
            cv_.wait_for(lk, std::chrono::milliseconds(10));
        }
    }

private:
    boost::asio::awaitable<void> accept_loop()
    {
        namespace asio = boost::asio;
        for (;;) {
            asio::ip::tcp::socket sock = co_await acceptor_.async_accept(asio::use_awaitable);
            if (tls_)
                asio::co_spawn(ioc_, tls_session(std::move(sock)), asio::detached);
            else
                asio::co_spawn(ioc_, session(std::move(sock)), asio::detached);
        }
    }

    boost::asio::awaitable<void> tls_session(boost::asio::ip::tcp::socket sock)
    {
        namespace asio = boost::asio;
        asio::ssl::stream<asio::ip::tcp::socket> s(std::move(sock), server_ctx_);
        try {
            co_await s.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
        } catch (const std::exception&) {
            std::lock_guard lk(mu_);
            handshake_failures_++;
            cv_.notify_all();
            co_return;
        }
        co_await serve(s);
    }

    boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket sock) { co_await serve(sock); }

    template <class Stream>
    boost::asio::awaitable<void> serve(Stream& s)
    {
        namespace asio = boost::asio;
        namespace http = boost::beast::http;
        try {
            boost::beast::flat_buffer buf;
            http::request_parser<http::string_body> p;
            p.body_limit(64u << 20);
            co_await http::async_read(s, buf, p, asio::use_awaitable);
            const auto& req = p.get();
            Request r;
            r.target = std::string(req.target());
            r.host = std::string(req[http::field::host]);
            r.content_type = std::string(req[http::field::content_type]);
            r.batch = std::string(req["X-Procsentry-Batch"]);
            r.authorization = std::string(req[http::field::authorization]);
            r.body = req.body();
            r.at = Clock::now();
            {
                std::lock_guard lk(mu_);
                if (!script_.empty()) {
                    r.answered = script_.front();
                    script_.pop_front();
                } else {
                    r.answered = fallback_;
                }
                requests_.push_back(r);
                cv_.notify_all();
            }
            if (r.answered == 0) {
                // Hang: read until the client gives up and closes.
                char sink[256];
                for (;;)
                    co_await s.async_read_some(asio::buffer(sink), asio::use_awaitable);
            }
            http::response<http::string_body> res{static_cast<http::status>(r.answered), 11};
            res.set(http::field::connection, "close");
            res.body() = "ok\n";
            res.prepare_payload();
            co_await http::async_write(s, res, asio::use_awaitable);
        } catch (const std::exception&) {
        }
    }

    bool tls_;
    boost::asio::io_context ioc_;
    boost::asio::ssl::context server_ctx_{boost::asio::ssl::context::tls_server};
    boost::asio::ip::tcp::acceptor acceptor_;
    uint16_t port_ = 0;
    std::thread thread_;

    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    std::deque<int> script_;
    int fallback_ = 200;
    std::vector<Request> requests_;
    int handshake_failures_ = 0;
};

}  // namespace procsentry::test
