// SPDX-License-Identifier: GPL-2.0
// From kernel messages to serialised alerts, single-threaded (the event
// loop's): decode -> sequence check -> detect (against the process table as
// it was before the record) -> update the table -> rules -> noise control ->
// serialise -> out.  Loss of any kind becomes a sensor alert.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "abi/decoder.hpp"
#include "abi/sequence_tracker.hpp"
#include "alert/alert_factory.hpp"
#include "alert/noise_filter.hpp"
#include "app/loss_reporter.hpp"
#include "proctable/cgroup_resolver.hpp"
#include "proctable/process_table.hpp"
#include "proctable/user_db.hpp"
#include "rules/config.hpp"
#include "rules/detector.hpp"
#include "rules/rule_engine.hpp"
#include "source/record_source.hpp"

namespace procsentry::app {

struct PipelineOptions {
    std::string proc_root = "/proc";
    std::string passwd = "/etc/passwd";
    std::string group = "/etc/group";
    std::string cgroup_root = "/sys/fs/cgroup";
    uint32_t self_tgid = 0;  // CONFIG records we caused ourselves are not alerts
    bool live = true;        // records come from the kernel now (not a replay)
};

struct PipelineCounters {
    uint64_t records = 0;
    uint64_t events = 0;
    uint64_t alerts = 0;  // serialised and handed out
    std::array<uint64_t, 6> by_severity{};
    uint64_t last_ts_ns = 0;  // CLOCK_BOOTTIME of the newest record
};

class Pipeline {
public:
    using Out = std::function<void(const alert::SerializedPtr&)>;
    Pipeline(const PipelineOptions& opts, std::shared_ptr<const rules::Config> config, alert::HostInfo host, Out out);
    ~Pipeline();

    std::size_t seed_processes();
    void set_config(std::shared_ptr<const rules::Config> config);
    void on_message(const source::Message& m);
    void on_loss(const std::string& cause, uint64_t n) { loss_.add(cause, n); }
    // About once a second: pending escalations, fold windows, loss reports.
    void tick();
    // Emits everything held back (folds); at shutdown.
    void flush();
    // An alert about the sensor itself (loss, gap, module state).
    void sensor_alert(const std::string& what, rules::Severity sev, const std::string& summary, uint64_t count);

    const PipelineCounters& counters() const { return counters_; }
    const abi::DecodeStats& decode_stats() const { return decoder_.stats(); }
    const abi::SequenceTracker& sequences() const { return sequences_; }
    const LossReporter& loss() const { return loss_; }
    const proctable::ProcessTable& table() const { return *table_; }
    const rules::EngineStats& engine_stats() const { return engine_->stats(); }
    const alert::NoiseStats& noise_stats() const { return noise_->stats(); }
    std::size_t pending_escalations() const { return detector_->pending(); }
    const rules::EscalationStats& escalation_stats() const { return detector_->escalation_stats(); }
    const alert::HostInfo& host() const { return factory_.host(); }

private:
    void handle(const abi::Record& r);
    void apply_to_table(const abi::Record& r);
    void emit(alert::Alert&& a);
    void emit_events(const abi::Record* rec);  // rec: the record they came from

    PipelineOptions opts_;
    std::shared_ptr<const rules::Config> config_;
    Out out_;
    abi::Decoder decoder_;
    abi::SequenceTracker sequences_;
    LossReporter loss_;
    proctable::UserDb users_;
    std::shared_ptr<proctable::CgroupResolver> cgroups_;
    std::unique_ptr<proctable::ProcessTable> table_;
    std::unique_ptr<rules::Detector> detector_;
    std::unique_ptr<rules::RuleEngine> engine_;
    alert::AlertFactory factory_;
    std::unique_ptr<alert::NoiseFilter> noise_;
    PipelineCounters counters_;
    uint32_t host_userns_ = 0;
    std::vector<rules::Event> events_;
    std::vector<rules::Match> matches_;
};

}  // namespace procsentry::app
