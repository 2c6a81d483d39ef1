// SPDX-License-Identifier: GPL-2.0
#include "http/router.hpp"

#include <gtest/gtest.h>

#include "http/url_codec.hpp"

namespace procsentry::console::http {
namespace {

Handler tag(std::string* out, std::string name)
{
    return [out, name](Request&, Reply) { *out = name; };
}

Request req(std::string method, std::string path)
{
    Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    return r;
}

TEST(Router, LiteralBeatsCaptureWhateverTheOrder)
{
    std::string hit;
    Router r;
    r.add("GET", "/api/v1/incidents/{id}", tag(&hit, "detail"));
    r.add("GET", "/api/v1/incidents/wait", tag(&hit, "wait"));
    Request a = req("GET", "/api/v1/incidents/wait");
    auto res = r.route(a);
    ASSERT_EQ(res.match, Router::Match::found);
    (*res.handler)(a, nullptr);
    EXPECT_EQ(hit, "wait");
    Request b = req("GET", "/api/v1/incidents/42");
    res = r.route(b);
    ASSERT_EQ(res.match, Router::Match::found);
    (*res.handler)(b, nullptr);
    EXPECT_EQ(hit, "detail");
    EXPECT_EQ(b.params.at("id"), "42");
}

TEST(Router, WrongMethodIs405WithAllowedMethods)
{
    std::string hit;
    Router r;
    r.add("GET", "/api/v1/users", tag(&hit, "list"));
    r.add("POST", "/api/v1/users", tag(&hit, "create"));
    Request a = req("DELETE", "/api/v1/users");
    auto res = r.route(a);
    EXPECT_EQ(res.match, Router::Match::wrong_method);
    EXPECT_EQ(res.allowed, (std::vector<std::string>{"GET", "POST"}));
}

TEST(Router, NoPathAndEmptyCaptureAreNotFound)
{
    std::string hit;
    Router r;
    r.add("GET", "/api/v1/hosts/{id}", tag(&hit, "host"));
    Request a = req("GET", "/api/v1/hosts/");
    EXPECT_EQ(r.route(a).match, Router::Match::no_path);
    Request b = req("GET", "/api/v1/hosts/1/extra");
    EXPECT_EQ(r.route(b).match, Router::Match::no_path);
    Request c = req("GET", "/api/v1/host/1");
    EXPECT_EQ(r.route(c).match, Router::Match::no_path);
}

TEST(Router, PatternMustBeAbsolute)
{
    Router r;
    EXPECT_THROW(r.add("GET", "api", nullptr), std::invalid_argument);
}

TEST(UrlCodec, DecodesPathAndRefusesEncodedSlashNulAndBadEscapes)
{
    EXPECT_EQ(*UrlCodec::decode_path("/ui/a%20b.js"), "/ui/a b.js");
    EXPECT_EQ(*UrlCodec::decode_path("/a+b"), "/a+b");
    EXPECT_FALSE(UrlCodec::decode_path("/ui/..%2f..%2fetc/passwd"));
    EXPECT_FALSE(UrlCodec::decode_path("/ui/%00"));
    EXPECT_FALSE(UrlCodec::decode_path("/ui/%zz"));
    EXPECT_FALSE(UrlCodec::decode_path("/ui/%4"));
    EXPECT_FALSE(UrlCodec::decode_path("/ui/%"));
}

TEST(UrlCodec, ParsesQuery)
{
    auto q = UrlCodec::parse_query("a=1&b=x+y&c=%2F&&d");
    ASSERT_TRUE(q);
    ASSERT_EQ(q->size(), 4u);
    EXPECT_EQ((*q)[1].second, "x y");
    EXPECT_EQ((*q)[2].second, "/");
    EXPECT_EQ((*q)[3].first, "d");
    EXPECT_EQ((*q)[3].second, "");
    EXPECT_FALSE(UrlCodec::parse_query("a=%G0"));
}

TEST(Request, QueryAllSplitsCommasAndRepeats)
{
    Request r;
    r.query = {{"severity", "high,critical"}, {"severity", "low"}, {"x", "1"}};
    EXPECT_EQ(r.query_all("severity"), (std::vector<std::string>{"high", "critical", "low"}));
    EXPECT_EQ(*r.query_one("x"), "1");
    EXPECT_FALSE(r.query_one("y"));
}

}  // namespace
}  // namespace procsentry::console::http
