// SPDX-License-Identifier: GPL-2.0
#include <chrono>

#include <gtest/gtest.h>

#include "support/api_harness.hpp"

namespace procsentry::console::api {
namespace {

using namespace std::chrono_literals;
using test::ApiHarness;

std::string heartbeat(int64_t generation, int64_t applied, const std::string& extra = "")
{
    return R"({"agent_version":"0.1.0","host":{"name":"web-1","machine_id":"m","boot_id":"b"},)"
           R"("kernel":{"release":"6.1.0-28-amd64","module_version":"0.1.0","abi_version":1,"state":"registered","reason":null},)"
           R"("monitoring":{"enabled":true,"generation":)" +
           std::to_string(generation) + R"(},"config":{"applied_version":)" + std::to_string(applied) +
           R"(,"rejected_version":null,"error":null},"loss":{"total":3,"by_cause":{"x":3}},)"
           R"("alerts":{"total":12,"by_severity":{"high":2}},"uptime_s":3600)" + extra + "}";
}

class AgentApi : public ::testing::Test {
protected:
    AgentApi() : admin_(h_.user("root", store::Role::admin)) {}
    test::Answer beat(const ApiHarness::Agent& a, const std::string& body, int wait = 0)
    {
        return h_.call("POST", "/api/agent/v1/heartbeat?wait=" + std::to_string(wait), body,
                       {{"authorization", "Bearer " + a.token}});
    }
    ApiHarness h_;
    test::Login admin_;
};

TEST_F(AgentApi, EnrolGivesAHostAndAnAgentTokenAndTheDefaultPolicy)
{
    auto a = h_.enroll(h_.enrollment_token(admin_), "web-1");
    EXPECT_GT(a.host_id, 0);
    EXPECT_EQ(a.token.rfind("psa_", 0), 0u);
    auto host = h_.store().get_host(a.host_id);
    ASSERT_TRUE(host);
    EXPECT_EQ(host->name, "web-1");
    EXPECT_EQ(host->machine_id, "m-web-1");
    EXPECT_EQ(host->config_assigned, 1);
    EXPECT_EQ(h_.store().list_audit(std::nullopt, 1)[0].action, "agent.enroll");
}

TEST_F(AgentApi, EnrolmentTokenChecks)
{
    const std::string body = R"({"host":{"name":"h","machine_id":"m","boot_id":"b"},"agent_version":"1"})";
    EXPECT_EQ(h_.call("POST", "/api/agent/v1/enroll", body).status, 401);
    EXPECT_EQ(h_.call("POST", "/api/agent/v1/enroll", body, {{"authorization", "Bearer pse_nope"}}).status, 401);
    std::string once = h_.enrollment_token(admin_, ",\"max_uses\":1");
    EXPECT_EQ(h_.call("POST", "/api/agent/v1/enroll", body, {{"authorization", "Bearer " + once}}).status, 201);
    EXPECT_EQ(h_.call("POST", "/api/agent/v1/enroll", body, {{"authorization", "Bearer " + once}}).status, 401);
    // An API token is not an enrolment token.
    auto api = h_.as(admin_, "POST", "/api/v1/api-tokens", R"({"name":"x"})");
    EXPECT_EQ(h_.call("POST", "/api/agent/v1/enroll", body,
                      {{"authorization", "Bearer " + api.json["token"].asString()}}).status,
              401);
    std::string t = h_.enrollment_token(admin_);
    EXPECT_EQ(h_.call("POST", "/api/agent/v1/enroll", R"({"host":{"name":""}})", {{"authorization", "Bearer " + t}}).status,
              400);
    EXPECT_EQ(h_.call("POST", "/api/agent/v1/enroll", R"({"host":{"name":"x","color":1}})",
                      {{"authorization", "Bearer " + t}}).status,
              400);
}

TEST_F(AgentApi, HeartbeatIsAnsweredAtOnceWhenTheAgentIsBehind)
{
    auto a = h_.enroll(h_.enrollment_token(admin_), "web-1");
    // The agent runs no policy yet: the answer carries version 1 and its policy, without waiting.
    auto start = std::chrono::steady_clock::now();
    auto r = beat(a, heartbeat(0, 0), 20);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json["config"]["version"], 1);
    EXPECT_TRUE(r.json["config"]["policy"].isObject());
    EXPECT_TRUE(r.json["config"]["policy"]["rules"].isArray());
    EXPECT_EQ(r.json["monitoring"]["enabled"], true);
    EXPECT_EQ(r.json["heartbeat_wait_s"], 25);
    auto host = *h_.store().get_host(a.host_id);
    EXPECT_EQ(host.kernel_release, "6.1.0-28-amd64");
    EXPECT_EQ(host.abi_version, 1);
    EXPECT_EQ(host.drops_total, 3);
    EXPECT_EQ(host.sensor_state, "registered");
}

TEST_F(AgentApi, HeldHeartbeatWakesWhenMonitoringChanges)
{
    auto a = h_.enroll(h_.enrollment_token(admin_), "web-1");
    auto op = h_.user("op", store::Role::operator_);
    auto pending = h_.start("POST", "/api/agent/v1/heartbeat?wait=20", heartbeat(0, 1),
                            {{"authorization", "Bearer " + a.token}});
    EXPECT_EQ(pending.wait_for(300ms), std::future_status::timeout);  // held: nothing to tell
    // Connected while held.
    auto hosts = h_.as(op, "GET", "/api/v1/hosts");
    EXPECT_EQ(hosts.json["items"][0]["connected"], true);
    auto start = std::chrono::steady_clock::now();
    auto m = h_.as(op, "POST", "/api/v1/hosts/monitoring",
                   "{\"host_ids\":[" + std::to_string(a.host_id) + "],\"enabled\":false}");
    ASSERT_EQ(m.status, 200) << m.body;
    ASSERT_EQ(pending.wait_for(5s), std::future_status::ready);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    auto r = pending.get();
    EXPECT_EQ(r.json["monitoring"]["enabled"], false);
    EXPECT_EQ(r.json["monitoring"]["generation"], 1);
    EXPECT_FALSE(r.json["config"].isMember("policy"));  // the agent runs version 1 already
    // The agent applies it and reports generation 1: the host is no longer pending.
    auto quick = beat(a, heartbeat(1, 1).replace(heartbeat(1, 1).find("\"enabled\":true"), 14, "\"enabled\":false"));
    EXPECT_EQ(quick.status, 200);
    auto host = h_.as(op, "GET", "/api/v1/hosts/" + std::to_string(a.host_id));
    EXPECT_EQ(host.json["monitoring"]["enabled"], false);
    EXPECT_EQ(host.json["monitoring"]["desired"], false);
    EXPECT_EQ(host.json["monitoring"]["pending"], false);
    EXPECT_TRUE(host.json["last_heartbeat"].isObject());
}

TEST_F(AgentApi, HeldHeartbeatWakesWhenAConfigIsAssigned)
{
    auto a = h_.enroll(h_.enrollment_token(admin_), "web-1");
    auto b = h_.enroll(h_.enrollment_token(admin_), "web-2");
    auto pa = h_.start("POST", "/api/agent/v1/heartbeat?wait=20", heartbeat(0, 1), {{"authorization", "Bearer " + a.token}});
    auto pb = h_.start("POST", "/api/agent/v1/heartbeat?wait=2", heartbeat(0, 1), {{"authorization", "Bearer " + b.token}});
    auto cfg = h_.as(admin_, "GET", "/api/v1/config");
    Json::Value push(Json::objectValue);
    push["policy"] = cfg.json["latest"]["policy"];
    push["policy"]["skip"]["commands"].append("/usr/bin/backup");
    push["base_version"] = 1;
    push["comment"] = "skip backups";
    push["targets"]["host_ids"].append(Json::Int64(a.host_id));
    auto r = h_.as(admin_, "POST", "/api/v1/config", api::JsonText::write(push));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json["version"], 2);
    ASSERT_EQ(pa.wait_for(5s), std::future_status::ready);
    auto ans = pa.get();
    EXPECT_EQ(ans.json["config"]["version"], 2);
    EXPECT_EQ(ans.json["config"]["policy"]["skip"]["commands"][0], "/usr/bin/backup");
    // The other host was not targeted: its poll runs to its timeout and stays on version 1.
    EXPECT_EQ(pb.wait_for(200ms), std::future_status::timeout);
    ASSERT_EQ(pb.wait_for(10s), std::future_status::ready);
    EXPECT_EQ(pb.get().json["config"]["version"], 1);
    // Applied and rejected reports are recorded and audited.
    beat(a, heartbeat(0, 2));
    EXPECT_EQ(h_.store().get_host(a.host_id)->config_applied, 2);
    EXPECT_EQ(h_.store().list_audit(std::nullopt, 1)[0].action, "agent.config_applied");
    auto rej = beat(b, R"({"config":{"applied_version":1,"rejected_version":9,"error":"rules[0]: bad"}})");
    EXPECT_EQ(rej.status, 200) << rej.body;
    EXPECT_EQ(h_.store().get_host(b.host_id)->config_error, "rules[0]: bad");
    EXPECT_EQ(h_.store().list_audit(std::nullopt, 1)[0].action, "agent.config_rejected");
}

TEST_F(AgentApi, HeartbeatRefusesBadBodiesAndTokens)
{
    auto a = h_.enroll(h_.enrollment_token(admin_), "web-1");
    EXPECT_EQ(beat(a, R"({"monitoring":{"enabled":"yes"}})").status, 400);
    EXPECT_EQ(beat(a, R"({"uptime_s":1e400})").status, 400);
    EXPECT_EQ(beat(a, R"({"uptime_s":-1})").status, 400);
    EXPECT_EQ(beat(a, R"({"surprise":1})").status, 400);
    EXPECT_EQ(beat(a, "[]").status, 400);
    EXPECT_EQ(h_.call("POST", "/api/agent/v1/heartbeat", "{}", {{"authorization", "Bearer psa_forged"}}).status, 401);
    EXPECT_EQ(h_.call("POST", "/api/agent/v1/heartbeat", "{}").status, 401);
}

TEST_F(AgentApi, AlertBatchesBecomeIncidentsOfTheAuthenticatedHost)
{
    auto a = h_.enroll(h_.enrollment_token(admin_), "web-1");
    std::string batch = ApiHarness::alert_line("a-1") + "\n" + ApiHarness::alert_line("a-2", "critical") + "\r\n" +
                        "not json\n" + R"({"schema":"procsentry.alert/2","id":"x"})" + "\n\n" +
                        ApiHarness::alert_line("a-1") + "\n";
    auto r = h_.post_alerts(a, batch);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json["accepted"], 2);
    EXPECT_EQ(r.json["duplicates"], 1);
    EXPECT_EQ(r.json["rejected"], 2);
    auto again = h_.post_alerts(a, ApiHarness::alert_line("a-1"));
    EXPECT_EQ(again.json["duplicates"], 1);
    auto list = h_.as(admin_, "GET", "/api/v1/incidents");
    ASSERT_EQ(list.json["items"].size(), 2u);
    EXPECT_EQ(list.json["items"][0]["host"]["name"], "web-1");  // not the alert's "spoofed"
    EXPECT_EQ(list.json["items"][0]["host"]["id"], Json::Int64(a.host_id));
}

TEST_F(AgentApi, AlertsNeedNdjsonAndAValidAgent)
{
    auto a = h_.enroll(h_.enrollment_token(admin_), "web-1");
    EXPECT_EQ(h_.call("POST", "/api/agent/v1/alerts", ApiHarness::alert_line("x"),
                      {{"authorization", "Bearer " + a.token}, {"content-type", "text/plain"}}).status,
              415);
    EXPECT_EQ(h_.call("POST", "/api/agent/v1/alerts", ApiHarness::alert_line("x"),
                      {{"content-type", "application/x-ndjson"}}).status,
              401);
    // A revoked host's token stops working, and its held heartbeat is answered.
    auto held = h_.start("POST", "/api/agent/v1/heartbeat?wait=20", heartbeat(0, 1),
                         {{"authorization", "Bearer " + a.token}});
    EXPECT_EQ(held.wait_for(200ms), std::future_status::timeout);
    EXPECT_EQ(h_.as(admin_, "DELETE", "/api/v1/hosts/" + std::to_string(a.host_id)).status, 204);
    ASSERT_EQ(held.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(held.get().status, 401);
    EXPECT_EQ(h_.post_alerts(a, ApiHarness::alert_line("y")).status, 401);
    auto host = h_.as(admin_, "GET", "/api/v1/hosts/" + std::to_string(a.host_id));
    EXPECT_EQ(host.json["revoked"], true);
}

TEST_F(AgentApi, HostileAlertLinesAreRejectedNotFatal)
{
    auto a = h_.enroll(h_.enrollment_token(admin_), "web-1");
    std::string big = ApiHarness::alert_line("big");
    big.insert(big.size() - 1, ",\"pad\":\"" + std::string(70000, 'p') + "\"");
    std::string bad_utf8 = ApiHarness::alert_line("u");
    bad_utf8.replace(bad_utf8.find("alice ran"), 5, "\xff\xfe\xfd\xfc\xfb");
    std::string batch = big + "\n" + bad_utf8 + "\n" +
                        R"({"schema":"procsentry.alert/1","id":"t","time":"yesterday","kind":"rule","severity":"high","summary":"s"})" +
                        "\n" +
                        R"({"schema":"procsentry.alert/1","id":"k","time":"2026-01-01T00:00:00Z","kind":"rule","severity":"urgent","summary":"s"})" +
                        "\n" + std::string(100, '[') + "\n" + R"({"schema":"procsentry.alert/1","id":7})" + "\n" +
                        ApiHarness::alert_line("fine") + "\n";
    auto r = h_.post_alerts(a, batch);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json["accepted"], 1);
    EXPECT_EQ(r.json["rejected"], 6);
}

}  // namespace
}  // namespace procsentry::console::api
