// SPDX-License-Identifier: GPL-2.0
#include "api/system_routes.hpp"

#include "api/api_error.hpp"
#include "api/query_reader.hpp"
#include "api/views.hpp"

namespace procsentry::console::api {
namespace {

http::Response audit(ApiContext& ctx, const http::Request& req)
{
    ctx.require(req, store::Role::admin);
    QueryReader q(req, {"limit", "cursor"});
    const int limit = static_cast<int>(q.integer("limit", 1, 500, 50));
    std::optional<int64_t> before;
    if (auto c = q.one("cursor", 32)) {
        before = QueryReader::parse_int(*c);
        if (!before || *before < 1)
            throw ApiError::bad_field("cursor", "is not a cursor from a previous page");
    }
    auto rows = ctx.store.list_audit(before, limit);
    Json::Value out(Json::objectValue);
    Json::Value& items = out["items"];
    items = Json::Value(Json::arrayValue);
    for (const auto& a : rows)
        items.append(Views::audit(a));
    const bool more = static_cast<int>(rows.size()) == limit && rows.back().id > 1;
    out["next_cursor"] = more ? Json::Value(std::to_string(rows.back().id)) : Json::Value(Json::nullValue);
    return ApiContext::json(200, out);
}

http::Response health(ApiContext& ctx, const http::Request& req)
{
    QueryReader q(req, {});
    // A cheap query proves the store answers.
    ctx.store.last_incident_id();
    Json::Value out(Json::objectValue);
    out["status"] = "ok";
    out["store"] = ctx.store.backend();
    out["version"] = ctx.settings.version;
    return ApiContext::json(200, out);
}

}  // namespace

void SystemRoutes::add(http::Router& router, ApiContext& ctx)
{
    router.add("GET", "/api/v1/audit", ctx.sync(audit));
    router.add("GET", "/api/v1/health", ctx.sync(health));
}

}  // namespace procsentry::console::api
