// SPDX-License-Identifier: GPL-2.0
// Hosts: list, detail, monitoring on/off for many hosts in one action, decommission.
#pragma once

#include "api/context.hpp"
#include "http/router.hpp"

namespace procsentry::console::api {

class HostRoutes {
public:
    static void add(http::Router& router, ApiContext& ctx);
};

}  // namespace procsentry::console::api
