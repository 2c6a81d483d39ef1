// SPDX-License-Identifier: GPL-2.0
#include "app/status_json.hpp"

#include "format/names.hpp"
#include "rules/types.hpp"

namespace procsentry::app {

Json::Value sinks_json(const std::vector<sinks::SinkHealth>& hs)
{
    Json::Value out(Json::arrayValue);
    for (const auto& h : hs) {
        Json::Value v;
        v["name"] = h.name;
        v["type"] = h.type;
        v["healthy"] = h.healthy;
        v["last_error"] = h.last_error;
        v["submitted"] = Json::UInt64(h.submitted);
        v["delivered"] = Json::UInt64(h.delivered);
        v["dropped"] = Json::UInt64(h.dropped);
        v["queued"] = Json::UInt64(h.queued);
        v["spooled"] = Json::UInt64(h.spooled);
        v["retries"] = Json::UInt64(h.retries);
        out.append(v);
    }
    return out;
}

Json::Value alerts_json(const PipelineCounters& c)
{
    Json::Value v;
    v["total"] = Json::UInt64(c.alerts);
    Json::Value by(Json::objectValue);
    for (std::size_t i = 1; i < c.by_severity.size(); i++)
        by[std::string(rules::to_string(static_cast<rules::Severity>(i)))] = Json::UInt64(c.by_severity[i]);
    v["by_severity"] = by;
    return v;
}

Json::Value loss_json(const LossReporter& l)
{
    Json::Value v(Json::objectValue);
    for (const auto& [cause, n] : l.totals())
        v[cause] = Json::UInt64(n);
    return v;
}

Json::Value module_stats_json(const abi::Stats& s)
{
    Json::Value v;
    const auto sum = abi::sum_cpu_stats(s.cpus);
    v["nr_cpus"] = s.nr_cpus;
    v["produced"] = Json::UInt64(sum.produced);
    v["delivered"] = Json::UInt64(sum.delivered);
    v["dropped_buffer_full"] = Json::UInt64(sum.dropped_full);
    v["dropped_nomem"] = Json::UInt64(sum.dropped_nomem);
    v["dropped_reader"] = Json::UInt64(sum.dropped_reader);
    v["dropped_no_listener"] = Json::UInt64(sum.dropped_no_listener);
    v["pending"] = Json::UInt64(sum.pending);
    if (s.global) {
        v["probe_missed"] = Json::UInt64(s.global->probe_missed);
        v["no_slot"] = Json::UInt64(s.global->no_slot);
        v["readers"] = s.global->listeners;
        v["hook_mode"] = s.global->hook_mode == 0 ? "kprobe" : "syscall_tp";
        v["hooks_attached"] = s.global->hooks_attached != 0;
    }
    return v;
}

Json::Value pipeline_json(const Pipeline& p)
{
    Json::Value v;
    const auto& c = p.counters();
    v["records"] = Json::UInt64(c.records);
    v["events"] = Json::UInt64(c.events);
    const auto& d = p.decode_stats();
    v["decode"]["messages"] = Json::UInt64(d.messages);
    v["decode"]["malformed"] = Json::UInt64(d.malformed);
    v["decode"]["unknown"] = Json::UInt64(d.unknown);
    v["sequence"]["missing"] = Json::UInt64(p.sequences().total_missing());
    v["sequence"]["anomalies"] = Json::UInt64(p.sequences().total_anomalies());
    const auto& t = p.table().stats();
    v["proctable"]["size"] = Json::UInt64(p.table().size());
    v["proctable"]["seeded"] = Json::UInt64(t.seeded);
    v["proctable"]["evicted"] = Json::UInt64(t.evicted);
    v["proctable"]["pid_reuse"] = Json::UInt64(t.pid_reuse);
    v["proctable"]["unknown_exits"] = Json::UInt64(t.unknown_exits);
    v["rules"]["matched"] = Json::UInt64(p.engine_stats().matched);
    v["rules"]["skipped"] = Json::UInt64(p.engine_stats().skipped);
    v["rules"]["pending_escalations"] = Json::UInt64(p.pending_escalations());
    // Escalations resolved without waiting for their outcome (window or
    // max_pending): many of them while sudo/su/pkexec run may mean someone
    // is churning set-user-ID programs to turn refusals into successes.
    const auto& e = p.escalation_stats();
    v["rules"]["escalations"]["started"] = Json::UInt64(e.started);
    v["rules"]["escalations"]["succeeded"] = Json::UInt64(e.succeeded);
    v["rules"]["escalations"]["failed"] = Json::UInt64(e.failed);
    v["rules"]["escalations"]["expired"] = Json::UInt64(e.expired);
    v["rules"]["escalations"]["overflowed"] = Json::UInt64(e.overflowed);
    v["rules"]["escalations"]["failed_late"] = Json::UInt64(e.failed_late);
    v["noise"]["folded"] = Json::UInt64(p.noise_stats().folded);
    v["noise"]["suppressed"] = Json::UInt64(p.noise_stats().suppressed);
    v["noise"]["unfolded"] = Json::UInt64(p.noise_stats().unfolded);
    v["noise"]["summaries"] = Json::UInt64(p.noise_stats().summaries);
    return v;
}

Json::Value source_json(const source::SourceCounters& c)
{
    Json::Value v;
    v["messages"] = Json::UInt64(c.messages);
    v["enobufs"] = Json::UInt64(c.enobufs);
    v["bad_messages"] = Json::UInt64(c.bad_messages);
    v["foreign"] = Json::UInt64(c.foreign);
    return v;
}

}  // namespace procsentry::app
