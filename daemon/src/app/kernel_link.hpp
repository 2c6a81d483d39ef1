// SPDX-License-Identifier: GPL-2.0
// The daemon's connection to procsentry.ko: open, register (ABI check),
// configure, read EVENTS through Asio, poll GET_STATS.  Failures do not end
// the daemon: the link goes to `degraded` with a reason and a fix, and
// retries; status shows it.  While monitoring is disabled the link stays
// unregistered, so the module's hooks are detached and cost nothing.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "abi/stats.hpp"
#include "app/module_info.hpp"
#include "source/netlink_source.hpp"

namespace procsentry::app {

class KernelLink {
public:
    enum class State { disabled, connecting, registered, degraded };
    using OnMessage = std::function<void(const source::Message&)>;
    using OnLoss = std::function<void(const std::string& cause, uint64_t n)>;
    using OnState = std::function<void(State, const std::string& reason)>;

    KernelLink(boost::asio::io_context& io, OnMessage on_msg, OnLoss on_loss, OnState on_state,
               ModuleInfo::Paths module_paths = {});
    ~KernelLink();

    // Argument bytes asked from the module; applied now when registered.
    void set_argv_max(uint32_t n);
    void enable();   // connect and register (retrying while it fails)
    void disable();  // unregister and close
    // Called about once a second: GET_STATS every few seconds, which also
    // finds a module that went away.
    void tick();

    State state() const { return state_; }
    const std::string& reason() const { return reason_; }
    uint32_t abi_version() const { return abi_; }
    uint32_t nr_cpus() const { return nr_cpus_; }
    // Of the module registered with (sysfs); empty before the first registration.
    const std::string& module_version() const { return module_version_; }
    // Non-empty when the registered module is another version than this daemon.
    const std::string& version_mismatch() const { return mismatch_; }
    const std::optional<abi::Stats>& module_stats() const { return stats_; }
    source::SourceCounters counters() const;
    static const char* name(State s);

private:
    void connect();
    void fail(const std::string& reason, int retry_s);
    void arm_read();
    void drain();
    bool pump();  // false when the link failed
    void close_source();

    boost::asio::io_context& io_;
    OnMessage on_msg_;
    OnLoss on_loss_;
    OnState on_state_;
    uint32_t argv_max_ = 4096;
    State state_ = State::disabled;
    std::string reason_;
    ModuleInfo module_info_;
    std::string module_version_, mismatch_;
    uint32_t abi_ = 0, nr_cpus_ = 0;
    std::unique_ptr<source::NetlinkSource> src_;
    std::unique_ptr<boost::asio::posix::stream_descriptor> sd_;
    boost::asio::steady_timer retry_;
    std::optional<abi::Stats> stats_;
    source::SourceCounters closed_counters_;  // of sockets closed before
    uint64_t enobufs_seen_ = 0;
    unsigned ticks_ = 0;
    bool wanted_ = false;
    // Outstanding handlers hold this so that none runs after destruction.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace procsentry::app
