// SPDX-License-Identifier: GPL-2.0
// Hosts (heartbeat, monitoring generations, policy assignment, revocation) and policy versions.
#include "store/store_fixture.hpp"

namespace procsentry::console::store::test {
namespace {

class HostStoreTest : public StoreTest {};
PROCSENTRY_STORE_BACKENDS(HostStoreTest);

TEST_P(HostStoreTest, MigrateIsIdempotentAndNamesTheBackend) {
    EXPECT_EQ(store_->backend(), GetParam());
    store_->migrate();
    auto again = reopen();
    again->migrate();
    EXPECT_EQ(again->count_incidents(), 0);
    EXPECT_TRUE(again->list_hosts().empty());
}

TEST_P(HostStoreTest, MigrateRefusesANewerSchema) {
    raw_exec("UPDATE schema_version SET version = 999");
    try {
        reopen()->migrate();
        FAIL() << "migrate accepted schema 999";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("999"), std::string::npos) << e.what();
    }
}

TEST_P(HostStoreTest, CreateGetAndListHosts) {
    HostRow h;
    h.name = "web-1";
    h.machine_id = "0123abcd";
    h.boot_id = "b1";
    h.enrolled = 55;
    h.last_seen = 56;
    h.abi_version = -1;
    h.sensor_state = "unknown";
    h.monitoring_desired = false;
    int64_t a = store_->create_host(h);
    h.name = "db-1";
    int64_t b = store_->create_host(h);
    EXPECT_GT(b, a);
    auto got = store_->get_host(a);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->id, a);
    EXPECT_EQ(got->name, "web-1");
    EXPECT_EQ(got->machine_id, "0123abcd");
    EXPECT_EQ(got->boot_id, "b1");
    EXPECT_EQ(got->enrolled, 55);
    EXPECT_EQ(got->last_seen, 56);
    EXPECT_EQ(got->abi_version, -1);
    EXPECT_TRUE(got->monitoring_enabled);
    EXPECT_FALSE(got->monitoring_desired);
    EXPECT_FALSE(got->revoked);
    auto all = store_->list_hosts();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].id, a);
    EXPECT_EQ(all[1].name, "db-1");
    EXPECT_FALSE(store_->get_host(b + 1));
}

TEST_P(HostStoreTest, HeartbeatUpdatesTheRowAndTouchOnlyLastSeen) {
    int64_t id = host("web-1");
    HeartbeatUpdate hb;
    hb.host_id = id;
    hb.now = 1234;
    hb.name = "web-1.example";
    hb.boot_id = "boot-2";
    hb.agent_version = "0.1.0";
    hb.kernel_release = "6.1.0-28-amd64";
    hb.module_version = "0.1.0";
    hb.abi_version = 1;
    hb.sensor_state = "degraded";
    hb.sensor_reason = "ring full";
    hb.monitoring_enabled = false;
    hb.monitoring_generation_applied = 3;
    hb.drops_total = 17;
    hb.config_applied = 2;
    hb.config_rejected = 3;
    hb.config_error = "rules[0].type: unknown";
    hb.heartbeat_json = R"({"uptime_s":1})";
    store_->apply_heartbeat(hb);
    auto h = store_->get_host(id);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->last_seen, 1234);
    EXPECT_EQ(h->name, "web-1.example");
    EXPECT_EQ(h->boot_id, "boot-2");
    EXPECT_EQ(h->agent_version, "0.1.0");
    EXPECT_EQ(h->kernel_release, "6.1.0-28-amd64");
    EXPECT_EQ(h->module_version, "0.1.0");
    EXPECT_EQ(h->abi_version, 1);
    EXPECT_EQ(h->sensor_state, "degraded");
    EXPECT_EQ(h->sensor_reason, "ring full");
    EXPECT_FALSE(h->monitoring_enabled);
    EXPECT_EQ(h->monitoring_generation_applied, 3);
    EXPECT_EQ(h->drops_total, 17);
    EXPECT_EQ(h->config_applied, 2);
    EXPECT_EQ(h->config_rejected, 3);
    EXPECT_EQ(h->config_error, "rules[0].type: unknown");
    EXPECT_EQ(h->last_heartbeat_json, R"({"uptime_s":1})");
    EXPECT_EQ(h->machine_id, "m-web-1");  // not part of a heartbeat
    hb.name = "";
    hb.now = 1300;
    store_->apply_heartbeat(hb);
    EXPECT_EQ(store_->get_host(id)->name, "web-1.example");
    store_->touch_host(id, 2000);
    h = store_->get_host(id);
    EXPECT_EQ(h->last_seen, 2000);
    EXPECT_EQ(h->drops_total, 17);
}

TEST_P(HostStoreTest, SetMonitoringBumpsTheGenerationOfEachExistingHost) {
    int64_t a = host("a");
    int64_t b = host("b");
    int64_t c = host("c");
    auto changed = store_->set_monitoring({a, b, a, 9999}, false);
    EXPECT_EQ(changed, (std::vector<int64_t>{a, b}));
    EXPECT_FALSE(store_->get_host(a)->monitoring_desired);
    EXPECT_EQ(store_->get_host(a)->monitoring_generation, 1);  // once, though listed twice
    EXPECT_EQ(store_->get_host(c)->monitoring_generation, 0);
    EXPECT_TRUE(store_->get_host(c)->monitoring_desired);
    store_->set_monitoring({b}, true);
    EXPECT_TRUE(store_->get_host(b)->monitoring_desired);
    EXPECT_EQ(store_->get_host(b)->monitoring_generation, 2);
    EXPECT_TRUE(store_->set_monitoring({}, true).empty());
}

TEST_P(HostStoreTest, AssignPolicyNeedsAnExistingVersion) {
    int64_t a = host("a");
    int64_t b = host("b");
    EXPECT_THROW(store_->assign_policy({a}, 1), StoreError);
    PolicyVersion p;
    p.policy_json = "{}";
    int64_t v = store_->add_policy(p);
    EXPECT_EQ(store_->assign_policy({a, b, 777}, v), (std::vector<int64_t>{a, b}));
    EXPECT_EQ(store_->get_host(a)->config_assigned, v);
    EXPECT_EQ(store_->get_host(b)->config_assigned, v);
}

TEST_P(HostStoreTest, RevokeHostRevokesItsAgentTokensOnly) {
    int64_t a = host("a");
    int64_t b = host("b");
    TokenRow t;
    t.kind = TokenKind::agent;
    t.host_id = a;
    t.token_hash = "ha";
    int64_t ta = store_->create_token(t);
    t.host_id = b;
    t.token_hash = "hb";
    int64_t tb = store_->create_token(t);
    t.kind = TokenKind::api;
    t.host_id = 0;
    t.user_id = a;  // same number as the host: must not be touched
    t.token_hash = "hc";
    int64_t tc = store_->create_token(t);
    store_->revoke_host(a);
    EXPECT_TRUE(store_->get_host(a)->revoked);
    EXPECT_FALSE(store_->get_host(b)->revoked);
    EXPECT_TRUE(store_->find_token(TokenKind::agent, "ha")->revoked);
    EXPECT_FALSE(store_->find_token(TokenKind::agent, "hb")->revoked);
    EXPECT_FALSE(store_->find_token(TokenKind::api, "hc")->revoked);
    (void)ta;
    (void)tb;
    (void)tc;
    // A revoked host takes no more operator changes.
    EXPECT_TRUE(store_->set_monitoring({a}, false).empty());
    EXPECT_EQ(store_->list_hosts().size(), 2u);
}

TEST_P(HostStoreTest, PolicyVersionsAreNumberedAndListedNewestFirst) {
    EXPECT_FALSE(store_->latest_policy());
    EXPECT_EQ(store_->default_policy(), 0);
    for (int i = 1; i <= 3; ++i) {
        PolicyVersion p;
        p.policy_json = R"({"skip":{"commands":["v)" + std::to_string(i) + R"("]},"rules":[]})";
        p.comment = "c'" + std::to_string(i);
        p.created_by = "alice";
        p.created = 100 + i;
        EXPECT_EQ(store_->add_policy(p), i);
    }
    auto latest = store_->latest_policy();
    ASSERT_TRUE(latest);
    EXPECT_EQ(latest->version, 3);
    EXPECT_EQ(latest->comment, "c'3");
    auto two = store_->get_policy(2);
    ASSERT_TRUE(two);
    EXPECT_EQ(two->policy_json, R"({"skip":{"commands":["v2"]},"rules":[]})");
    EXPECT_EQ(two->created_by, "alice");
    EXPECT_EQ(two->created, 102);
    EXPECT_FALSE(store_->get_policy(4));
    auto list = store_->list_policies(2);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].version, 3);
    EXPECT_EQ(list[1].version, 2);
    EXPECT_FALSE(list[1].policy_json.empty());
    store_->set_default_policy(2);
    EXPECT_EQ(store_->default_policy(), 2);
    store_->set_default_policy(3);
    EXPECT_EQ(reopen()->default_policy(), 3);
}

}  // namespace
}  // namespace procsentry::console::store::test
