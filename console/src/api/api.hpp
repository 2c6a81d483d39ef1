// SPDX-License-Identifier: GPL-2.0
// The REST API as one handler: routes every /api/ request, turns ApiError into the documented
// error answer and any other failure into a 500 that names no secret.
#pragma once

#include "api/context.hpp"
#include "http/router.hpp"

namespace procsentry::console::api {

class Api {
public:
    explicit Api(ApiContext& ctx);
    void handle(http::Request& req, http::Reply reply);

private:
    ApiContext& ctx_;
    http::Router router_;
};

}  // namespace procsentry::console::api
