// SPDX-License-Identifier: GPL-2.0
// Runtime incidents: list with filters and keyset paging, detail, status changes, and the
// long poll that tells the UI new incidents arrived.
#pragma once

#include "api/context.hpp"
#include "http/router.hpp"

namespace procsentry::console::api {

class IncidentRoutes {
public:
    static void add(http::Router& router, ApiContext& ctx);
    // "<time>.<id>" <-> cursor; nullopt for anything else.
    static std::string encode_cursor(const store::IncidentCursor& c);
    static std::optional<store::IncidentCursor> decode_cursor(const std::string& s);
};

}  // namespace procsentry::console::api
