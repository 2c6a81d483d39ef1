// SPDX-License-Identifier: GPL-2.0
#include "rules/types.hpp"

#include <array>

namespace procsentry::rules {

namespace {
constexpr std::array<std::string_view, 6> kSeverity{"none", "info", "low", "medium", "high", "critical"};
constexpr std::array<std::string_view, 3> kType{"bin-execution", "root-escalation", "termination-failure"};
}  // namespace

std::string_view to_string(Severity s) { return kSeverity.at(static_cast<std::size_t>(s)); }
std::string_view to_string(RuleType t) { return kType.at(static_cast<std::size_t>(t)); }
std::string_view to_string(Outcome o) { return o == Outcome::success ? "success" : "failure"; }

std::optional<Severity> parse_severity(std::string_view s)
{
    for (std::size_t i = 0; i < kSeverity.size(); i++)
        if (kSeverity[i] == s)
            return static_cast<Severity>(i);
    return std::nullopt;
}

std::optional<RuleType> parse_rule_type(std::string_view s)
{
    for (std::size_t i = 0; i < kType.size(); i++)
        if (kType[i] == s)
            return static_cast<RuleType>(i);
    return std::nullopt;
}

}  // namespace procsentry::rules
