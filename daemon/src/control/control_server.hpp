// SPDX-License-Identifier: GPL-2.0
// Root-only unix stream socket (mode 0600 and SO_PEERCRED uid 0).  Protocol:
// the client sends one JSON object per line {"cmd": "status"|"stats"|
// "enable"|"disable"|"reload"|"tail"}; the server answers one JSON object per
// line {"ok": bool, "error": "...", ...}.  "tail" keeps the connection and
// streams every alert's JSON line; a tail client that does not keep up loses
// alerts (counted, reported to it as {"dropped": n}) and never slows the daemon.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "alert/alert.hpp"
#include "control/control_handler.hpp"

namespace procsentry::control {

class ControlServer {
public:
    struct Limits {
        std::size_t max_clients = 16;     // further clients get an error and are closed
        std::size_t max_line = 64 * 1024; // request line, without its newline
        std::size_t queue_lines = 1024;   // per client, replies and tailed alerts
    };

    ControlServer(boost::asio::io_context& io, std::string socket_path, ControlHandler& handler);
    ControlServer(boost::asio::io_context& io, std::string socket_path, ControlHandler& handler,
                  Limits limits);
    ~ControlServer();
    // Binds and listens (the parent directory must exist; a stale socket is
    // replaced, anything else at the path is an error, so is a live daemon
    // answering there).  Throws std::system_error naming the path.
    void start();
    // stop() and publish() may be called from any thread: they run on the
    // io_context.  After stop() no operation of the server is pending.
    void stop();
    void publish(const alert::SerializedPtr& a);  // to tail clients
    // For status and tests.  Call on the loop (not from other threads while run() runs).
    struct ClientStats {
        std::size_t clients = 0;       // connected, refused ones not counted
        std::size_t tail_clients = 0;
        std::size_t queued_lines = 0;  // written by the daemon, not yet taken by the clients' sockets
        uint64_t tail_dropped = 0;     // alerts lost by slow tail clients, closed ones included
    };
    ClientStats client_stats() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace procsentry::control
