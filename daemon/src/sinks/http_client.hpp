// SPDX-License-Identifier: GPL-2.0
// One HTTP(S) POST at a time, on a private io_context, with one deadline for
// the whole exchange (resolve, connect, TLS handshake, send, response).
// Each POST uses a fresh connection ("Connection: close"): batches are
// seconds apart and a fresh connection never fails on a socket the
// collector closed while idle.
//
// TLS: SNI with the host name (not for IP literals), peer verification
// against ca_file, or the system's default paths when it is empty, and host
// name verification (RFC 6125 via OpenSSL's X509_check_host/ip).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sinks/url.hpp"

namespace procsentry::sinks {

class HttpClient {
public:
    using Clock = std::chrono::steady_clock;
    struct Response {
        int status = 0;     // 0: no HTTP response (see error)
        std::string reason;
        std::string error;  // "connect: Connection refused (127.0.0.1:8080)"
        std::string body;   // at most response_body_limit() bytes (a larger one is an error)
    };
    using Headers = std::vector<std::pair<std::string, std::string>>;

    // Throws std::runtime_error if ca_file cannot be loaded.
    HttpClient(Url url, const std::string& ca_file);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Blocks the calling thread until a response, an error, the deadline or
    // the abort time set by abort_at(), whichever comes first.
    Response post(const std::string& body, const Headers& headers, Clock::time_point deadline);
    // Thread-safe: makes a running or later post() give up at t.
    void abort_at(Clock::time_point t);

    const Url& url() const { return url_; }
    // Collectors only answer with a status; the console answers heartbeats
    // with a policy.  Set before the first post().
    void set_response_body_limit(std::size_t bytes) { body_limit_ = bytes; }
    std::size_t response_body_limit() const { return body_limit_; }

private:
    struct Impl;
    Url url_;
    std::unique_ptr<Impl> impl_;
    std::atomic<Clock::rep> abort_at_;
    std::size_t body_limit_;
};

}  // namespace procsentry::sinks
