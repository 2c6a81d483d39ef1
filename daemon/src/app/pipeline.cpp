// SPDX-License-Identifier: GPL-2.0
#include "app/pipeline.hpp"

#include <sys/stat.h>
#include <variant>

#include <procsentry/procsentry_abi.h>

#include "abi/clock.hpp"
#include "format/names.hpp"

namespace procsentry::app {

namespace {

rules::DetectorOptions detector_options(const rules::Config& c, uint32_t host_userns)
{
    rules::DetectorOptions o;
    o.ancestry_depth = c.daemon.ancestry_depth;
    o.escalation_window_ns = static_cast<uint64_t>(c.daemon.escalation_window_ms) * 1'000'000ull;
    // Events of a type no rule can alert on are not even built.
    o.types = 0;
    for (const auto& r : c.rules)
        if (r.enabled && (r.on_success != rules::Severity::none || r.on_failure != rules::Severity::none))
            o.types |= rules::rule_type_bit(r.type);
    o.host_userns = host_userns;
    return o;
}

}  // namespace

Pipeline::Pipeline(const PipelineOptions& opts, std::shared_ptr<const rules::Config> config, alert::HostInfo host,
                   Out out)
    : opts_(opts), config_(std::move(config)), out_(std::move(out)), users_(opts.passwd, opts.group),
      cgroups_(std::make_shared<proctable::CgroupResolver>(opts.cgroup_root)), factory_(std::move(host))
{
    proctable::ProcessTable::Options to;
    to.max_processes = config_->daemon.max_processes;
    to.max_argv_bytes = config_->daemon.argv_max;
    to.proc_root = opts.proc_root;
    table_ = std::make_unique<proctable::ProcessTable>(to, cgroups_);
    struct stat st{};
    if (stat((opts.proc_root + "/self/ns/user").c_str(), &st) == 0)
        host_userns_ = static_cast<uint32_t>(st.st_ino);
    detector_ = std::make_unique<rules::Detector>(detector_options(*config_, host_userns_), *table_, users_);
    engine_ = std::make_unique<rules::RuleEngine>(config_, users_);
    noise_ = std::make_unique<alert::NoiseFilter>(config_->noise, [this](alert::Alert&& a) { emit(std::move(a)); });
}

Pipeline::~Pipeline() = default;

std::size_t Pipeline::seed_processes() { return table_->seed_from_proc(); }

void Pipeline::set_config(std::shared_ptr<const rules::Config> config)
{
    config_ = std::move(config);
    table_->set_max_processes(config_->daemon.max_processes);
    detector_->set_options(detector_options(*config_, host_userns_));
    engine_->set_config(config_);
    noise_->set_spec(config_->noise);
}

void Pipeline::on_message(const source::Message& m)
{
    const auto res = decoder_.decode(m.records, m.cpu);
    if (res.malformed)
        loss_.add("malformed", res.malformed);
    if (res.unknown)
        loss_.add("unknown_type", res.unknown);
    for (const auto& r : res.records)
        handle(r);
}

void Pipeline::handle(const abi::Record& r)
{
    counters_.records++;
    if (const auto* lost = std::get_if<abi::Lost>(&r.body)) {
        loss_.add("kernel_" + format::lost_cause_name(lost->cause), lost->count);
        return;
    }
    const auto obs = sequences_.observe(r.hdr.cpu, r.hdr.seq);
    if (obs.verdict == abi::SequenceTracker::Verdict::gap)
        loss_.add("sequence_gap", obs.missing);
    else if (obs.verdict == abi::SequenceTracker::Verdict::anomaly)
        loss_.add("sequence_anomaly", 1);
    if (r.hdr.ts_ns > counters_.last_ts_ns)
        counters_.last_ts_ns = r.hdr.ts_ns;

    if (const auto* cc = std::get_if<abi::ConfigChange>(&r.body)) {
        // Someone else narrowing what the module reports blinds us: say so.
        if (cc->task.tgid != opts_.self_tgid)
            sensor_alert("module_config_changed", config_->daemon.loss_severity,
                         "the sensor configuration was changed by pid " + std::to_string(cc->task.tgid) +
                             " (event mask " + std::to_string(cc->old_config.event_mask) + " -> " +
                             std::to_string(cc->new_config.event_mask) + ")",
                         0);
        return;
    }
    events_.clear();
    detector_->detect(r, events_);
    // Alerts first: completing an event reads the table as it was before
    // this record.
    emit_events(&r);
    apply_to_table(r);
}

void Pipeline::apply_to_table(const abi::Record& r)
{
    std::visit(
        [this](const auto& b) {
            using T = std::decay_t<decltype(b)>;
            if constexpr (std::is_same_v<T, abi::Fork>)
                table_->on_fork(b);
            else if constexpr (std::is_same_v<T, abi::Exec>)
                table_->on_exec(b);
            else if constexpr (std::is_same_v<T, abi::CredChange>)
                table_->on_cred(b);
            else if constexpr (std::is_same_v<T, abi::Exit>)
                table_->on_exit(b);
        },
        r.body);
}

void Pipeline::emit_events(const abi::Record* rec)
{
    if (events_.empty())
        return;
    int64_t now = 0;  // read only when something matched: most events match nothing
    for (auto& ev : events_) {
        counters_.events++;
        matches_.clear();
        engine_->evaluate(ev, matches_);
        if (matches_.empty())
            continue;
        if (rec)
            detector_->complete(ev, *rec);
        if (now == 0)
            now = abi::realtime_ns();
        for (const auto& m : matches_)
            noise_->offer(factory_.from_event(ev, *m.rule, m.severity), now);
    }
}

void Pipeline::emit(alert::Alert&& a)
{
    const auto s = factory_.serialize(a);
    counters_.alerts++;
    counters_.by_severity[static_cast<std::size_t>(a.severity)]++;
    out_(s);
}

void Pipeline::sensor_alert(const std::string& what, rules::Severity sev, const std::string& summary, uint64_t count)
{
    if (sev == rules::Severity::none)
        return;
    emit(factory_.sensor(what, sev, summary, count, abi::boottime_ns()));
}

void Pipeline::tick()
{
    const uint64_t now = abi::boottime_ns();
    if (opts_.live) {
        // A replay's records carry old times: the detector expires by them.
        events_.clear();
        detector_->expire(now, events_);
        emit_events(nullptr);
    }
    noise_->tick(abi::realtime_ns());
    if (loss_.due(now)) {
        const auto rep = loss_.take(now);
        sensor_alert("records_lost", config_->daemon.loss_severity,
                     "the sensor lost at least " + std::to_string(rep.records) + " records (" + rep.detail + ")",
                     rep.records);
    }
}

void Pipeline::flush()
{
    tick();
    noise_->flush();
}

}  // namespace procsentry::app
