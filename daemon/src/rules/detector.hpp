// SPDX-License-Identifier: GPL-2.0
// Turns decoded records into Events of the three rule types, with the
// outcome semantics of docs/rules.md.  It reads the process table (which the
// caller updates with the same record *after* detect()) and keeps its own
// bounded state for escalations whose outcome is not known yet (a
// set-user-ID-root program started by a normal user: success once it or a
// descendant runs something else, failure if it exits non-zero first).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "abi/record.hpp"
#include "proctable/process_table.hpp"
#include "proctable/user_db.hpp"
#include "rules/escalation_tracker.hpp"
#include "rules/event.hpp"

namespace procsentry::rules {

struct DetectorOptions {
    std::size_t ancestry_depth = 8;
    uint64_t escalation_window_ns = 10'000'000'000ull;
    std::size_t max_pending = 4096;
    // Rule types to make events for, bit (1 << RuleType): a type no enabled
    // rule wants costs nothing (no event built, no pending escalations).
    uint32_t types = 0x7;
    // Inode of the initial user namespace (stat /proc/self/ns/user), 0 if
    // unknown: capabilities held in another namespace are not host root.
    uint32_t host_userns = 0;
};

constexpr uint32_t rule_type_bit(RuleType t) { return 1u << static_cast<unsigned>(t); }

class Detector {
public:
    Detector(const DetectorOptions& opts, const proctable::ProcessTable& table, proctable::UserDb& users);
    ~Detector();
    void set_options(const DetectorOptions& opts);

    // Events this record gives rise to (appended to out).
    void detect(const abi::Record& rec, std::vector<Event>& out);
    // Adds what an event made by detect(rec) left out (Event::detail_pending);
    // call it with the same record, before the table is updated with it.
    void complete(Event& ev, const abi::Record& rec) const;
    // Pending escalations older than the window resolve as success (the
    // program kept running); now_ns is CLOCK_BOOTTIME.
    void expire(uint64_t now_ns, std::vector<Event>& out);
    std::size_t pending() const;
    const EscalationStats& escalation_stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace procsentry::rules
