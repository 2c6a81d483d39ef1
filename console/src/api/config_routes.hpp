// SPDX-License-Identifier: GPL-2.0
// Agent configuration (policy) versions: read, validate, push, assign.
#pragma once

#include "api/context.hpp"
#include "http/router.hpp"

namespace procsentry::console::api {

class ConfigRoutes {
public:
    static void add(http::Router& router, ApiContext& ctx);
};

}  // namespace procsentry::console::api
