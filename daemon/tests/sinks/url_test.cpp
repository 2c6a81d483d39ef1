// SPDX-License-Identifier: GPL-2.0
#include "sinks/url.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace procsentry::sinks {
namespace {

std::string refusal(const std::string& text)
{
    try {
        parse_url(text);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(Url, HttpWithPortPathAndQuery)
{
    const Url u = parse_url("http://collector.example:8080/v1/alerts?src=ps");
    EXPECT_FALSE(u.tls);
    EXPECT_EQ(u.host, "collector.example");
    EXPECT_EQ(u.port, 8080);
    EXPECT_EQ(u.target, "/v1/alerts?src=ps");
    EXPECT_EQ(u.authority(), "collector.example:8080");
}

TEST(Url, DefaultPortsAndPath)
{
    const Url a = parse_url("https://collector.example");
    EXPECT_TRUE(a.tls);
    EXPECT_EQ(a.port, 443);
    EXPECT_EQ(a.target, "/");
    const Url b = parse_url("HTTP://10.0.0.1?x=1");
    EXPECT_FALSE(b.tls);
    EXPECT_EQ(b.port, 80);
    EXPECT_EQ(b.host, "10.0.0.1");
    EXPECT_EQ(b.target, "/?x=1");
}

TEST(Url, Ipv6LiteralWithAndWithoutPort)
{
    const Url a = parse_url("http://[::1]:8080/in");
    EXPECT_EQ(a.host, "::1");
    EXPECT_EQ(a.port, 8080);
    EXPECT_EQ(a.authority(), "[::1]:8080");
    const Url b = parse_url("https://[fe80::1:2]/");
    EXPECT_EQ(b.host, "fe80::1:2");
    EXPECT_EQ(b.port, 443);
}

TEST(Url, RefusesUserinfoWithoutEchoingOnlyTheHost)
{
    const std::string why = refusal("https://user:pw@collector.example/");
    EXPECT_NE(why.find("user information"), std::string::npos) << why;
    // "@" hidden behind the host still counts: the authority ends at "/".
    EXPECT_NE(refusal("http://evil.example@collector.example/"), "");
}

TEST(Url, RefusesBadSchemes)
{
    for (const char* text : {"ftp://x/", "file:///etc/passwd", "collector:8080", "//x/", "httpx://x/", "https:/x"})
        EXPECT_NE(refusal(text).find("scheme"), std::string::npos) << text;
}

TEST(Url, RefusesSpacesControlAndNonAscii)
{
    for (const std::string& text : {std::string("http://a b/"), std::string("http://a/ b"),
                                   std::string("http://a/\r\nX-Injected: 1"), std::string("http://a/\x7f"),
                                   std::string("http://caf\xc3\xa9.example/"), std::string(" http://a/"),
                                   std::string("http://a/\0", 10)}) {
        const std::string why = refusal(text);
        EXPECT_NE(why.find("whitespace"), std::string::npos) << why;
        // The message must not carry the hostile bytes themselves.
        EXPECT_EQ(why.find('\n'), std::string::npos);
    }
}

TEST(Url, RefusesBadPortsAndHosts)
{
    EXPECT_NE(refusal("http://a:0/").find("port"), std::string::npos);
    EXPECT_NE(refusal("http://a:65536/").find("port"), std::string::npos);
    EXPECT_NE(refusal("http://a:-1/").find("port"), std::string::npos);
    EXPECT_NE(refusal("http://a:80x/").find("port"), std::string::npos);
    EXPECT_NE(refusal("http://a:/").find("port"), std::string::npos);
    EXPECT_NE(refusal("http://[::1]:/").find("port"), std::string::npos);
    EXPECT_NE(refusal("http:///path").find("no host"), std::string::npos);
    EXPECT_NE(refusal("http://:80/").find("no host"), std::string::npos);
    EXPECT_NE(refusal("http://[::1/").find("IPv6"), std::string::npos);
    EXPECT_NE(refusal("http://[zz::1]/").find("IPv6"), std::string::npos);
    EXPECT_NE(refusal("http://[::1]x/").find("IPv6"), std::string::npos);
    EXPECT_NE(refusal("http://::1/").find("host"), std::string::npos);
    EXPECT_NE(refusal("http://a%2f/").find("host"), std::string::npos);
    EXPECT_NE(refusal("http://a/#frag").find("fragment"), std::string::npos);
    EXPECT_NE(refusal("").find("empty"), std::string::npos);
}

}  // namespace
}  // namespace procsentry::sinks
