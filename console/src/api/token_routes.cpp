// SPDX-License-Identifier: GPL-2.0
#include "api/token_routes.hpp"

#include <map>

#include "api/api_error.hpp"
#include "api/body_reader.hpp"
#include "api/query_reader.hpp"
#include "api/views.hpp"
#include "auth/roles.hpp"
#include "auth/tokens.hpp"

namespace procsentry::console::api {
namespace {

constexpr int64_t kNsPerDay = 86400LL * 1000000000LL;

std::map<int64_t, std::string> user_names(ApiContext& ctx)
{
    std::map<int64_t, std::string> out;
    for (const auto& u : ctx.store.list_users())
        out[u.id] = u.name;
    return out;
}

Json::Value token_list(ApiContext& ctx, store::TokenKind kind, std::optional<int64_t> only_user)
{
    auto names = user_names(ctx);
    Json::Value out(Json::objectValue);
    Json::Value& items = out["items"];
    items = Json::Value(Json::arrayValue);
    for (const auto& t : ctx.store.list_tokens(kind))
        if (!only_user || t.user_id == *only_user)
            items.append(Views::token(t, names[t.user_id]));
    return out;
}

http::Response create(ApiContext& ctx, const http::Request& req, store::TokenKind kind, const auth::Principal& who)
{
    Json::Value body = BodyReader::parse_object(req);
    const bool enrollment = kind == store::TokenKind::enrollment;
    BodyReader b = enrollment ? BodyReader(body, "", {"name", "expires_in_days", "max_uses"})
                              : BodyReader(body, "", {"name", "expires_in_days"});
    store::TokenRow t;
    t.kind = kind;
    t.name = *b.string("name", true, 100, 1);
    t.user_id = who.user.id;
    t.created = ctx.clock();
    if (auto days = b.integer("expires_in_days", false, 1, 3650))
        t.expires = t.created + *days * kNsPerDay;
    if (enrollment)
        t.max_uses = b.integer("max_uses", false, 1, 1000000).value_or(0);
    const std::string secret = auth::Tokens::generate(enrollment ? auth::Tokens::kEnrollment : auth::Tokens::kApi);
    t.token_hash = auth::Tokens::sha256_hex(secret);
    t.id = ctx.store.create_token(t);
    Json::Value details(Json::objectValue);
    details["name"] = t.name;
    ctx.audit(ApiContext::actor(who), enrollment ? "enrollment_token.create" : "api_token.create",
              (enrollment ? "enrollment token " : "api token ") + std::to_string(t.id), details, req.remote);
    Json::Value v = Views::token(t, who.user.name);
    v["token"] = secret;
    return ApiContext::json(201, v);
}

http::Response revoke(ApiContext& ctx, const http::Request& req, store::TokenKind kind, const auth::Principal& who)
{
    const int64_t id = QueryReader::path_id(req);
    const bool admin = auth::Roles::at_least(who.user.role, store::Role::admin);
    std::optional<store::TokenRow> found;
    for (const auto& t : ctx.store.list_tokens(kind))
        if (t.id == id)
            found = t;
    // Someone else's token is "not found" for a non-admin: ids do not reveal other users' tokens.
    if (!found || (!admin && found->user_id != who.user.id) || !ctx.store.revoke_token(id))
        throw ApiError::not_found("no such token");
    const bool enrollment = kind == store::TokenKind::enrollment;
    Json::Value details(Json::objectValue);
    details["name"] = found->name;
    ctx.audit(ApiContext::actor(who), enrollment ? "enrollment_token.revoke" : "api_token.revoke",
              (enrollment ? "enrollment token " : "api token ") + std::to_string(id), details, req.remote);
    return http::Response::empty(204);
}

}  // namespace

void TokenRoutes::add(http::Router& router, ApiContext& ctx)
{
    router.add("GET", "/api/v1/api-tokens", ctx.sync([](ApiContext& c, const http::Request& req) {
        auth::Principal who = c.require(req, store::Role::viewer);
        QueryReader q(req, {});
        const bool admin = auth::Roles::at_least(who.user.role, store::Role::admin);
        return ApiContext::json(200, token_list(c, store::TokenKind::api,
                                                admin ? std::nullopt : std::optional<int64_t>(who.user.id)));
    }));
    router.add("POST", "/api/v1/api-tokens", ctx.sync([](ApiContext& c, const http::Request& req) {
        return create(c, req, store::TokenKind::api, c.require(req, store::Role::viewer));
    }));
    router.add("DELETE", "/api/v1/api-tokens/{id}", ctx.sync([](ApiContext& c, const http::Request& req) {
        return revoke(c, req, store::TokenKind::api, c.require(req, store::Role::viewer));
    }));
    router.add("GET", "/api/v1/enrollment-tokens", ctx.sync([](ApiContext& c, const http::Request& req) {
        c.require(req, store::Role::admin);
        QueryReader q(req, {});
        return ApiContext::json(200, token_list(c, store::TokenKind::enrollment, std::nullopt));
    }));
    router.add("POST", "/api/v1/enrollment-tokens", ctx.sync([](ApiContext& c, const http::Request& req) {
        return create(c, req, store::TokenKind::enrollment, c.require(req, store::Role::admin));
    }));
    router.add("DELETE", "/api/v1/enrollment-tokens/{id}", ctx.sync([](ApiContext& c, const http::Request& req) {
        return revoke(c, req, store::TokenKind::enrollment, c.require(req, store::Role::admin));
    }));
}

}  // namespace procsentry::console::api
