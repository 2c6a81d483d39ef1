// SPDX-License-Identifier: GPL-2.0
// Matches Events against the configured rules.  Command and path skips
// apply only to trusted executable paths (ProcessInfo::exe_trusted) and
// never look at comm or a filename as given; user skips compare the real
// uid, which the kernel reports, whatever the path.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <vector>

#include "proctable/user_db.hpp"
#include "rules/compiled_rule.hpp"
#include "rules/config.hpp"
#include "rules/event.hpp"

namespace procsentry::rules {

struct Match {
    const Rule* rule = nullptr;  // valid until the next set_config()
    Severity severity = Severity::none;
};

struct EngineStats {
    uint64_t events = 0;
    uint64_t matched = 0;
    uint64_t skipped = 0;   // a rule matched but a skip list suppressed it
};

class RuleEngine {
public:
    RuleEngine(std::shared_ptr<const Config> config, proctable::UserDb& users);
    void set_config(std::shared_ptr<const Config> config);
    // Every enabled rule of the event's type whose filters match, that no
    // skip suppresses, with a severity other than none for the outcome.
    void evaluate(const Event& ev, std::vector<Match>& out);
    const EngineStats& stats() const { return stats_; }

private:
    std::shared_ptr<const Config> config_;
    proctable::UserDb& users_;
    EngineStats stats_;
    // Enabled rules with a severity for some outcome, by type, in file order.
    std::vector<CompiledRule> compiled_;
    std::array<std::vector<std::size_t>, 3> by_type_;
    SkipMatcher global_skip_;
};

}  // namespace procsentry::rules
