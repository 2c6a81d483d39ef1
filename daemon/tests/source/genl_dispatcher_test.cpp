// SPDX-License-Identifier: GPL-2.0
#include "source/genl_dispatcher.hpp"

#include <gtest/gtest.h>

#include <cerrno>

#include "support/netlink_builder.hpp"
#include "support/record_builder.hpp"

namespace procsentry::source {
namespace {

using test::kFamily;

TEST(GenlDispatcher, EventsAreQueuedWithCpuAndPayload)
{
    GenlDispatcher d(kFamily);
    const auto recs = test::sample_fork(1, 2);
    d.feed(test::events_message(2, recs));
    ASSERT_EQ(d.queued_events(), 1U);
    Message m;
    ASSERT_TRUE(d.pop_event(m));
    EXPECT_EQ(m.cpu, 2U);
    EXPECT_EQ(m.records, recs);
    EXPECT_FALSE(d.pop_event(m));
}

TEST(GenlDispatcher, SeveralMessagesInOneDatagram)
{
    GenlDispatcher d(kFamily);
    d.feed(test::concat({test::events_message(0, test::sample_exec(1)), test::events_message(1, test::sample_exit(1))}));
    EXPECT_EQ(d.queued_events(), 2U);
}

TEST(GenlDispatcher, ReplyThenAckCompletesTheCommand)
{
    GenlDispatcher d(kFamily);
    d.expect(77);
    const auto reply = test::GenlMessage(PROCSENTRY_CMD_REGISTER, 77)
                           .u32(PROCSENTRY_A_ABI_VERSION, 1)
                           .u32(PROCSENTRY_A_NR_CPUS, 4)
                           .wire();
    // Events interleave with the reply; they must not be lost.
    d.feed(test::events_message(0, test::sample_fork(1)));
    d.feed(reply);
    EXPECT_FALSE(d.reply_done());
    d.feed(test::ack_message(76, -EPERM));  // a stale ACK of another request
    EXPECT_FALSE(d.reply_done());
    d.feed(test::ack_message(77, 0));
    ASSERT_TRUE(d.reply_done());
    const auto r = d.take_reply();
    EXPECT_EQ(r.error, 0);
    ASSERT_EQ(r.messages.size(), 1U);
    EXPECT_EQ(r.messages[0], reply);
    EXPECT_EQ(d.queued_events(), 1U);
}

TEST(GenlDispatcher, ErrorWithExtendedAck)
{
    GenlDispatcher d(kFamily);
    d.expect(5);
    d.feed(test::ack_message(5, -EPROTO, "procsentry: reader ABI 1, module ABI 2"));
    ASSERT_TRUE(d.reply_done());
    const auto r = d.take_reply();
    EXPECT_EQ(r.error, -EPROTO);
    EXPECT_EQ(r.extack, "procsentry: reader ABI 1, module ABI 2");
}

TEST(GenlDispatcher, RepliesWithoutARequestAreForeign)
{
    GenlDispatcher d(kFamily);
    d.feed(test::GenlMessage(PROCSENTRY_CMD_GET_STATS, 9).wire());
    d.feed(test::GenlMessage(PROCSENTRY_CMD_EVENTS, 0, kFamily + 1).wire());
    EXPECT_EQ(d.counters().foreign, 2U);
    EXPECT_EQ(d.queued_events(), 0U);
}

TEST(GenlDispatcher, EventsWithoutCpuOrRecordsAreBad)
{
    GenlDispatcher d(kFamily);
    d.feed(test::GenlMessage(PROCSENTRY_CMD_EVENTS, 0).bytes(PROCSENTRY_A_RECORDS, {}).wire());
    d.feed(test::GenlMessage(PROCSENTRY_CMD_EVENTS, 0).u32(PROCSENTRY_A_CPU, 1).wire());
    d.feed(test::GenlMessage(PROCSENTRY_CMD_EVENTS, 0)
               .bytes(PROCSENTRY_A_CPU, {1, 0})
               .bytes(PROCSENTRY_A_RECORDS, {})
               .wire());
    EXPECT_EQ(d.counters().bad_messages, 3U);
    EXPECT_EQ(d.queued_events(), 0U);
}

TEST(GenlDispatcher, TruncatedDatagramsAreCountedNotCrashing)
{
    const auto full = test::concat({test::events_message(0, test::sample_exec(1)), test::ack_message(1, 0, "x")});
    for (std::size_t cut = 0; cut < full.size(); ++cut) {
        GenlDispatcher d(kFamily);
        d.expect(1);
        d.feed(std::span<const uint8_t>(full.data(), cut));
        EXPECT_LE(d.queued_events(), 1U);
        EXPECT_FALSE(d.reply_done()) << cut;
    }
}

TEST(GenlDispatcher, UnalignedDatagramIsCopied)
{
    const auto msg = test::events_message(3, test::sample_fork(1));
    std::vector<uint8_t> buf(msg.size() + 1);
    std::memcpy(buf.data() + 1, msg.data(), msg.size());
    GenlDispatcher d(kFamily);
    d.feed(std::span<const uint8_t>(buf.data() + 1, msg.size()));
    Message m;
    ASSERT_TRUE(d.pop_event(m));
    EXPECT_EQ(m.cpu, 3U);
}

}  // namespace
}  // namespace procsentry::source
