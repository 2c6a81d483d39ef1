// SPDX-License-Identifier: GPL-2.0
#include "app/sd_notify.hpp"

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace procsentry::app {

SdNotify::SdNotify()
{
    const char* p = std::getenv("NOTIFY_SOCKET");
    if (p && (p[0] == '/' || p[0] == '@') && std::strlen(p) < sizeof(sockaddr_un::sun_path))
        path_ = p;
    const char* w = std::getenv("WATCHDOG_USEC");
    const char* wp = std::getenv("WATCHDOG_PID");
    if (w && (!wp || std::strtol(wp, nullptr, 10) == getpid())) {
        const unsigned long long usec = std::strtoull(w, nullptr, 10);
        watchdog_ms_ = usec / 2000;
    }
}

void SdNotify::send(const std::string& msg)
{
    if (path_.empty())
        return;
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, path_.data(), path_.size());
    socklen_t len = offsetof(sockaddr_un, sun_path) + path_.size();
    if (sa.sun_path[0] == '@')
        sa.sun_path[0] = '\0';  // abstract namespace
    // Failure is not actionable: systemd will notice a missing READY or watchdog.
    (void)sendto(fd, msg.data(), msg.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&sa), len);
    close(fd);
}

void SdNotify::ready(const std::string& s) { send("READY=1\nSTATUS=" + s); }
void SdNotify::status(const std::string& s) { send("STATUS=" + s); }
void SdNotify::watchdog() { send("WATCHDOG=1"); }
void SdNotify::stopping() { send("STOPPING=1\nSTATUS=stopping"); }

}  // namespace procsentry::app
