// SPDX-License-Identifier: GPL-2.0
#include "control/ctl_client.hpp"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>

namespace procsentry::control {

namespace {

std::string errno_text(int err)
{
    return ::strerrordesc_np(err) ? ::strerrordesc_np(err) : ("errno " + std::to_string(err));
}

}  // namespace

CtlClient::~CtlClient()
{
    if (fd_ >= 0)
        ::close(fd_);
}

bool CtlClient::connect(const std::string& path)
{
    path_ = path;
    sockaddr_un sa{};
    if (path.empty() || path.size() >= sizeof(sa.sun_path)) {
        error_ = "cannot connect to " + path + ": path empty or longer than " +
                 std::to_string(sizeof(sa.sun_path) - 1) + " bytes";
        return false;
    }
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        error_ = "cannot create a unix socket: " + errno_text(errno);
        return false;
    }
    sa.sun_family = AF_UNIX;
    path.copy(sa.sun_path, sizeof(sa.sun_path) - 1);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&sa), sizeof(sa)) != 0) {
        const int err = errno;
        error_ = "cannot connect to " + path + ": " + errno_text(err);
        if (err == EACCES || err == EPERM)
            error_ += " (procsentryctl must run as root)";
        else
            error_ += " (is procsentryd running?)";
        ::close(fd_);
        fd_ = -1;
        return false;
    }
    return true;
}

bool CtlClient::send_line(const std::string& line)
{
    std::string out = line + "\n";
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::send(fd_, out.data() + done, out.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error_ = "sending to " + path_ + ": " + errno_text(errno);
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

CtlClient::Status CtlClient::read_line(std::string& line, int timeout_ms, std::size_t max_line)
{
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
    for (;;) {
        const auto nl = buffer_.find('\n');
        if (nl != std::string::npos) {
            line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return Status::ok;
        }
        if (buffer_.size() > max_line) {
            error_ = "reply from " + path_ + " longer than " + std::to_string(max_line) + " bytes";
            return Status::error;
        }
        int wait = -1;
        if (timeout_ms >= 0) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
            if (left.count() <= 0) {
                error_ = "no answer from " + path_ + " within " + std::to_string(timeout_ms / 1000) + " s";
                return Status::timeout;
            }
            wait = static_cast<int>(left.count());
        }
        pollfd p{fd_, POLLIN, 0};
        const int r = ::poll(&p, 1, wait);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            error_ = "waiting for " + path_ + ": " + errno_text(errno);
            return Status::error;
        }
        if (r == 0)
            continue;  // the deadline check above reports it
        char buf[65536];
        const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error_ = "reading from " + path_ + ": " + errno_text(errno);
            return Status::error;
        }
        if (n == 0) {
            error_ = "procsentryd closed the connection on " + path_;
            return Status::eof;
        }
        buffer_.append(buf, static_cast<std::size_t>(n));
    }
}

}  // namespace procsentry::control
