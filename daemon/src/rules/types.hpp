// SPDX-License-Identifier: GPL-2.0
// Vocabulary shared by configuration, detection, alerts and sinks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace procsentry::rules {

// Ordered: a higher value is more severe.  none means "no alert".
enum class Severity : uint8_t { none = 0, info, low, medium, high, critical };
enum class RuleType : uint8_t { bin_execution, root_escalation, termination_failure };
enum class Outcome : uint8_t { success, failure };

std::string_view to_string(Severity s);
std::string_view to_string(RuleType t);  // "bin-execution", ...
std::string_view to_string(Outcome o);   // "success", "failure"
std::optional<Severity> parse_severity(std::string_view s);
std::optional<RuleType> parse_rule_type(std::string_view s);

}  // namespace procsentry::rules
