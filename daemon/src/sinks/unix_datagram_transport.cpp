// SPDX-License-Identifier: GPL-2.0
#include "sinks/unix_datagram_transport.hpp"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <utility>

#include "sinks/fd_write.hpp"

namespace procsentry::sinks {

namespace {

bool peer_gone(int err)
{
    return err == ECONNREFUSED || err == ENOENT || err == ENOTCONN || err == EPIPE || err == ECONNRESET ||
           err == EDESTADDRREQ;
}

}  // namespace

UnixDatagramTransport::UnixDatagramTransport(std::string path) : path_(std::move(path))
{
    if (path_.empty() || path_.size() >= sizeof(sockaddr_un{}.sun_path))
        throw std::invalid_argument("syslog.address: not a usable unix socket path: '" + path_ + "'");
}

UnixDatagramTransport::~UnixDatagramTransport()
{
    close();
}

void UnixDatagramTransport::close()
{
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
}

std::string UnixDatagramTransport::connect_socket()
{
    close();
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return errno_text("socket(AF_UNIX)", errno);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.data(), path_.size());
    if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) < 0) {
        const int e = errno;
        ::close(fd);
        return errno_text("connect " + path_, e);
    }
    fd_ = fd;
    return "";
}

SyslogTransport::SendResult UnixDatagramTransport::send(std::string_view msg, const TimeLeft& left)
{
    bool reconnected = false;
    for (;;) {
        if (fd_ < 0) {
            if (std::string err = connect_socket(); !err.empty())
                return {std::move(err), false};
            reconnected = true;
        }
        if (::send(fd_, msg.data(), msg.size(), MSG_NOSIGNAL | MSG_DONTWAIT) >= 0)
            return {};
        const int e = errno;
        if (e == EINTR)
            continue;
        if (e == EMSGSIZE)
            return {errno_text("send " + path_ + " (" + std::to_string(msg.size()) + " bytes)", e), true};
        if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS) {
            // The receiver's queue is full: wait for room, within the budget.
            const int r = poll_for(fd_, POLLOUT, left);
            if (r > 0)
                continue;
            return {errno_text("send " + path_, r < 0 ? -r : ETIMEDOUT), false};
        }
        close();
        if (peer_gone(e) && !reconnected)
            continue;  // the receiver restarted: its new socket is another one
        return {errno_text("send " + path_, e), false};
    }
}

}  // namespace procsentry::sinks
