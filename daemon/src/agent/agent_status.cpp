// SPDX-License-Identifier: GPL-2.0
#include "agent/agent_status.hpp"

namespace procsentry::agent {

Json::Value AgentStatus::to_json() const
{
    Json::Value v;
    v["url"] = url;
    v["host_id"] = host_id ? Json::Value(Json::Int64(*host_id)) : Json::Value();
    v["enrolled"] = enrolled;
    v["connected"] = connected;
    v["state"] = state;
    v["last_contact_ns"] = Json::Int64(last_contact_ns);
    v["last_error"] = last_error;
    v["rejected_version"] = rejected_version ? Json::Value(Json::UInt64(*rejected_version)) : Json::Value();
    v["rejected_error"] = rejected_error;
    v["heartbeats"] = Json::UInt64(heartbeats);
    return v;
}

}  // namespace procsentry::agent
