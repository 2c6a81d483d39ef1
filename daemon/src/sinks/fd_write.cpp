// SPDX-License-Identifier: GPL-2.0
#include "sinks/fd_write.hpp"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace procsentry::sinks {

TimeLeft fixed_budget(std::chrono::milliseconds total)
{
    const auto until = std::chrono::steady_clock::now() + total;
    return [until] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    };
}

int poll_for(int fd, short events, const TimeLeft& left)
{
    for (;;) {
        const auto ms = left ? left() : std::chrono::milliseconds(0);
        const int slice = static_cast<int>(std::clamp(ms, std::chrono::milliseconds(0), poll_slice).count());
        pollfd p{fd, events, 0};
        const int r = poll(&p, 1, slice);
        if (r > 0)
            return p.revents;
        if (r < 0 && errno != EINTR)
            return -errno;
        if (r == 0 && ms <= poll_slice)
            return 0;  // that was the last slice
    }
}

WriteOutcome write_all(int fd, std::string_view data, const TimeLeft& left, bool is_socket)
{
    WriteOutcome out;
    while (out.written < data.size()) {
        if (left) {
            const int r = poll_for(fd, POLLOUT, left);
            if (r < 0) {
                out.err = -r;
                return out;
            }
            if (r == 0) {
                out.err = ETIMEDOUT;
                return out;
            }
            // POLLERR/POLLHUP: the write below reports the precise errno.
        }
        const std::size_t rest = data.size() - out.written;
        const std::size_t chunk = left && !is_socket ? std::min<std::size_t>(rest, PIPE_BUF) : rest;
        const char* p = data.data() + out.written;
        const ssize_t n = is_socket ? send(fd, p, chunk, MSG_NOSIGNAL) : write(fd, p, chunk);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if ((errno == EAGAIN || errno == EWOULDBLOCK) && left)
                continue;  // poll again, within the budget
            out.err = errno;
            return out;
        }
        if (n == 0) {  // cannot happen for chunk > 0; never spin on it
            out.err = EIO;
            return out;
        }
        out.written += static_cast<std::size_t>(n);
    }
    return out;
}

std::string errno_text(const std::string& what, int err)
{
    char buf[128];
    // GNU strerror_r returns the message (maybe not in buf).
    const char* msg = strerror_r(err, buf, sizeof buf);
    return what + ": " + msg;
}

}  // namespace procsentry::sinks
