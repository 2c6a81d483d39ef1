// SPDX-License-Identifier: GPL-2.0
#include "app/sink_set.hpp"

#include <stdexcept>

#include "sinks/sink_factory.hpp"

namespace procsentry::app {

SinkSet::~SinkSet() { stop(std::chrono::milliseconds(2000)); }

void SinkSet::apply(const std::vector<rules::SinkSpec>& specs)
{
    std::vector<Entry> next;
    std::vector<Entry> fresh;  // made now, started only when all could be made
    for (const auto& spec : specs) {
        bool kept = false;
        for (auto& e : entries_) {
            if (e.sink && e.spec == spec) {
                next.push_back(std::move(e));
                kept = true;
                break;
            }
        }
        if (kept)
            continue;
        Entry e{spec, nullptr};
        try {
            e.sink = sinks::make_sink(spec, hostname_);
        } catch (const std::exception& ex) {
            // Put back what was moved out so the running set stays whole.
            for (auto& n : next)
                for (auto& old : entries_)
                    if (!old.sink && old.spec == n.spec) {
                        old.sink = std::move(n.sink);
                        break;
                    }
            throw std::runtime_error("sink '" + spec.name + "': " + ex.what());
        }
        if (!e.sink)
            throw std::runtime_error("sink '" + spec.name + "': unknown type '" + spec.type + "'");
        fresh.push_back({spec, nullptr});
        next.push_back(std::move(e));
    }
    for (auto& e : next)
        for (auto& f : fresh)
            if (f.spec == e.spec) {
                e.sink->start();
                break;
            }
    for (auto& old : entries_)
        if (old.sink)
            old.sink->stop(std::chrono::milliseconds(2000));
    entries_ = std::move(next);
}

void SinkSet::submit(const alert::SerializedPtr& a)
{
    for (auto& e : entries_)
        if (a->severity >= e.spec.min_severity)
            e.sink->submit(a);
}

void SinkSet::stop(std::chrono::milliseconds deadline)
{
    for (auto& e : entries_)
        if (e.sink)
            e.sink->stop(deadline);
    entries_.clear();
}

std::vector<sinks::SinkHealth> SinkSet::health() const
{
    std::vector<sinks::SinkHealth> out;
    for (const auto& e : entries_)
        out.push_back(e.sink->health());
    return out;
}

}  // namespace procsentry::app
