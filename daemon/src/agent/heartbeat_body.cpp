// SPDX-License-Identifier: GPL-2.0
#include "agent/heartbeat_body.hpp"

namespace procsentry::agent {

namespace {

Json::Value str_or_null(const std::string& s) { return s.empty() ? Json::Value() : Json::Value(s); }

Json::Value host_json(const HostIdentity& id)
{
    Json::Value h;
    h["name"] = id.name;
    h["machine_id"] = str_or_null(id.machine_id);
    h["boot_id"] = str_or_null(id.boot_id);
    return h;
}

}  // namespace

Json::Value HeartbeatBody::enroll(const HostIdentity& id)
{
    Json::Value v;
    v["host"] = host_json(id);
    v["agent_version"] = id.agent_version;
    return v;
}

Json::Value HeartbeatBody::heartbeat(const HostIdentity& id, const HostReport& r, const PolicyRejection& rejected)
{
    Json::Value v;
    v["agent_version"] = id.agent_version;
    v["host"] = host_json(id);
    Json::Value k;
    k["release"] = str_or_null(r.kernel_release);
    k["module_version"] = str_or_null(r.module_version);
    k["abi_version"] = r.abi_version ? Json::Value(*r.abi_version) : Json::Value();
    k["state"] = r.sensor_state;
    k["reason"] = str_or_null(r.sensor_reason);
    v["kernel"] = k;
    Json::Value m;
    m["enabled"] = r.monitoring_enabled;
    m["generation"] = Json::UInt64(r.monitoring_generation);
    v["monitoring"] = m;
    Json::Value c;
    c["applied_version"] = r.config_applied_version ? Json::Value(Json::UInt64(*r.config_applied_version)) : Json::Value();
    c["rejected_version"] = rejected.version ? Json::Value(Json::UInt64(*rejected.version)) : Json::Value();
    c["error"] = rejected.version ? Json::Value(rejected.error) : Json::Value();
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
