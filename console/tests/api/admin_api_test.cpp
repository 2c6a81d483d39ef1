// SPDX-License-Identifier: GPL-2.0
#include <algorithm>

#include <gtest/gtest.h>

#include "support/api_harness.hpp"

namespace procsentry::console::api {
namespace {

using test::ApiHarness;

TEST(AdminApi, UsersCrudIsAdminOnlyAndAudited)
{
    ApiHarness h;
    auto admin = h.user("root", store::Role::admin);
    auto op = h.user("op", store::Role::operator_);
    EXPECT_EQ(h.as(op, "GET", "/api/v1/users").status, 403);
    auto c = h.as(admin, "POST", "/api/v1/users", R"({"username":"new.user-1","password":"long enough pw","role":"viewer"})");
    ASSERT_EQ(c.status, 201) << c.body;
    EXPECT_EQ(c.json["username"], "new.user-1");
    EXPECT_EQ(c.json["role"], "viewer");
    EXPECT_EQ(c.json["disabled"], false);
    EXPECT_FALSE(c.json.isMember("password_hash"));
    EXPECT_EQ(h.as(admin, "POST", "/api/v1/users", R"({"username":"new.user-1","password":"long enough pw","role":"viewer"})").status,
              409);
    EXPECT_EQ(h.as(admin, "POST", "/api/v1/users", R"({"username":"Bad Name","password":"long enough pw","role":"viewer"})").status,
              400);
    EXPECT_EQ(h.as(admin, "POST", "/api/v1/users", R"({"username":"x","password":"short","role":"viewer"})").status, 400);
    EXPECT_EQ(h.as(admin, "POST", "/api/v1/users", R"({"username":"x","password":"long enough pw","role":"god"})").status,
              400);
    const std::string id = std::to_string(c.json["id"].asInt64());
    auto p = h.as(admin, "PATCH", "/api/v1/users/" + id, R"({"role":"operator","disabled":true})");
    ASSERT_EQ(p.status, 200) << p.body;
    EXPECT_EQ(p.json["role"], "operator");
    EXPECT_EQ(p.json["disabled"], true);
    EXPECT_EQ(h.as(admin, "GET", "/api/v1/users").json["items"].size(), 3u);
    const std::string self = std::to_string(h.store().find_user("root")->id);
    EXPECT_EQ(h.as(admin, "DELETE", "/api/v1/users/" + self).status, 409);
    EXPECT_EQ(h.as(admin, "PATCH", "/api/v1/users/" + self, R"({"role":"viewer"})").status, 409);
    EXPECT_EQ(h.as(admin, "DELETE", "/api/v1/users/" + id).status, 204);
    EXPECT_EQ(h.as(admin, "DELETE", "/api/v1/users/" + id).status, 404);
    std::vector<std::string> actions;
    for (const auto& a : h.store().list_audit(std::nullopt, 50))
        actions.push_back(a.action);
    for (const char* want : {"user.create", "user.update", "user.delete"})
        EXPECT_NE(std::find(actions.begin(), actions.end(), want), actions.end()) << want;
}

TEST(AdminApi, ApiTokensActAsTheirUserWithoutCsrf)
{
    ApiHarness h;
    auto admin = h.user("root", store::Role::admin);
    auto viewer = h.user("vic", store::Role::viewer);
    auto t = h.as(viewer, "POST", "/api/v1/api-tokens", R"({"name":"ci","expires_in_days":30})");
    ASSERT_EQ(t.status, 201) << t.body;
    const std::string token = t.json["token"].asString();
    EXPECT_EQ(token.rfind("pst_", 0), 0u);
    EXPECT_FALSE(t.json["expires"].isNull());
    EXPECT_EQ(t.json["user"], "vic");
    auto me = h.call("GET", "/api/v1/me", "", {{"authorization", "Bearer " + token}});
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(me.json["user"]["username"], "vic");
    EXPECT_TRUE(me.json["csrf_token"].isNull());
    // No CSRF needed with a token; the role is still the user's.
    EXPECT_EQ(h.call("POST", "/api/v1/incidents/status", R"({"ids":[1],"status":"open"})",
                     {{"authorization", "Bearer " + token}}).status,
              403);
    EXPECT_EQ(h.call("POST", "/api/v1/api-tokens", R"({"name":"more"})", {{"authorization", "Bearer " + token}}).status, 201);
    // Each sees their own; admin sees all; only owner or admin revokes.
    EXPECT_EQ(h.as(viewer, "GET", "/api/v1/api-tokens").json["items"].size(), 2u);
    auto own = h.as(admin, "POST", "/api/v1/api-tokens", R"({"name":"adm"})");
    EXPECT_EQ(h.as(admin, "GET", "/api/v1/api-tokens").json["items"].size(), 3u);
    EXPECT_EQ(h.as(viewer, "DELETE", "/api/v1/api-tokens/" + std::to_string(own.json["id"].asInt64())).status, 404);
    EXPECT_EQ(h.as(admin, "DELETE", "/api/v1/api-tokens/" + std::to_string(t.json["id"].asInt64())).status, 204);
    EXPECT_EQ(h.call("GET", "/api/v1/me", "", {{"authorization", "Bearer " + token}}).status, 401);
    EXPECT_EQ(h.call("GET", "/api/v1/me", "", {{"authorization", "Bearer pst_" + std::string(200, 'a')}}).status, 401);
    EXPECT_EQ(h.call("GET", "/api/v1/me", "", {{"authorization", "Basic abc"}}).status, 401);
}

TEST(AdminApi, EnrollmentTokensAreAdminOnly)
{
    ApiHarness h;
    auto admin = h.user("root", store::Role::admin);
    auto op = h.user("op", store::Role::operator_);
    EXPECT_EQ(h.as(op, "POST", "/api/v1/enrollment-tokens", R"({"name":"x"})").status, 403);
    EXPECT_EQ(h.as(op, "GET", "/api/v1/enrollment-tokens").status, 403);
    auto t = h.as(admin, "POST", "/api/v1/enrollment-tokens", R"({"name":"fleet","max_uses":10,"expires_in_days":7})");
    ASSERT_EQ(t.status, 201) << t.body;
    EXPECT_EQ(t.json["token"].asString().rfind("pse_", 0), 0u);
    EXPECT_EQ(t.json["max_uses"], 10);
    EXPECT_EQ(h.as(admin, "POST", "/api/v1/enrollment-tokens", R"({"name":"x","max_uses":0})").status, 400);
    auto list = h.as(admin, "GET", "/api/v1/enrollment-tokens");
    ASSERT_EQ(list.json["items"].size(), 1u);
    EXPECT_FALSE(list.json["items"][0].isMember("token"));
    const std::string id = std::to_string(t.json["id"].asInt64());
    EXPECT_EQ(h.as(admin, "DELETE", "/api/v1/enrollment-tokens/" + id).status, 204);
    auto enrol = h.call("POST", "/api/agent/v1/enroll", R"({"host":{"name":"h"}})",
                        {{"authorization", "Bearer " + t.json["token"].asString()}});
    EXPECT_EQ(enrol.status, 401);
    EXPECT_EQ(h.store().list_audit(std::nullopt, 1)[0].action, "enrollment_token.revoke");
}

TEST(AdminApi, AuditPagesNewestFirst)
{
    ApiHarness h;
    auto admin = h.user("root", store::Role::admin);
    for (int i = 0; i < 5; ++i)
        h.as(admin, "POST", "/api/v1/api-tokens", "{\"name\":\"t" + std::to_string(i) + "\"}");
    auto p1 = h.as(admin, "GET", "/api/v1/audit?limit=3");
    ASSERT_EQ(p1.status, 200);
    ASSERT_EQ(p1.json["items"].size(), 3u);
    EXPECT_EQ(p1.json["items"][0]["action"], "api_token.create");
    EXPECT_EQ(p1.json["items"][0]["actor"], "root");
    EXPECT_EQ(p1.json["items"][0]["remote"], "192.0.2.1");
    EXPECT_EQ(p1.json["items"][0]["details"]["name"], "t4");
    ASSERT_FALSE(p1.json["next_cursor"].isNull());
    auto p2 = h.as(admin, "GET", "/api/v1/audit?limit=3&cursor=" + p1.json["next_cursor"].asString());
    ASSERT_EQ(p2.json["items"].size(), 3u);
    EXPECT_LT(p2.json["items"][0]["id"].asInt64(), p1.json["items"][2]["id"].asInt64());
    auto viewer = h.user("vic", store::Role::viewer);
    EXPECT_EQ(h.as(viewer, "GET", "/api/v1/audit").status, 403);
}

TEST(AdminApi, HealthNeedsNoLogin)
{
    ApiHarness h;
    auto r = h.call("GET", "/api/v1/health");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json["status"], "ok");
    EXPECT_EQ(r.json["store"], "sqlite");
    EXPECT_EQ(r.json["version"], "test");
}

TEST(AdminApi, UnknownRouteAndMethod)
{
    ApiHarness h;
    auto nf = h.call("GET", "/api/v1/nope");
    EXPECT_EQ(nf.status, 404);
    EXPECT_EQ(nf.code(), "not_found");
    auto m = h.call("PUT", "/api/v1/users");
    EXPECT_EQ(m.status, 405);
    EXPECT_EQ(m.code(), "method_not_allowed");
    EXPECT_EQ(m.header("Allow"), "GET, POST");
}

TEST(AdminApi, APasswordResetEndsTheUsersSessions)
{
    ApiHarness h;
    auto admin = h.user("root", store::Role::admin);
    const int64_t id = h.add_user("alice", store::Role::operator_);
    auto alice = h.login("alice");
    ASSERT_EQ(h.as(alice, "GET", "/api/v1/me").status, 200);
    // A role change alone keeps the session (the role is read on every request).
    EXPECT_EQ(h.as(admin, "PATCH", "/api/v1/users/" + std::to_string(id), R"({"role":"viewer"})").status, 200);
    EXPECT_EQ(h.as(alice, "GET", "/api/v1/me").status, 200);
    EXPECT_EQ(h.as(admin, "PATCH", "/api/v1/users/" + std::to_string(id), R"({"password":"a brand new one"})").status,
              200);
    EXPECT_EQ(h.as(alice, "GET", "/api/v1/me").status, 401);
    // The admin resetting their own password keeps the session doing it.
    auto other = h.login("root");
    const int64_t root_id = h.as(admin, "GET", "/api/v1/me").json["user"]["id"].asInt64();
    EXPECT_EQ(h.as(admin, "PATCH", "/api/v1/users/" + std::to_string(root_id), R"({"password":"a brand new one"})")
                  .status,
              200);
    EXPECT_EQ(h.as(admin, "GET", "/api/v1/me").status, 200);
    EXPECT_EQ(h.as(other, "GET", "/api/v1/me").status, 401);
}

}  // namespace
}  // namespace procsentry::console::api
