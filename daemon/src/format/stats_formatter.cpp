// SPDX-License-Identifier: GPL-2.0
#include "format/stats_formatter.hpp"

#include "format/json_writer.hpp"

namespace procsentry::format {

namespace {

void write_cpu_fields(JsonWriter& w, const procsentry_cpu_stats& c)
{
    w.field("produced", uint64_t{c.produced})
        .field("delivered", uint64_t{c.delivered})
        .field("dropped_full", uint64_t{c.dropped_full})
        .field("dropped_nomem", uint64_t{c.dropped_nomem})
        .field("dropped_reader", uint64_t{c.dropped_reader})
        .field("dropped_no_listener", uint64_t{c.dropped_no_listener})
        .field("pending", uint64_t{c.pending})
        .field("messages", uint64_t{c.messages});
}

}  // namespace

std::string StatsFormatter::to_json(const abi::Stats& s)
{
    std::string out;
    JsonWriter w(out);
    w.begin_object().field("type", "stats").field("nr_cpus", s.nr_cpus);
    w.key("cpus").begin_array();
    for (std::size_t i = 0; i < s.cpus.size(); ++i) {
        w.begin_object().field("cpu", uint64_t{i});
        write_cpu_fields(w, s.cpus[i]);
        w.end_object();
    }
    w.end_array();
    w.key("totals").begin_object();
    write_cpu_fields(w, abi::sum_cpu_stats(s.cpus));
    w.end_object();
    if (s.global) {
        const auto& g = *s.global;
        w.key("global")
            .begin_object()
            .field("probe_missed", uint64_t{g.probe_missed})
            .field("no_slot", uint64_t{g.no_slot})
            .field("listeners", uint32_t{g.listeners})
            .field("hook_mode", uint32_t{g.hook_mode})
            .field("hooks_attached", uint32_t{g.hooks_attached})
            .field("probes_active", uint32_t{g.probes_active})
            .end_object();
    }
    if (s.config) {
        const auto& c = *s.config;
        w.key("config")
            .begin_object()
            .field("event_mask", uint32_t{c.event_mask})
            .field("argv_max", uint32_t{c.argv_max});
        if constexpr (requires { c.flags; })
            w.field("flags", uint32_t{c.flags});
        w.end_object();
    }
    w.end_object();
    return out;
}

}  // namespace procsentry::format
