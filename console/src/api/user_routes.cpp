// SPDX-License-Identifier: GPL-2.0
#include "api/user_routes.hpp"

#include "api/api_error.hpp"
#include "api/body_reader.hpp"
#include "api/query_reader.hpp"
#include "api/views.hpp"
#include "auth/roles.hpp"
#include "auth/user_name.hpp"

namespace procsentry::console::api {
namespace {

constexpr std::size_t kMaxPassword = 1024;

store::Role read_role(const BodyReader& b, bool required, store::Role fallback)
{
    auto r = b.string("role", required, 16);
    if (!r)
        return fallback;
    auto role = auth::Roles::parse(*r);
    if (!role)
        throw ApiError::bad_field("role", "must be admin, operator or viewer");
    return *role;
}

http::Response list(ApiContext& ctx, const http::Request& req)
{
    ctx.require(req, store::Role::admin);
    QueryReader q(req, {});
    Json::Value out(Json::objectValue);
    Json::Value& items = out["items"];
    items = Json::Value(Json::arrayValue);
    for (const auto& u : ctx.store.list_users())
        items.append(Views::user(u));
    return ApiContext::json(200, out);
}

http::Response create(ApiContext& ctx, const http::Request& req)
{
    auth::Principal who = ctx.require(req, store::Role::admin);
    Json::Value body = BodyReader::parse_object(req);
    BodyReader b(body, "", {"username", "password", "role"});
    store::UserRow u;
    u.name = *b.string("username", true, 64, 1);
    if (!auth::UserName::valid(u.name))
        throw ApiError::bad_field("username", "must be 1 to 64 of a-z 0-9 . _ -");
    const std::string password = *b.string("password", true, kMaxPassword, 12);
    u.role = read_role(b, true, store::Role::viewer);
    if (ctx.store.find_user(u.name))
        throw ApiError::conflict("a user named " + u.name + " exists");
    {
        auto slot = ctx.kdf_slot();
        u.password_hash = ctx.hasher.hash(password);
    }
    u.created = ctx.clock();
    try {
        u.id = ctx.store.create_user(u);
    } catch (const store::StoreConflict&) {
        throw ApiError::conflict("a user named " + u.name + " exists");
    }
    Json::Value details(Json::objectValue);
    details["role"] = auth::Roles::name(u.role);
    ctx.audit(ApiContext::actor(who), "user.create", "user " + u.name, details, req.remote);
    return ApiContext::json(201, Views::user(u));
}

http::Response update(ApiContext& ctx, const http::Request& req)
{
    auth::Principal who = ctx.require(req, store::Role::admin);
    const int64_t id = QueryReader::path_id(req);
    Json::Value body = BodyReader::parse_object(req);
    BodyReader b(body, "", {"role", "disabled", "password"});
    auto u = ctx.store.get_user(id);
    if (!u)
        throw ApiError::not_found("no such user");
    Json::Value details(Json::objectValue);
    store::Role role = read_role(b, false, u->role);
    auto disabled = b.boolean("disabled", false);
    auto password = b.string("password", false, kMaxPassword, 12);
    // An admin cannot lock themselves out: someone must remain able to administer.
    if (id == who.user.id && (role != store::Role::admin || disabled.value_or(false)))
        throw ApiError::conflict("you cannot demote or disable yourself");
    if (role != u->role)
        details["role"] = auth::Roles::name(role);
    u->role = role;
    if (disabled) {
        details["disabled"] = *disabled;
        u->disabled = *disabled;
    }
    if (password) {
        details["password"] = "changed";
        auto slot = ctx.kdf_slot();
        u->password_hash = ctx.hasher.hash(*password);
        ctx.throttle.record_success(u->name);
    }
    ctx.store.update_user(*u);
    // A password reset is what an admin does for a compromised account: the sessions opened
    // with the old password end too (the admin's own current one excepted).
    if (password)
        ctx.store.delete_user_sessions(u->id, id == who.user.id && who.kind == auth::Principal::Kind::session
                                                  ? who.session_hash
                                                  : "");
    ctx.audit(ApiContext::actor(who), "user.update", "user " + u->name, details, req.remote);
    return ApiContext::json(200, Views::user(*u));
}

http::Response remove(ApiContext& ctx, const http::Request& req)
{
    auth::Principal who = ctx.require(req, store::Role::admin);
    const int64_t id = QueryReader::path_id(req);
    if (id == who.user.id)
        throw ApiError::conflict("you cannot delete yourself");
    auto u = ctx.store.get_user(id);
    if (!u || !ctx.store.delete_user(id))
        throw ApiError::not_found("no such user");
    ctx.audit(ApiContext::actor(who), "user.delete", "user " + u->name, Json::Value(Json::objectValue), req.remote);
    return http::Response::empty(204);
}

}  // namespace

void UserRoutes::add(http::Router& router, ApiContext& ctx)
{
    router.add("GET", "/api/v1/users", ctx.sync(list));
    router.add("POST", "/api/v1/users", ctx.sync(create));
    router.add("PATCH", "/api/v1/users/{id}", ctx.sync(update));
    router.add("DELETE", "/api/v1/users/{id}", ctx.sync(remove));
}

}  // namespace procsentry::console::api
