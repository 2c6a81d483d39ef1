// SPDX-License-Identifier: GPL-2.0
// The one human line of an alert ("alice (uid 1000) ran /tmp/x/evil via
// /bin/bash: exec succeeded").  It goes to syslog and terminals as it is, so
// untrusted parts are escaped here already (no control character, invalid
// UTF-8 byte, C1 control or bidi override survives), each part is cut at
// kMaxPart bytes and the whole line at kMaxBytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "rules/event.hpp"

namespace procsentry::alert {

class SummaryLine {
public:
    static constexpr std::size_t kMaxBytes = 512;
    static constexpr std::size_t kMaxPart = 160;

    static std::string for_event(const rules::Event& ev);
    // Appends s with '\' as "\\", bytes below 0x20, 0x7f and invalid UTF-8 as
    // "\xNN", and C1 controls, bidi controls and U+2028/9 as "\u{XXXX}";
    // past max bytes of output it stops and appends "...".
    static void append_untrusted(std::string& out, std::string_view s, std::size_t max = kMaxPart);
    // Cuts at max bytes on a UTF-8 boundary, ending in "...".
    static void bound(std::string& line, std::size_t max = kMaxBytes);
    // For lines made elsewhere (sensor text, a caller's own summary): escapes
    // what append_untrusted would, except '\', so that a line made safe
    // already comes back unchanged; then bound().
    static void make_safe(std::string& line);
};

}  // namespace procsentry::alert
