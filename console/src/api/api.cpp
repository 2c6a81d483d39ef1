// SPDX-License-Identifier: GPL-2.0
#include "api/api.hpp"

#include "api/agent_routes.hpp"
#include "api/api_error.hpp"
#include "api/config_routes.hpp"
#include "api/host_routes.hpp"
#include "api/incident_routes.hpp"
#include "api/session_routes.hpp"
#include "api/system_routes.hpp"
#include "api/token_routes.hpp"
#include "api/user_routes.hpp"
#include "app/log.hpp"

namespace procsentry::console::api {

Api::Api(ApiContext& ctx) : ctx_(ctx)
{
    SessionRoutes::add(router_, ctx_);
    IncidentRoutes::add(router_, ctx_);
    HostRoutes::add(router_, ctx_);
    ConfigRoutes::add(router_, ctx_);
    UserRoutes::add(router_, ctx_);
    TokenRoutes::add(router_, ctx_);
    SystemRoutes::add(router_, ctx_);
    AgentRoutes::add(router_, ctx_);
}

void Api::handle(http::Request& req, http::Reply reply)
{
    try {
        http::Router::Result r = router_.route(req);
        if (r.match == http::Router::Match::no_path)
            throw ApiError::not_found("no such API route");
        if (r.match == http::Router::Match::wrong_method) {
            std::string allow;
            for (const auto& m : r.allowed)
                allow += (allow.empty() ? "" : ", ") + m;
            ApiError e(405, "method_not_allowed", "method not allowed here");
            e.headers.emplace_back("Allow", allow);
            throw e;
        }
        (*r.handler)(req, reply);
    } catch (const ApiError& e) {
        reply(e.response());
    } catch (const store::StoreConflict& e) {
        // Two requests raced on a unique name; the loser hears what the winner made.
        reply(ApiError::conflict("that name or value is already taken").response());
    } catch (const store::StoreError& e) {
        procsentry::app::log_err(std::string("store: ") + e.what());
        reply(ApiError(500, "internal", "the store failed").response());
    } catch (const std::exception& e) {
        procsentry::app::log_err(std::string("request ") + req.method + " " + req.path.substr(0, 200) + ": " + e.what());
        reply(ApiError(500, "internal", "internal error").response());
    }
}

}  // namespace procsentry::console::api
