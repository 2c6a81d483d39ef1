// SPDX-License-Identifier: GPL-2.0
#include "api/config_routes.hpp"

#include <map>
#include <mutex>
#include <set>

#include "api/api_error.hpp"
#include "api/body_reader.hpp"
#include "api/policy.hpp"
#include "api/query_reader.hpp"
#include "api/views.hpp"

namespace procsentry::console::api {
namespace {

constexpr std::size_t kMaxHosts = 10000;

struct Targets {
    bool all = false;
    std::vector<int64_t> host_ids;
};

Targets read_targets(ApiContext& ctx, const BodyReader& b)
{
    if (!b.has("targets"))
        throw ApiError::bad_field("targets", "is required");
    const Json::Value& t = b.raw("targets");
    Targets out;
    std::vector<store::HostRow> hosts = ctx.store.list_hosts();
    if (t.isString()) {
        if (t.asString() != "all")
            throw ApiError::bad_field("targets", "must be \"all\" or {\"host_ids\": [...]}");
        out.all = true;
        for (const auto& h : hosts)
            if (!h.revoked)
                out.host_ids.push_back(h.id);
        return out;
    }
    BodyReader tb(t, "targets", {"host_ids"});
    out.host_ids = *tb.id_list("host_ids", true, kMaxHosts);
    std::set<int64_t> known;
    for (const auto& h : hosts)
        if (!h.revoked)
            known.insert(h.id);
    for (int64_t id : out.host_ids)
        if (!known.count(id))
            throw ApiError::not_found("no such host: " + std::to_string(id));
    return out;
}

Json::Value ids_json(const std::vector<int64_t>& ids)
{
    Json::Value v(Json::arrayValue);
    for (int64_t id : ids)
        v.append(Json::Int64(id));
    return v;
}

std::vector<int64_t> assign(ApiContext& ctx, const Targets& t, int64_t version)
{
    std::vector<int64_t> assigned = t.host_ids.empty() ? std::vector<int64_t>{} : ctx.store.assign_policy(t.host_ids, version);
    if (t.all)
        ctx.store.set_default_policy(version);
    for (int64_t id : assigned)
        ctx.waiters.notify(ApiContext::host_key(id));
    return assigned;
}

http::Response overview(ApiContext& ctx, const http::Request& req)
{
    ctx.require(req, store::Role::viewer);
    QueryReader q(req, {});
    Json::Value out(Json::objectValue);
    auto latest = ctx.store.latest_policy();
    out["latest"] = latest ? Views::policy(*latest) : Json::Value(Json::nullValue);
    out["default_version"] = Json::Int64(ctx.store.default_policy());
    std::map<int64_t, std::pair<int, int>> counts;
    for (const auto& h : ctx.store.list_hosts()) {
        if (h.revoked)
            continue;
        if (h.config_assigned)
            ++counts[h.config_assigned].first;
        if (h.config_applied)
            ++counts[h.config_applied].second;
    }
    Json::Value& by = out["hosts_by_version"];
    by = Json::Value(Json::objectValue);
    for (const auto& [v, c] : counts) {
        Json::Value e(Json::objectValue);
        e["assigned"] = c.first;
        e["applied"] = c.second;
        by[std::to_string(v)] = e;
    }
    return ApiContext::json(200, out);
}

http::Response versions(ApiContext& ctx, const http::Request& req)
{
    ctx.require(req, store::Role::viewer);
    QueryReader q(req, {"limit"});
    const int limit = static_cast<int>(q.integer("limit", 1, 500, 50));
    Json::Value out(Json::objectValue);
    Json::Value& items = out["items"];
    items = Json::Value(Json::arrayValue);
    for (const auto& p : ctx.store.list_policies(limit))
        items.append(Views::policy(p));
    return ApiContext::json(200, out);
}

http::Response version(ApiContext& ctx, const http::Request& req)
{
    ctx.require(req, store::Role::viewer);
    QueryReader q(req, {});
    auto p = ctx.store.get_policy(QueryReader::path_id(req, "v"));
    if (!p)
        throw ApiError::not_found("no such configuration version");
    return ApiContext::json(200, Views::policy(*p));
}

http::Response validate(ApiContext& ctx, const http::Request& req)
{
    ctx.require(req, store::Role::viewer);
    Json::Value body = BodyReader::parse_object(req);
    BodyReader b(body, "", {"policy"});
    if (!b.has("policy"))
        throw ApiError::bad_field("policy", "is required");
    Policy::Check c = Policy::check(b.raw("policy"));
    if (!c.ok)
        throw Policy::invalid(c);
    Json::Value out(Json::objectValue);
    out["valid"] = true;
    return ApiContext::json(200, out);
}

http::Response push(ApiContext& ctx, const http::Request& req)
{
    auth::Principal who = ctx.require(req, store::Role::operator_);
    Json::Value body = BodyReader::parse_object(req);
    BodyReader b(body, "", {"policy", "base_version", "comment", "targets"});
    if (!b.has("policy"))
        throw ApiError::bad_field("policy", "is required");
    const int64_t base = *b.integer("base_version", true, 0, INT64_MAX);
    const std::string comment = b.string("comment", false, 1000).value_or("");
    Targets targets = read_targets(ctx, b);
    Policy::Check c = Policy::check(b.raw("policy"));
    if (!c.ok)
        throw Policy::invalid(c);
    std::lock_guard lock(ctx.config_mu);
    auto latest = ctx.store.latest_policy();
    const int64_t latest_v = latest ? latest->version : 0;
    if (base != latest_v)
        throw ApiError::conflict("the configuration changed since version " + std::to_string(base) +
                                 " (latest is " + std::to_string(latest_v) + "); reload and apply your change again");
    store::PolicyVersion p;
    p.policy_json = c.canonical;
    p.comment = comment;
    p.created_by = ApiContext::actor(who);
    p.created = ctx.clock();
    p.version = ctx.store.add_policy(p);
    std::vector<int64_t> assigned = assign(ctx, targets, p.version);
    Json::Value details(Json::objectValue);
    details["targets"] = targets.all ? Json::Value("all") : ids_json(targets.host_ids);
    details["base_version"] = Json::Int64(base);
    details["comment"] = comment;
    ctx.audit(ApiContext::actor(who), "config.push", "config " + std::to_string(p.version), details, req.remote);
    Json::Value out(Json::objectValue);
    out["version"] = Json::Int64(p.version);
    out["assigned"] = ids_json(assigned);
    return ApiContext::json(201, out);
}

http::Response assign_version(ApiContext& ctx, const http::Request& req)
{
    auth::Principal who = ctx.require(req, store::Role::operator_);
    const int64_t v = QueryReader::path_id(req, "v");
    Json::Value body = BodyReader::parse_object(req);
    BodyReader b(body, "", {"targets"});
    Targets targets = read_targets(ctx, b);
    std::lock_guard lock(ctx.config_mu);
    if (!ctx.store.get_policy(v))
        throw ApiError::not_found("no such configuration version");
    std::vector<int64_t> assigned = assign(ctx, targets, v);
    Json::Value details(Json::objectValue);
    details["targets"] = targets.all ? Json::Value("all") : ids_json(targets.host_ids);
    ctx.audit(ApiContext::actor(who), "config.assign", "config " + std::to_string(v), details, req.remote);
    Json::Value out(Json::objectValue);
    out["assigned"] = ids_json(assigned);
    return ApiContext::json(200, out);
}

}  // namespace

void ConfigRoutes::add(http::Router& router, ApiContext& ctx)
{
    router.add("GET", "/api/v1/config", ctx.sync(overview));
    router.add("POST", "/api/v1/config", ctx.sync(push));
    router.add("GET", "/api/v1/config/versions", ctx.sync(versions));
    router.add("GET", "/api/v1/config/versions/{v}", ctx.sync(version));
    router.add("POST", "/api/v1/config/versions/{v}/assign", ctx.sync(assign_version));
    router.add("POST", "/api/v1/config/validate", ctx.sync(validate));
}

}  // namespace procsentry::console::api
