// SPDX-License-Identifier: GPL-2.0
// What a red team sends: wrong types, unknown keys, huge numbers, bad UTF-8, deep nesting,
// duplicate keys, wrong content types.  Every answer is a clear 4xx, never a crash or a 500.
#include <gtest/gtest.h>

#include "support/api_harness.hpp"

namespace procsentry::console::api {
namespace {

using test::ApiHarness;

TEST(HostileInput, LoginBodies)
{
    ApiHarness h;
    h.add_user("alice", store::Role::viewer);
    struct Case {
        std::string body;
        int status;
    };
    for (const Case& c : std::vector<Case>{
             {"", 400},
             {"not json", 400},
             {"[]", 400},
             {"null", 400},
             {R"({"username":"alice"})", 400},
             {R"({"username":1,"password":"x"})", 400},
             {R"({"username":"alice","password":["x"]})", 400},
             {R"({"username":"alice","password":"x","admin":true})", 400},
             {R"({"username":"alice","username":"bob","password":"x"})", 400},
             {R"({"username":"alice","password":"x"} trailing)", 400},
             {"{\"username\":\"al\xff\",\"password\":\"x\"}", 400},
             {"{\"username\":\"\xc0\xaf\",\"password\":\"x\"}", 400},
             {"{\"username\":\"\xed\xa0\x80\",\"password\":\"x\"}", 400},
             {std::string(100000, '[') + std::string(100000, ']'), 400},
             {R"({"username":")" + std::string(65, 'a') + R"(","password":"x"})", 400},
             {R"({"username":"alice","password":")" + std::string(1025, 'p') + R"("})", 400},
         }) {
        auto r = h.call("POST", "/api/v1/login", c.body, {{"content-type", "application/json"}});
        EXPECT_EQ(r.status, c.status) << c.body.substr(0, 80);
        EXPECT_EQ(r.code(), "bad_request") << c.body.substr(0, 80);
    }
    auto unknown = h.call("POST", "/api/v1/login", R"({"username":"a","password":"x","zzz":1})");
    EXPECT_EQ(unknown.json["error"]["details"][0]["field"], "zzz");
    auto ct = h.call("POST", "/api/v1/login", R"({"username":"a","password":"x"})", {{"content-type", "text/plain"}});
    EXPECT_EQ(ct.status, 415);
    EXPECT_EQ(ct.code(), "unsupported_media_type");
}

TEST(HostileInput, NumbersOutOfRange)
{
    ApiHarness h;
    auto admin = h.user("root", store::Role::admin);
    for (const char* v : {"1e400", "-1", "0", "3.0", "99999999999999999999", "true", "\"5\"", "null"}) {
        auto r = h.as(admin, "POST", "/api/v1/enrollment-tokens", std::string("{\"name\":\"x\",\"max_uses\":") + v + "}");
        EXPECT_EQ(r.status, 400) << v;
        if (std::string(v) != "1e400") {  // out of double range: jsoncpp refuses the text itself
            EXPECT_EQ(r.json["error"]["details"][0]["field"], "max_uses") << v;
        }
    }
    auto big = h.as(admin, "POST", "/api/v1/hosts/monitoring", R"({"host_ids":[18446744073709551615],"enabled":true})");
    EXPECT_EQ(big.status, 400);
    EXPECT_EQ(big.json["error"]["details"][0]["field"], "host_ids[0]");
    EXPECT_EQ(h.as(admin, "GET", "/api/v1/incidents/99999999999999999999999").status, 404);
    EXPECT_EQ(h.as(admin, "GET", "/api/v1/incidents?since=9999-12-31T23:59:59Z").status, 400);
}

TEST(HostileInput, NestedUnknownKeysNameTheirPath)
{
    ApiHarness h;
    auto admin = h.user("root", store::Role::admin);
    auto r = h.as(admin, "POST", "/api/v1/config/versions/1/assign", R"({"targets":{"host_ids":[],"evil":1}})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json["error"]["details"][0]["field"], "targets.evil");
    std::string long_key(10000, 'k');
    auto r2 = h.as(admin, "POST", "/api/v1/api-tokens", "{\"name\":\"x\",\"" + long_key + "\":1}");
    EXPECT_EQ(r2.status, 400);
    EXPECT_LT(r2.body.size(), 1000u);  // the error does not echo 10 kB back
}

TEST(HostileInput, PolicyThatIsNotAnObject)
{
    ApiHarness h;
    auto admin = h.user("root", store::Role::admin);
    for (const char* p : {"[]", "\"x\"", "{}", R"({"skip":[],"rules":{}})", R"({"skip":{},"rules":[1,2,3]})"}) {
        auto r = h.as(admin, "POST", "/api/v1/config/validate", std::string("{\"policy\":") + p + "}");
        EXPECT_EQ(r.status, 422) << p;
    }
}

TEST(HostileInput, NamesEchoedInErrorsKeepTheAnswerValidUtf8)
{
    ApiHarness h;
    auto v = h.user("vera", store::Role::viewer);
    // A query parameter name of raw bytes (what %FF decodes to).
    auto q = h.as(v, "GET", "/api/v1/incidents?\xff\xfe=1");
    EXPECT_EQ(q.status, 400);
    EXPECT_TRUE(JsonText::valid_utf8(q.body)) << q.body;
    EXPECT_EQ(q.json["error"]["details"][0]["field"], "??");
    // An unknown policy key cut to 64 bytes in the middle of a two-byte character.
    std::string key = "a";
    for (int i = 0; i < 40; ++i)
        key += "\xc3\xa9";
    auto p = h.as(v, "POST", "/api/v1/config/validate", "{\"policy\":{\"" + key + "\":1,\"rules\":[]}}");
    EXPECT_EQ(p.status, 422);
    EXPECT_TRUE(JsonText::valid_utf8(p.body)) << p.body;
}

}  // namespace
}  // namespace procsentry::console::api
