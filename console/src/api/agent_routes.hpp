// SPDX-License-Identifier: GPL-2.0
// The agent protocol: enrolment, heartbeat long poll, NDJSON alert batches.
#pragma once

#include "api/context.hpp"
#include "http/router.hpp"

namespace procsentry::console::api {

class AgentRoutes {
public:
    static void add(http::Router& router, ApiContext& ctx);
};

}  // namespace procsentry::console::api
