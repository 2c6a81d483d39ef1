// SPDX-License-Identifier: GPL-2.0
// procsentryd: wires configuration, state, sinks, the pipeline, the kernel
// link (or a replay file) and the control socket around one io_context.
// Startup is a list of ordered steps, each failing with a precise message;
// SIGHUP reloads, SIGTERM/SIGINT stop: sources are closed first, then the
// pipeline is flushed and sinks deliver or spool what they hold.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "agent/agent_host.hpp"
#include "agent/console_agent.hpp"
#include "agent/token_box.hpp"
#include "app/kernel_link.hpp"
#include "app/options.hpp"
#include "app/pipeline.hpp"
#include "app/sd_notify.hpp"
#include "app/sink_set.hpp"
#include "app/state_store.hpp"
#include "control/control_handler.hpp"
#include "control/control_server.hpp"
#include "rules/config.hpp"
#include "rules/config_loader.hpp"
#include "source/record_source.hpp"

namespace procsentry::app {

class Daemon : public control::ControlHandler, public agent::AgentHost {
public:
    explicit Daemon(Options opts);
    ~Daemon() override;

    // Runs until stopped; returns the process exit status (0, or 78 for a
    // configuration that cannot be used at startup, 1 for other fatal errors).
    int run();
    // Thread-safe: stops the daemon as SIGTERM does (tests, embedding).
    void request_stop();

    // control::ControlHandler
    Json::Value status() override;
    Json::Value stats() override;
    bool set_enabled(bool on, std::string& message) override;
    bool reload(std::string& message) override;

    // agent::AgentHost (called on the loop: the agent posts them here)
    agent::HostReport report() override;
    bool apply_monitoring(bool enabled, uint64_t generation, std::string& error) override;
    bool apply_policy(uint64_t version, const Json::Value& policy, std::string& error) override;

private:
    // The local file, with the saved console policy merged in when the file
    // has a console section and the policy fits (policy_version set);
    // otherwise the local file alone (policy_problem says why, if at all).
    rules::LoadResult load_config(std::optional<uint64_t>& policy_version, std::string& policy_problem) const;
    // Sinks of the file plus the console's.
    std::vector<rules::SinkSpec> sink_specs(const rules::Config& c) const;
    // Swaps in a validated configuration (sinks first: they may fail).
    bool swap_config(std::shared_ptr<const rules::Config> next, std::string& error);
    // Starts, replaces or stops the console agent to match config_.
    void update_agent();
    bool set_monitoring(bool on, const std::string& by, std::optional<uint64_t> generation, std::string& message);
    bool step_config(std::string& err);
    bool step_state(std::string& err);
    bool step_sinks(std::string& err);
    bool step_control(std::string& err);
    void step_processes();
    void step_source();
    void report_previous_session();

    void wait_signals();
    void arm_tick();
    void on_tick();
    void replay_some();
    void shutdown(const std::string& why);
    void publish(const alert::SerializedPtr& a);
    void save_state(bool durable);
    std::string status_line() const;

    Options opts_;
    boost::asio::io_context io_;
    boost::asio::signal_set signals_;
    boost::asio::steady_timer tick_;
    SdNotify notify_;
    std::shared_ptr<const rules::Config> config_;
    std::string config_error_;  // last failed reload, "" if the last one worked
    int64_t config_loaded_ns_ = 0;
    StateStore state_;
    std::unique_ptr<SinkSet> sinks_;
    std::unique_ptr<Pipeline> pipeline_;
    std::unique_ptr<KernelLink> link_;
    std::unique_ptr<source::RecordSource> replay_;  // ReplaySource, or ReplayFollowSource with replay_follow
    boost::asio::steady_timer replay_wait_;          // --replay-follow: next poll of the file
    std::unique_ptr<control::ControlServer> control_;
    std::shared_ptr<agent::TokenBox> console_token_ = std::make_shared<agent::TokenBox>();
    std::unique_ptr<agent::ConsoleAgent> agent_;
    // The console sink's spec while one is wanted: what SinkSet's factory
    // makes with the agent token (set before the sinks are applied).
    std::optional<rules::SinkSpec> console_sink_;
    std::string agent_error_;                 // the agent could not be made (bad ca_file)
    std::optional<uint64_t> policy_version_;  // console policy running, if any
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    bool stopping_ = false;
    std::chrono::steady_clock::time_point last_watchdog_{};
    uint64_t rate_records_ = 0;  // records at the last rate sample
    std::chrono::steady_clock::time_point rate_at_{};
    double events_per_sec_ = 0;
};

}  // namespace procsentry::app
