// SPDX-License-Identifier: GPL-2.0
#include "agent/console_answer.hpp"

#include "agent/credential_store.hpp"
#include "agent/json_text.hpp"

namespace procsentry::agent {

bool EnrollAnswer::parse(const std::string& body, EnrollAnswer& out, std::string& error)
{
    Json::Value v;
    if (!JsonText::parse(body, v, error))
        return false;
    if (!v.isObject() || !v["host_id"].isInt64() || !v["agent_token"].isString()) {
        error = "enrolment answer without host_id (number) and agent_token (string)";
        return false;
    }
    if (!CredentialStore::valid_token(v["agent_token"].asString())) {
        error = "enrolment answer: agent_token is not one word of printable ASCII (at most 1024)";
        return false;
    }
    out.host_id = v["host_id"].asInt64();
    out.agent_token = v["agent_token"].asString();
    return true;
}

bool HeartbeatAnswer::parse(const std::string& body, HeartbeatAnswer& out, std::string& error)
{
    Json::Value v;
    if (!JsonText::parse(body, v, error))
        return false;
    if (!v.isObject()) {
        error = "heartbeat answer is not an object";
        return false;
    }
    out = HeartbeatAnswer{};
    if (const Json::Value& m = v["monitoring"]; !m.isNull()) {
        if (!m.isObject() || !m["enabled"].isBool() || !m["generation"].isUInt64()) {
            error = "heartbeat answer: monitoring needs enabled (boolean) and generation (number)";
            return false;
        }
        out.monitoring = Monitoring{m["enabled"].asBool(), m["generation"].asUInt64()};
    }
    // A version of null: nothing is assigned to this host.
    if (const Json::Value& c = v["config"]; !c.isNull() && !(c.isObject() && c["version"].isNull())) {
        if (!c.isObject() || !c["version"].isUInt64()) {
            error = "heartbeat answer: config needs version (number or null)";
            return false;
        }
        Config cfg;
        cfg.version = c["version"].asUInt64();
        if (const Json::Value& p = c["policy"]; !p.isNull())
            cfg.policy = p;  // validated by the daemon's loader, like any configuration
        out.config = cfg;
    }
    if (const Json::Value& w = v["heartbeat_wait_s"]; !w.isNull()) {
        if (!w.isUInt() || w.asUInt() < 1 || w.asUInt() > 300) {
            error = "heartbeat answer: heartbeat_wait_s must be 1..300";
            return false;
        }
        out.heartbeat_wait_s = w.asUInt();
    }
    return true;
}

}  // namespace procsentry::agent
