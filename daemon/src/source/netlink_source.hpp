// SPDX-License-Identifier: GPL-2.0
// The module's generic netlink family, through libnl-genl-3.
//
// One socket carries both command replies and the EVENTS stream (the module
// unicasts to the registered port).  Replies are matched by sequence number
// and completed by the kernel's ACK; EVENTS messages that arrive while a
// command is in flight are queued and returned by read().  Received datagrams
// are taken with recvmsg() directly so that ENOBUFS (our receive buffer
// overflowed: records lost in the socket) is seen, counted, and reading goes
// on.  Messages not sent by the kernel are dropped.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <procsentry/procsentry_abi.h>

#include "abi/stats.hpp"
#include "source/genl_dispatcher.hpp"
#include "source/record_source.hpp"

struct nl_sock;

namespace procsentry::source {

class NetlinkSource : public RecordSource {
public:
    struct Options {
        int rcvbuf = 8 << 20;                     // socket receive buffer, bytes
        std::size_t msg_buf = 256 << 10;          // largest datagram accepted
        std::chrono::milliseconds command_timeout{5000};
        std::string family = PROCSENTRY_GENL_NAME;  // another name only for tests
    };

    struct Registration {
        uint32_t abi_version = 0;
        uint32_t nr_cpus = 0;
        std::optional<procsentry_config> config;
    };

    // Opens the socket and resolves the family; throws SourceError
    // (not_loaded when the family does not exist).
    explicit NetlinkSource(const Options& opts);
    ~NetlinkSource() override;
    NetlinkSource(const NetlinkSource&) = delete;
    NetlinkSource& operator=(const NetlinkSource&) = delete;

    // REGISTER with PROCSENTRY_ABI_VERSION and flags (PROCSENTRY_REG_*).
    Registration register_reader(uint32_t reg_flags);
    void unregister();
    // SET_CONFIG; returns the configuration the module now has (zeroed if the
    // reply has no CONFIG attribute).
    // config_flags: PROCSENTRY_CFG_* (PROCSENTRY_A_CONFIG_FLAGS).
    procsentry_config set_config(std::optional<uint32_t> event_mask, std::optional<uint32_t> argv_max,
                                 std::optional<uint32_t> config_flags = std::nullopt);
    abi::Stats get_stats();

    Status read(Message& out, std::chrono::milliseconds timeout) override;
    SourceCounters counters() const override;

    int fd() const;                     // for poll/epoll/Asio
    int family_id() const { return family_; }
    int rcvbuf_effective() const { return rcvbuf_effective_; }

private:
    struct SockDeleter {
        void operator()(nl_sock* s) const;
    };

    std::vector<std::vector<uint8_t>> transact(uint8_t cmd, const char* what,
                                               const std::vector<std::pair<int, uint32_t>>& u32_attrs);
    // Receives one datagram (waiting up to timeout_ms); false on timeout/EINTR.
    bool receive_once(int timeout_ms, bool& interrupted);

    Options opts_;
    std::unique_ptr<nl_sock, SockDeleter> sk_;
    int family_ = -1;
    int rcvbuf_effective_ = 0;
    bool registered_ = false;
    std::vector<uint8_t> buf_;
    std::optional<GenlDispatcher> dispatcher_;
};

}  // namespace procsentry::source
