// SPDX-License-Identifier: GPL-2.0
// Who is asking: an operator through the ps_session cookie or an API token (Bearer pst_...),
// or an agent through its agent token (Bearer psa_...).  Sessions end after an idle and an
// absolute timeout; cookie sessions must carry the CSRF header on state-changing requests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "http/request.hpp"
#include "store/store.hpp"

namespace procsentry::console::auth {

struct Principal {
    enum class Kind { session, api_token };
    Kind kind = Kind::session;
    store::UserRow user;
    std::string session_hash;   // session only
    std::string csrf_token;     // session only
    int64_t token_id = 0;       // api token only
    std::string token_name;     // api token only
};

struct NewSession {
    std::string cookie_value;   // the secret, sent once in Set-Cookie
    std::string csrf_token;
};

class Authenticator {
public:
    static constexpr const char* kCookie = "ps_session";

    Authenticator(store::Store& store, int64_t idle_timeout_s, int64_t absolute_timeout_s);

    std::optional<Principal> operator_principal(const http::Request& req, store::TimeNs now);
    // The agent's token row, when valid and its host is not revoked.
    std::optional<store::TokenRow> agent(const http::Request& req, store::TimeNs now);
    // A valid, unexpired enrolment token (not consumed here).
    std::optional<store::TokenRow> enrollment(const http::Request& req, store::TimeNs now);

    NewSession create_session(int64_t user_id, const std::string& remote, store::TimeNs now);
    void end_session(const std::string& session_hash);

    // GET/HEAD never need it; API tokens never need it; cookie sessions need the header.
    static bool csrf_ok(const http::Request& req, const Principal& who);
    static std::string session_cookie(const std::string& value, bool secure);
    static std::string clear_cookie(bool secure);
    static std::optional<std::string> bearer(const http::Request& req);
    static std::optional<std::string> cookie(const http::Request& req, const std::string& name);

private:
    std::optional<store::TokenRow> token(const http::Request& req, store::TokenKind kind, std::string_view prefix,
                                         store::TimeNs now);

    store::Store& store_;
    int64_t idle_s_;
    int64_t absolute_s_;
};

}  // namespace procsentry::console::auth
