// SPDX-License-Identifier: GPL-2.0
#include "rules/rule_engine.hpp"

#include <utility>

namespace procsentry::rules {

RuleEngine::RuleEngine(std::shared_ptr<const Config> config, proctable::UserDb& users) : users_(users)
{
    set_config(std::move(config));
}

void RuleEngine::set_config(std::shared_ptr<const Config> config)
{
    compiled_.clear();
    for (auto& v : by_type_)
        v.clear();
    global_skip_ = SkipMatcher();
    config_ = std::move(config);
    if (!config_)
        return;
    global_skip_ = SkipMatcher(config_->skip);
    compiled_.reserve(config_->rules.size());
    for (const auto& r : config_->rules) {
        if (!r.enabled || (r.on_success == Severity::none && r.on_failure == Severity::none))
            continue;
        const auto t = static_cast<std::size_t>(r.type);
        if (t >= by_type_.size())
            continue;
        by_type_[t].push_back(compiled_.size());
        compiled_.emplace_back(r);
    }
}

void RuleEngine::evaluate(const Event& ev, std::vector<Match>& out)
{
    stats_.events++;
    const auto t = static_cast<std::size_t>(ev.type);
    if (t >= by_type_.size())
        return;
    // The global skips are the same for every rule: decided once, lazily.
    int global_skip = -1;
    for (std::size_t i : by_type_[t]) {
        const CompiledRule& cr = compiled_[i];
        const Severity sev = cr.severity(ev.outcome);
        if (sev == Severity::none || !cr.matches(ev, users_))
            continue;
        if (global_skip < 0)
            global_skip = global_skip_.skips(ev, users_) ? 1 : 0;
        if (global_skip == 1 || cr.skips(ev, users_)) {
            stats_.skipped++;
            continue;
        }
        stats_.matched++;
        out.push_back(Match{&cr.rule(), sev});
    }
}

}  // namespace procsentry::rules
