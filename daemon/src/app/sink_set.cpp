// SPDX-License-Identifier: GPL-2.0
#include "app/sink_set.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "sinks/sink_factory.hpp"

namespace procsentry::app {

SinkSet::~SinkSet() { stop(std::chrono::milliseconds(2000)); }

void SinkSet::apply(const std::vector<rules::SinkSpec>& specs)
{
    std::vector<Entry> next;
    std::vector<sinks::Sink*> fresh;  // made now, started only when all could be made
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
        std::string error;
        try {
            if (factory_)
                e.sink = factory_(spec);
            if (!e.sink)
                e.sink = sinks::make_sink(spec, hostname_);
        } catch (const std::exception& ex) {
            error = ex.what();
        }
        if (!e.sink) {
            // Put back what was moved out so the running set stays whole.
            for (auto& n : next)
                for (auto& old : entries_)
                    if (!old.sink && old.spec == n.spec) {
                        old.sink = std::move(n.sink);
                        break;
                    }
            throw std::runtime_error("sink '" + spec.name + "': " +
                                     (error.empty() ? "unknown type '" + spec.type + "'" : error));
        }
        fresh.push_back(e.sink.get());
        next.push_back(std::move(e));
    }
    // Old sinks go first: a replaced HTTP sink releases its spool directory
    // before its successor opens it.
    std::vector<sinks::Sink*> old;
    for (auto& o : entries_)
        if (o.sink)
            old.push_back(o.sink.get());
    stop_all(old, std::chrono::milliseconds(2000));
    for (auto* o : old) {
        const sinks::SinkHealth h = o->health();
        auto it = std::find_if(retired_.begin(), retired_.end(),
                               [&](const sinks::SinkHealth& r) { return r.name == h.name; });
        if (it == retired_.end()) {
            sinks::SinkHealth r;
            r.name = h.name;
            r.type = h.type;
            it = retired_.insert(retired_.end(), r);
        }
        it->submitted += h.submitted;
        it->delivered += h.delivered;
        it->dropped += h.dropped + h.queued;  // what it could not deliver before it went
        it->retries += h.retries;
    }
    for (auto* s : fresh)
        s->start();
    entries_ = std::move(next);
}

void SinkSet::submit(const alert::SerializedPtr& a)
{
    for (auto& e : entries_)
        if (a->severity >= e.spec.min_severity)
            e.sink->submit(a);
}

void SinkSet::stop_all(const std::vector<sinks::Sink*>& list, std::chrono::milliseconds deadline)
{
    // In parallel, so that shutdown takes one deadline, not one per sink.
    std::vector<std::thread> threads;
    for (auto* s : list)
        threads.emplace_back([s, deadline] { s->stop(deadline); });
    for (auto& t : threads)
        t.join();
}

void SinkSet::stop(std::chrono::milliseconds deadline)
{
    std::vector<sinks::Sink*> list;
    for (auto& e : entries_)
        if (e.sink)
            list.push_back(e.sink.get());
    stop_all(list, deadline);
    entries_.clear();
}

std::vector<sinks::SinkHealth> SinkSet::health() const
{
    std::vector<sinks::SinkHealth> out;
    for (const auto& e : entries_)
        out.push_back(e.sink->health());
    for (const auto& r : retired_) {
        auto it = std::find_if(out.begin(), out.end(), [&](const sinks::SinkHealth& h) { return h.name == r.name; });
        if (it == out.end()) {
            out.push_back(r);
            out.back().last_error = "removed by a reload";
            continue;
        }
        it->submitted += r.submitted;
        it->delivered += r.delivered;
        it->dropped += r.dropped;
        it->retries += r.retries;
    }
    return out;
}

}  // namespace procsentry::app
