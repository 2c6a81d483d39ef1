// SPDX-License-Identifier: GPL-2.0
// POST /api/v1/login, /logout, GET /me, POST /me/password.
#pragma once

#include "api/context.hpp"
#include "http/router.hpp"

namespace procsentry::console::api {

class SessionRoutes {
public:
    static void add(http::Router& router, ApiContext& ctx);
};

}  // namespace procsentry::console::api
