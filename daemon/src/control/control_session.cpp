// SPDX-License-Identifier: GPL-2.0
#include "control/control_session.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <utility>

namespace procsentry::control {

namespace asio = boost::asio;

ControlSession::ControlSession(Socket socket, CommandDispatcher& dispatcher, std::size_t max_line,
                               std::size_t queue_limit, ClosedFn on_closed)
    : socket_(std::move(socket)),
      dispatcher_(dispatcher),
      in_(max_line + 1),  // + the newline
      queue_limit_(queue_limit),
      on_closed_(std::move(on_closed))
{
}

void ControlSession::start()
{
    read_next();
}

void ControlSession::refuse(const std::string& error_line)
{
    close_after_write_ = true;
    enqueue(error_line);
}

void ControlSession::read_next()
{
    if (closed_ || reading_ || close_after_write_)
        return;
    // A client that sends requests without reading the replies is paced by
    // its own replies: no new request is read while the queue is full.
    if (out_.size() >= queue_limit_)
        return;
    reading_ = true;
    asio::async_read_until(socket_, in_, '\n',
                           [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                               self->on_read(ec, n);
                           });
}

void ControlSession::on_read(const boost::system::error_code& ec, std::size_t n)
{
    reading_ = false;
    if (closed_)
        return;
    if (ec == asio::error::not_found) {
        // The line outgrew the buffer: its end cannot be found reliably any
        // more, so the connection ends after saying why.
        refuse(CommandDispatcher::error_line("request line too long (max " +
                                             std::to_string(in_.max_size() - 1) + " bytes)"));
        return;
    }
    if (ec) {
        // EOF or reset: a tail client that went away is cleaned up here.
        if (!writing_ || ec != asio::error::eof)
            close();
        else
            close_after_write_ = true;
        return;
    }
    std::string line(asio::buffers_begin(in_.data()), asio::buffers_begin(in_.data()) + static_cast<long>(n) - 1);
    in_.consume(n);
    if (line.empty() || line == "\r") {
        read_next();
        return;
    }
    CommandDispatcher::Reply reply = dispatcher_.handle(line);
    enqueue(std::move(reply.line));
    if (reply.start_tail)
        tailing_ = true;
    read_next();
}

void ControlSession::publish(const std::string& alert_line)
{
    if (!tailing_ || closed_ || close_after_write_)
        return;
    flush_dropped();
    if (out_.size() >= queue_limit_ || dropped_ > 0) {
        ++dropped_;
        ++dropped_total_;
        return;
    }
    enqueue(alert_line);
}

void ControlSession::flush_dropped()
{
    if (dropped_ == 0 || out_.size() >= queue_limit_)
        return;
    std::string line = "{\"dropped\":" + std::to_string(dropped_) + "}";
    dropped_ = 0;
    enqueue(std::move(line));
}

void ControlSession::enqueue(std::string line)
{
    line += '\n';
    out_.push_back(std::move(line));
    write_next();
}

void ControlSession::write_next()
{
    if (writing_ || closed_ || out_.empty())
        return;
    writing_ = true;
    asio::async_write(socket_, asio::buffer(out_.front()),
                      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                          self->on_written(ec);
                      });
}

void ControlSession::on_written(const boost::system::error_code& ec)
{
    writing_ = false;
    if (closed_)
        return;
    if (ec) {
        close();
        return;
    }
    out_.pop_front();
    flush_dropped();
    if (out_.empty() && close_after_write_) {
        close();
        return;
    }
    write_next();
    read_next();
}

void ControlSession::close()
{
    if (closed_)
        return;
    closed_ = true;
    boost::system::error_code ignored;
    socket_.shutdown(Socket::shutdown_both, ignored);
    socket_.close(ignored);
    out_.clear();
    if (on_closed_) {
        // The callback may drop the owner's reference to this session.
        auto keep = shared_from_this();
        ClosedFn fn = std::move(on_closed_);
        on_closed_ = nullptr;
        fn(this);
    }
}

}  // namespace procsentry::control
