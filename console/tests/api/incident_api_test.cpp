// SPDX-License-Identifier: GPL-2.0
#include <chrono>
#include <set>

#include <gtest/gtest.h>

#include "support/api_harness.hpp"

namespace procsentry::console::api {
namespace {

using namespace std::chrono_literals;
using test::ApiHarness;

class IncidentApi : public ::testing::Test {
protected:
    IncidentApi() : admin_(h_.user("root", store::Role::admin)), viewer_(h_.user("vic", store::Role::viewer))
    {
        web_ = h_.enroll(h_.enrollment_token(admin_), "web-1");
        db_ = h_.enroll(h_.enrollment_token(admin_), "db-1");
    }
    void feed(const ApiHarness::Agent& a, const std::vector<std::string>& lines)
    {
        std::string batch;
        for (const auto& l : lines)
            batch += l + "\n";
        auto r = h_.post_alerts(a, batch);
        ASSERT_EQ(r.status, 200) << r.body;
        ASSERT_EQ(r.json["rejected"], 0) << r.body;
    }
    test::Answer list(const std::string& query) { return h_.as(viewer_, "GET", "/api/v1/incidents" + query); }

    ApiHarness h_;
    test::Login admin_, viewer_;
    ApiHarness::Agent web_, db_;
};

TEST_F(IncidentApi, ListShowsTheSummaryFieldsNewestFirst)
{
    feed(web_, {ApiHarness::alert_line("w-1", "high", "/tmp/a", "2026-11-28T04:00:00Z"),
                ApiHarness::alert_line("w-2", "low", "/tmp/b", "2026-11-28T05:00:00.5Z")});
    auto r = list("");
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json["items"].size(), 2u);
    const Json::Value& top = r.json["items"][0];
    EXPECT_EQ(top["alert_id"], "w-2");
    EXPECT_EQ(top["time"], "2026-11-28T05:00:00.500000000Z");
    EXPECT_EQ(top["severity"], "low");
    EXPECT_EQ(top["kind"], "rule");
    EXPECT_EQ(top["rule"]["name"], "exec-from-writable-dir");
    EXPECT_EQ(top["rule"]["type"], "bin-execution");
    EXPECT_EQ(top["outcome"], "success");
    EXPECT_EQ(top["exe"], "/tmp/b");
    EXPECT_EQ(top["command"], "./evil -c id");
    EXPECT_EQ(top["user"], "alice");
    EXPECT_EQ(top["status"], "open");
    EXPECT_TRUE(top["status_by"].isNull());
    EXPECT_FALSE(top.isMember("alert"));
    EXPECT_TRUE(r.json["next_cursor"].isNull());
}

TEST_F(IncidentApi, FiltersCombine)
{
    feed(web_, {ApiHarness::alert_line("w-1", "high", "/tmp/a", "2026-11-28T04:00:00Z"),
                ApiHarness::alert_line("w-2", "low", "/tmp/b", "2026-11-28T05:00:00Z")});
    feed(db_, {ApiHarness::alert_line("d-1", "critical", "/dev/shm/x", "2026-11-28T06:00:00Z")});
    EXPECT_EQ(list("?host=" + std::to_string(db_.host_id)).json["items"].size(), 1u);
    EXPECT_EQ(list("?severity=high,critical").json["items"].size(), 2u);
    EXPECT_EQ(list("?min_severity=high").json["items"].size(), 2u);
    EXPECT_EQ(list("?min_severity=critical").json["items"].size(), 1u);
    EXPECT_EQ(list("?since=2026-11-28T04:30:00Z&until=2026-11-28T06:00:00Z").json["items"].size(), 1u);
    EXPECT_EQ(list("?q=SHM").json["items"].size(), 1u);
    EXPECT_EQ(list("?q=db-1").json["items"].size(), 1u);
    EXPECT_EQ(list("?rule_type=root-escalation").json["items"].size(), 0u);
    EXPECT_EQ(list("?kind=rule&outcome=success&status=open").json["items"].size(), 3u);
}

TEST_F(IncidentApi, BadParametersAre400NamingTheField)
{
    for (const char* q : {"?severity=urgent", "?min_severity=x", "?rule_type=x", "?kind=x", "?outcome=maybe",
                          "?status=closed", "?since=yesterday", "?limit=0", "?limit=501", "?limit=abc",
                          "?limit=99999999999999999999999", "?host=abc", "?cursor=garbage", "?color=red"}) {
        auto r = list(q);
        EXPECT_EQ(r.status, 400) << q;
        EXPECT_EQ(r.code(), "bad_request") << q;
        EXPECT_FALSE(r.json["error"]["details"][0]["field"].asString().empty()) << q;
    }
    EXPECT_EQ(list("?q=" + std::string(201, 'a')).status, 400);
}

TEST_F(IncidentApi, KeysetPagingIsStableWhileIncidentsArrive)
{
    std::vector<std::string> lines;
    for (int i = 0; i < 7; ++i)
        lines.push_back(ApiHarness::alert_line("p-" + std::to_string(i), "high", "/tmp/p",
                                               "2026-11-28T04:00:0" + std::to_string(i) + "Z"));
    feed(web_, lines);
    std::set<std::string> seen;
    std::string cursor;
    int pages = 0;
    while (true) {
        auto r = list("?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor));
        ASSERT_EQ(r.status, 200) << r.body;
        for (const auto& it : r.json["items"])
            EXPECT_TRUE(seen.insert(it["alert_id"].asString()).second);
        ++pages;
        if (pages == 1)  // a newer incident arrives between pages: it is not on later pages
            feed(web_, {ApiHarness::alert_line("new", "high", "/tmp/p", "2026-11-28T09:00:00Z")});
        if (r.json["next_cursor"].isNull())
            break;
        cursor = r.json["next_cursor"].asString();
        ASSERT_LT(pages, 10);
    }
    EXPECT_EQ(seen.size(), 7u);
    EXPECT_FALSE(seen.count("new"));
}

TEST_F(IncidentApi, DetailCarriesTheAlertAsSent)
{
    feed(web_, {ApiHarness::alert_line("w-1")});
    int64_t id = list("").json["items"][0]["id"].asInt64();
    auto d = h_.as(viewer_, "GET", "/api/v1/incidents/" + std::to_string(id));
    ASSERT_EQ(d.status, 200);
    EXPECT_EQ(d.json["alert"]["schema"], "procsentry.alert/1");
    EXPECT_EQ(d.json["alert"]["ancestry"][0]["exe"], "/lib/systemd/systemd");
    EXPECT_EQ(d.json["alert"]["host"]["name"], "spoofed");  // as the agent sent it
    EXPECT_EQ(h_.as(viewer_, "GET", "/api/v1/incidents/999999").status, 404);
    EXPECT_EQ(h_.as(viewer_, "GET", "/api/v1/incidents/abc").status, 404);
    EXPECT_EQ(h_.as(viewer_, "GET", "/api/v1/incidents/-1").status, 404);
}

TEST_F(IncidentApi, StatusChangesNeedOperatorAndAreAudited)
{
    feed(web_, {ApiHarness::alert_line("w-1"), ApiHarness::alert_line("w-2"), ApiHarness::alert_line("w-3")});
    auto items = list("").json["items"];
    const std::string id = std::to_string(items[0]["id"].asInt64());
    EXPECT_EQ(h_.as(viewer_, "POST", "/api/v1/incidents/" + id + "/status", R"({"status":"acknowledged"})").status, 403);
    auto op = h_.user("op", store::Role::operator_);
    auto r = h_.as(op, "POST", "/api/v1/incidents/" + id + "/status",
                   R"({"status":"false_positive","comment":"backup job"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json["status"], "false_positive");
    EXPECT_EQ(r.json["status_by"], "op");
    EXPECT_EQ(r.json["status_comment"], "backup job");
    EXPECT_FALSE(r.json["status_time"].isNull());
    EXPECT_EQ(h_.store().list_audit(std::nullopt, 1)[0].action, "incident.status");
    EXPECT_EQ(h_.as(op, "POST", "/api/v1/incidents/" + id + "/status", R"({"status":"closed"})").status, 400);
    EXPECT_EQ(h_.as(op, "POST", "/api/v1/incidents/" + id + "/status",
                    "{\"status\":\"open\",\"comment\":\"" + std::string(1001, 'c') + "\"}").status,
              400);
    EXPECT_EQ(h_.as(op, "POST", "/api/v1/incidents/424242/status", R"({"status":"open"})").status, 404);
    Json::Value bulk(Json::objectValue);
    for (const auto& it : items)
        bulk["ids"].append(it["id"]);
    bulk["ids"].append(424242);
    bulk["status"] = "acknowledged";
    auto b = h_.as(op, "POST", "/api/v1/incidents/status", api::JsonText::write(bulk));
    ASSERT_EQ(b.status, 200) << b.body;
    EXPECT_EQ(b.json["updated"], 3);
    EXPECT_EQ(list("?status=acknowledged").json["items"].size(), 3u);
    Json::Value too_many(Json::objectValue);
    for (int i = 1; i <= 501; ++i)
        too_many["ids"].append(i);
    too_many["status"] = "open";
    EXPECT_EQ(h_.as(op, "POST", "/api/v1/incidents/status", api::JsonText::write(too_many)).status, 400);
}

TEST_F(IncidentApi, WaitAnswersAtOnceWhenNewerExistsElseWhenOneArrives)
{
    feed(web_, {ApiHarness::alert_line("w-1")});
    int64_t last = list("").json["items"][0]["id"].asInt64();
    auto now = h_.as(viewer_, "GET", "/api/v1/incidents/wait?after=0&timeout=30");
    EXPECT_EQ(now.json["last_id"], Json::Int64(last));
    auto pending = h_.start("GET", "/api/v1/incidents/wait?after=" + std::to_string(last) + "&timeout=30", "",
                            {{"cookie", viewer_.cookie}});
    EXPECT_EQ(pending.wait_for(300ms), std::future_status::timeout);
    feed(db_, {ApiHarness::alert_line("d-1")});
    ASSERT_EQ(pending.wait_for(5s), std::future_status::ready);
    EXPECT_GT(pending.get().json["last_id"].asInt64(), last);
    auto start = std::chrono::steady_clock::now();
    auto timed = h_.as(viewer_, "GET", "/api/v1/incidents/wait?after=999999&timeout=1");
    EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);
    EXPECT_EQ(timed.status, 200);
    EXPECT_EQ(h_.as(viewer_, "GET", "/api/v1/incidents/wait?timeout=61").status, 400);
    EXPECT_EQ(h_.call("GET", "/api/v1/incidents/wait").status, 401);
}

}  // namespace
}  // namespace procsentry::console::api
