// SPDX-License-Identifier: GPL-2.0
#include "api/incident_routes.hpp"

#include <chrono>

#include "api/alert_extractor.hpp"
#include "api/api_error.hpp"
#include "api/body_reader.hpp"
#include "api/json_text.hpp"
#include "api/query_reader.hpp"
#include "api/time_text.hpp"
#include "api/views.hpp"
#include "app/log.hpp"

namespace procsentry::console::api {
namespace {

constexpr std::size_t kMaxComment = 1000;
constexpr std::size_t kMaxBulk = 500;

store::IncidentFilter read_filter(const QueryReader& q)
{
    store::IncidentFilter f;
    for (const auto& h : q.all("host")) {
        auto id = QueryReader::parse_int(h);
        if (!id || *id < 1)
            throw ApiError::bad_field("host", "must be a host id");
        f.host_ids.push_back(*id);
    }
    for (const auto& s : q.all("severity")) {
        auto r = AlertExtractor::severity_rank(s);
        if (!r)
            throw ApiError::bad_field("severity", "must be info, low, medium, high or critical");
        f.severities.push_back(*r);
    }
    if (auto s = q.one("min_severity", 16)) {
        auto r = AlertExtractor::severity_rank(*s);
        if (!r)
            throw ApiError::bad_field("min_severity", "must be info, low, medium, high or critical");
        f.min_severity = *r;
    }
    for (const auto& t : q.all("rule_type")) {
        if (t != "bin-execution" && t != "root-escalation" && t != "termination-failure")
            throw ApiError::bad_field("rule_type", "must be bin-execution, root-escalation or termination-failure");
        f.rule_types.push_back(t);
    }
    for (const auto& k : q.all("kind")) {
        if (k != "rule" && k != "sensor" && k != "summary")
            throw ApiError::bad_field("kind", "must be rule, sensor or summary");
        f.kinds.push_back(k);
    }
    if (auto o = q.one("outcome", 16)) {
        if (*o != "success" && *o != "failure")
            throw ApiError::bad_field("outcome", "must be success or failure");
        f.outcome = *o;
    }
    for (const auto& s : q.all("status")) {
        auto st = Views::parse_status(s);
        if (!st)
            throw ApiError::bad_field("status", "must be open, acknowledged or false_positive");
        f.statuses.push_back(*st);
    }
    for (const char* name : {"since", "until"}) {
        if (auto s = q.one(name, 64)) {
            auto t = TimeText::parse(*s);
            if (!t)
                throw ApiError::bad_field(name, "must be an RFC 3339 time");
            (std::string(name) == "since" ? f.since : f.until) = *t;
        }
    }
    if (auto text = q.one("q", 200)) {
        if (!JsonText::valid_utf8(*text))
            throw ApiError::bad_field("q", "must be UTF-8 text");
        f.text = *text;
    }
    return f;
}

Json::Value summary(store::IncidentRow r)
{
    r.raw_json.clear();
    return Views::incident(r);
}

http::Response list(ApiContext& ctx, const http::Request& req)
{
    ctx.require(req, store::Role::viewer);
    QueryReader q(req, {"host", "severity", "min_severity", "rule_type", "kind", "outcome", "status", "since", "until",
                        "q", "limit", "cursor"});
    store::IncidentFilter f = read_filter(q);
    const int limit = static_cast<int>(q.integer("limit", 1, 500, 50));
    std::optional<store::IncidentCursor> after;
    if (auto c = q.one("cursor", 64)) {
        after = IncidentRoutes::decode_cursor(*c);
        if (!after)
            throw ApiError::bad_field("cursor", "is not a cursor from a previous page");
    }
    store::IncidentPage page = ctx.store.list_incidents(f, after, limit);
    Json::Value out(Json::objectValue);
    Json::Value& items = out["items"];
    items = Json::Value(Json::arrayValue);
    for (const auto& r : page.items)
        items.append(summary(r));
    out["next_cursor"] = page.next ? Json::Value(IncidentRoutes::encode_cursor(*page.next)) : Json::Value(Json::nullValue);
    return ApiContext::json(200, out);
}

http::Response detail(ApiContext& ctx, const http::Request& req)
{
    ctx.require(req, store::Role::viewer);
    QueryReader q(req, {});
    auto row = ctx.store.get_incident(QueryReader::path_id(req));
    if (!row)
        throw ApiError::not_found("no such incident");
    Json::Value v = Views::incident(*row);
    if (!v.isMember("alert"))
        v["alert"] = Json::Value(Json::nullValue);
    return ApiContext::json(200, v);
}

struct StatusChange {
    store::IncidentStatus status;
    std::string comment;
};

StatusChange read_status(const BodyReader& b)
{
    auto st = Views::parse_status(*b.string("status", true, 32));
    if (!st)
        throw ApiError::bad_field("status", "must be open, acknowledged or false_positive");
    return StatusChange{*st, b.string("comment", false, kMaxComment).value_or("")};
}

http::Response set_status(ApiContext& ctx, const http::Request& req)
{
    auth::Principal who = ctx.require(req, store::Role::operator_);
    const int64_t id = QueryReader::path_id(req);
    Json::Value body = BodyReader::parse_object(req);
    StatusChange c = read_status(BodyReader(body, "", {"status", "comment"}));
    if (!ctx.store.set_incident_status(id, c.status, who.user.name, ctx.clock(), c.comment))
        throw ApiError::not_found("no such incident");
    Json::Value details(Json::objectValue);
    details["status"] = Views::status_name(c.status);
    details["comment"] = c.comment;
    ctx.audit(ApiContext::actor(who), "incident.status", "incident " + std::to_string(id), details, req.remote);
    auto row = ctx.store.get_incident(id);
    if (!row)
        throw ApiError::not_found("no such incident");
    return ApiContext::json(200, summary(*row));
}

http::Response set_status_bulk(ApiContext& ctx, const http::Request& req)
{
    auth::Principal who = ctx.require(req, store::Role::operator_);
    Json::Value body = BodyReader::parse_object(req);
    BodyReader b(body, "", {"ids", "status", "comment"});
    std::vector<int64_t> ids = *b.id_list("ids", true, kMaxBulk);
    StatusChange c = read_status(b);
    const store::TimeNs now = ctx.clock();
    int updated = 0;
    Json::Value changed(Json::arrayValue);
    for (int64_t id : ids)
        if (ctx.store.set_incident_status(id, c.status, who.user.name, now, c.comment)) {
            ++updated;
            changed.append(Json::Int64(id));
        }
    Json::Value details(Json::objectValue);
    details["status"] = Views::status_name(c.status);
    details["comment"] = c.comment;
    details["ids"] = changed;
    ctx.audit(ApiContext::actor(who), "incident.status", "incidents (" + std::to_string(updated) + ")", details,
              req.remote);
    Json::Value out(Json::objectValue);
    out["updated"] = updated;
    return ApiContext::json(200, out);
}

void wait(ApiContext& ctx, http::Request& req, http::Reply reply)
{
    ctx.require(req, store::Role::viewer);
    QueryReader q(req, {"after", "timeout"});
    const int64_t after = q.integer("after", 0, INT64_MAX, 0);
    const int64_t timeout = q.integer("timeout", 1, 60, 25);
    // The generation is read before the store so that an incident arriving in between wakes us.
    const uint64_t gen = ctx.waiters.generation(ApiContext::kIncidentsKey);
    auto answer = [reply](int64_t last) {
        Json::Value out(Json::objectValue);
        out["last_id"] = Json::Int64(last);
        reply(ApiContext::json(200, out));
    };
    int64_t last = ctx.store.last_incident_id();
    if (last > after) {
        answer(last);
        return;
    }
    ctx.waiters.wait(ApiContext::kIncidentsKey, gen, std::chrono::seconds(timeout), [&ctx, reply, answer](bool) {
        try {
            answer(ctx.store.last_incident_id());
        } catch (const std::exception& e) {
            procsentry::app::log_err(std::string("incident wait: ") + e.what());
            reply(ApiError(500, "internal", "the store failed").response());
        }
    });
}

}  // namespace

std::string IncidentRoutes::encode_cursor(const store::IncidentCursor& c)
{
    return std::to_string(c.time) + "." + std::to_string(c.id);
}

std::optional<store::IncidentCursor> IncidentRoutes::decode_cursor(const std::string& s)
{
    std::size_t dot = s.find('.');
    if (dot == std::string::npos)
        return std::nullopt;
    auto t = QueryReader::parse_int(s.substr(0, dot));
    auto id = QueryReader::parse_int(s.substr(dot + 1));
    if (!t || !id || *id < 0)
        return std::nullopt;
    return store::IncidentCursor{*t, *id};
}

void IncidentRoutes::add(http::Router& router, ApiContext& ctx)
{
    router.add("GET", "/api/v1/incidents", ctx.sync(list));
    router.add("GET", "/api/v1/incidents/wait", [&ctx](http::Request& req, http::Reply reply) { wait(ctx, req, reply); });
    router.add("GET", "/api/v1/incidents/{id}", ctx.sync(detail));
    router.add("POST", "/api/v1/incidents/status", ctx.sync(set_status_bulk));
    router.add("POST", "/api/v1/incidents/{id}/status", ctx.sync(set_status));
}

}  // namespace procsentry::console::api
