// SPDX-License-Identifier: GPL-2.0
// The configured sinks, fed from the event loop.  Each alert goes to every
// sink whose min_severity it reaches.  On reload only sinks whose
// specification changed are replaced (a replaced sink delivers or spools
// what it holds before it goes), so an unchanged HTTP sink keeps its queue.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "alert/alert.hpp"
#include "rules/config.hpp"
#include "sinks/sink.hpp"

namespace procsentry::app {

class SinkSet {
public:
    // Makes the sinks the daemon adds itself (the console's); nullptr: the
    // spec is an ordinary one for sinks::make_sink.
    using Factory = std::function<std::unique_ptr<sinks::Sink>(const rules::SinkSpec&)>;

    explicit SinkSet(std::string hostname, Factory factory = {})
        : hostname_(std::move(hostname)), factory_(std::move(factory))
    {
    }
    ~SinkSet();
    // Builds and starts sinks for specs; throws std::runtime_error naming
    // the sink when one cannot be made (the set is unchanged then).
    void apply(const std::vector<rules::SinkSpec>& specs);
    void submit(const alert::SerializedPtr& a);
    void stop(std::chrono::milliseconds deadline);
    std::vector<sinks::SinkHealth> health() const;

private:
    static void stop_all(const std::vector<sinks::Sink*>& list, std::chrono::milliseconds deadline);
    struct Entry {
        rules::SinkSpec spec;
        std::unique_ptr<sinks::Sink> sink;
    };
    std::string hostname_;
    Factory factory_;
    std::vector<Entry> entries_;
    // Counters of sinks replaced or removed by a reload, by name: what a
    // retired sink dropped stays in status (added to its successor, or
    // listed on its own when the name is gone).
    std::vector<sinks::SinkHealth> retired_;
};

}  // namespace procsentry::app
