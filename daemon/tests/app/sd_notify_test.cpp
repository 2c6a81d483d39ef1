// SPDX-License-Identifier: GPL-2.0
#include "app/sd_notify.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

namespace procsentry::app {
namespace {

TEST(SdNotify, SendsDatagramsToNotifySocket)
{
    const std::string path = "/tmp/ps-notify-" + std::to_string(::getpid());
    ::unlink(path.c_str());
    int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un a {};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
    SdNotify n;
    ::unsetenv("NOTIFY_SOCKET");
    EXPECT_TRUE(n.enabled());
    n.ready("listening");
    n.stopping();
    auto recv = [fd]() {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) != 1)
            return std::string();
        char buf[256];
        ssize_t len = ::recv(fd, buf, sizeof buf, 0);
        return std::string(buf, len > 0 ? static_cast<std::size_t>(len) : 0);
    };
    EXPECT_EQ(recv(), "READY=1\nSTATUS=listening");
    EXPECT_EQ(recv(), "STOPPING=1\nSTATUS=stopping");
    ::close(fd);
    ::unlink(path.c_str());
}

TEST(SdNotify, NoSocketIsANoOp)
{
    ::unsetenv("NOTIFY_SOCKET");
    SdNotify n;
    EXPECT_FALSE(n.enabled());
    n.ready("nobody listens");  // must not fail or block
    EXPECT_EQ(n.watchdog_interval_ms(), 0u);
}

}  // namespace
}  // namespace procsentry::app
