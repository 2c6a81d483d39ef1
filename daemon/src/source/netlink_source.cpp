// SPDX-License-Identifier: GPL-2.0
#include "source/netlink_source.hpp"

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "source/command_error.hpp"
#include "source/source_error.hpp"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

namespace procsentry::source {

namespace {

using Kind = SourceError::Kind;

struct MsgDeleter {
    void operator()(nl_msg* m) const { nlmsg_free(m); }
};

std::string nl_error(int err)
{
    return std::string(nl_geterror(err));
}

std::span<const uint8_t> attr_bytes(const nlattr* a)
{
    return {static_cast<const uint8_t*>(nla_data(a)), static_cast<std::size_t>(nla_len(a))};
}

bool get_u32(nlattr* a, uint32_t& out)
{
    if (a == nullptr || nla_len(a) < static_cast<int>(sizeof(uint32_t)))
        return false;
    out = nla_get_u32(a);
    return true;
}

// Parses the attributes of a reply (a whole netlink message).
bool parse_reply(std::vector<uint8_t>& msg, nlattr* (&tb)[PROCSENTRY_A_MAX + 1])
{
    auto* nlh = reinterpret_cast<nlmsghdr*>(msg.data());
    return genlmsg_parse(nlh, 0, tb, PROCSENTRY_A_MAX, nullptr) == 0;
}

}  // namespace

void NetlinkSource::SockDeleter::operator()(nl_sock* s) const
{
    nl_socket_free(s);
}

NetlinkSource::NetlinkSource(const Options& opts) : opts_(opts), sk_(nl_socket_alloc()), buf_(opts.msg_buf)
{
    if (!sk_)
        throw SourceError(Kind::other, "cannot allocate netlink socket");
    if (int err = genl_connect(sk_.get()); err < 0)
        throw SourceError(Kind::other, "cannot open generic netlink socket: " + nl_error(err));

    family_ = genl_ctrl_resolve(sk_.get(), opts.family.c_str());
    if (family_ >= 0)
        dispatcher_.emplace(family_);
    if (family_ == -NLE_OBJ_NOTFOUND)
        throw SourceError(Kind::not_loaded, "procsentry module not loaded (genl family '" + opts.family +
                                                "' not found)");
    if (family_ < 0)
        throw SourceError(Kind::other, "cannot resolve genl family '" + opts.family + "': " + nl_error(family_));

    // Our own matching from here on: events and replies share the socket.
    nl_socket_disable_seq_check(sk_.get());
    nl_socket_set_msg_buf_size(sk_.get(), opts.msg_buf);

    const int fd = nl_socket_get_fd(sk_.get());
    if (int err = nl_socket_set_buffer_size(sk_.get(), opts.rcvbuf, 0); err < 0)
        throw SourceError(Kind::other, "cannot set receive buffer to " + std::to_string(opts.rcvbuf) +
                                           " bytes: " + nl_error(err));
    if (geteuid() == 0) {
        // Beyond net.core.rmem_max; needs CAP_NET_ADMIN, harmless if refused.
        int v = opts.rcvbuf;
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof v);
    }
    socklen_t sl = sizeof rcvbuf_effective_;
    (void)getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf_effective_, &sl);

    int one = 1;
    (void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
    (void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
}

NetlinkSource::~NetlinkSource()
{
    if (registered_) {
        try {
            opts_.command_timeout = std::chrono::milliseconds(500);
            unregister();
        } catch (const std::exception&) {
            // Closing the socket makes the module prune us anyway.
        }
    }
}

SourceCounters NetlinkSource::counters() const
{
    return dispatcher_->counters();
}

int NetlinkSource::fd() const
{
    return nl_socket_get_fd(sk_.get());
}

std::vector<std::vector<uint8_t>> NetlinkSource::transact(uint8_t cmd, const char* what,
                                                          const std::vector<std::pair<int, uint32_t>>& u32_attrs)
{
    std::unique_ptr<nl_msg, MsgDeleter> msg(nlmsg_alloc());
    if (!msg)
        throw SourceError(Kind::other, std::string(what) + ": out of memory");
    if (!genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family_, 0, NLM_F_REQUEST | NLM_F_ACK, cmd,
                     PROCSENTRY_GENL_VERSION))
        throw SourceError(Kind::other, std::string(what) + ": cannot build message");
    for (const auto& [type, v] : u32_attrs)
        if (nla_put_u32(msg.get(), type, v) < 0)
            throw SourceError(Kind::other, std::string(what) + ": cannot build message");

    if (int err = nl_send_auto(sk_.get(), msg.get()); err < 0)
        throw SourceError(Kind::other, std::string(what) + ": send failed: " + nl_error(err));

    dispatcher_->expect(nlmsg_hdr(msg.get())->nlmsg_seq);

    const auto deadline = std::chrono::steady_clock::now() + opts_.command_timeout;
    while (!dispatcher_->reply_done()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                               std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            dispatcher_->take_reply();
            throw SourceError(Kind::other, std::string(what) + ": no reply from the module within " +
                                               std::to_string(opts_.command_timeout.count()) + " ms");
        }
        bool interrupted = false;
        receive_once(static_cast<int>(left.count()), interrupted);
    }
    GenlDispatcher::Reply p = dispatcher_->take_reply();

    if (p.error != 0)
        throw command_error(cmd, what, p.error, p.extack);
    return std::move(p.messages);
}

bool NetlinkSource::receive_once(int timeout_ms, bool& interrupted)
{
    const int fd = nl_socket_get_fd(sk_.get());
    pollfd pfd{fd, POLLIN, 0};
    const int n = poll(&pfd, 1, timeout_ms);
    if (n < 0) {
        if (errno == EINTR) {
            interrupted = true;
            return false;
        }
        throw SourceError(Kind::io, std::string("poll on netlink socket: ") + std::strerror(errno));
    }
    if (n == 0)
        return false;

    sockaddr_nl from{};
    iovec iov{buf_.data(), buf_.size()};
    msghdr mh{};
    mh.msg_name = &from;
    mh.msg_namelen = sizeof from;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    const ssize_t got = recvmsg(fd, &mh, MSG_DONTWAIT);
    if (got < 0) {
        switch (errno) {
        case ENOBUFS:
            ++dispatcher_->counters().enobufs;  // the kernel dropped messages for us
            return true;
        case EAGAIN:
            return true;
        case EINTR:
            interrupted = true;
            return false;
        default:
            throw SourceError(Kind::io, std::string("recvmsg on netlink socket: ") + std::strerror(errno));
        }
    }
    if (mh.msg_flags & MSG_TRUNC) {
        ++dispatcher_->counters().bad_messages;  // larger than msg_buf: cannot be parsed
        return true;
    }
    if (from.nl_pid != 0) {
        ++dispatcher_->counters().foreign;  // only the kernel may talk to us
        return true;
    }
    dispatcher_->feed(std::span<const uint8_t>(buf_.data(), static_cast<std::size_t>(got)));
    return true;
}

RecordSource::Status NetlinkSource::read(Message& out, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (dispatcher_->pop_event(out)) {
            ++dispatcher_->counters().messages;
            return Status::message;
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() < 0)
            return Status::timeout;
        bool interrupted = false;
        const bool got = receive_once(static_cast<int>(left.count()), interrupted);
        if (interrupted)
            return Status::interrupted;
        if (!got && dispatcher_->queued_events() == 0)
            return Status::timeout;
    }
}

NetlinkSource::Registration NetlinkSource::register_reader(uint32_t reg_flags)
{
    std::vector<std::pair<int, uint32_t>> attrs{{PROCSENTRY_A_ABI_VERSION, PROCSENTRY_ABI_VERSION}};
    if (reg_flags != 0)
        attrs.emplace_back(PROCSENTRY_A_REG_FLAGS, reg_flags);
    auto replies = transact(PROCSENTRY_CMD_REGISTER, "REGISTER", attrs);
    registered_ = true;

    Registration reg;
    for (auto& r : replies) {
        nlattr* tb[PROCSENTRY_A_MAX + 1] = {};
        if (!parse_reply(r, tb))
            continue;
        get_u32(tb[PROCSENTRY_A_ABI_VERSION], reg.abi_version);
        get_u32(tb[PROCSENTRY_A_NR_CPUS], reg.nr_cpus);
        if (tb[PROCSENTRY_A_CONFIG])
            reg.config = abi::parse_config(attr_bytes(tb[PROCSENTRY_A_CONFIG]));
    }
    if (reg.abi_version != 0 && reg.abi_version != PROCSENTRY_ABI_VERSION)
        throw SourceError(Kind::abi_mismatch, "ABI version mismatch: reader " + std::to_string(PROCSENTRY_ABI_VERSION) +
                                                  ", module says " + std::to_string(reg.abi_version));
    return reg;
}

void NetlinkSource::unregister()
{
    registered_ = false;
    transact(PROCSENTRY_CMD_UNREGISTER, "UNREGISTER", {});
}

procsentry_config NetlinkSource::set_config(std::optional<uint32_t> event_mask, std::optional<uint32_t> argv_max,
                                            std::optional<uint32_t> config_flags)
{
    std::vector<std::pair<int, uint32_t>> attrs;
    if (event_mask)
        attrs.emplace_back(PROCSENTRY_A_EVENT_MASK, *event_mask);
    if (argv_max)
        attrs.emplace_back(PROCSENTRY_A_ARGV_MAX, *argv_max);
    if (config_flags) {
#ifdef PROCSENTRY_CFG_ALL
        attrs.emplace_back(PROCSENTRY_A_CONFIG_FLAGS, *config_flags);
#else
        throw SourceError(Kind::other, "SET_CONFIG: this ABI header has no configuration flags");
#endif
    }
    auto replies = transact(PROCSENTRY_CMD_SET_CONFIG, "SET_CONFIG", attrs);
    procsentry_config cfg{};
    for (auto& r : replies) {
        nlattr* tb[PROCSENTRY_A_MAX + 1] = {};
        if (parse_reply(r, tb) && tb[PROCSENTRY_A_CONFIG])
            cfg = abi::parse_config(attr_bytes(tb[PROCSENTRY_A_CONFIG]));
    }
    return cfg;
}

abi::Stats NetlinkSource::get_stats()
{
    auto replies = transact(PROCSENTRY_CMD_GET_STATS, "GET_STATS", {});
    abi::Stats st;
    bool any = false;
    for (auto& r : replies) {
        nlattr* tb[PROCSENTRY_A_MAX + 1] = {};
        if (!parse_reply(r, tb))
            continue;
        any = true;
        get_u32(tb[PROCSENTRY_A_NR_CPUS], st.nr_cpus);
        if (tb[PROCSENTRY_A_CPU_STATS]) {
            std::string err;
            if (!abi::parse_cpu_stats(attr_bytes(tb[PROCSENTRY_A_CPU_STATS]), st.nr_cpus, st.cpus, err))
                throw SourceError(Kind::other, "GET_STATS reply: " + err);
        }
        if (tb[PROCSENTRY_A_GLOBAL_STATS])
            st.global = abi::parse_global_stats(attr_bytes(tb[PROCSENTRY_A_GLOBAL_STATS]));
        if (tb[PROCSENTRY_A_CONFIG])
            st.config = abi::parse_config(attr_bytes(tb[PROCSENTRY_A_CONFIG]));
    }
    if (!any)
        throw SourceError(Kind::other, "GET_STATS: the module sent no reply");
    return st;
}

}  // namespace procsentry::source
