// SPDX-License-Identifier: GPL-2.0
#include "source/genl_dispatcher.hpp"

#include <linux/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <algorithm>
#include <cstring>

#include <procsentry/procsentry_abi.h>

namespace procsentry::source {

void GenlDispatcher::expect(uint32_t seq)
{
    seq_ = seq;
    pending_.emplace();
}

GenlDispatcher::Reply GenlDispatcher::take_reply()
{
    Reply r = pending_ ? std::move(*pending_) : Reply{};
    pending_.reset();
    return r;
}

bool GenlDispatcher::pop_event(Message& out)
{
    if (events_.empty())
        return false;
    out = std::move(events_.front());
    events_.pop_front();
    return true;
}

void GenlDispatcher::feed(std::span<const uint8_t> datagram)
{
    const uint8_t* data = datagram.data();
    if (reinterpret_cast<uintptr_t>(data) % alignof(nlmsghdr) != 0) {
        scratch_.assign(datagram.begin(), datagram.end());
        data = scratch_.data();
    }
    // As NLMSG_OK/NLMSG_NEXT: each header must fit, and its length must be
    // at least a header and within what is left.
    std::size_t off = 0;
    const std::size_t size = datagram.size();
    while (size - off >= sizeof(nlmsghdr)) {
        const uint8_t* msg = data + off;
        nlmsghdr h;
        std::memcpy(&h, msg, sizeof h);
        if (h.nlmsg_len < sizeof h || h.nlmsg_len > size - off)
            break;
        if (h.nlmsg_type == NLMSG_ERROR)
            handle_error(msg, h.nlmsg_len);
        else if (h.nlmsg_type == family_)
            handle_family(msg, h.nlmsg_len);
        else if (h.nlmsg_type >= NLMSG_MIN_TYPE)
            ++counters_.foreign;
        off += std::min<std::size_t>(NLMSG_ALIGN(h.nlmsg_len), size - off);
    }
    if (off < size)
        ++counters_.bad_messages;  // a message claiming more than the datagram holds
}

void GenlDispatcher::handle_error(const uint8_t* msg, std::size_t len)
{
    if (len < NLMSG_HDRLEN + sizeof(nlmsgerr)) {
        ++counters_.bad_messages;
        return;
    }
    nlmsghdr hdr;
    std::memcpy(&hdr, msg, sizeof hdr);
    if (!pending_ || pending_->done || hdr.nlmsg_seq != seq_)
        return;  // a late ACK of an abandoned request
    nlmsgerr err;
    std::memcpy(&err, msg + NLMSG_HDRLEN, sizeof err);
    pending_->done = true;
    pending_->error = err.error;

    if (!(hdr.nlmsg_flags & NLM_F_ACK_TLVS))
        return;
    std::size_t off = NLMSG_HDRLEN + sizeof err;
    if (!(hdr.nlmsg_flags & NLM_F_CAPPED) && err.msg.nlmsg_len > NLMSG_HDRLEN)
        off += NLMSG_ALIGN(static_cast<std::size_t>(err.msg.nlmsg_len) - NLMSG_HDRLEN);
    if (off >= len)
        return;
    nlattr* tb[NLMSGERR_ATTR_MAX + 1] = {};
    auto* attrs = reinterpret_cast<nlattr*>(const_cast<uint8_t*>(msg) + off);
    if (nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, static_cast<int>(len - off), nullptr) < 0)
        return;
    if (nlattr* m = tb[NLMSGERR_ATTR_MSG]; m != nullptr && nla_len(m) > 0) {
        const auto* s = static_cast<const char*>(nla_data(m));
        pending_->extack.assign(s, strnlen(s, static_cast<std::size_t>(nla_len(m))));
    }
}

void GenlDispatcher::handle_family(const uint8_t* msg, std::size_t len)
{
    auto* nlh = reinterpret_cast<nlmsghdr*>(const_cast<uint8_t*>(msg));
    if (!genlmsg_valid_hdr(nlh, 0)) {
        ++counters_.bad_messages;
        return;
    }
    const auto* gh = static_cast<const genlmsghdr*>(nlmsg_data(nlh));
    if (gh->cmd != PROCSENTRY_CMD_EVENTS) {
        if (pending_ && !pending_->done && nlh->nlmsg_seq == seq_)
            pending_->messages.emplace_back(msg, msg + len);
        else
            ++counters_.foreign;
        return;
    }
    nlattr* tb[PROCSENTRY_A_MAX + 1] = {};
    nlattr* cpu = nullptr;
    nlattr* recs = nullptr;
    if (genlmsg_parse(nlh, 0, tb, PROCSENTRY_A_MAX, nullptr) == 0) {
        cpu = tb[PROCSENTRY_A_CPU];
        recs = tb[PROCSENTRY_A_RECORDS];
    }
    if (cpu == nullptr || nla_len(cpu) != sizeof(uint32_t) || recs == nullptr) {
        ++counters_.bad_messages;
        return;
    }
    const auto* p = static_cast<const uint8_t*>(nla_data(recs));
    events_.push_back(Message{nla_get_u32(cpu), std::vector<uint8_t>(p, p + nla_len(recs))});
}

}  // namespace procsentry::source
