// SPDX-License-Identifier: GPL-2.0
#include "api/session_routes.hpp"

#include "api/api_error.hpp"
#include "api/body_reader.hpp"
#include "api/views.hpp"
#include "auth/password_hasher.hpp"

namespace procsentry::console::api {
namespace {

constexpr std::size_t kMaxPassword = 1024;

http::Response login(ApiContext& ctx, const http::Request& req)
{
    Json::Value body = BodyReader::parse_object(req);
    BodyReader b(body, "", {"username", "password"});
    const std::string name = *b.string("username", true, 64, 1);
    const std::string password = *b.string("password", true, kMaxPassword);
    const store::TimeNs now = ctx.clock();
    int64_t retry = ctx.throttle.retry_after(name, now);
    if (retry > 0) {
        ApiError e(429, "rate_limited", "too many failed logins; try again later");
        e.headers.emplace_back("Retry-After", std::to_string(retry));
        throw e;
    }
    auto user = ctx.store.find_user(name);
    auto slot = ctx.kdf_slot();
    // Unknown and disabled users are checked against a dummy hash: same work, same answer.
    const bool usable = user && !user->disabled;
    const bool match = auth::PasswordHasher::verify(password, usable ? user->password_hash : ctx.hasher.dummy_hash());
    Json::Value details(Json::objectValue);
    if (!(usable && match)) {
        ctx.throttle.record_failure(name, now);
        details["username"] = name;
        ctx.audit(name, "login_failed", "user " + name, details, req.remote);
        throw ApiError::unauthenticated("wrong user name or password");
    }
    ctx.throttle.record_success(name);
    auth::NewSession s = ctx.authn.create_session(user->id, req.remote, now);
    ctx.audit(user->name, "login", "user " + user->name, details, req.remote);
    Json::Value out(Json::objectValue);
    out["user"] = Views::user(*user);
    out["csrf_token"] = s.csrf_token;
    http::Response r = ApiContext::json(200, out);
    r.headers.emplace_back("Set-Cookie", auth::Authenticator::session_cookie(s.cookie_value, req.tls));
    return r;
}

http::Response logout(ApiContext& ctx, const http::Request& req)
{
    auth::Principal who = ctx.require(req, store::Role::viewer);
    if (who.kind == auth::Principal::Kind::session)
        ctx.authn.end_session(who.session_hash);
    ctx.audit(ApiContext::actor(who), "logout", "user " + who.user.name, Json::Value(Json::objectValue), req.remote);
    http::Response r = http::Response::empty(204);
    r.headers.emplace_back("Set-Cookie", auth::Authenticator::clear_cookie(req.tls));
    return r;
}

http::Response me(ApiContext& ctx, const http::Request& req)
{
    auth::Principal who = ctx.require(req, store::Role::viewer);
    Json::Value out(Json::objectValue);
    out["user"] = Views::user(who.user);
    out["csrf_token"] = who.kind == auth::Principal::Kind::session ? Json::Value(who.csrf_token)
                                                                   : Json::Value(Json::nullValue);
    return ApiContext::json(200, out);
}

http::Response change_password(ApiContext& ctx, const http::Request& req)
{
    auth::Principal who = ctx.require(req, store::Role::viewer);
    Json::Value body = BodyReader::parse_object(req);
    BodyReader b(body, "", {"current_password", "new_password"});
    const std::string current = *b.string("current_password", true, kMaxPassword);
    const std::string fresh = *b.string("new_password", true, kMaxPassword, 12);
    // The same throttle as login: a stolen session or API token must not be an unthrottled
    // oracle for the account's password.
    const store::TimeNs now = ctx.clock();
    if (int64_t retry = ctx.throttle.retry_after(who.user.name, now); retry > 0) {
        ApiError e(429, "rate_limited", "too many wrong passwords; try again later");
        e.headers.emplace_back("Retry-After", std::to_string(retry));
        throw e;
    }
    auto slot = ctx.kdf_slot();
    if (!auth::PasswordHasher::verify(current, who.user.password_hash)) {
        ctx.throttle.record_failure(who.user.name, now);
        throw ApiError::unauthenticated("the current password is wrong");
    }
    ctx.throttle.record_success(who.user.name);
    store::UserRow u = who.user;
    u.password_hash = ctx.hasher.hash(fresh);
    ctx.store.update_user(u);
    // Whoever else holds a session opened with the old password loses it; the caller keeps theirs.
    ctx.store.delete_user_sessions(u.id, who.kind == auth::Principal::Kind::session ? who.session_hash : "");
    ctx.audit(ApiContext::actor(who), "password.change", "user " + u.name, Json::Value(Json::objectValue),
              req.remote);
    return http::Response::empty(204);
}

}  // namespace

void SessionRoutes::add(http::Router& router, ApiContext& ctx)
{
    router.add("POST", "/api/v1/login", ctx.sync(login));
    router.add("POST", "/api/v1/logout", ctx.sync(logout));
    router.add("GET", "/api/v1/me", ctx.sync(me));
    router.add("POST", "/api/v1/me/password", ctx.sync(change_password));
}

}  // namespace procsentry::console::api
