// SPDX-License-Identifier: GPL-2.0
// One client of the control socket: reads request lines, queues reply lines
// and, once it asked for "tail", alert lines.  One write in flight at a time;
// the queue is bounded so that a client that stops reading costs the daemon a
// fixed amount of memory and never a blocked loop.
#pragma once

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/streambuf.hpp>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "control/command_dispatcher.hpp"

namespace procsentry::control {

class ControlSession : public std::enable_shared_from_this<ControlSession> {
public:
    using Socket = boost::asio::local::stream_protocol::socket;
    using ClosedFn = std::function<void(ControlSession*)>;

    ControlSession(Socket socket, CommandDispatcher& dispatcher, std::size_t max_line,
                   std::size_t queue_limit, ClosedFn on_closed);

    void start();                                // serve requests
    void refuse(const std::string& error_line);  // send one reply, then close
    void publish(const std::string& alert_line); // no-op unless tailing
    void close();

    bool tailing() const { return tailing_; }
    uint64_t dropped_total() const { return dropped_total_; }
    std::size_t queued_lines() const { return out_.size(); }

private:
    void read_next();
    void on_read(const boost::system::error_code& ec, std::size_t n);
    void enqueue(std::string line);
    void write_next();
    void on_written(const boost::system::error_code& ec);
    void flush_dropped();

    Socket socket_;
    CommandDispatcher& dispatcher_;
    boost::asio::streambuf in_;
    std::size_t queue_limit_;
    ClosedFn on_closed_;
    std::deque<std::string> out_;
    bool writing_ = false;
    bool reading_ = false;
    bool tailing_ = false;
    bool close_after_write_ = false;
    bool closed_ = false;
    uint64_t dropped_ = 0;        // not yet reported to the client
    uint64_t dropped_total_ = 0;
};

}  // namespace procsentry::control
