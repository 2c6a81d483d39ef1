// SPDX-License-Identifier: GPL-2.0
// Symbolic names for ABI enum values and flag bits, as used in the JSON.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace procsentry::format {

// Record type name ("exec", ...) or "unknown" for other values.
const char* record_type_name(uint16_t type);
// "execve", "setuid", ...; "unknown:N" for values this reader does not know.
std::string call_name(uint32_t call);
std::string entry_name(uint32_t entry);
std::string lost_cause_name(uint32_t cause);
// "ENOENT" for known errnos, else "E<num>"; err is a positive errno.
std::string errno_name(int64_t err);
std::vector<std::string> exec_flag_names(uint32_t flags);  // unknown bits: "0x..."
std::vector<std::string> name_flag_names(uint32_t flags);

// Parses "exec,fork,..." into a PROCSENTRY_A_EVENT_MASK value; "all" is every
// type.  Returns false and names the bad word in err.
bool parse_event_mask(const std::string& list, uint32_t& mask, std::string& err);

}  // namespace procsentry::format
