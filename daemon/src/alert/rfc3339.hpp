// SPDX-License-Identifier: GPL-2.0
// RFC 3339 UTC timestamps with nanoseconds: "2026-11-28T04:13:55.123456789Z".
// No leap seconds (CLOCK_REALTIME has none); works for any int64_t, including
// times before 1970 (years 1677..2262).
#pragma once

#include <cstdint>
#include <string>

namespace procsentry::alert {

void append_rfc3339(int64_t realtime_ns, std::string& out);
std::string rfc3339(int64_t realtime_ns);

}  // namespace procsentry::alert
