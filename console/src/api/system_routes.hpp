// SPDX-License-Identifier: GPL-2.0
// The audit log and the health check.
#pragma once

#include "api/context.hpp"
#include "http/router.hpp"

namespace procsentry::console::api {

class SystemRoutes {
public:
    static void add(http::Router& router, ApiContext& ctx);
};

}  // namespace procsentry::console::api
