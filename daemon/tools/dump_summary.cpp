// SPDX-License-Identifier: GPL-2.0
#include "dump_summary.hpp"

#include "format/json_writer.hpp"

namespace procsentry::dump {

void DumpSummary::count(const abi::Record& r)
{
    ++by_type_[r.body.index()];
    ++total_;
    if (const auto* lost = std::get_if<abi::Lost>(&r.body))
        lost_reported_ += lost->count;
}

std::string DumpSummary::to_json(const abi::SequenceTracker& seq, const abi::DecodeStats& dec,
                                 const source::SourceCounters& src) const
{
    static constexpr const char* kNames[] = {"exec", "exec_failed", "cred_change", "exit", "fork", "lost",
                                             "config"};
    static_assert(std::size(kNames) == std::variant_size_v<abi::Body>);

    std::string out;
    format::JsonWriter w(out);
    w.begin_object().field("type", "summary").field("messages", dec.messages);
    w.key("records").begin_object();
    for (std::size_t i = 0; i < by_type_.size(); ++i)
        w.field(kNames[i], by_type_[i]);
    w.end_object();
    w.field("total", total_).field("lost_reported", lost_reported_);
    w.key("gaps").begin_object();
    for (const auto& [cpu, s] : seq.cpus())
        w.field(std::to_string(cpu), s.missing);
    w.end_object();
    w.field("missing", seq.total_missing()).field("seq_anomalies", seq.total_anomalies());
    w.field("malformed", dec.malformed).field("unknown", dec.unknown).field("cpu_mismatch", dec.cpu_mismatch);
    w.field("enobufs", src.enobufs).field("bad_messages", src.bad_messages);
    w.end_object();
    return out;
}

}  // namespace procsentry::dump
