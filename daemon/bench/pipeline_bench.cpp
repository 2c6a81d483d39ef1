// SPDX-License-Identifier: GPL-2.0
// Decode + detection + rule evaluation (+ alert building for what matches)
// on a realistic record mix, with the default configuration: the work
// procsentryd does per record on its event loop.  Target: >= 2 M records/s
// per core.  Also the memory a 10 k-process table takes.
#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <string>

#include "app/pipeline.hpp"
#include "record_mix.hpp"
#include "rules/config_loader.hpp"

namespace {

using namespace procsentry;

std::shared_ptr<const rules::Config> default_config()
{
    auto res = rules::ConfigLoader("/tmp").load_file(PROCSENTRY_SOURCE_DIR "/etc/procsentry.json");
    if (!res.ok)
        throw std::runtime_error("default configuration does not load: " + res.errors.at(0).to_string());
    res.config.sinks.clear();
    return std::make_shared<const rules::Config>(std::move(res.config));
}

std::unique_ptr<app::Pipeline> make_pipeline(uint64_t& alerts)
{
    app::PipelineOptions o;
    o.proc_root = "/nonexistent";
    o.cgroup_root = "/nonexistent";
    return std::make_unique<app::Pipeline>(o, default_config(), alert::HostInfo{"bench", "0", "0"},
                                           [&alerts](const alert::SerializedPtr&) { alerts++; });
}

// Moves every record's sequence number on, so that replaying the corpus
// looks like new records and not like a reader seeing duplicates.
void renumber(std::vector<source::Message>& msgs, uint64_t offset)
{
    for (auto& m : msgs) {
        std::size_t pos = 0;
        while (pos + sizeof(procsentry_rec_hdr) <= m.records.size()) {
            procsentry_rec_hdr h;
            std::memcpy(&h, m.records.data() + pos, sizeof h);
            h.seq += offset;
            std::memcpy(m.records.data() + pos, &h, sizeof h);
            pos += h.size;
        }
    }
}

void BM_PipelineDefaultRules(benchmark::State& st)
{
    bench::RecordMix mix;
    auto msgs = mix.make(20000);
    const uint64_t per_pass = mix.stats().records;
    uint64_t alerts = 0;
    auto p = make_pipeline(alerts);
    for (auto _ : st) {
        for (const auto& m : msgs)
            p->on_message(m);
        st.PauseTiming();
        renumber(msgs, per_pass);
        st.ResumeTiming();
    }
    st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * per_pass));
    st.counters["alerts_per_pass"] = static_cast<double>(alerts) / static_cast<double>(st.iterations());
    st.counters["loss"] = static_cast<double>(p->sequences().total_missing() + p->sequences().total_anomalies());
}
BENCHMARK(BM_PipelineDefaultRules)->Unit(benchmark::kMillisecond)->MinTime(2.0);

long rss_kb()
{
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stol(line.substr(6));
    return 0;
}

void BM_ProcessTable10k(benchmark::State& st)
{
    for (auto _ : st) {
        bench::RecordMix mix(false);
        auto msgs = mix.make(10000);
        uint64_t alerts = 0;
        const long before = rss_kb();
        auto p = make_pipeline(alerts);
        for (const auto& m : msgs)
            p->on_message(m);
        msgs.clear();
        msgs.shrink_to_fit();
        st.counters["processes"] = static_cast<double>(p->table().size());
        st.counters["table_rss_kb"] = static_cast<double>(rss_kb() - before);
    }
}
BENCHMARK(BM_ProcessTable10k)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
