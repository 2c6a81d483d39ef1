// SPDX-License-Identifier: GPL-2.0
// One NDJSON line from an agent → the incident row (docs/alerts.md, procsentry.alert/1).  The
// line is refused when it is not a valid alert: wrong schema, missing id, time, kind, severity
// or summary, wrong types, over 64 KiB.  The raw line is kept as received.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace procsentry::console::api {

class AlertExtractor {
public:
    static constexpr std::size_t kMaxLineBytes = 64u << 10;
    static constexpr std::size_t kMaxCommandBytes = 1024;
    static constexpr std::size_t kMaxFieldBytes = 4096;

    // nullopt with `error` set when the line is not an alert.  host_id, host_name and received
    // come from the authenticated agent, never from the line.
    static std::optional<store::IncidentRow> extract(std::string_view line, int64_t host_id,
                                                     const std::string& host_name, store::TimeNs received,
                                                     std::string* error = nullptr);
    static std::optional<int> severity_rank(std::string_view name);
    static const char* severity_name(int rank);
    // Cuts at most max bytes without splitting a UTF-8 sequence.
    static std::string truncate_utf8(std::string s, std::size_t max);
};

}  // namespace procsentry::console::api
