// SPDX-License-Identifier: GPL-2.0
#include "api/context.hpp"

#include "api/api_error.hpp"
#include "api/json_text.hpp"
#include "api/time_text.hpp"
#include "app/log.hpp"
#include "auth/roles.hpp"

namespace procsentry::console::api {

ApiContext::ApiContext(store::Store& s, http::Waiters& w, ApiSettings st)
    : store(s), waiters(w), settings(std::move(st)), authn(s, settings.idle_timeout_s, settings.absolute_timeout_s),
      hasher(settings.scrypt_log_n), kdf_gate(settings.kdf_slots), clock(&TimeText::now_ns)
{
}

auth::KdfGate::Ticket ApiContext::kdf_slot()
{
    auto t = kdf_gate.try_enter();
    if (!t) {
        ApiError e(503, "busy", "too many password checks at once; try again in a second");
        e.headers.emplace_back("Retry-After", "1");
        throw e;
    }
    return std::move(*t);
}

auth::Principal ApiContext::require(const http::Request& req, store::Role need)
{
    auto who = authn.operator_principal(req, clock());
    if (!who)
        throw ApiError::unauthenticated("no valid session or API token");
    if (!auth::Authenticator::csrf_ok(req, *who))
        throw ApiError::forbidden("missing or wrong X-CSRF-Token header");
    if (!auth::Roles::at_least(who->user.role, need))
        throw ApiError::forbidden("this needs the " + auth::Roles::name(need) + " role");
    return *who;
}

std::string ApiContext::actor(const auth::Principal& who)
{
    if (who.kind == auth::Principal::Kind::api_token)
        return who.user.name + " (token:" + who.token_name + ")";
    return who.user.name;
}

void ApiContext::audit(const std::string& actor, const std::string& action, const std::string& target,
                       const Json::Value& details, const std::string& remote)
{
    store::AuditRow row;
    row.time = clock();
    row.actor = actor;
    row.action = action;
    row.target = target;
    row.details_json = JsonText::write(details.isObject() ? details : Json::Value(Json::objectValue));
    row.remote = remote;
    store.audit(row);
}

bool ApiContext::connected(const store::HostRow& h)
{
    if (h.revoked)
        return false;
    if (waiters.waiting(host_key(h.id)) > 0)
        return true;
    return h.last_seen != 0 && clock() - h.last_seen <= settings.offline_after_s * 1000000000LL;
}

http::Response ApiContext::json(int status, const Json::Value& body)
{
    return http::Response::json(status, JsonText::write(body));
}

}  // namespace procsentry::console::api
