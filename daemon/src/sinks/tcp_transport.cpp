// SPDX-License-Identifier: GPL-2.0
#include "sinks/tcp_transport.hpp"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "sinks/fd_write.hpp"

namespace procsentry::sinks {

namespace {

// Non-blocking connect within the budget; returns the fd or -errno.
int connect_one(const addrinfo* ai, const TimeLeft& left)
{
    const int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0)
        return -errno;
    int err = 0;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        err = errno;
        if (err == EINPROGRESS || err == EINTR) {
            const int r = poll_for(fd, POLLOUT, left);
            socklen_t len = sizeof err;
            if (r == 0)
                err = ETIMEDOUT;
            else if (r < 0)
                err = -r;
            else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
                err = errno;
        }
    }
    if (err != 0) {
        close(fd);
        return -err;
    }
    const int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    return fd;
}

}  // namespace

TcpTransport::TcpTransport(const std::string& address)
{
    std::string rest;
    if (!address.empty() && address[0] == '[') {
        const auto end = address.find(']');
        if (end == std::string::npos || end + 1 >= address.size() || address[end + 1] != ':')
            throw std::invalid_argument("syslog.address: expected [v6addr]:port, got '" + address + "'");
        host_ = address.substr(1, end - 1);
        port_ = address.substr(end + 2);
    } else {
        const auto colon = address.rfind(':');
        if (colon == std::string::npos || address.find(':') != colon)
            throw std::invalid_argument("syslog.address: expected host:port, got '" + address + "'");
        host_ = address.substr(0, colon);
        port_ = address.substr(colon + 1);
    }
    bool digits = !port_.empty() && port_.size() <= 5;
    for (const char c : port_)
        digits = digits && c >= '0' && c <= '9';
    if (host_.empty() || !digits || std::stoul(port_) == 0 || std::stoul(port_) > 65535)
        throw std::invalid_argument("syslog.address: expected host:port with port 1-65535, got '" + address + "'");
    label_ = address;
}

TcpTransport::~TcpTransport()
{
    close();
}

void TcpTransport::close()
{
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
}

std::string TcpTransport::connect_socket(const TimeLeft& left)
{
    close();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    // getaddrinfo cannot be bounded; it runs on the sink's own worker, so a
    // slow resolver delays only this sink.
    const int gai = getaddrinfo(host_.c_str(), port_.c_str(), &hints, &res);
    if (gai != 0)
        return "resolve " + label_ + ": " + gai_strerror(gai);
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(res, &freeaddrinfo);
    int last = EHOSTUNREACH;
    for (const addrinfo* ai = res; ai; ai = ai->ai_next) {
        const int fd = connect_one(ai, left);
        if (fd >= 0) {
            fd_ = fd;
            return "";
        }
        last = -fd;
    }
    return errno_text("connect " + label_, last);
}

bool TcpTransport::peer_closed()
{
    pollfd p{fd_, POLLIN | POLLRDHUP, 0};
    if (poll(&p, 1, 0) <= 0)
        return false;
    if (p.revents & (POLLRDHUP | POLLHUP | POLLERR))
        return true;
    char buf[512];
    const ssize_t n = recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    // Data from a receiver that should never send: ignore it.
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

SyslogTransport::SendResult TcpTransport::send(std::string_view msg, const TimeLeft& left)
{
    if (fd_ >= 0 && peer_closed())
        close();
    if (fd_ < 0)
        if (std::string err = connect_socket(left); !err.empty())
            return {std::move(err), false};
    std::string frame = std::to_string(msg.size());
    frame += ' ';
    frame.append(msg);
    const WriteOutcome w = write_all(fd_, frame, left, true);
    if (w.err == 0)
        return {};
    // A frame cut short poisons the stream: start over on a new connection.
    close();
    return {errno_text("send " + label_, w.err), false};
}

}  // namespace procsentry::sinks
