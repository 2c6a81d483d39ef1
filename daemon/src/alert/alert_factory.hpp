// SPDX-License-Identifier: GPL-2.0
// Builds Alerts (ids, wall-clock time, summary line) and serialises them to
// the JSON schema of docs/alerts.md.  Used from the event loop only (not
// thread-safe: the id counter is a plain integer).
#pragma once

#include <cstdint>
#include <string>

#include "alert/alert.hpp"
#include "alert/host_info.hpp"
#include "rules/config.hpp"
#include "rules/event.hpp"

namespace procsentry::alert {

class AlertFactory {
public:
    explicit AlertFactory(HostInfo host);
    Alert from_event(const rules::Event& ev, const rules::Rule& rule, rules::Severity sev);
    // ts_ns: CLOCK_BOOTTIME ns of what the sensor reported (0 = now); the
    // caller's text becomes sensor.detail and, made safe, the summary line.
    Alert sensor(std::string what, rules::Severity sev, std::string summary, uint64_t count, uint64_t ts_ns);
    // NoiseFilter makes its own summaries (with the per-rule breakdown);
    // this one is for callers that only have a count and a line.
    Alert summary(uint64_t suppressed, int64_t first_ns, int64_t last_ns, std::string detail);
    // Assigns an id when a.id is empty (summary alerts made by NoiseFilter).
    SerializedPtr serialize(const Alert& a);
    const HostInfo& host() const { return host_; }
    // CLOCK_BOOTTIME ns -> CLOCK_REALTIME ns (offset sampled now).
    static int64_t boottime_to_realtime(uint64_t boot_ns);

private:
    std::string next_id();

    HostInfo host_;
    std::string id_prefix_;
    uint64_t next_ = 0;
};

}  // namespace procsentry::alert
