// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "support/api_harness.hpp"

namespace procsentry::console::api {
namespace {

using test::ApiHarness;

class HostConfigApi : public ::testing::Test {
protected:
    HostConfigApi() : admin_(h_.user("root", store::Role::admin)), op_(h_.user("op", store::Role::operator_)),
                      viewer_(h_.user("vic", store::Role::viewer))
    {
        a_ = h_.enroll(h_.enrollment_token(admin_), "web-1");
        b_ = h_.enroll(h_.enrollment_token(admin_), "web-2");
    }
    Json::Value latest_policy() { return h_.as(viewer_, "GET", "/api/v1/config").json["latest"]["policy"]; }
    test::Answer push(const Json::Value& policy, int64_t base, const Json::Value& targets)
    {
        Json::Value body(Json::objectValue);
        body["policy"] = policy;
        body["base_version"] = Json::Int64(base);
        body["comment"] = "c";
        body["targets"] = targets;
        return h_.as(op_, "POST", "/api/v1/config", api::JsonText::write(body));
    }
    ApiHarness h_;
    test::Login admin_, op_, viewer_;
    ApiHarness::Agent a_, b_;
};

TEST_F(HostConfigApi, HostsListAndDetail)
{
    auto r = h_.as(viewer_, "GET", "/api/v1/hosts");
    ASSERT_EQ(r.status, 200);
    ASSERT_EQ(r.json["items"].size(), 2u);
    const Json::Value& h = r.json["items"][0];
    for (const char* k : {"id", "name", "machine_id", "enrolled", "last_seen", "connected", "agent_version", "kernel",
                          "sensor", "monitoring", "drops", "config", "revoked"})
        EXPECT_TRUE(h.isMember(k)) << k;
    EXPECT_EQ(h["config"]["assigned"], 1);
    EXPECT_EQ(h["config"]["pending"], true);
    EXPECT_EQ(h["connected"], true);  // enrolled just now
    EXPECT_EQ(h_.as(viewer_, "GET", "/api/v1/hosts/999").status, 404);
    EXPECT_EQ(h_.call("GET", "/api/v1/hosts").status, 401);
}

TEST_F(HostConfigApi, MonitoringForManyHostsInOneAction)
{
    const std::string ids = "[" + std::to_string(a_.host_id) + "," + std::to_string(b_.host_id) + "]";
    EXPECT_EQ(h_.as(viewer_, "POST", "/api/v1/hosts/monitoring", "{\"host_ids\":" + ids + ",\"enabled\":false}").status,
              403);
    auto r = h_.as(op_, "POST", "/api/v1/hosts/monitoring", "{\"host_ids\":" + ids + ",\"enabled\":false}");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json["updated"].size(), 2u);
    for (const auto& h : h_.as(viewer_, "GET", "/api/v1/hosts").json["items"]) {
        EXPECT_EQ(h["monitoring"]["desired"], false);
        EXPECT_EQ(h["monitoring"]["pending"], true);
    }
    auto audit = h_.store().list_audit(std::nullopt, 1)[0];
    EXPECT_EQ(audit.action, "hosts.monitoring");
    EXPECT_EQ(audit.actor, "op");
    // One unknown id: 404 and nothing changes.
    auto bad = h_.as(op_, "POST", "/api/v1/hosts/monitoring",
                     "{\"host_ids\":[" + std::to_string(a_.host_id) + ",777],\"enabled\":true}");
    EXPECT_EQ(bad.status, 404);
    EXPECT_FALSE(h_.store().get_host(a_.host_id)->monitoring_desired);
    EXPECT_EQ(h_.as(op_, "POST", "/api/v1/hosts/monitoring", R"({"host_ids":[1],"enabled":"no"})").status, 400);
    EXPECT_EQ(h_.as(op_, "POST", "/api/v1/hosts/monitoring", R"({"host_ids":"all","enabled":true})").status, 400);
    EXPECT_EQ(h_.as(op_, "POST", "/api/v1/hosts/monitoring", R"({"host_ids":[1.5],"enabled":true})").status, 400);
}

TEST_F(HostConfigApi, RevokeNeedsAdmin)
{
    EXPECT_EQ(h_.as(op_, "DELETE", "/api/v1/hosts/" + std::to_string(a_.host_id)).status, 403);
    EXPECT_EQ(h_.as(admin_, "DELETE", "/api/v1/hosts/" + std::to_string(a_.host_id)).status, 204);
    EXPECT_EQ(h_.store().list_audit(std::nullopt, 1)[0].action, "host.revoke");
    EXPECT_EQ(h_.as(admin_, "DELETE", "/api/v1/hosts/4242").status, 404);
}

TEST_F(HostConfigApi, VersionOneIsTheDaemonDefaultRules)
{
    auto r = h_.as(viewer_, "GET", "/api/v1/config");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json["latest"]["version"], 1);
    EXPECT_EQ(r.json["default_version"], 1);
    EXPECT_EQ(r.json["latest"]["created_by"], "system");
    const Json::Value& rules = r.json["latest"]["policy"]["rules"];
    ASSERT_TRUE(rules.isArray());
    bool found = false;
    for (const auto& rule : rules)
        found = found || rule["name"] == "exec-from-writable-dir";
    EXPECT_TRUE(found);
    EXPECT_TRUE(r.json["latest"]["policy"]["skip"]["commands"].isArray());
    EXPECT_EQ(r.json["hosts_by_version"]["1"]["assigned"], 2);
    EXPECT_EQ(r.json["hosts_by_version"]["1"]["applied"], 0);
}

TEST_F(HostConfigApi, ValidateReturnsTheDaemonsMessages)
{
    Json::Value p = latest_policy();
    Json::Value body(Json::objectValue);
    body["policy"] = p;
    EXPECT_EQ(h_.as(viewer_, "POST", "/api/v1/config/validate", api::JsonText::write(body)).json["valid"], true);
    p["rules"][0]["severity"]["success"] = "catastrophic";
    p["rules"][1]["bogus"] = 1;
    body["policy"] = p;
    auto bad = h_.as(viewer_, "POST", "/api/v1/config/validate", api::JsonText::write(body));
    ASSERT_EQ(bad.status, 422) << bad.body;
    EXPECT_EQ(bad.code(), "invalid_config");
    ASSERT_GE(bad.json["error"]["details"].size(), 2u);
    std::string keys;
    for (const auto& d : bad.json["error"]["details"]) {
        keys += d["key"].asString() + " ";
        EXPECT_FALSE(d["message"].asString().empty());
        EXPECT_TRUE(d.isMember("value"));
    }
    EXPECT_NE(keys.find("rules[0].severity.success"), std::string::npos) << keys;
    EXPECT_NE(keys.find("rules[1]"), std::string::npos) << keys;
    body["policy"] = Json::Value(Json::objectValue);
    body["policy"]["rules"] = Json::Value(Json::arrayValue);
    body["policy"]["sinks"] = Json::Value(Json::arrayValue);
    auto extra = h_.as(viewer_, "POST", "/api/v1/config/validate", api::JsonText::write(body));
    EXPECT_EQ(extra.status, 422);
}

TEST_F(HostConfigApi, PushChecksBaseVersionAndAssignsTargets)
{
    Json::Value p = latest_policy();
    p["skip"]["paths"].append("/opt/backup/**");
    Json::Value one(Json::objectValue);
    one["host_ids"].append(Json::Int64(a_.host_id));
    EXPECT_EQ(h_.as(viewer_, "POST", "/api/v1/config", "{}").status, 403);
    auto r = push(p, 1, one);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json["version"], 2);
    EXPECT_EQ(r.json["assigned"].size(), 1u);
    EXPECT_EQ(h_.store().get_host(a_.host_id)->config_assigned, 2);
    EXPECT_EQ(h_.store().get_host(b_.host_id)->config_assigned, 1);
    EXPECT_EQ(h_.store().default_policy(), 1);  // not pushed to all
    auto stale = push(p, 1, one);
    EXPECT_EQ(stale.status, 409);
    EXPECT_EQ(stale.code(), "conflict");
    auto all = push(p, 2, Json::Value("all"));
    ASSERT_EQ(all.status, 201);
    EXPECT_EQ(all.json["assigned"].size(), 2u);
    EXPECT_EQ(h_.store().default_policy(), 3);
    EXPECT_EQ(h_.store().list_audit(std::nullopt, 1)[0].action, "config.push");
    Json::Value ghost(Json::objectValue);
    ghost["host_ids"].append(999);
    EXPECT_EQ(push(p, 3, ghost).status, 404);
    EXPECT_EQ(push(p, 3, Json::Value("some")).status, 400);
    Json::Value broken = p;
    broken["rules"][0]["type"] = "no-such-type";
    EXPECT_EQ(push(broken, 3, Json::Value("all")).status, 422);
    // A new host gets the default version.
    auto c = h_.enroll(h_.enrollment_token(admin_), "web-3");
    EXPECT_EQ(h_.store().get_host(c.host_id)->config_assigned, 3);
    auto versions = h_.as(viewer_, "GET", "/api/v1/config/versions?limit=2");
    ASSERT_EQ(versions.json["items"].size(), 2u);
    EXPECT_EQ(versions.json["items"][0]["version"], 3);
    EXPECT_EQ(h_.as(viewer_, "GET", "/api/v1/config/versions/2").json["policy"]["skip"]["paths"][0], "/opt/backup/**");
    EXPECT_EQ(h_.as(viewer_, "GET", "/api/v1/config/versions/99").status, 404);
}

TEST_F(HostConfigApi, AssignAnExistingVersion)
{
    Json::Value p = latest_policy();
    p["skip"]["users"].append("backup");
    ASSERT_EQ(push(p, 1, Json::Value("all")).status, 201);
    Json::Value body(Json::objectValue);
    body["targets"]["host_ids"].append(Json::Int64(b_.host_id));
    auto r = h_.as(op_, "POST", "/api/v1/config/versions/1/assign", api::JsonText::write(body));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json["assigned"][0], Json::Int64(b_.host_id));
    EXPECT_EQ(h_.store().get_host(b_.host_id)->config_assigned, 1);
    EXPECT_EQ(h_.store().list_audit(std::nullopt, 1)[0].action, "config.assign");
    EXPECT_EQ(h_.as(op_, "POST", "/api/v1/config/versions/42/assign", api::JsonText::write(body)).status, 404);
}

}  // namespace
}  // namespace procsentry::console::api
