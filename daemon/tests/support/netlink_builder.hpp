// SPDX-License-Identifier: GPL-2.0
// Builds netlink messages as the kernel would send them to a reader.
#pragma once

#include <linux/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <procsentry/procsentry_abi.h>

namespace procsentry::test {

inline constexpr int kFamily = 0x1d;

class GenlMessage {
public:
    GenlMessage(uint8_t cmd, uint32_t seq, int family = kFamily) : msg_(nlmsg_alloc_size(1 << 20), nlmsg_free)
    {
        if (!msg_ || !genlmsg_put(msg_.get(), 0, seq, family, 0, 0, cmd, PROCSENTRY_GENL_VERSION))
            throw std::runtime_error("genlmsg_put");
    }
    GenlMessage& u32(int type, uint32_t v)
    {
        if (nla_put_u32(msg_.get(), type, v) < 0)
            throw std::runtime_error("nla_put_u32");
        return *this;
    }
    GenlMessage& bytes(int type, const std::vector<uint8_t>& b)
    {
        if (nla_put(msg_.get(), type, static_cast<int>(b.size()), b.data()) < 0)
            throw std::runtime_error("nla_put");
        return *this;
    }
    std::vector<uint8_t> wire() const
    {
        const nlmsghdr* h = nlmsg_hdr(msg_.get());
        const auto* p = reinterpret_cast<const uint8_t*>(h);
        return {p, p + h->nlmsg_len};
    }

private:
    std::unique_ptr<nl_msg, void (*)(nl_msg*)> msg_;
};

inline std::vector<uint8_t> events_message(uint32_t cpu, const std::vector<uint8_t>& records)
{
    return GenlMessage(PROCSENTRY_CMD_EVENTS, 0).u32(PROCSENTRY_A_CPU, cpu).bytes(PROCSENTRY_A_RECORDS, records).wire();
}

// An NLMSG_ERROR (ACK when error == 0), capped, with an optional extack message.
inline std::vector<uint8_t> ack_message(uint32_t seq, int error, const std::string& extack = "")
{
    std::vector<uint8_t> attrs;
    if (!extack.empty()) {
        nlattr a{};
        a.nla_type = NLMSGERR_ATTR_MSG;
        a.nla_len = static_cast<uint16_t>(NLA_HDRLEN + extack.size() + 1);
        attrs.resize(NLA_ALIGN(a.nla_len));
        std::memcpy(attrs.data(), &a, sizeof a);
        std::memcpy(attrs.data() + NLA_HDRLEN, extack.c_str(), extack.size() + 1);
    }
    nlmsghdr h{};
    h.nlmsg_type = NLMSG_ERROR;
    h.nlmsg_flags = NLM_F_CAPPED | (attrs.empty() ? 0 : NLM_F_ACK_TLVS);
    h.nlmsg_seq = seq;
    nlmsgerr e{};
    e.error = error;
    e.msg.nlmsg_len = 40;
    e.msg.nlmsg_seq = seq;
    h.nlmsg_len = static_cast<uint32_t>(NLMSG_HDRLEN + sizeof e + attrs.size());
    std::vector<uint8_t> out(h.nlmsg_len);
    std::memcpy(out.data(), &h, sizeof h);
    std::memcpy(out.data() + NLMSG_HDRLEN, &e, sizeof e);
    if (!attrs.empty())
        std::memcpy(out.data() + NLMSG_HDRLEN + sizeof e, attrs.data(), attrs.size());
    return out;
}

inline std::vector<uint8_t> concat(std::initializer_list<std::vector<uint8_t>> parts)
{
    std::vector<uint8_t> out;
    for (const auto& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

}  // namespace procsentry::test
