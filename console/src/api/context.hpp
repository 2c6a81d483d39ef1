// SPDX-License-Identifier: GPL-2.0
// What every API handler needs: the store, the long-poll registry, authentication, settings,
// and the helpers that make every handler check roles and audit the same way.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include <json/value.h>

#include "auth/authenticator.hpp"
#include "auth/kdf_gate.hpp"
#include "auth/login_throttle.hpp"
#include "auth/password_hasher.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "http/router.hpp"
#include "http/waiters.hpp"
#include "store/store.hpp"

namespace procsentry::console::api {

struct ApiSettings {
    int64_t heartbeat_wait_s = 25;      // the longest an agent's heartbeat is held
    int64_t offline_after_s = 90;
    int64_t idle_timeout_s = 28800;
    int64_t absolute_timeout_s = 86400;
    int scrypt_log_n = auth::PasswordHasher::kDefaultLogN;
    int kdf_slots = 3;                  // password hashes at once (threads - 1: one stays free)
    std::string version;
};

class ApiContext {
public:
    ApiContext(store::Store& store, http::Waiters& waiters, ApiSettings settings);

    store::Store& store;
    http::Waiters& waiters;
    const ApiSettings settings;
    auth::Authenticator authn;
    auth::PasswordHasher hasher;
    auth::LoginThrottle throttle;
    auth::KdfGate kdf_gate;
    std::mutex config_mu;               // serialises policy pushes (base_version check + add)
    std::function<store::TimeNs()> clock;

    // 401 without a valid session or token, 403 when the role is too low or the CSRF header
    // is missing on a state-changing cookie request.
    auth::Principal require(const http::Request& req, store::Role need);
    void audit(const std::string& actor, const std::string& action, const std::string& target,
               const Json::Value& details, const std::string& remote);
    static std::string actor(const auth::Principal& who);
    // A slot for one password hash or check; 503 with Retry-After when every slot is busy.
    auth::KdfGate::Ticket kdf_slot();
    bool connected(const store::HostRow& h);

    static std::string host_key(int64_t host_id) { return "host:" + std::to_string(host_id); }
    static constexpr const char* kIncidentsKey = "incidents";

    static http::Response json(int status, const Json::Value& body);

    // Most handlers answer at once: wrap a function (ApiContext&, const Request&) -> Response.
    template <class F>
    http::Handler sync(F f)
    {
        return [this, f](http::Request& req, http::Reply reply) { reply(f(*this, req)); };
    }
};

}  // namespace procsentry::console::api
