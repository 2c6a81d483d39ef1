// SPDX-License-Identifier: GPL-2.0
#include "agent/heartbeat_body.hpp"

namespace procsentry::agent {

namespace {

// The console bounds every string (docs/api.md); ours are ASCII except a
// reason that quotes the kernel, cut here on a character boundary rather
// than refused there.
std::string bounded(const std::string& s, std::size_t max_bytes)
{
    if (s.size() <= max_bytes)
        return s;
    std::size_t n = max_bytes;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80)
        n--;
    return s.substr(0, n);
}

Json::Value str_or_null(const std::string& s, std::size_t max_bytes)
{
    return s.empty() ? Json::Value() : Json::Value(bounded(s, max_bytes));
}

// Unknown identifiers are left out: the console takes them as optional
// strings, not null.
Json::Value host_json(const HostIdentity& id)
{
    Json::Value h;
    h["name"] = bounded(id.name, 253);
    if (!id.machine_id.empty())
        h["machine_id"] = bounded(id.machine_id, 64);
    if (!id.boot_id.empty())
        h["boot_id"] = bounded(id.boot_id, 64);
    return h;
}

}  // namespace

Json::Value HeartbeatBody::enroll(const HostIdentity& id)
{
    Json::Value v;
    v["host"] = host_json(id);
    v["agent_version"] = bounded(id.agent_version, 64);
    return v;
}

Json::Value HeartbeatBody::heartbeat(const HostIdentity& id, const HostReport& r, const PolicyRejection& rejected)
{
    Json::Value v;
    v["agent_version"] = bounded(id.agent_version, 64);
    v["host"] = host_json(id);
    Json::Value k;
    k["release"] = str_or_null(r.kernel_release, 128);
    k["module_version"] = str_or_null(r.module_version, 64);
    k["abi_version"] = r.abi_version ? Json::Value(*r.abi_version) : Json::Value();
    k["state"] = bounded(r.sensor_state, 32);
    k["reason"] = str_or_null(r.sensor_reason, 256);
    v["kernel"] = k;
    Json::Value m;
    m["enabled"] = r.monitoring_enabled;
    m["generation"] = Json::UInt64(r.monitoring_generation);
    v["monitoring"] = m;
    Json::Value c;
    c["applied_version"] = r.config_applied_version ? Json::Value(Json::UInt64(*r.config_applied_version)) : Json::Value();
    c["rejected_version"] = rejected.version ? Json::Value(Json::UInt64(*rejected.version)) : Json::Value();
    c["error"] = rejected.version ? Json::Value(bounded(rejected.error, 4000)) : Json::Value();
    v["config"] = c;
    Json::Value loss;
    loss["total"] = Json::UInt64(r.loss_total);
    loss["by_cause"] = r.loss_by_cause.isObject() ? r.loss_by_cause : Json::Value(Json::objectValue);
    v["loss"] = loss;
    Json::Value alerts;
    alerts["total"] = Json::UInt64(r.alerts_total);
    alerts["by_severity"] = r.alerts_by_severity.isObject() ? r.alerts_by_severity : Json::Value(Json::objectValue);
    v["alerts"] = alerts;
    v["uptime_s"] = Json::UInt64(r.uptime_s);
    return v;
}

}  // namespace procsentry::agent
