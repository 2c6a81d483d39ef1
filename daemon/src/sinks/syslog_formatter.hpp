// SPDX-License-Identifier: GPL-2.0
// Syslog messages for alerts, in one of two styles:
//   rfc5424  <PRI>1 TIMESTAMP HOSTNAME procsentryd PID ALERT
//            [procsentry@32473 id="..." severity="..."] {json}
//   rfc3164  <PRI>Mmm dd hh:mm:ss procsentryd[PID]: {json}
// The second is what syslog(3) sends to /dev/log: journald (which does not
// parse RFC 5424) takes SYSLOG_IDENTIFIER and SYSLOG_PID from it and keeps
// the JSON alone as MESSAGE.
// No BOM: the JSON line is ASCII-safe after escaping, and a BOM confuses
// receivers that treat MSG as opaque bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "alert/alert.hpp"
#include "rules/types.hpp"

namespace procsentry::sinks {

class SyslogFormatter {
public:
    // Private enterprise number in the SD-ID (a reserved example number:
    // procsentry has none of its own).
    static constexpr std::string_view sd_id = "procsentry@32473";

    enum class Style { rfc5424, rfc3164 };

    SyslogFormatter(int facility, std::string_view hostname, int pid, std::string_view app = "procsentryd",
                    Style style = Style::rfc5424);

    // The whole message, at most max_bytes long (0 = unbounded).  A JSON line
    // that does not fit is cut on a UTF-8 character boundary and the
    // structured data says so: truncated="<original JSON bytes>".
    std::string format(const alert::Serialized& a, std::size_t max_bytes = 0) const;

    // Facility code (0..23) for a name as in syslog.conf ("authpriv", "local3").
    static std::optional<int> parse_facility(std::string_view name);
    static std::string_view facility_names();  // for error messages
    // critical->crit(2), high->err(3), medium->warning(4), low->notice(5), else info(6).
    static int severity_code(rules::Severity s);
    // PARAM-VALUE escaping: '"', '\' and ']' get a backslash.
    static void escape_sd_value(std::string_view v, std::string& out);
    // "2026-11-28T04:15:05.123456Z" (UTC, microseconds), "-" for 0.
    static std::string timestamp(int64_t time_ns);
    // "Nov 28 04:15:05" in local time (RFC 3164; day padded with a space), "-" for 0.
    static std::string timestamp_3164(int64_t time_ns);

private:
    std::string header(const alert::Serialized& a, std::size_t truncated_from) const;

    const int facility_;
    std::string hostname_;  // PRINTUSASCII only, at most 255
    std::string app_;
    std::string procid_;
    Style style_;
};

}  // namespace procsentry::sinks
