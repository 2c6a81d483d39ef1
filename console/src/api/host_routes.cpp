// SPDX-License-Identifier: GPL-2.0
#include "api/host_routes.hpp"

#include <set>

#include "api/api_error.hpp"
#include "api/body_reader.hpp"
#include "api/json_text.hpp"
#include "api/query_reader.hpp"
#include "api/views.hpp"

namespace procsentry::console::api {
namespace {

constexpr std::size_t kMaxHosts = 10000;

std::string id_list_text(const std::vector<int64_t>& ids)
{
    // Audit targets stay short; the details keep the full list.
    std::string out = "hosts ";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i == 20) {
            out += ",... (" + std::to_string(ids.size()) + ")";
            break;
        }
        out += (i ? "," : "") + std::to_string(ids[i]);
    }
    return out;
}

http::Response list(ApiContext& ctx, const http::Request& req)
{
    ctx.require(req, store::Role::viewer);
    QueryReader q(req, {});
    Json::Value out(Json::objectValue);
    Json::Value& items = out["items"];
    items = Json::Value(Json::arrayValue);
    for (const auto& h : ctx.store.list_hosts())
        items.append(Views::host(h, ctx.connected(h)));
    return ApiContext::json(200, out);
}

http::Response detail(ApiContext& ctx, const http::Request& req)
{
    ctx.require(req, store::Role::viewer);
    QueryReader q(req, {});
    auto h = ctx.store.get_host(QueryReader::path_id(req));
    if (!h)
        throw ApiError::not_found("no such host");
    Json::Value v = Views::host(*h, ctx.connected(*h));
    auto hb = h->last_heartbeat_json.empty() ? std::nullopt : JsonText::parse(h->last_heartbeat_json);
    v["last_heartbeat"] = hb ? *hb : Json::Value(Json::nullValue);
    return ApiContext::json(200, v);
}

http::Response monitoring(ApiContext& ctx, const http::Request& req)
{
    auth::Principal who = ctx.require(req, store::Role::operator_);
    Json::Value body = BodyReader::parse_object(req);
    BodyReader b(body, "", {"host_ids", "enabled"});
    std::vector<int64_t> ids = *b.id_list("host_ids", true, kMaxHosts);
    const bool enabled = *b.boolean("enabled", true);
    std::set<int64_t> known;
    for (const auto& h : ctx.store.list_hosts())
        if (!h.revoked)
            known.insert(h.id);
    for (int64_t id : ids)
        if (!known.count(id))
            throw ApiError::not_found("no such host: " + std::to_string(id));
    std::vector<int64_t> updated = ctx.store.set_monitoring(ids, enabled);
    for (int64_t id : updated)
        ctx.waiters.notify(ApiContext::host_key(id));
    Json::Value idv(Json::arrayValue);
    for (int64_t id : updated)
        idv.append(Json::Int64(id));
    Json::Value details(Json::objectValue);
    details["host_ids"] = idv;
    details["enabled"] = enabled;
    ctx.audit(ApiContext::actor(who), "hosts.monitoring", id_list_text(updated), details, req.remote);
    Json::Value out(Json::objectValue);
    out["updated"] = idv;
    return ApiContext::json(200, out);
}

http::Response revoke(ApiContext& ctx, const http::Request& req)
{
    auth::Principal who = ctx.require(req, store::Role::admin);
    const int64_t id = QueryReader::path_id(req);
    auto h = ctx.store.get_host(id);
    if (!h)
        throw ApiError::not_found("no such host");
    ctx.store.revoke_host(id);
    // A held heartbeat is answered now; the agent's next request gets 401.
    ctx.waiters.notify(ApiContext::host_key(id));
    Json::Value details(Json::objectValue);
    details["name"] = h->name;
    ctx.audit(ApiContext::actor(who), "host.revoke", "host " + std::to_string(id), details, req.remote);
    return http::Response::empty(204);
}

}  // namespace

void HostRoutes::add(http::Router& router, ApiContext& ctx)
{
    router.add("GET", "/api/v1/hosts", ctx.sync(list));
    router.add("GET", "/api/v1/hosts/{id}", ctx.sync(detail));
    router.add("DELETE", "/api/v1/hosts/{id}", ctx.sync(revoke));
    router.add("POST", "/api/v1/hosts/monitoring", ctx.sync(monitoring));
}

}  // namespace procsentry::console::api
