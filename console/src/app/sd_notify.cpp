// SPDX-License-Identifier: GPL-2.0
#include "app/sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace procsentry::console::app {

SdNotify::SdNotify()
{
    const char* p = std::getenv("NOTIFY_SOCKET");
    if (p && (p[0] == '/' || p[0] == '@') && std::strlen(p) < sizeof(sockaddr_un::sun_path))
        path_ = p;
}

bool SdNotify::send(const std::string& msg)
{
    if (path_.empty())
        return false;
    int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.data(), path_.size());
    socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path_.size());
    if (path_[0] == '@')
        addr.sun_path[0] = '\0';  // abstract namespace
    else
        ++len;                    // with the terminating NUL
    ssize_t n = ::sendto(fd, msg.data(), msg.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr), len);
    ::close(fd);
    return n == static_cast<ssize_t>(msg.size());
}

void SdNotify::ready(const std::string& status)
{
    send("READY=1\nSTATUS=" + status);
}

void SdNotify::status(const std::string& status)
{
    send("STATUS=" + status);
}

void SdNotify::stopping()
{
    send("STOPPING=1\nSTATUS=stopping");
}

}  // namespace procsentry::console::app
