// SPDX-License-Identifier: GPL-2.0
// NetlinkSource against the running kernel, without procsentry.ko: the
// missing family, and the full send/receive/ACK path through the generic
// netlink controller ("nlctrl"), which refuses our commands.
#include "source/netlink_source.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "source/source_error.hpp"

namespace procsentry::source {
namespace {

using namespace std::chrono_literals;

bool netlink_available()
{
    const int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

TEST(NetlinkSource, MissingFamilyIsModuleNotLoaded)
{
    if (!netlink_available())
        GTEST_SKIP() << "no generic netlink here";
    NetlinkSource::Options o;
    o.family = "procsentry-test-none";
    try {
        NetlinkSource src(o);
        FAIL() << "resolved a family that does not exist";
    } catch (const SourceError& e) {
        EXPECT_EQ(e.kind(), SourceError::Kind::not_loaded);
        EXPECT_STREQ(e.what(), "procsentry module not loaded (genl family 'procsentry-test-none' not found)");
    }
}

TEST(NetlinkSource, CommandErrorsComeBackThroughTheAck)
{
    if (!netlink_available())
        GTEST_SKIP() << "no generic netlink here";
    NetlinkSource::Options o;
    o.family = "nlctrl";
    o.rcvbuf = 1 << 20;
    o.command_timeout = 2000ms;
    NetlinkSource src(o);
    EXPECT_GE(src.fd(), 0);
    EXPECT_GT(src.family_id(), 0);
    EXPECT_GT(src.rcvbuf_effective(), 0);
    // nlctrl has no command 2 (our UNREGISTER): the kernel answers EOPNOTSUPP.
    try {
        src.unregister();
        FAIL() << "nlctrl accepted command 2";
    } catch (const SourceError& e) {
        EXPECT_EQ(e.kind(), SourceError::Kind::other);
        EXPECT_NE(std::string(e.what()).find("UNREGISTER failed: "), std::string::npos) << e.what();
    }
    // Nothing else arrived: a read times out.
    Message m;
    EXPECT_EQ(src.read(m, 10ms), RecordSource::Status::timeout);
    EXPECT_EQ(src.counters().foreign, 0U);
    EXPECT_EQ(src.counters().enobufs, 0U);
}

}  // namespace
}  // namespace procsentry::source
