// SPDX-License-Identifier: GPL-2.0
// The console's answers, parsed as hostile input: types checked, sizes
// bounded by the HTTP client, unknown keys ignored (the API only adds keys
// within version 1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <json/value.h>

namespace procsentry::agent {

struct EnrollAnswer {
    int64_t host_id = 0;
    std::string agent_token;

    static bool parse(const std::string& body, EnrollAnswer& out, std::string& error);
};

struct HeartbeatAnswer {
    struct Monitoring {
        bool enabled = true;
        uint64_t generation = 0;
    };
    struct Config {
        uint64_t version = 0;
        std::optional<Json::Value> policy;  // only when the agent is behind
    };
    std::optional<Monitoring> monitoring;
    std::optional<Config> config;
    std::optional<uint32_t> heartbeat_wait_s;

    static bool parse(const std::string& body, HeartbeatAnswer& out, std::string& error);
};

}  // namespace procsentry::agent
