// SPDX-License-Identifier: GPL-2.0
#include "auth/authenticator.hpp"

#include "auth/tokens.hpp"

namespace procsentry::console::auth {
namespace {

constexpr int64_t kNsPerS = 1000000000;
// A session's last_used is written at most this often: one write per request would make every
// page load a store transaction.
constexpr int64_t kTouchEveryNs = 60 * kNsPerS;

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

}  // namespace

Authenticator::Authenticator(store::Store& store, int64_t idle_timeout_s, int64_t absolute_timeout_s)
    : store_(store), idle_s_(idle_timeout_s), absolute_s_(absolute_timeout_s)
{
}

std::optional<std::string> Authenticator::bearer(const http::Request& req)
{
    const std::string* h = req.header("authorization");
    if (!h)
        return std::nullopt;
    std::string_view v = trim(*h);
    if (v.size() < 7 || (v.substr(0, 7) != "Bearer " && v.substr(0, 7) != "bearer "))
        return std::nullopt;
    v = trim(v.substr(7));
    if (v.empty() || v.size() > Tokens::kMaxLength)
        return std::nullopt;
    return std::string(v);
}

std::optional<std::string> Authenticator::cookie(const http::Request& req, const std::string& name)
{
    for (const auto& [k, v] : req.headers) {
        if (k != "cookie")
            continue;
        std::string_view rest = v;
        while (!rest.empty()) {
            std::size_t semi = rest.find(';');
            std::string_view part = trim(rest.substr(0, semi));
            rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
            std::size_t eq = part.find('=');
            if (eq != std::string_view::npos && part.substr(0, eq) == name) {
                std::string_view val = part.substr(eq + 1);
                if (val.empty() || val.size() > Tokens::kMaxLength)
                    return std::nullopt;
                return std::string(val);
            }
        }
    }
    return std::nullopt;
}

std::optional<store::TokenRow> Authenticator::token(const http::Request& req, store::TokenKind kind,
                                                    std::string_view prefix, store::TimeNs now)
{
    auto secret = bearer(req);
    if (!secret || secret->rfind(prefix, 0) != 0)
        return std::nullopt;
    auto row = store_.find_token(kind, Tokens::sha256_hex(*secret));
    if (!row || row->revoked || (row->expires != 0 && row->expires <= now))
        return std::nullopt;
    return row;
}

std::optional<Principal> Authenticator::operator_principal(const http::Request& req, store::TimeNs now)
{
    if (req.header("authorization")) {
        auto row = token(req, store::TokenKind::api, Tokens::kApi, now);
        if (!row)
            return std::nullopt;
        auto user = store_.get_user(row->user_id);
        if (!user || user->disabled)
            return std::nullopt;
        store_.use_token(row->id, now);
        Principal p;
        p.kind = Principal::Kind::api_token;
        p.user = std::move(*user);
        p.token_id = row->id;
        p.token_name = row->name;
        return p;
    }
    auto value = cookie(req, kCookie);
    if (!value || value->rfind(Tokens::kSession, 0) != 0)
        return std::nullopt;
    const std::string hash = Tokens::sha256_hex(*value);
    auto session = store_.get_session(hash);
    if (!session)
        return std::nullopt;
    if (now - session->last_used > idle_s_ * kNsPerS || now - session->created > absolute_s_ * kNsPerS) {
        store_.delete_session(hash);
        return std::nullopt;
    }
    auto user = store_.get_user(session->user_id);
    if (!user || user->disabled)
        return std::nullopt;
    if (now - session->last_used > kTouchEveryNs)
        store_.touch_session(hash, now);
    Principal p;
    p.kind = Principal::Kind::session;
    p.user = std::move(*user);
    p.session_hash = hash;
    p.csrf_token = session->csrf_token;
    return p;
}

std::optional<store::TokenRow> Authenticator::agent(const http::Request& req, store::TimeNs now)
{
    auto row = token(req, store::TokenKind::agent, Tokens::kAgent, now);
    if (!row)
        return std::nullopt;
    auto host = store_.get_host(row->host_id);
    if (!host || host->revoked)
        return std::nullopt;
    return row;
}

std::optional<store::TokenRow> Authenticator::enrollment(const http::Request& req, store::TimeNs now)
{
    auto row = token(req, store::TokenKind::enrollment, Tokens::kEnrollment, now);
    if (!row || (row->max_uses > 0 && row->uses >= row->max_uses))
        return std::nullopt;
    return row;
}

NewSession Authenticator::create_session(int64_t user_id, const std::string& remote, store::TimeNs now)
{
    NewSession out;
    out.cookie_value = Tokens::generate(Tokens::kSession);
    out.csrf_token = Tokens::random_base64url(32);
    store::SessionRow row;
    row.token_hash = Tokens::sha256_hex(out.cookie_value);
    row.user_id = user_id;
    row.csrf_token = out.csrf_token;
    row.created = now;
    row.last_used = now;
    row.remote = remote;
    store_.create_session(row);
    return out;
}

void Authenticator::end_session(const std::string& session_hash)
{
    store_.delete_session(session_hash);
}

bool Authenticator::csrf_ok(const http::Request& req, const Principal& who)
{
    if (who.kind != Principal::Kind::session)
        return true;
    if (req.method == "GET" || req.method == "HEAD")
        return true;
    const std::string* h = req.header("x-csrf-token");
    return h && !who.csrf_token.empty() && Tokens::equal(*h, who.csrf_token);
}

std::string Authenticator::session_cookie(const std::string& value, bool secure)
{
    return std::string(kCookie) + "=" + value + "; HttpOnly; SameSite=Strict; Path=/" + (secure ? "; Secure" : "");
}

std::string Authenticator::clear_cookie(bool secure)
{
    return std::string(kCookie) + "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0" + (secure ? "; Secure" : "");
}

}  // namespace procsentry::console::auth
