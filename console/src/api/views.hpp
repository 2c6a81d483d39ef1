// SPDX-License-Identifier: GPL-2.0
// The JSON shapes of docs/api.md (User, Token, Host, IncidentSummary, PolicyVersion, Audit),
// built from store rows.  Keys are only ever added here.
#pragma once

#include <optional>
#include <string>

#include <json/value.h>

#include "store/store.hpp"

namespace procsentry::console::api {

class Views {
public:
    static Json::Value time_or_null(store::TimeNs t);
    static Json::Value string_or_null(const std::string& s);
    static Json::Value user(const store::UserRow& u);
    static Json::Value token(const store::TokenRow& t, const std::string& user_name);
    static Json::Value host(const store::HostRow& h, bool connected);
    static Json::Value incident(const store::IncidentRow& r);
    static Json::Value policy(const store::PolicyVersion& p);
    static Json::Value audit(const store::AuditRow& a);
    static std::string status_name(store::IncidentStatus s);
    static std::optional<store::IncidentStatus> parse_status(const std::string& s);
};

}  // namespace procsentry::console::api
