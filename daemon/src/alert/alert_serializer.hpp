// SPDX-License-Identifier: GPL-2.0
// One Alert as one line of JSON, schema "procsentry.alert/1" (docs/alerts.md).
// Every string goes through format::JsonWriter, so kernel strings with
// control characters or invalid UTF-8 still give one line of valid JSON.
#pragma once

#include <string>
#include <string_view>

#include "alert/alert.hpp"
#include "alert/host_info.hpp"

namespace procsentry::alert {

class AlertSerializer {
public:
    static constexpr std::string_view kSchema = "procsentry.alert/1";
    // Appends the object (no newline) for a, with the given id and summary
    // line in place of a.id and a.summary: the factory supplies missing ids
    // and makes callers' lines safe (SummaryLine::make_safe) first.
    static void append(const Alert& a, const HostInfo& host, std::string_view id, std::string_view summary,
                       std::string& out);
};

}  // namespace procsentry::alert
