// SPDX-License-Identifier: GPL-2.0
// What the console answers is hostile input; what the agent sends must pass
// the console's bounds (docs/api.md).
#include "agent/console_answer.hpp"
#include "agent/heartbeat_body.hpp"
#include "agent/json_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace procsentry::agent {
namespace {

using ::testing::HasSubstr;

TEST(HeartbeatAnswer, FullAnswer)
{
    HeartbeatAnswer a;
    std::string err;
    ASSERT_TRUE(HeartbeatAnswer::parse(
        R"({"monitoring": {"enabled": false, "generation": 9}, "config": {"version": 7, "policy": {"rules": []}},
            "heartbeat_wait_s": 20, "future_key": 1})",
        a, err))
        << err;
    ASSERT_TRUE(a.monitoring);
    EXPECT_FALSE(a.monitoring->enabled);
    EXPECT_EQ(a.monitoring->generation, 9u);
    ASSERT_TRUE(a.config);
    EXPECT_EQ(a.config->version, 7u);
    ASSERT_TRUE(a.config->policy);
    EXPECT_TRUE((*a.config->policy)["rules"].isArray());
    EXPECT_EQ(*a.heartbeat_wait_s, 20u);
}

TEST(HeartbeatAnswer, NullConfigVersionMeansNothingAssigned)
{
    HeartbeatAnswer a;
    std::string err;
    ASSERT_TRUE(HeartbeatAnswer::parse(R"({"monitoring": {"enabled": true, "generation": 0}, "config": {"version": null}})",
                                       a, err))
        << err;
    EXPECT_FALSE(a.config);
    ASSERT_TRUE(HeartbeatAnswer::parse(R"({})", a, err));
    EXPECT_FALSE(a.monitoring);
    EXPECT_FALSE(a.config);
}

TEST(HeartbeatAnswer, HostileAnswersAreErrorsNotCrashes)
{
    const char* bad[] = {
        "",
        "[]",
        "not json",
        R"({"monitoring": {"enabled": "yes", "generation": 1}})",
        R"({"monitoring": {"enabled": true, "generation": -1}})",
        R"({"monitoring": true})",
        R"({"config": {"version": "7"}})",
        R"({"config": {"version": -7}})",
        R"({"config": []})",
        R"({"heartbeat_wait_s": 0})",
        R"({"heartbeat_wait_s": 100000})",
        R"({"a": 1, "a": 2})",
    };
    for (const char* b : bad) {
        HeartbeatAnswer a;
        std::string err;
        EXPECT_FALSE(HeartbeatAnswer::parse(b, a, err)) << b;
        EXPECT_FALSE(err.empty()) << b;
    }
    // Nesting deeper than any policy needs is refused, not recursed into.
    std::string deep = R"({"config": {"version": 1, "policy": )" + std::string(10000, '[') + std::string(10000, ']') + "}}";
    HeartbeatAnswer a;
    std::string err;
    EXPECT_FALSE(HeartbeatAnswer::parse(deep, a, err));
}

TEST(EnrollAnswer, TokenMustBeHeaderSafe)
{
    EnrollAnswer a;
    std::string err;
    ASSERT_TRUE(EnrollAnswer::parse(R"({"host_id": 12, "agent_token": "psa_abc"})", a, err)) << err;
    EXPECT_EQ(a.host_id, 12);
    EXPECT_EQ(a.agent_token, "psa_abc");
    EXPECT_FALSE(EnrollAnswer::parse(R"({"host_id": 12, "agent_token": "a\r\nX-Evil: 1"})", a, err));
    EXPECT_FALSE(EnrollAnswer::parse(R"({"host_id": 12, "agent_token": "a b"})", a, err));
    EXPECT_FALSE(EnrollAnswer::parse(R"({"host_id": 12, "agent_token": ""})", a, err));
    EXPECT_FALSE(EnrollAnswer::parse(R"({"host_id": "12", "agent_token": "x"})", a, err));
    EXPECT_FALSE(EnrollAnswer::parse(R"({"agent_token": "x"})", a, err));
    EXPECT_FALSE(EnrollAnswer::parse(std::string(R"({"host_id": 1, "agent_token": ")") + std::string(2000, 'a') + "\"}", a,
                                     err));
}

TEST(HeartbeatBody, UnknownIdsAreLeftOutAndStringsBounded)
{
    HostIdentity id{"h", "", "", "0.1.0"};
    HostReport r;
    r.sensor_state = "degraded";
    r.sensor_reason = std::string(300, 'x') + "\xc3\xa9";
    PolicyRejection rej;
    rej.version = 4;
    rej.error = std::string(5000, 'e');
    const Json::Value hb = HeartbeatBody::heartbeat(id, r, rej);
    EXPECT_FALSE(hb["host"].isMember("machine_id"));
    EXPECT_FALSE(hb["host"].isMember("boot_id"));
    EXPECT_EQ(hb["kernel"]["reason"].asString().size(), 256u);
    EXPECT_TRUE(hb["kernel"]["release"].isNull());
    EXPECT_TRUE(hb["kernel"]["abi_version"].isNull());
    EXPECT_EQ(hb["config"]["rejected_version"].asUInt64(), 4u);
    EXPECT_LE(hb["config"]["error"].asString().size(), 4096u);
    const Json::Value en = HeartbeatBody::enroll(id);
    EXPECT_FALSE(en["host"].isMember("machine_id"));
    EXPECT_EQ(en["host"]["name"].asString(), "h");
}

TEST(HeartbeatBody, BoundsCutOnACharacterBoundary)
{
    HostReport r;
    // 255 ASCII bytes then a 2-byte character: cutting at 256 would split it.
    r.sensor_reason = std::string(255, 'x') + "\xc3\xa9" + "tail";
    const Json::Value hb = HeartbeatBody::heartbeat({"h", "", "", "v"}, r, {});
    EXPECT_EQ(hb["kernel"]["reason"].asString(), std::string(255, 'x'));
}

TEST(JsonText, WritesAsciiEvenForInvalidUtf8)
{
    Json::Value v;
    v["s"] = std::string("a\xff" "b\xc3\xa9");
    const std::string out = JsonText::write(v);
    for (unsigned char c : out)
        EXPECT_LT(c, 0x80u) << out;
    Json::Value back;
    std::string err;
    ASSERT_TRUE(JsonText::parse(out, back, err)) << err;
    EXPECT_THAT(back["s"].asString(), HasSubstr("\xc3\xa9"));
}

}  // namespace
}  // namespace procsentry::agent
