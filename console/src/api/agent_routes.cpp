// SPDX-License-Identifier: GPL-2.0
#include "api/agent_routes.hpp"

#include <algorithm>
#include <chrono>

#include "api/alert_extractor.hpp"
#include "api/api_error.hpp"
#include "api/body_reader.hpp"
#include "api/json_text.hpp"
#include "api/query_reader.hpp"
#include "app/log.hpp"
#include "auth/tokens.hpp"

namespace procsentry::console::api {
namespace {

constexpr int64_t kMaxCount = INT64_MAX;

store::TokenRow require_agent(ApiContext& ctx, const http::Request& req)
{
    auto row = ctx.authn.agent(req, ctx.clock());
    if (!row)
        throw ApiError::unauthenticated("unknown or revoked agent token");
    return *row;
}

http::Response enroll(ApiContext& ctx, const http::Request& req)
{
    const store::TimeNs now = ctx.clock();
    auto tok = ctx.authn.enrollment(req, now);
    if (!tok)
        throw ApiError::unauthenticated("the enrolment token is unknown, expired, revoked or used up");
    QueryReader q(req, {});
    Json::Value body = BodyReader::parse_object(req);
    BodyReader b(body, "", {"host", "agent_version"});
    BodyReader hb(*b.object("host", true), "host", {"name", "machine_id", "boot_id"});
    store::HostRow h;
    h.name = *hb.string("name", true, 253, 1);
    h.machine_id = hb.string("machine_id", false, 64).value_or("");
    h.boot_id = hb.string("boot_id", false, 64).value_or("");
    h.agent_version = b.string("agent_version", false, 64).value_or("");
    if (!ctx.store.consume_enrollment(tok->id, now))
        throw ApiError::unauthenticated("the enrolment token is unknown, expired, revoked or used up");
    h.enrolled = now;
    h.last_seen = now;
    h.sensor_state = "unknown";
    h.config_assigned = ctx.store.default_policy();
    h.id = ctx.store.create_host(h);
    if (h.config_assigned)
        ctx.store.assign_policy({h.id}, h.config_assigned);
    const std::string secret = auth::Tokens::generate(auth::Tokens::kAgent);
    store::TokenRow t;
    t.kind = store::TokenKind::agent;
    t.token_hash = auth::Tokens::sha256_hex(secret);
    t.name = h.name;
    t.user_id = tok->user_id;
    t.host_id = h.id;
    t.created = now;
    ctx.store.create_token(t);
    Json::Value details(Json::objectValue);
    details["name"] = h.name;
    details["machine_id"] = h.machine_id;
    details["enrollment_token"] = tok->name;
    ctx.audit("agent:" + std::to_string(h.id), "agent.enroll", "host " + std::to_string(h.id), details, req.remote);
    Json::Value out(Json::objectValue);
    out["host_id"] = Json::Int64(h.id);
    out["agent_token"] = secret;
    return ApiContext::json(201, out);
}

// Fills hb from the heartbeat body; keys absent keep the host's previous values.
void read_heartbeat(const Json::Value& body, const store::HostRow& prev, store::HeartbeatUpdate& hb)
{
    BodyReader b(body, "", {"agent_version", "host", "kernel", "monitoring", "config", "loss", "alerts", "uptime_s"});
    hb.name = prev.name;
    hb.boot_id = prev.boot_id;
    hb.agent_version = b.string("agent_version", false, 64).value_or(prev.agent_version);
    hb.kernel_release = prev.kernel_release;
    hb.module_version = prev.module_version;
    hb.abi_version = prev.abi_version;
    hb.sensor_state = prev.sensor_state;
    hb.sensor_reason = prev.sensor_reason;
    hb.monitoring_enabled = prev.monitoring_enabled;
    hb.monitoring_generation_applied = prev.monitoring_generation_applied;
    hb.drops_total = prev.drops_total;
    hb.config_applied = prev.config_applied;
    hb.config_rejected = prev.config_rejected;
    hb.config_error = prev.config_error;
    if (const Json::Value* h = b.object("host", false)) {
        BodyReader r(*h, "host", {"name", "machine_id", "boot_id"});
        hb.name = r.string("name", false, 253, 1).value_or(hb.name);
        r.string("machine_id", false, 64);
        hb.boot_id = r.string("boot_id", false, 64).value_or(hb.boot_id);
    }
    if (const Json::Value* k = b.object("kernel", false)) {
        BodyReader r(*k, "kernel", {"release", "module_version", "abi_version", "state", "reason"});
        hb.kernel_release = r.nullable_string("release", 128).value_or("");
        hb.module_version = r.nullable_string("module_version", 64).value_or("");
        hb.abi_version = r.nullable_integer("abi_version", 0, INT32_MAX).value_or(-1);
        hb.sensor_state = r.nullable_string("state", 32).value_or("unknown");
        hb.sensor_reason = r.nullable_string("reason", 256).value_or("");
    }
    if (const Json::Value* m = b.object("monitoring", false)) {
        BodyReader r(*m, "monitoring", {"enabled", "generation"});
        hb.monitoring_enabled = r.boolean("enabled", false).value_or(hb.monitoring_enabled);
        hb.monitoring_generation_applied = r.integer("generation", false, 0, kMaxCount).value_or(hb.monitoring_generation_applied);
    }
    if (const Json::Value* c = b.object("config", false)) {
        BodyReader r(*c, "config", {"applied_version", "rejected_version", "error"});
        hb.config_applied = r.nullable_integer("applied_version", 0, kMaxCount).value_or(0);
        hb.config_rejected = r.nullable_integer("rejected_version", 0, kMaxCount).value_or(0);
        hb.config_error = r.nullable_string("error", 4096).value_or("");
    }
    if (const Json::Value* l = b.object("loss", false)) {
        BodyReader r(*l, "loss", {"total", "by_cause"});
        hb.drops_total = r.integer("total", false, 0, kMaxCount).value_or(hb.drops_total);
        r.object("by_cause", false);
    }
    if (const Json::Value* a = b.object("alerts", false)) {
        BodyReader r(*a, "alerts", {"total", "by_severity"});
        r.integer("total", false, 0, kMaxCount);
        r.object("by_severity", false);
    }
    b.integer("uptime_s", false, 0, kMaxCount);
}

bool config_pending(const store::HostRow& h)
{
    return h.config_assigned != 0 && h.config_assigned != h.config_applied && h.config_assigned != h.config_rejected;
}

http::Response heartbeat_answer(ApiContext& ctx, const store::HostRow& h)
{
    Json::Value out(Json::objectValue);
    Json::Value& m = out["monitoring"];
    m = Json::Value(Json::objectValue);
    m["enabled"] = h.monitoring_desired;
    m["generation"] = Json::Int64(h.monitoring_generation);
    Json::Value& c = out["config"];
    c = Json::Value(Json::objectValue);
    c["version"] = h.config_assigned ? Json::Value(Json::Int64(h.config_assigned)) : Json::Value(Json::nullValue);
    if (config_pending(h)) {
        auto p = ctx.store.get_policy(h.config_assigned);
        if (p) {
            auto pol = JsonText::parse(p->policy_json);
            if (pol)
                c["policy"] = *pol;
        }
    }
    out["heartbeat_wait_s"] = Json::Int64(ctx.settings.heartbeat_wait_s);
    return ApiContext::json(200, out);
}

void heartbeat(ApiContext& ctx, http::Request& req, http::Reply reply)
{
    store::TokenRow tok = require_agent(ctx, req);
    QueryReader q(req, {"wait"});
    const int64_t wait_s = std::min<int64_t>(q.integer("wait", 0, 86400, 0), ctx.settings.heartbeat_wait_s);
    Json::Value body = BodyReader::parse_object(req);
    auto prev = ctx.store.get_host(tok.host_id);
    if (!prev || prev->revoked)
        throw ApiError::unauthenticated("unknown or revoked agent token");
    store::HeartbeatUpdate hb;
    hb.host_id = prev->id;
    hb.now = ctx.clock();
    read_heartbeat(body, *prev, hb);
    hb.heartbeat_json = JsonText::write(body);
    ctx.store.apply_heartbeat(hb);
    const std::string actor = "agent:" + std::to_string(prev->id);
    const std::string target = "host " + std::to_string(prev->id);
    if (hb.config_applied != 0 && hb.config_applied != prev->config_applied) {
        Json::Value d(Json::objectValue);
        d["version"] = Json::Int64(hb.config_applied);
        ctx.audit(actor, "agent.config_applied", target, d, req.remote);
    }
    if (hb.config_rejected != 0 && hb.config_rejected != prev->config_rejected) {
        Json::Value d(Json::objectValue);
        d["version"] = Json::Int64(hb.config_rejected);
        d["error"] = hb.config_error;
        ctx.audit(actor, "agent.config_rejected", target, d, req.remote);
    }
    const std::string key = ApiContext::host_key(prev->id);
    // Read before the row: a change made between the two wakes the wait below at once.
    const uint64_t gen = ctx.waiters.generation(key);
    auto host = ctx.store.get_host(prev->id);
    if (!host || host->revoked)
        throw ApiError::unauthenticated("unknown or revoked agent token");
    const bool behind = hb.monitoring_generation_applied != host->monitoring_generation || config_pending(*host);
    if (behind || wait_s == 0) {
        reply(heartbeat_answer(ctx, *host));
        return;
    }
    const int64_t host_id = host->id;
    ctx.waiters.wait(key, gen, std::chrono::seconds(wait_s), [&ctx, reply, host_id](bool) {
        try {
            auto h = ctx.store.get_host(host_id);
            if (!h || h->revoked)
                reply(ApiError::unauthenticated("unknown or revoked agent token").response());
            else
                reply(heartbeat_answer(ctx, *h));
        } catch (const std::exception& e) {
            procsentry::app::log_err(std::string("heartbeat: ") + e.what());
            reply(ApiError(500, "internal", "the store failed").response());
        }
    });
}

http::Response alerts(ApiContext& ctx, const http::Request& req)
{
    store::TokenRow tok = require_agent(ctx, req);
    QueryReader q(req, {});
    const std::string* ct = req.header("content-type");
    if (!ct || ct->rfind("application/x-ndjson", 0) != 0)
        throw ApiError(415, "unsupported_media_type", "alert batches are application/x-ndjson");
    auto host = ctx.store.get_host(tok.host_id);
    if (!host || host->revoked)
        throw ApiError::unauthenticated("unknown or revoked agent token");
    const store::TimeNs now = ctx.clock();
    std::vector<store::IncidentRow> rows;
    int rejected = 0;
    std::string first_error;
    std::string_view rest = req.body;
    while (!rest.empty()) {
        std::size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos)
            continue;
        std::string err;
        auto row = AlertExtractor::extract(line, host->id, host->name, now, &err);
        if (row) {
            rows.push_back(std::move(*row));
        } else {
            ++rejected;
            if (first_error.empty())
                first_error = err;
        }
    }
    store::IngestResult r;
    if (!rows.empty())
        r = ctx.store.ingest(rows);
    ctx.store.touch_host(host->id, now);
    if (r.accepted > 0)
        ctx.waiters.notify(ApiContext::kIncidentsKey);
    if (rejected > 0)
        procsentry::app::log_warn("host " + std::to_string(host->id) + ": " + std::to_string(rejected) +
                      " alert line(s) rejected, first: " + first_error);
    Json::Value out(Json::objectValue);
    out["accepted"] = r.accepted;
    out["duplicates"] = r.duplicates;
    out["rejected"] = rejected;
    return ApiContext::json(200, out);
}

}  // namespace

void AgentRoutes::add(http::Router& router, ApiContext& ctx)
{
    router.add("POST", "/api/agent/v1/enroll", ctx.sync(enroll));
    router.add("POST", "/api/agent/v1/heartbeat",
               [&ctx](http::Request& req, http::Reply reply) { heartbeat(ctx, req, reply); });
    router.add("POST", "/api/agent/v1/alerts", ctx.sync(alerts));
}

}  // namespace procsentry::console::api
