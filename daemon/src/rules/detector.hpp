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
#include "rules/event.hpp"

namespace procsentry::rules {

struct DetectorOptions {
    std::size_t ancestry_depth = 8;
    uint64_t escalation_window_ns = 10'000'000'000ull;
    std::size_t max_pending = 4096;
};

class Detector {
public:
    Detector(const DetectorOptions& opts, const proctable::ProcessTable& table, proctable::UserDb& users);
    ~Detector();
    void set_options(const DetectorOptions& opts);

    // Events this record gives rise to (appended to out).
    void detect(const abi::Record& rec, std::vector<Event>& out);
    // Pending escalations older than the window resolve as success (the
    // program kept running); now_ns is CLOCK_BOOTTIME.
    void expire(uint64_t now_ns, std::vector<Event>& out);
    std::size_t pending() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace procsentry::rules
