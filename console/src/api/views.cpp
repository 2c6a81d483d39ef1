// SPDX-License-Identifier: GPL-2.0
#include "api/views.hpp"

#include "api/alert_extractor.hpp"
#include "api/json_text.hpp"
#include "api/time_text.hpp"
#include "auth/roles.hpp"

namespace procsentry::console::api {

Json::Value Views::time_or_null(store::TimeNs t)
{
    return t == 0 ? Json::Value(Json::nullValue) : Json::Value(TimeText::format(t));
}

Json::Value Views::string_or_null(const std::string& s)
{
    return s.empty() ? Json::Value(Json::nullValue) : Json::Value(s);
}

Json::Value Views::user(const store::UserRow& u)
{
    Json::Value v(Json::objectValue);
    v["id"] = Json::Int64(u.id);
    v["username"] = u.name;
    v["role"] = auth::Roles::name(u.role);
    v["created"] = TimeText::format(u.created);
    v["disabled"] = u.disabled;
    return v;
}

Json::Value Views::token(const store::TokenRow& t, const std::string& user_name)
{
    Json::Value v(Json::objectValue);
    v["id"] = Json::Int64(t.id);
    v["name"] = t.name;
    v["created"] = TimeText::format(t.created);
    v["expires"] = time_or_null(t.expires);
    v["last_used"] = time_or_null(t.last_used);
    v["uses"] = Json::Int64(t.uses);
    v["max_uses"] = t.max_uses == 0 ? Json::Value(Json::nullValue) : Json::Value(Json::Int64(t.max_uses));
    v["revoked"] = t.revoked;
    v["user"] = string_or_null(user_name);
    return v;
}

Json::Value Views::host(const store::HostRow& h, bool connected)
{
    Json::Value v(Json::objectValue);
    v["id"] = Json::Int64(h.id);
    v["name"] = h.name;
    v["machine_id"] = h.machine_id;
    v["enrolled"] = TimeText::format(h.enrolled);
    v["last_seen"] = time_or_null(h.last_seen);
    v["connected"] = connected && !h.revoked;
    v["agent_version"] = string_or_null(h.agent_version);
    Json::Value& k = v["kernel"];
    k = Json::Value(Json::objectValue);
    k["release"] = string_or_null(h.kernel_release);
    k["module_version"] = string_or_null(h.module_version);
    k["abi_version"] = h.abi_version < 0 ? Json::Value(Json::nullValue) : Json::Value(Json::Int64(h.abi_version));
    Json::Value& s = v["sensor"];
    s = Json::Value(Json::objectValue);
    s["state"] = h.sensor_state.empty() ? "unknown" : h.sensor_state;
    s["reason"] = string_or_null(h.sensor_reason);
    Json::Value& m = v["monitoring"];
    m = Json::Value(Json::objectValue);
    m["enabled"] = h.monitoring_enabled;
    m["desired"] = h.monitoring_desired;
    m["pending"] = h.monitoring_generation != h.monitoring_generation_applied;
    v["drops"] = Json::Int64(h.drops_total);
    Json::Value& c = v["config"];
    c = Json::Value(Json::objectValue);
    auto ver = [](int64_t x) { return x == 0 ? Json::Value(Json::nullValue) : Json::Value(Json::Int64(x)); };
    c["assigned"] = ver(h.config_assigned);
    c["applied"] = ver(h.config_applied);
    c["rejected"] = ver(h.config_rejected);
    c["error"] = string_or_null(h.config_error);
    c["pending"] = h.config_assigned != 0 && h.config_assigned != h.config_applied &&
                   h.config_assigned != h.config_rejected;
    v["revoked"] = h.revoked;
    return v;
}

std::string Views::status_name(store::IncidentStatus s)
{
    switch (s) {
    case store::IncidentStatus::open:
        return "open";
    case store::IncidentStatus::acknowledged:
        return "acknowledged";
    case store::IncidentStatus::false_positive:
        return "false_positive";
    }
    return "open";
}

std::optional<store::IncidentStatus> Views::parse_status(const std::string& s)
{
    if (s == "open")
        return store::IncidentStatus::open;
    if (s == "acknowledged")
        return store::IncidentStatus::acknowledged;
    if (s == "false_positive")
        return store::IncidentStatus::false_positive;
    return std::nullopt;
}

Json::Value Views::incident(const store::IncidentRow& r)
{
    Json::Value v(Json::objectValue);
    v["id"] = Json::Int64(r.id);
    Json::Value& h = v["host"];
    h = Json::Value(Json::objectValue);
    h["id"] = Json::Int64(r.host_id);
    h["name"] = r.host_name;
    v["alert_id"] = r.alert_id;
    v["time"] = TimeText::format(r.time);
    v["received"] = TimeText::format(r.received);
    v["kind"] = r.kind;
    v["severity"] = AlertExtractor::severity_name(r.severity);
    if (r.rule_name.empty() && r.rule_type.empty()) {
        v["rule"] = Json::Value(Json::nullValue);
    } else {
        Json::Value& rule = v["rule"];
        rule = Json::Value(Json::objectValue);
        rule["name"] = r.rule_name;
        rule["type"] = r.rule_type;
    }
    v["outcome"] = string_or_null(r.outcome);
    v["exe"] = string_or_null(r.exe);
    v["command"] = string_or_null(r.command);
    v["user"] = string_or_null(r.user);
    v["summary"] = r.summary;
    v["status"] = status_name(r.status);
    v["status_by"] = string_or_null(r.status_by);
    v["status_time"] = time_or_null(r.status_time);
    v["status_comment"] = string_or_null(r.status_comment);
    if (!r.raw_json.empty()) {
        auto alert = JsonText::parse(r.raw_json);
        v["alert"] = alert ? *alert : Json::Value(Json::nullValue);
    }
    return v;
}

Json::Value Views::policy(const store::PolicyVersion& p)
{
    Json::Value v(Json::objectValue);
    v["version"] = Json::Int64(p.version);
    auto pol = JsonText::parse(p.policy_json);
    v["policy"] = pol ? *pol : Json::Value(Json::nullValue);
    v["comment"] = p.comment;
    v["created_by"] = p.created_by;
    v["created"] = TimeText::format(p.created);
    return v;
}

Json::Value Views::audit(const store::AuditRow& a)
{
    Json::Value v(Json::objectValue);
    v["id"] = Json::Int64(a.id);
    v["time"] = TimeText::format(a.time);
    v["actor"] = a.actor;
    v["action"] = a.action;
    v["target"] = a.target;
    auto d = JsonText::parse(a.details_json);
    v["details"] = d ? *d : Json::Value(Json::objectValue);
    v["remote"] = a.remote;
    return v;
}

}  // namespace procsentry::console::api
