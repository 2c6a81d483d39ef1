// SPDX-License-Identifier: GPL-2.0
#include "app/daemon.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "abi/clock.hpp"
#include "agent/console_sink.hpp"
#include "agent/policy_store.hpp"
#include "alert/host_info.hpp"
#include "alert/rfc3339.hpp"
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

rules::LoadResult Daemon::load_config(std::optional<uint64_t>& policy_version, std::string& policy_problem) const
{
    policy_version.reset();
    policy_problem.clear();
    const rules::ConfigLoader loader(opts_.state_dir);
    auto res = loader.load_file(opts_.config);
    if (!res.ok || !res.config.console)
        return res;
    std::string err;
    const auto saved = agent::PolicyStore(opts_.state_dir).load(res.config.console->url, err);
    if (!err.empty())
        policy_problem = err;
    if (!saved)
        return res;
    const std::string name = "console policy " + std::to_string(saved->version);
    auto merged = loader.load_file_with_policy(opts_.config, saved->policy, name);
    if (!merged.ok) {
        for (const auto& e : merged.errors)
            policy_problem += (policy_problem.empty() ? "" : "; ") + e.to_string();
        return res;
    }
    policy_version = saved->version;
    return merged;
}

std::vector<rules::SinkSpec> Daemon::sink_specs(const rules::Config& c) const
{
    auto specs = c.sinks;
    if (c.console)
        specs.push_back(agent::ConsoleSink::spec(*c.console, opts_.state_dir));
    return specs;
}

bool Daemon::step_config(std::string& err)
{
    std::string problem;
    auto res = load_config(policy_version_, problem);
    if (!problem.empty())
        log_warn("saved console policy not used, running the local rules: " + problem);
    if (!res.ok) {
        for (const auto& e : res.errors)
            err += (err.empty() ? "" : "\n") + e.to_string();
        if (err.empty())
            err = opts_.config + ": invalid configuration";
        return false;
    }
    config_ = std::make_shared<const rules::Config>(std::move(res.config));
    config_loaded_ns_ = abi::realtime_ns();
    if (config_->sinks.empty() && !config_->console)
        log_warn(opts_.config + ": no sinks and no console: alerts reach only procsentryctl tail");
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
    sinks_ = std::make_unique<SinkSet>(pipeline_->host().hostname,
                                       [this](const rules::SinkSpec& spec) -> std::unique_ptr<sinks::Sink> {
                                           if (console_sink_ && spec == *console_sink_)
                                               return agent::ConsoleSink::make(spec, console_token_);
                                           return nullptr;
                                       });
    if (config_->console)
        console_sink_ = agent::ConsoleSink::spec(*config_->console, opts_.state_dir);
    try {
        sinks_->apply(sink_specs(*config_));
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
    update_agent();
    try {
        step_source();
    } catch (const std::exception& e) {
        log_err(std::string("replay: ") + e.what());
        agent_.reset();
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
    agent_.reset();  // stopped in shutdown(); this joins its thread
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
    if (agent_)
        agent_->stop();  // a held long poll is cut now
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

bool Daemon::set_enabled(bool on, std::string& message) { return set_monitoring(on, "procsentryctl", {}, message); }

bool Daemon::set_monitoring(bool on, const std::string& by, std::optional<uint64_t> generation, std::string& message)
{
    if (opts_.replay && !opts_.replay_follow) {
        message = "not available while replaying a file";
        return false;
    }
    const bool was = state_.enabled();
    const uint64_t was_generation = state_.console_generation();
    state_.set_enabled(on);
    if (generation)
        state_.set_console_generation(*generation);
    std::string err;
    if (!state_.save(err, true)) {
        state_.set_enabled(was);
        state_.set_console_generation(was_generation);
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
        const std::string how = by == "procsentryctl" ? (on ? "procsentryctl enable" : "procsentryctl disable") : by;
        pipeline_->sensor_alert(on ? "monitoring_enabled" : "monitoring_disabled",
                                on ? rules::Severity::info : rules::Severity::medium,
                                on ? "process monitoring was enabled on this host (" + how + ")"
                                   : "process monitoring was disabled on this host (" + how + ")",
                                0);
    }
    message = on ? "monitoring enabled" : "monitoring disabled";
    if (by != "procsentryctl")
        message += " by the " + by;
    log_notice(message);
    notify_.status(status_line());
    return true;
}

bool Daemon::swap_config(std::shared_ptr<const rules::Config> next, std::string& error)
{
    const auto previous_console_sink = console_sink_;
    console_sink_.reset();
    if (next->console)
        console_sink_ = agent::ConsoleSink::spec(*next->console, opts_.state_dir);
    try {
        sinks_->apply(sink_specs(*next));
    } catch (const std::exception& e) {
        console_sink_ = previous_console_sink;
        error = e.what();
        return false;
    }
    config_ = std::move(next);
    config_loaded_ns_ = abi::realtime_ns();
    pipeline_->set_config(config_);
    if (link_)
        link_->set_argv_max(config_->daemon.argv_max);
    update_agent();
    return true;
}

bool Daemon::reload(std::string& message)
{
    std::optional<uint64_t> policy_version;
    std::string problem;
    auto res = load_config(policy_version, problem);
    if (!res.ok) {
        std::string err;
        for (const auto& e : res.errors)
            err += (err.empty() ? "" : "; ") + e.to_string();
        config_error_ = err;
        message = "reload failed, keeping the previous configuration: " + err;
        log_err(message);
        return false;
    }
    std::string err;
    if (!swap_config(std::make_shared<const rules::Config>(std::move(res.config)), err)) {
        config_error_ = err;
        message = "reload failed, keeping the previous configuration: " + err;
        log_err(message);
        return false;
    }
    policy_version_ = policy_version;
    config_error_.clear();
    if (!problem.empty())
        log_warn("saved console policy not used, running the local rules: " + problem);
    message = "configuration reloaded from " + opts_.config + ": " + std::to_string(config_->rules.size()) +
              " rules, " + std::to_string(config_->sinks.size()) + " sinks";
    if (policy_version_)
        message += ", console policy version " + std::to_string(*policy_version_);
    log_notice(message);
    return true;
}

void Daemon::update_agent()
{
    const auto& want = config_->console;
    if (agent_ && want && agent_->spec() == *want)
        return;
    if (agent_) {
        agent_->stop();
        agent_.reset();
        console_token_->set({});
    }
    agent_error_.clear();
    if (!want || stopping_)
        return;
    const auto& h = pipeline_->host();
    agent::HostIdentity id{h.hostname, h.machine_id, h.boot_id, daemon_version()};
    try {
        agent_ = std::make_unique<agent::ConsoleAgent>(
            *want, opts_.state_dir, id, *this, [this](std::function<void()> f) { boost::asio::post(io_, std::move(f)); },
            console_token_);
        agent_->start();
    } catch (const std::exception& e) {
        agent_error_ = e.what();
        log_err("console: " + agent_error_);
    }
}

agent::HostReport Daemon::report()
{
    agent::HostReport r;
    utsname u{};
    if (uname(&u) == 0)
        r.kernel_release = u.release;
    if (link_) {
        r.module_version = link_->module_version();
        if (link_->abi_version())
            r.abi_version = link_->abi_version();
        r.sensor_state = KernelLink::name(link_->state());
        r.sensor_reason = link_->reason();
    } else {
        r.sensor_state = opts_.replay_follow ? "replay-follow" : "replay";
    }
    r.monitoring_enabled = state_.enabled();
    r.monitoring_generation = state_.console_generation();
    r.config_applied_version = policy_version_;
    for (const auto& [cause, n] : pipeline_->loss().totals()) {
        r.loss_total += n;
        r.loss_by_cause[cause] = Json::UInt64(n);
    }
    const Json::Value a = alerts_json(pipeline_->counters());
    r.alerts_total = a["total"].asUInt64();
    r.alerts_by_severity = a["by_severity"];
    r.uptime_s = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_).count());
    return r;
}

bool Daemon::apply_monitoring(bool enabled, uint64_t generation, std::string& error)
{
    if (stopping_) {
        error = "stopping";
        return false;
    }
    std::string message;
    if (set_monitoring(enabled, "console", generation, message))
        return true;
    error = message;
    return false;
}

void Daemon::enrolled_anew()
{
    state_.set_console_generation(0);
    save_state(true);
}

bool Daemon::apply_policy(uint64_t version, const Json::Value& policy, std::string& error)
{
    if (stopping_ || !config_->console) {
        error = stopping_ ? "stopping" : "no console section in " + opts_.config;
        return false;
    }
    const std::string name = "console policy " + std::to_string(version);
    auto res = rules::ConfigLoader(opts_.state_dir).load_file_with_policy(opts_.config, policy, name);
    if (!res.ok) {
        for (const auto& e : res.errors)
            error += (error.empty() ? "" : "; ") + e.to_string();
        return false;
    }
    // Saved first: once it runs, a restart or a SIGHUP must find it.
    if (!agent::PolicyStore(opts_.state_dir).save(config_->console->url, {version, policy}, error)) {
        error = "cannot save the policy: " + error;
        return false;
    }
    const auto detecting = [](const rules::Config& c) {
        return std::any_of(c.rules.begin(), c.rules.end(), [](const rules::Rule& r) { return r.enabled; });
    };
    const bool was_detecting = detecting(*config_);
    if (!swap_config(std::make_shared<const rules::Config>(std::move(res.config)), error))
        return false;
    policy_version_ = version;
    if (was_detecting && !detecting(*config_))
        // Allowed, but it silences this host as surely as `disable`: an
        // intruder holding the console would do exactly this.
        pipeline_->sensor_alert("no_enabled_rules", rules::Severity::medium,
                                name + " from the console leaves no enabled rule: no process activity raises "
                                       "an alert on this host",
                                0);
    log_notice(name + " applied: " + std::to_string(config_->rules.size()) + " rules");
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
    c["console_policy_version"] = policy_version_ ? Json::Value(Json::UInt64(*policy_version_)) : Json::Value();
    v["config"] = c;
    if (config_->console) {
        Json::Value con = agent_ ? agent_->status().to_json() : Json::Value(Json::objectValue);
        if (!agent_) {
            con["url"] = config_->console->url;
            con["state"] = "stopped";
            con["last_error"] = agent_error_;
        }
        const Json::Value ns = con["last_contact_ns"];
        con["last_contact"] = ns.isInt64() && ns.asInt64() > 0 ? Json::Value(alert::rfc3339(ns.asInt64())) : Json::Value();
        con["policy_applied_version"] = c["console_policy_version"];
        con["monitoring_generation"] = Json::UInt64(state_.console_generation());
        v["console"] = con;
    }
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
