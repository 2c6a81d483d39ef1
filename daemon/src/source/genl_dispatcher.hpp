// SPDX-License-Identifier: GPL-2.0
// Sorts the netlink messages received on the reader's socket: EVENTS go to a
// queue, the reply and ACK of the one command in flight (matched by sequence
// number) to the pending reply, anything else is counted and dropped.  Pure
// parsing, no socket: NetlinkSource feeds it what recvmsg() returned.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "source/record_source.hpp"

namespace procsentry::source {

struct GenlReply {
    bool done = false;   // the ACK (or error) arrived
    int error = 0;       // negative errno from the ACK, 0 on success
    std::string extack;  // NLMSGERR_ATTR_MSG, when the kernel sent one
    std::vector<std::vector<uint8_t>> messages;  // whole reply messages (nlmsghdr first)
};

class GenlDispatcher {
public:
    using Reply = GenlReply;

    explicit GenlDispatcher(int family_id) : family_(family_id) {}

    // Starts waiting for the reply to the request with this sequence number.
    void expect(uint32_t seq);
    bool reply_done() const { return pending_ && pending_->done; }
    // The finished (or abandoned) reply; stops waiting.
    Reply take_reply();

    // One datagram as received from the kernel (any alignment).
    void feed(std::span<const uint8_t> datagram);

    bool pop_event(Message& out);
    std::size_t queued_events() const { return events_.size(); }

    SourceCounters& counters() { return counters_; }
    const SourceCounters& counters() const { return counters_; }

private:
    void handle_error(const uint8_t* msg, std::size_t len);
    void handle_family(const uint8_t* msg, std::size_t len);

    int family_;
    uint32_t seq_ = 0;
    std::optional<Reply> pending_;
    std::deque<Message> events_;
    std::vector<uint8_t> scratch_;  // aligned copy of an unaligned datagram
    SourceCounters counters_;
};

}  // namespace procsentry::source
