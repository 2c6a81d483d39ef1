// SPDX-License-Identifier: GPL-2.0
#include "app/daemon.hpp"

#include <boost/asio/post.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/clock.hpp"
#include "alert/host_info.hpp"
#include "app/log.hpp"
#include "app/status_json.hpp"
#include "app/version.hpp"
#include "rules/config_loader.hpp"
#include "source/replay_follow_source.hpp"
#include "source/replay_source.hpp"
#include "source/source_error.hpp"

namespace procsentry::app {

namespace {

constexpr auto kTick = std::chrono::milliseconds(250);
constexpr auto kSinkStopDeadline = std::chrono::milliseconds(5000);
constexpr std::size_t kReplayMessagesPerTurn = 64;
// --replay-follow: how often the file is looked at again at its end.
constexpr auto kFollowPoll = std::chrono::milliseconds(50);

// Peak resident memory, for the replay summary the benchmark reads.
std::string peak_rss_kb()
{
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("VmHWM:", 0) == 0) {
            const auto p = line.find_first_of("0123456789");
            return p == std::string::npos ? "?" : line.substr(p, line.find(' ', p) - p);
        }
    return "?";
}

std::string seconds(uint64_t ns) { return std::to_string(ns / 1'000'000'000ull) + " s"; }

}  // namespace

Daemon::Daemon(Options opts)
    : opts_(std::move(opts)), signals_(io_, SIGTERM, SIGINT, SIGHUP), tick_(io_), state_(opts_.state_dir),
      replay_wait_(io_)
{
    signal(SIGPIPE, SIG_IGN);
}

Daemon::~Daemon() = default;

bool Daemon::step_config(std::string& err)
{
    rules::ConfigLoader loader(opts_.state_dir);
    auto res = loader.load_file(opts_.config);
    if (!res.ok) {
        for (const auto& e : res.errors)
            err += (err.empty() ? "" : "\n") + e.to_string();
        if (err.empty())
            err = opts_.config + ": invalid configuration";
        return false;
    }
    config_ = std::make_shared<const rules::Config>(std::move(res.config));
    config_loaded_ns_ = abi::realtime_ns();
    return true;
}

bool Daemon::step_state(std::string& err)
{
    if (mkdir(opts_.state_dir.c_str(), 0750) != 0 && errno != EEXIST) {
        err = "state directory " + opts_.state_dir + ": " + std::strerror(errno);
        return false;
    }
    std::string e;
    if (!state_.load(e))
        log_warn(e);  // a first start, in effect: monitoring on
    return true;
}

bool Daemon::step_sinks(std::string& err)
{
    sinks_ = std::make_unique<SinkSet>(pipeline_->host().hostname);
    try {
        sinks_->apply(config_->sinks);
    } catch (const std::exception& e) {
        err = e.what();
        return false;
    }
    return true;
}

bool Daemon::step_control(std::string& err)
{
    control_ = std::make_unique<control::ControlServer>(io_, opts_.socket, *this);
    try {
        control_->start();
    } catch (const std::exception& e) {
        err = std::string("control socket: ") + e.what();
        return false;
    }
    return true;
}

void Daemon::step_processes()
{
    if (!opts_.seed_proc)
        return;
    const auto n = pipeline_->seed_processes();
    log_info("process table seeded from " + opts_.proc_root + ": " + std::to_string(n) + " processes");
}

void Daemon::report_previous_session()
{
    auto& cur = state_.current();
    cur.boot_id = pipeline_->host().boot_id;
    const auto& prev = state_.previous();
    // Monitoring was off before the restart (procsentryctl disable): the
    // downtime hid nothing that was being watched.
    if (opts_.replay || !prev || prev->boot_id != cur.boot_id || prev->last_ts_ns == 0 || !state_.enabled())
        return;
    const uint64_t now = abi::boottime_ns();
    const uint64_t gap = now > prev->last_ts_ns ? now - prev->last_ts_ns : 0;
    if (prev->clean) {
        pipeline_->sensor_alert("monitoring_gap", rules::Severity::low,
                                "procsentryd was stopped for " + seconds(gap) +
                                    "; processes in that time were not observed",
                                0);
    } else {
        pipeline_->sensor_alert("monitoring_gap", config_->daemon.loss_severity,
                                "procsentryd ended without stopping (killed or crashed) and was down for " +
                                    seconds(gap) + "; records in flight and processes in that time were lost",
                                0);
    }
}

void Daemon::step_source()
{
    if (opts_.replay) {
        if (opts_.replay_follow)
            replay_ = std::make_unique<source::ReplayFollowSource>(*opts_.replay);
        else
            replay_ = std::make_unique<source::ReplaySource>(source::ReplaySource::from_file(*opts_.replay));
        boost::asio::post(io_, [this] { replay_some(); });
        return;
    }
    link_ = std::make_unique<KernelLink>(
        io_, [this](const source::Message& m) { pipeline_->on_message(m); },
        [this](const std::string& cause, uint64_t n) { pipeline_->on_loss(cause, n); },
        [this](KernelLink::State s, const std::string& reason) {
            if (s == KernelLink::State::degraded)
                pipeline_->sensor_alert("sensor_degraded", rules::Severity::high,
                                        "process monitoring is not running: " + reason, 0);
            if (s == KernelLink::State::registered && !link_->version_mismatch().empty())
                pipeline_->sensor_alert("sensor_version_mismatch", rules::Severity::medium,
                                        link_->version_mismatch(), 0);
            notify_.status(status_line());
        });
    link_->set_argv_max(config_->daemon.argv_max);
    if (state_.enabled())
        link_->enable();
    else
        link_->disable();
}

int Daemon::run()
{
    std::string err;
    if (!step_config(err)) {
        // One log line per error: journald shows each with its priority.
        log_err("configuration " + opts_.config + " not usable, not starting:");
        for (std::size_t pos = 0; pos < err.size();) {
            const auto nl = err.find('\n', pos);
            log_err("  " + err.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
            pos = nl == std::string::npos ? err.size() : nl + 1;
        }
        return 78;  // EX_CONFIG: systemd does not restart into the same error
    }
    if (!step_state(err)) {
        log_err(err);
        return 1;
    }
    PipelineOptions po;
    po.proc_root = opts_.proc_root;
    po.passwd = opts_.passwd;
    po.group = opts_.group;
    po.cgroup_root = opts_.cgroup_root;
    po.self_tgid = static_cast<uint32_t>(getpid());
    po.live = !opts_.replay;
    alert::HostInfo host = alert::read_host_info();
    if (opts_.hostname)
        host.hostname = *opts_.hostname;
    pipeline_ = std::make_unique<Pipeline>(po, config_, host,
                                           [this](const alert::SerializedPtr& a) { publish(a); });
    if (!step_sinks(err)) {
        log_err("sinks: " + err);
        return 78;
    }
    if (!step_control(err)) {
        log_err(err);
        sinks_->stop(kSinkStopDeadline);
        return 1;
    }
    report_previous_session();
    try {
        step_source();
    } catch (const std::exception& e) {
        log_err(std::string("replay: ") + e.what());
        control_->stop();
        sinks_->stop(kSinkStopDeadline);
        return 1;
    }
    // After registering: a process started in between is then in both the
    // records and /proc (records win), never in neither.
    step_processes();
    // A crash before the first tick still leaves a session the next start
    // can measure the gap from.
    state_.current().last_ts_ns = abi::boottime_ns();
    state_.current().last_wall_ns = abi::realtime_ns();
    save_state(true);
    wait_signals();
    arm_tick();
    notify_.ready(status_line());
    log_notice("procsentryd started: " + status_line());
    io_.run();

    // Every source is closed and the loop has ended: nothing adds alerts now.
    pipeline_->flush();
    if (opts_.replay)
        log_notice("replay finished: " + std::to_string(pipeline_->counters().records) + " records, " +
                   std::to_string(pipeline_->counters().alerts) + " alerts, " +
                   std::to_string(pipeline_->table().size()) + " processes tracked, peak RSS " + peak_rss_kb() +
                   " kB");
    sinks_->stop(kSinkStopDeadline);
    state_.current().clean = true;
    save_state(true);
    log_notice("procsentryd stopped");
    return 0;
}

void Daemon::wait_signals()
{
    signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
        if (ec)
            return;
        if (sig == SIGHUP) {
            std::string msg;
            reload(msg);
            wait_signals();
            return;
        }
        shutdown(std::string("signal ") + strsignal(sig));
    });
}

void Daemon::request_stop()
{
    boost::asio::post(io_, [this] { shutdown("stop requested"); });
}

void Daemon::shutdown(const std::string& why)
{
    if (stopping_)
        return;
    stopping_ = true;
    log_notice("stopping: " + why);
    notify_.stopping();
    boost::system::error_code ec;
    signals_.cancel(ec);
    tick_.cancel();
    replay_wait_.cancel();
    link_.reset();  // unregisters: the module detaches its hooks if we were the last reader
    replay_.reset();
    if (control_)
        control_->stop();
}

void Daemon::arm_tick()
{
    tick_.expires_after(kTick);
    tick_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopping_)
            return;
        on_tick();
        arm_tick();
    });
}

void Daemon::on_tick()
{
    pipeline_->tick();
    if (link_)
        link_->tick();
    const auto now = std::chrono::steady_clock::now();
    const auto since = now - rate_at_;
    if (since >= std::chrono::seconds(1)) {
        const uint64_t recs = pipeline_->counters().records;
        if (rate_at_.time_since_epoch().count() != 0)
            events_per_sec_ = static_cast<double>(recs - rate_records_) /
                              std::chrono::duration<double>(since).count();
        rate_records_ = recs;
        rate_at_ = now;
        auto& cur = state_.current();
        cur.last_ts_ns = abi::boottime_ns();
        cur.last_wall_ns = abi::realtime_ns();
        save_state(false);
        notify_.status(status_line());
    }
    const auto wd = std::chrono::milliseconds(notify_.watchdog_interval_ms());
    if (wd.count() > 0 && now - last_watchdog_ >= wd) {
        notify_.watchdog();
        last_watchdog_ = now;
    }
}

void Daemon::replay_some()
{
    if (!replay_ || stopping_)
        return;
    source::Message m;
    for (std::size_t i = 0; i < kReplayMessagesPerTurn; i++) {
        source::RecordSource::Status st;
        try {
            st = replay_->read(m, std::chrono::milliseconds(0));
        } catch (const std::exception& e) {
            log_err(std::string("replay ") + *opts_.replay + ": " + e.what());
            shutdown("replay error");
            return;
        }
        if (st == source::RecordSource::Status::end) {
            shutdown("replay finished");
            return;
        }
        if (st == source::RecordSource::Status::timeout) {
            // Following: at the end of the file for now; look again soon.
            replay_wait_.expires_after(kFollowPoll);
            replay_wait_.async_wait([this](const boost::system::error_code& ec) {
                if (!ec)
                    replay_some();
            });
            return;
        }
        // Monitoring disabled while following: what the module would not
        // have recorded is read past, not analysed.
        if (st == source::RecordSource::Status::message && state_.enabled())
            pipeline_->on_message(m);
    }
    boost::asio::post(io_, [this] { replay_some(); });
}

void Daemon::publish(const alert::SerializedPtr& a)
{
    if (sinks_)
        sinks_->submit(a);
    if (control_)
        control_->publish(a);
}

void Daemon::save_state(bool durable)
{
    if (opts_.replay && !opts_.replay_follow)
        return;
    std::string err;
    if (!state_.save(err, durable))
        log_warn("state not saved: " + err);
}

std::string Daemon::status_line() const
{
    std::string s = state_.enabled() ? "monitoring" : "monitoring disabled";
    if (link_)
        s += std::string(", module ") + KernelLink::name(link_->state());
    if (link_ && !link_->reason().empty() && state_.enabled())
        s += " (" + link_->reason() + ")";
    if (link_ && !link_->version_mismatch().empty())
        s += " (module version mismatch)";
    const auto& c = pipeline_->counters();
    s += ", " + std::to_string(static_cast<uint64_t>(events_per_sec_)) + " records/s, " +
         std::to_string(c.alerts) + " alerts";
    return s;
}

bool Daemon::set_enabled(bool on, std::string& message)
{
    if (opts_.replay && !opts_.replay_follow) {
        message = "not available while replaying a file";
        return false;
    }
    const bool was = state_.enabled();
    state_.set_enabled(on);
    std::string err;
    if (!state_.save(err, true)) {
        state_.set_enabled(was);
        message = "could not persist the setting: " + err;
        return false;
    }
    if (link_) {
        if (on)
            link_->enable();
        else
            link_->disable();
    }
    if (was != on) {
        // Turning monitoring off is exactly what an intruder would do: record who can see it.
        pipeline_->sensor_alert(on ? "monitoring_enabled" : "monitoring_disabled",
                                on ? rules::Severity::info : rules::Severity::medium,
                                on ? "process monitoring was enabled on this host"
                                   : "process monitoring was disabled on this host (procsentryctl disable)",
                                0);
    }
    message = on ? "monitoring enabled" : "monitoring disabled";
    log_notice(message);
    notify_.status(status_line());
    return true;
}

bool Daemon::reload(std::string& message)
{
    rules::ConfigLoader loader(opts_.state_dir);
    auto res = loader.load_file(opts_.config);
    if (!res.ok) {
        std::string err;
        for (const auto& e : res.errors)
            err += (err.empty() ? "" : "; ") + e.to_string();
        config_error_ = err;
        message = "reload failed, keeping the previous configuration: " + err;
        log_err(message);
        return false;
    }
    auto next = std::make_shared<const rules::Config>(std::move(res.config));
    try {
        sinks_->apply(next->sinks);
    } catch (const std::exception& e) {
        config_error_ = e.what();
        message = std::string("reload failed, keeping the previous configuration: ") + e.what();
        log_err(message);
        return false;
    }
    config_ = next;
    config_loaded_ns_ = abi::realtime_ns();
    config_error_.clear();
    pipeline_->set_config(config_);
    if (link_)
        link_->set_argv_max(config_->daemon.argv_max);
    message = "configuration reloaded from " + opts_.config + ": " + std::to_string(config_->rules.size()) +
              " rules, " + std::to_string(config_->sinks.size()) + " sinks";
    log_notice(message);
    return true;
}

Json::Value Daemon::status()
{
    Json::Value v;
    v["version"] = daemon_version();
    v["monitoring"] = state_.enabled() ? "enabled" : "disabled";
    v["host"] = pipeline_->host().hostname;
    Json::Value k;
    if (link_) {
        k["state"] = KernelLink::name(link_->state());
        k["reason"] = link_->reason();
        k["abi_version"] = link_->abi_version();
        k["module_version"] = link_->module_version();
        k["version_mismatch"] = link_->version_mismatch();
        k["nr_cpus"] = link_->nr_cpus();
        if (link_->module_stats())
            k["module"] = module_stats_json(*link_->module_stats());
    } else {
        k["state"] = opts_.replay ? (opts_.replay_follow ? "replay-follow" : "replay") : "none";
        if (opts_.replay)
            k["replay"] = *opts_.replay;
    }
    k["reader_abi_version"] = PROCSENTRY_ABI_VERSION;
    v["kernel"] = k;
    v["records_per_sec"] = events_per_sec_;
    v["records"] = Json::UInt64(pipeline_->counters().records);
    v["loss"] = loss_json(pipeline_->loss());
    v["alerts"] = alerts_json(pipeline_->counters());
    v["sinks"] = sinks_json(sinks_->health());
    Json::Value c;
    c["file"] = opts_.config;
    c["version"] = config_->version;
    c["rules"] = static_cast<Json::UInt>(config_->rules.size());
    c["loaded_ns"] = Json::Int64(config_loaded_ns_);
    c["last_reload_error"] = config_error_;
    v["config"] = c;
    v["processes"] = Json::UInt64(pipeline_->table().size());
    return v;
}

Json::Value Daemon::stats()
{
    Json::Value v = status();
    v["pipeline"] = pipeline_json(*pipeline_);
    if (link_)
        v["source"] = source_json(link_->counters());
    return v;
}

}  // namespace procsentry::app
