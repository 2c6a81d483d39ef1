// SPDX-License-Identifier: GPL-2.0
// Agent policies ({"skip", "rules"}) checked by the daemon's own loader on the document
// {"version": 1, "skip": ..., "rules": ...}, so that the console accepts exactly what
// procsentryd accepts.  Version 1 comes from the daemon's default configuration, embedded at
// build time from daemon/etc/procsentry.json.
#pragma once

#include <string>
#include <vector>

#include <json/value.h>

#include "api/api_error.hpp"

namespace procsentry::console::api {

class Policy {
public:
    struct Check {
        bool ok = false;
        std::string canonical;      // compact {"skip":...,"rules":...}, when ok
        Json::Value details;        // [{"key","message","value"}], when not ok
    };

    static Check check(const Json::Value& policy);
    // The daemon's default skip and rules (canonical text).
    static std::string default_policy_text();
    // 422 invalid_config with the loader's messages.
    static ApiError invalid(const Check& c);
};

}  // namespace procsentry::console::api
