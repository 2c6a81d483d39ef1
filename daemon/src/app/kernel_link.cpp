// SPDX-License-Identifier: GPL-2.0
#include "app/kernel_link.hpp"

#include <unistd.h>

#include <procsentry/procsentry_abi.h>

#include "app/log.hpp"
#include "app/version.hpp"
#include "source/source_error.hpp"

namespace procsentry::app {

namespace {
constexpr std::size_t kMaxMessagesPerWake = 256;  // keep the loop responsive
constexpr unsigned kStatsEveryTicks = 5;

std::string fix_for(source::SourceError::Kind k)
{
    using K = source::SourceError::Kind;
    switch (k) {
    case K::not_loaded:
        return " (load it: modprobe procsentry; see `dkms status procsentry`)";
    case K::permission:
        return " (procsentryd needs CAP_NET_ADMIN)";
    case K::abi_mismatch:
        return " (the loaded module and this daemon come from different versions: "
               "reload the module with `modprobe -r procsentry && modprobe procsentry` or install matching packages)";
    default:
        return "";
    }
}
}  // namespace

KernelLink::KernelLink(boost::asio::io_context& io, OnMessage on_msg, OnLoss on_loss, OnState on_state,
                       ModuleInfo::Paths module_paths)
    : io_(io),
      on_msg_(std::move(on_msg)),
      on_loss_(std::move(on_loss)),
      on_state_(std::move(on_state)),
      module_info_(std::move(module_paths)),
      retry_(io)
{
}

KernelLink::~KernelLink()
{
    *alive_ = false;
    retry_.cancel();
    close_source();
}

const char* KernelLink::name(State s)
{
    switch (s) {
    case State::disabled:
        return "disabled";
    case State::connecting:
        return "connecting";
    case State::registered:
        return "registered";
    case State::degraded:
        return "degraded";
    }
    return "?";
}

source::SourceCounters KernelLink::counters() const
{
    source::SourceCounters c = closed_counters_;
    if (src_) {
        const auto n = src_->counters();
        c.messages += n.messages;
        c.enobufs += n.enobufs;
        c.bad_messages += n.bad_messages;
        c.foreign += n.foreign;
    }
    return c;
}

void KernelLink::set_argv_max(uint32_t n)
{
    argv_max_ = n;
    if (state_ != State::registered)
        return;
    try {
        src_->set_config(std::nullopt, argv_max_);
    } catch (const std::exception& e) {
        fail(std::string("SET_CONFIG: ") + e.what(), 5);
        return;
    }
    pump();
}

void KernelLink::enable()
{
    wanted_ = true;
    if (state_ == State::registered || state_ == State::connecting)
        return;
    connect();
}

void KernelLink::disable()
{
    wanted_ = false;
    retry_.cancel();
    close_source();
    state_ = State::disabled;
    reason_ = "monitoring disabled (procsentryctl enable)";
    on_state_(state_, reason_);
}

void KernelLink::close_source()
{
    if (sd_) {
        boost::system::error_code ec;
        sd_->cancel(ec);
        sd_->close(ec);
        sd_.reset();
    }
    if (src_) {
        const auto n = src_->counters();
        closed_counters_.messages += n.messages;
        closed_counters_.enobufs += n.enobufs;
        closed_counters_.bad_messages += n.bad_messages;
        closed_counters_.foreign += n.foreign;
        try {
            src_->unregister();
        } catch (const std::exception&) {
            // The module may be gone already; closing the socket is enough.
        }
        src_.reset();
    }
    enobufs_seen_ = 0;
}

void KernelLink::fail(const std::string& reason, int retry_s)
{
    close_source();
    const bool changed = state_ != State::degraded || reason_ != reason;
    state_ = State::degraded;
    reason_ = reason;
    if (changed) {
        log_err("kernel link degraded: " + reason);
        on_state_(state_, reason_);
    }
    retry_.expires_after(std::chrono::seconds(retry_s));
    retry_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
        if (ec || !*alive || !wanted_)
            return;
        connect();
    });
}

void KernelLink::connect()
{
    // A retry stays degraded until it succeeds: fail() then sees no change and raises no new alert.
    if (state_ != State::degraded)
        state_ = State::connecting;
    try {
        source::NetlinkSource::Options o;
        o.command_timeout = std::chrono::milliseconds(2000);
        src_ = std::make_unique<source::NetlinkSource>(o);
        // The daemon's own /proc reads and file writes are not worth reporting.
        const auto reg = src_->register_reader(PROCSENTRY_REG_EXCLUDE_SELF);
        abi_ = reg.abi_version;
        nr_cpus_ = reg.nr_cpus;
        src_->set_config(PROCSENTRY_MASK_ALL, argv_max_);
        sd_ = std::make_unique<boost::asio::posix::stream_descriptor>(io_, dup(src_->fd()));
    } catch (const source::SourceError& e) {
        // procsentry-load-module knows why modprobe failed (signature, lockdown, no build for
        // this kernel): its verdict beats a generic hint.
        const auto why = e.kind() == source::SourceError::Kind::not_loaded ? module_info_.load_error() : std::nullopt;
        fail(std::string(e.what()) + (why ? ": procsentry-module.service reported " + *why : fix_for(e.kind())),
             e.kind() == source::SourceError::Kind::abi_mismatch ? 60 : 5);
        return;
    } catch (const std::exception& e) {
        fail(e.what(), 5);
        return;
    }
    state_ = State::registered;
    reason_.clear();
    module_version_ = module_info_.loaded_version().value_or("unknown");
    mismatch_ = module_version_ == "unknown" ? "" : ModuleInfo::mismatch(module_version_, daemon_version());
    log_notice("registered with procsentry.ko " + module_version_ + ": ABI " + std::to_string(abi_) + ", " +
               std::to_string(nr_cpus_) + " CPUs");
    if (!mismatch_.empty())
        log_warn(mismatch_);
    on_state_(state_, reason_);
    arm_read();
}

void KernelLink::arm_read()
{
    if (!sd_)
        return;
    sd_->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                    [this, alive = alive_](const boost::system::error_code& ec) {
                        if (ec || !*alive || !sd_)
                            return;
                        drain();
                    });
}

bool KernelLink::pump()
{
    source::Message msg;
    try {
        for (std::size_t i = 0; i < kMaxMessagesPerWake; i++) {
            const auto st = src_->read(msg, std::chrono::milliseconds(0));
            if (st != source::RecordSource::Status::message)
                break;
            on_msg_(msg);
        }
        const auto enobufs = src_->counters().enobufs;
        if (enobufs > enobufs_seen_) {
            // How many records the socket lost shows up as sequence holes.
            on_loss_("socket_overflow", enobufs - enobufs_seen_);
            enobufs_seen_ = enobufs;
        }
    } catch (const std::exception& e) {
        fail(std::string("reading from the module: ") + e.what(), 2);
        return false;
    }
    return true;
}

void KernelLink::drain()
{
    if (pump() && src_)
        arm_read();
}

void KernelLink::tick()
{
    if (state_ != State::registered || ++ticks_ % kStatsEveryTicks != 0)
        return;
    try {
        stats_ = src_->get_stats();
    } catch (const source::SourceError& e) {
        fail(std::string("module stopped answering: ") + e.what() + fix_for(e.kind()), 5);
        return;
    } catch (const std::exception& e) {
        fail(std::string("module stopped answering: ") + e.what(), 5);
        return;
    }
    // Records that arrived during the command were queued by the source,
    // not left in the socket, so the pending wait would not see them.
    pump();
}

}  // namespace procsentry::app
