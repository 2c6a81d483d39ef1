// SPDX-License-Identifier: GPL-2.0
// The HTTP/1.1 server (Boost.Beast), plain or TLS.  Bounded everywhere: header and body sizes,
// read and write timeouts (slowloris), concurrent connections.  Each connection runs on its own
// strand of the shared io_context; the handler may answer later (long polls) from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/router.hpp"

namespace boost::asio {
class io_context;
}

namespace procsentry::console::http {

class TlsContext;

struct ServerOptions {
    std::string address = "127.0.0.1";
    uint16_t port = 0;                                  // 0: any (tests)
    std::size_t header_limit = 16u << 10;
    std::size_t body_limit = 1u << 20;                  // operator API
    std::size_t large_body_limit = 8u << 20;            // the paths below (agent alert batches)
    std::vector<std::string> large_body_paths = {"/api/agent/v1/alerts"};
    std::chrono::milliseconds read_timeout{30000};      // whole request, header and body
    std::chrono::milliseconds write_timeout{30000};
    std::size_t max_connections = 4096;
};

class Server {
public:
    // tls may be null: plain HTTP.
    Server(boost::asio::io_context& ioc, ServerOptions options, std::shared_ptr<TlsContext> tls, Handler handler);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and listens; throws std::runtime_error naming the address and the reason.
    void start();
    uint16_t port() const;
    // Stops accepting and closes idle keep-alive connections; requests in flight finish and
    // their connection closes after the answer.
    void stop();
    std::size_t connections() const;

    struct Impl;  // public only so that the connection classes in server.cpp can name it

private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace procsentry::console::http
