// SPDX-License-Identifier: GPL-2.0
// Users, sessions, tokens (with the atomic enrolment-token consumption) and the audit log.
#include <thread>

#include "store/store_fixture.hpp"

namespace procsentry::console::store::test {
namespace {

class AccountStoreTest : public StoreTest {
protected:
    int64_t user(const std::string& name, Role role = Role::operator_) {
        UserRow u;
        u.name = name;
        u.password_hash = "$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA";
        u.role = role;
        u.created = 10;
        return store_->create_user(u);
    }
};
PROCSENTRY_STORE_BACKENDS(AccountStoreTest);

TEST_P(AccountStoreTest, UsersAreCreatedFoundUpdatedAndUnique) {
    EXPECT_EQ(store_->count_users(), 0);
    int64_t a = user("alice", Role::admin);
    int64_t b = user("bob", Role::viewer);
    EXPECT_NE(a, b);
    EXPECT_EQ(store_->count_users(), 2);
    EXPECT_THROW(user("alice"), StoreConflict);
    EXPECT_EQ(store_->count_users(), 2);
    auto u = store_->find_user("alice");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->id, a);
    EXPECT_EQ(u->role, Role::admin);
    EXPECT_EQ(u->created, 10);
    EXPECT_FALSE(store_->find_user("Alice"));  // names are exact
    EXPECT_FALSE(store_->find_user("alice' OR '1'='1"));
    u->role = Role::operator_;
    u->password_hash = "$scrypt$new";
    u->disabled = true;
    u->failed_logins = 5;
    u->locked_until = 999;
    u->name = "mallory";  // not changed by update_user
    store_->update_user(*u);
    auto g = store_->get_user(a);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->name, "alice");
    EXPECT_EQ(g->role, Role::operator_);
    EXPECT_EQ(g->password_hash, "$scrypt$new");
    EXPECT_TRUE(g->disabled);
    EXPECT_EQ(g->failed_logins, 5);
    EXPECT_EQ(g->locked_until, 999);
    auto all = store_->list_users();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].name, "alice");
    EXPECT_EQ(all[1].role, Role::viewer);
    EXPECT_FALSE(store_->get_user(b + 100));
}

TEST_P(AccountStoreTest, DeletingAUserTakesItsSessionsAndApiTokens) {
    int64_t a = user("alice");
    int64_t b = user("bob");
    SessionRow s{"sa", a, "csrf", 1, 1, "10.0.0.1"};
    store_->create_session(s);
    store_->create_session({"sb", b, "csrf", 1, 1, "10.0.0.2"});
    TokenRow t;
    t.kind = TokenKind::api;
    t.user_id = a;
    t.token_hash = "api-a";
    store_->create_token(t);
    t.kind = TokenKind::enrollment;
    t.token_hash = "enr-a";
    store_->create_token(t);
    EXPECT_TRUE(store_->delete_user(a));
    EXPECT_FALSE(store_->delete_user(a));
    EXPECT_FALSE(store_->get_user(a));
    EXPECT_FALSE(store_->get_session("sa"));
    EXPECT_TRUE(store_->get_session("sb"));
    EXPECT_FALSE(store_->find_token(TokenKind::api, "api-a"));
    EXPECT_TRUE(store_->find_token(TokenKind::enrollment, "enr-a"));  // enrolments outlive their creator
    EXPECT_EQ(store_->count_users(), 1);
}

TEST_P(AccountStoreTest, SessionsAreTouchedAndExpired) {
    int64_t a = user("alice");
    store_->create_session({"h1", a, "c1", 100, 100, "::1"});
    store_->create_session({"h2", a, "c2", 100, 100, "::1"});
    EXPECT_THROW(store_->create_session({"h1", a, "c3", 1, 1, ""}), StoreConflict);
    auto s = store_->get_session("h1");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->user_id, a);
    EXPECT_EQ(s->csrf_token, "c1");
    EXPECT_EQ(s->created, 100);
    EXPECT_EQ(s->remote, "::1");
    store_->touch_session("h1", 500);
    EXPECT_EQ(store_->get_session("h1")->last_used, 500);
    EXPECT_EQ(store_->get_session("h1")->created, 100);
    store_->delete_sessions_before(200);
    EXPECT_TRUE(store_->get_session("h1"));
    EXPECT_FALSE(store_->get_session("h2"));
    store_->delete_session("h1");
    EXPECT_FALSE(store_->get_session("h1"));
    EXPECT_FALSE(store_->get_session(""));
}

TEST_P(AccountStoreTest, AUsersSessionsAreDeletedButTheOneKept) {
    int64_t a = user("alice");
    int64_t b = user("bob");
    store_->create_session({"a1", a, "c", 1, 1, ""});
    store_->create_session({"a2", a, "c", 1, 1, ""});
    store_->create_session({"a3", a, "c", 1, 1, ""});
    store_->create_session({"b1", b, "c", 1, 1, ""});
    store_->delete_user_sessions(a, "a2");
    EXPECT_FALSE(store_->get_session("a1"));
    EXPECT_TRUE(store_->get_session("a2"));
    EXPECT_FALSE(store_->get_session("a3"));
    EXPECT_TRUE(store_->get_session("b1"));
    store_->delete_user_sessions(a, "");
    EXPECT_FALSE(store_->get_session("a2"));
    EXPECT_TRUE(store_->get_session("b1"));
}

TEST_P(AccountStoreTest, TokensAreFoundByKindAndHashUsedAndRevoked) {
    int64_t a = user("alice");
    TokenRow t;
    t.kind = TokenKind::api;
    t.token_hash = std::string(64, 'a');
    t.name = "ci \"bot\"";
    t.user_id = a;
    t.created = 5;
    t.expires = 50;
    int64_t id = store_->create_token(t);
    t.token_hash = std::string(64, 'b');
    t.kind = TokenKind::enrollment;
    t.max_uses = 3;
    int64_t e = store_->create_token(t);
    t.kind = TokenKind::agent;
    EXPECT_THROW(store_->create_token(t), StoreConflict);  // hashes are unique
    auto got = store_->find_token(TokenKind::api, std::string(64, 'a'));
    ASSERT_TRUE(got);
    EXPECT_EQ(got->id, id);
    EXPECT_EQ(got->kind, TokenKind::api);
    EXPECT_EQ(got->name, "ci \"bot\"");
    EXPECT_EQ(got->user_id, a);
    EXPECT_EQ(got->created, 5);
    EXPECT_EQ(got->expires, 50);
    EXPECT_EQ(got->uses, 0);
    EXPECT_FALSE(store_->find_token(TokenKind::agent, std::string(64, 'a')));  // wrong kind
    store_->use_token(id, 77);
    store_->use_token(id, 78);
    got = store_->find_token(TokenKind::api, std::string(64, 'a'));
    EXPECT_EQ(got->uses, 2);
    EXPECT_EQ(got->last_used, 78);
    auto list = store_->list_tokens(TokenKind::enrollment);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].id, e);
    EXPECT_EQ(list[0].max_uses, 3);
    EXPECT_TRUE(store_->revoke_token(id));
    EXPECT_TRUE(store_->find_token(TokenKind::api, std::string(64, 'a'))->revoked);
    EXPECT_FALSE(store_->revoke_token(id + 1000));
}

TEST_P(AccountStoreTest, ConsumeEnrollmentHonoursExpiryRevocationAndKind) {
    TokenRow t;
    t.kind = TokenKind::enrollment;
    t.token_hash = "e1";
    t.expires = 100;
    int64_t e1 = store_->create_token(t);
    EXPECT_TRUE(store_->consume_enrollment(e1, 99));
    EXPECT_FALSE(store_->consume_enrollment(e1, 100));
    t.token_hash = "e2";
    t.expires = 0;  // never
    int64_t e2 = store_->create_token(t);
    for (int i = 0; i < 5; ++i) {
        EXPECT_TRUE(store_->consume_enrollment(e2, INT64_MAX));  // max_uses 0: unlimited
    }
    EXPECT_EQ(store_->find_token(TokenKind::enrollment, "e2")->uses, 5);
    store_->revoke_token(e2);
    EXPECT_FALSE(store_->consume_enrollment(e2, 1));
    t.kind = TokenKind::api;
    t.token_hash = "a1";
    EXPECT_FALSE(store_->consume_enrollment(store_->create_token(t), 1));
    EXPECT_FALSE(store_->consume_enrollment(9999, 1));
}

TEST_P(AccountStoreTest, ConsumeEnrollmentIsAtomicUnderThreads) {
    TokenRow t;
    t.kind = TokenKind::enrollment;
    t.token_hash = "shared";
    t.max_uses = 7;
    int64_t id = store_->create_token(t);
    auto second = reopen();  // another connection set, as a second console process would have
    std::atomic<int> granted{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            Store& s = (i % 2 == 0) ? *store_ : *second;
            for (int k = 0; k < 5; ++k) {
                if (s.consume_enrollment(id, 1)) {
                    ++granted;
                }
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    EXPECT_EQ(granted.load(), 7);
    EXPECT_EQ(store_->find_token(TokenKind::enrollment, "shared")->uses, 7);
}

TEST_P(AccountStoreTest, AuditIsPagedNewestFirst) {
    std::vector<int64_t> ids;
    for (int i = 0; i < 25; ++i) {
        AuditRow a;
        a.time = 1000 + i;
        a.actor = i % 2 == 0 ? "alice" : "token:ci";
        a.action = "incident.status";
        a.target = "incident " + std::to_string(i);
        a.details_json = R"({"n":)" + std::to_string(i) + "}";
        a.remote = "192.0.2.1";
        ids.push_back(store_->audit(a));
    }
    auto p1 = store_->list_audit(std::nullopt, 10);
    ASSERT_EQ(p1.size(), 10u);
    EXPECT_EQ(p1[0].id, ids[24]);
    EXPECT_EQ(p1[0].time, 1024);
    EXPECT_EQ(p1[0].actor, "alice");
    EXPECT_EQ(p1[0].action, "incident.status");
    EXPECT_EQ(p1[0].target, "incident 24");
    EXPECT_EQ(p1[0].details_json, R"({"n":24})");
    EXPECT_EQ(p1[0].remote, "192.0.2.1");
    auto p2 = store_->list_audit(p1.back().id, 10);
    ASSERT_EQ(p2.size(), 10u);
    EXPECT_EQ(p2[0].id, ids[14]);
    auto p3 = store_->list_audit(p2.back().id, 10);
    ASSERT_EQ(p3.size(), 5u);
    EXPECT_EQ(p3.back().id, ids[0]);
    EXPECT_TRUE(store_->list_audit(ids[0], 10).empty());
    AuditRow empty;
    empty.action = "login";
    auto id = store_->audit(empty);
    EXPECT_EQ(store_->list_audit(std::nullopt, 1).at(0).id, id);
    EXPECT_EQ(store_->list_audit(std::nullopt, 1).at(0).details_json, "{}");
}

}  // namespace
}  // namespace procsentry::console::store::test
