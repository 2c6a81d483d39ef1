// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "support/api_harness.hpp"

namespace procsentry::console::api {
namespace {

using test::ApiHarness;

TEST(SessionApi, LoginSetsAHardenedCookieAndReturnsUserAndCsrf)
{
    ApiHarness h;
    h.add_user("alice", store::Role::operator_);
    auto a = h.call("POST", "/api/v1/login", R"({"username":"alice","password":"a good password!"})");
    ASSERT_EQ(a.status, 200) << a.body;
    EXPECT_EQ(a.json["user"]["username"], "alice");
    EXPECT_EQ(a.json["user"]["role"], "operator");
    EXPECT_FALSE(a.json["csrf_token"].asString().empty());
    std::string cookie = a.header("Set-Cookie");
    EXPECT_EQ(cookie.rfind("ps_session=pss_", 0), 0u) << cookie;
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
    EXPECT_NE(cookie.find("Path=/"), std::string::npos);
    // The session secret is not stored, only its hash.
    std::string secret = cookie.substr(11, cookie.find(';') - 11);
    EXPECT_FALSE(h.store().get_session(secret));
}

TEST(SessionApi, WrongPasswordAndUnknownUserGetTheSameAnswer)
{
    ApiHarness h;
    h.add_user("alice", store::Role::viewer);
    auto wrong = h.call("POST", "/api/v1/login", R"({"username":"alice","password":"nope"})");
    auto ghost = h.call("POST", "/api/v1/login", R"({"username":"ghost","password":"nope"})");
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(ghost.status, 401);
    EXPECT_EQ(wrong.body, ghost.body);
    auto audit = h.store().list_audit(std::nullopt, 10);
    ASSERT_GE(audit.size(), 2u);
    EXPECT_EQ(audit[0].action, "login_failed");
}

TEST(SessionApi, FiveFailuresLockTheAccountWith429AndRetryAfter)
{
    ApiHarness h;
    h.add_user("alice", store::Role::viewer);
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(h.call("POST", "/api/v1/login", R"({"username":"alice","password":"bad"})").status, 401);
    auto locked = h.call("POST", "/api/v1/login", R"({"username":"alice","password":"a good password!"})");
    EXPECT_EQ(locked.status, 429);
    EXPECT_EQ(locked.code(), "rate_limited");
    EXPECT_EQ(locked.header("Retry-After"), "60");
    // Unknown names lock the same way, so a lock does not reveal that a name exists.
    for (int i = 0; i < 5; ++i)
        h.call("POST", "/api/v1/login", R"({"username":"ghost","password":"bad"})");
    EXPECT_EQ(h.call("POST", "/api/v1/login", R"({"username":"ghost","password":"bad"})").status, 429);
    // After the lock, the right password works again.
    h.ctx().clock = [] { return api::TimeText::now_ns() + 61LL * 1000000000; };
    EXPECT_EQ(h.call("POST", "/api/v1/login", R"({"username":"alice","password":"a good password!"})").status, 200);
}

TEST(SessionApi, DisabledUserCannotLogIn)
{
    ApiHarness h;
    int64_t id = h.add_user("bob", store::Role::viewer);
    auto u = *h.store().get_user(id);
    u.disabled = true;
    h.store().update_user(u);
    EXPECT_EQ(h.call("POST", "/api/v1/login", R"({"username":"bob","password":"a good password!"})").status, 401);
}

TEST(SessionApi, MeNeedsASessionAndShowsCsrf)
{
    ApiHarness h;
    EXPECT_EQ(h.call("GET", "/api/v1/me").status, 401);
    EXPECT_EQ(h.call("GET", "/api/v1/me", "", {{"cookie", "ps_session=pss_forged"}}).status, 401);
    auto l = h.user("alice", store::Role::viewer);
    auto me = h.call("GET", "/api/v1/me", "", {{"cookie", l.cookie}});
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(me.json["user"]["username"], "alice");
    EXPECT_EQ(me.json["csrf_token"], l.csrf);
}

TEST(SessionApi, StateChangesWithACookieNeedTheCsrfHeader)
{
    ApiHarness h;
    auto l = h.user("alice", store::Role::admin);
    auto no_csrf = h.call("POST", "/api/v1/api-tokens", R"({"name":"x"})", {{"cookie", l.cookie}});
    EXPECT_EQ(no_csrf.status, 403);
    auto bad_csrf = h.call("POST", "/api/v1/api-tokens", R"({"name":"x"})",
                           {{"cookie", l.cookie}, {"x-csrf-token", "wrong"}});
    EXPECT_EQ(bad_csrf.status, 403);
    EXPECT_EQ(h.as(l, "POST", "/api/v1/api-tokens", R"({"name":"x"})").status, 201);
}

TEST(SessionApi, LogoutEndsTheSession)
{
    ApiHarness h;
    auto l = h.user("alice", store::Role::viewer);
    auto out = h.as(l, "POST", "/api/v1/logout");
    EXPECT_EQ(out.status, 204);
    EXPECT_NE(out.header("Set-Cookie").find("Max-Age=0"), std::string::npos);
    EXPECT_EQ(h.call("GET", "/api/v1/me", "", {{"cookie", l.cookie}}).status, 401);
}

TEST(SessionApi, IdleAndAbsoluteTimeouts)
{
    api::ApiSettings s;
    s.idle_timeout_s = 100;
    s.absolute_timeout_s = 1000;
    ApiHarness h(s);
    auto l = h.user("alice", store::Role::viewer);
    const int64_t t0 = api::TimeText::now_ns();
    h.ctx().clock = [t0] { return t0 + 99LL * 1000000000; };
    EXPECT_EQ(h.call("GET", "/api/v1/me", "", {{"cookie", l.cookie}}).status, 200);
    h.ctx().clock = [t0] { return t0 + 250LL * 1000000000; };  // 151 s after the last use
    EXPECT_EQ(h.call("GET", "/api/v1/me", "", {{"cookie", l.cookie}}).status, 401);
    auto l2 = h.login("alice");
    for (int64_t t = 90; t < 1000; t += 90) {
        h.ctx().clock = [t0, t] { return t0 + (250 + t) * 1000000000LL; };
        EXPECT_EQ(h.call("GET", "/api/v1/me", "", {{"cookie", l2.cookie}}).status, 200) << t;
    }
    h.ctx().clock = [t0] { return t0 + 1260LL * 1000000000; };
    EXPECT_EQ(h.call("GET", "/api/v1/me", "", {{"cookie", l2.cookie}}).status, 401);
}

TEST(SessionApi, PasswordChange)
{
    ApiHarness h;
    auto l = h.user("alice", store::Role::viewer);
    EXPECT_EQ(h.as(l, "POST", "/api/v1/me/password",
                   R"({"current_password":"wrong","new_password":"another good one"})").status,
              401);
    EXPECT_EQ(h.as(l, "POST", "/api/v1/me/password",
                   R"({"current_password":"a good password!","new_password":"short"})").status,
              400);
    EXPECT_EQ(h.as(l, "POST", "/api/v1/me/password",
                   R"({"current_password":"a good password!","new_password":"another good one"})").status,
              204);
    EXPECT_EQ(h.call("POST", "/api/v1/login", R"({"username":"alice","password":"a good password!"})").status, 401);
    h.login("alice", "another good one");
    EXPECT_EQ(h.store().list_audit(std::nullopt, 5)[2].action, "password.change");  // then login_failed, login
}

TEST(SessionApi, WrongCurrentPasswordsAreThrottledLikeLogins)
{
    // A stolen session or API token must not become an unthrottled oracle for the password.
    ApiHarness h;
    auto l = h.user("alice", store::Role::viewer);
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(h.as(l, "POST", "/api/v1/me/password",
                       R"({"current_password":"guess","new_password":"another good one"})").status,
                  401);
    auto locked = h.as(l, "POST", "/api/v1/me/password",
                       R"({"current_password":"a good password!","new_password":"another good one"})");
    EXPECT_EQ(locked.status, 429) << locked.body;
    EXPECT_EQ(locked.code(), "rate_limited");
    EXPECT_EQ(locked.header("Retry-After"), "60");
    // The password did not change, and the lock ends like a login lock.
    h.ctx().clock = [] { return api::TimeText::now_ns() + 61LL * 1000000000; };
    EXPECT_EQ(h.as(l, "POST", "/api/v1/me/password",
                   R"({"current_password":"a good password!","new_password":"another good one"})").status,
              204);
}

TEST(SessionApi, APasswordChangeEndsTheOtherSessionsOfTheUser)
{
    ApiHarness h;
    h.add_user("alice", store::Role::viewer);
    auto here = h.login("alice");
    auto elsewhere = h.login("alice");  // e.g. a stolen cookie
    h.add_user("bob", store::Role::viewer);
    auto bob = h.login("bob");
    EXPECT_EQ(h.as(here, "POST", "/api/v1/me/password",
                   R"({"current_password":"a good password!","new_password":"another good one"})").status,
              204);
    EXPECT_EQ(h.as(elsewhere, "GET", "/api/v1/me").status, 401);
    EXPECT_EQ(h.as(here, "GET", "/api/v1/me").status, 200);
    EXPECT_EQ(h.as(bob, "GET", "/api/v1/me").status, 200);
}

}  // namespace
}  // namespace procsentry::console::api
