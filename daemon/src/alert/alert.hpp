// SPDX-License-Identifier: GPL-2.0
// An alert as it leaves the rule engine, and its serialised form as sinks
// receive it (the JSON line of docs/alerts.md plus what sinks route on).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rules/event.hpp"
#include "rules/types.hpp"

namespace procsentry::alert {

enum class Kind : uint8_t {
    rule,     // a rule matched an event
    sensor,   // about the sensor itself: records lost, monitoring gap, module gone
    summary,  // the rate cap suppressed alerts; this says what
};

// kind == summary: what the rate cap suppressed of one rule.
struct SuppressedRule {
    std::string rule;
    rules::RuleType type = rules::RuleType::bin_execution;
    uint64_t count = 0;                                   // occurrences suppressed
    rules::Severity max_severity = rules::Severity::info;  // highest among them
};

struct Alert {
    Kind kind = Kind::rule;
    std::string id;            // unique (host-unique random prefix + counter)
    int64_t time_ns = 0;       // CLOCK_REALTIME ns of the event
    std::string rule;          // rule name ("" for sensor/summary)
    rules::RuleType type = rules::RuleType::bin_execution;
    rules::Severity severity = rules::Severity::info;
    rules::Outcome outcome = rules::Outcome::success;
    std::string summary;       // one line, human readable
    rules::Event event;        // kind == rule
    uint64_t count = 1;        // identical alerts folded into this one
    int64_t first_ns = 0, last_ns = 0;  // span of folded alerts
    std::string sensor_what;   // kind == sensor: "records_lost", "monitoring_gap", ...
    uint64_t sensor_count = 0; // kind == sensor/summary: records lost / alerts suppressed
    // Added by the alert part (docs/alerts.md):
    std::string first_id;      // fold emission: id of the alert emitted at once for this key ("" otherwise)
    std::string detail;        // kind == sensor: free text from the caller (untrusted-safe when serialised)
    std::vector<SuppressedRule> suppressed;  // kind == summary: per rule, most first
};

// What every sink gets: immutable, shared between sinks.
struct Serialized {
    std::string id;
    rules::Severity severity = rules::Severity::info;
    int64_t time_ns = 0;
    std::string summary;
    std::string json;  // one line, no trailing newline
};
using SerializedPtr = std::shared_ptr<const Serialized>;

}  // namespace procsentry::alert
