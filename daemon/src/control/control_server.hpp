// SPDX-License-Identifier: GPL-2.0
// Root-only unix stream socket (mode 0600 and SO_PEERCRED uid 0).  Protocol:
// the client sends one JSON object per line {"cmd": "status"|"stats"|
// "enable"|"disable"|"reload"|"tail"}; the server answers one JSON object per
// line {"ok": bool, "error": "...", ...}.  "tail" keeps the connection and
// streams every alert's JSON line; a tail client that does not keep up loses
// alerts (counted, reported to it as {"dropped": n}) and never slows the daemon.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "alert/alert.hpp"
#include "control/control_handler.hpp"

namespace procsentry::control {

class ControlServer {
public:
    ControlServer(boost::asio::io_context& io, std::string socket_path, ControlHandler& handler);
    ~ControlServer();
    void start();  // throws std::system_error with the path on failure
    void stop();
    void publish(const alert::SerializedPtr& a);  // to tail clients

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace procsentry::control
