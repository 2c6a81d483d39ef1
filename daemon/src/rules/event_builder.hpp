// SPDX-License-Identifier: GPL-2.0
// Fills the parts of an Event that come from the process table and the user
// database: who the process is, its executable, its parent and ancestry.
// Only called for records that produce an event, so the common records
// (FORK, EXIT with status 0) never pay for these copies.
#pragma once

#include <cstddef>
#include <cstdint>

#include "abi/record.hpp"
#include "proctable/process_table.hpp"
#include "proctable/user_db.hpp"
#include "rules/event.hpp"

namespace procsentry::rules {

class EventBuilder {
public:
    EventBuilder(const proctable::ProcessTable& table, proctable::UserDb& users, std::size_t ancestry_depth);
    void set_ancestry_depth(std::size_t depth) { depth_ = depth; }

    // The table's entry for this task (same tgid and start; the table
    // allows for the coarse start of entries seeded from /proc).
    const proctable::Process* lookup(const abi::Task& t) const;

    // Event of the given type for a task; the executable, filename and argv
    // come from the table (the image the process runs now).
    Event for_task(RuleType type, Outcome o, uint64_t ts_ns, const abi::Task& t) const;
    // Event for a successful exec: the executable is the new image.
    // light: leave argv, ancestry and flag names to complete_exec().
    Event for_exec(RuleType type, uint64_t ts_ns, const abi::Exec& e, bool light = false) const;
    void complete_exec(Event& ev, const abi::Exec& e) const;
    // Event for a failed exec: only the name as given is known.
    Event for_exec_failed(uint64_t ts_ns, const abi::ExecFailed& f) const;

private:
    void fill_task(ProcessInfo& p, const abi::Task& t) const;
    void fill_parent(Event& ev, uint32_t ppid, bool ancestry = true) const;

    const proctable::ProcessTable& table_;
    proctable::UserDb& users_;
    std::size_t depth_;
};

}  // namespace procsentry::rules
