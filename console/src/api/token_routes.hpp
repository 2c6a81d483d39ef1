// SPDX-License-Identifier: GPL-2.0
// API tokens (own, or everyone's for admins) and enrolment tokens (admin).
#pragma once

#include "api/context.hpp"
#include "http/router.hpp"

namespace procsentry::console::api {

class TokenRoutes {
public:
    static void add(http::Router& router, ApiContext& ctx);
};

}  // namespace procsentry::console::api
