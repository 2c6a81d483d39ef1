// SPDX-License-Identifier: GPL-2.0
#include "control/command_dispatcher.hpp"

#include <gtest/gtest.h>
#include <json/reader.h>

#include <memory>
#include <string>
#include <vector>

#include "control/fake_control_handler.hpp"

namespace procsentry::control {
namespace {

Json::Value parse(const std::string& line)
{
    Json::CharReaderBuilder rb;
    const std::unique_ptr<Json::CharReader> r(rb.newCharReader());
    Json::Value v;
    std::string err;
    EXPECT_TRUE(r->parse(line.data(), line.data() + line.size(), &v, &err)) << line << ": " << err;
    return v;
}

class CommandDispatcherTest : public ::testing::Test {
protected:
    test::FakeControlHandler handler;
    CommandDispatcher dispatcher{handler};

    Json::Value ask(const std::string& line, bool* tail = nullptr)
    {
        const auto reply = dispatcher.handle(line);
        EXPECT_EQ(reply.line.find('\n'), std::string::npos);
        if (tail)
            *tail = reply.start_tail;
        return parse(reply.line);
    }
};

TEST_F(CommandDispatcherTest, StatusAndStatsCarryTheHandlersObject)
{
    Json::Value v = ask(R"({"cmd":"status"})");
    EXPECT_TRUE(v["ok"].asBool());
    EXPECT_EQ(v["status"]["module"]["abi"].asInt(), 3);
    v = ask("{\"cmd\":\"stats\"}\r");
    EXPECT_TRUE(v["ok"].asBool());
    EXPECT_EQ(v["stats"]["events"].asUInt64(), 12345u);
}

TEST_F(CommandDispatcherTest, EnableDisableReachTheHandler)
{
    Json::Value v = ask(R"({"cmd":"disable"})");
    EXPECT_TRUE(v["ok"].asBool());
    EXPECT_EQ(v["message"].asString(), "monitoring disabled");
    EXPECT_FALSE(handler.enabled);
    ask(R"({"cmd":"enable"})");
    EXPECT_TRUE(handler.enabled);
}

TEST_F(CommandDispatcherTest, FailedReloadReportsTheHandlersReason)
{
    handler.reload_fails = true;
    const Json::Value v = ask(R"({"cmd":"reload"})");
    EXPECT_FALSE(v["ok"].asBool());
    EXPECT_NE(v["error"].asString().find("unknown severity"), std::string::npos);
    EXPECT_EQ(handler.reload_calls, 1);
}

TEST_F(CommandDispatcherTest, TailStartsTheStream)
{
    bool tail = false;
    const Json::Value v = ask(R"({"cmd":"tail"})", &tail);
    EXPECT_TRUE(v["ok"].asBool());
    EXPECT_TRUE(tail);
    ask(R"({"cmd":"status"})", &tail);
    EXPECT_FALSE(tail);
}

TEST_F(CommandDispatcherTest, MalformedRequestsGetAnErrorNotAnException)
{
    const std::vector<std::string> bads = {"", "{", "not json", "[1,2]", "42", R"({"cmd":1})", R"({"command":"status"})",
                                  R"({"cmd":"status"} trailing)", std::string(100, '[') + std::string(100, ']'),
                                  std::string("{\"cmd\":\"\xff\xfe\x01\"}")};
    for (const std::string& bad : bads) {
        const Json::Value v = ask(bad);
        EXPECT_FALSE(v["ok"].asBool()) << bad;
        EXPECT_FALSE(v["error"].asString().empty()) << bad;
    }
}

TEST_F(CommandDispatcherTest, UnknownCommandIsNamedAndCut)
{
    Json::Value v = ask(R"({"cmd":"shutdown"})");
    EXPECT_FALSE(v["ok"].asBool());
    EXPECT_NE(v["error"].asString().find("unknown command \"shutdown\""), std::string::npos);
    v = ask("{\"cmd\":\"" + std::string(1000, 'a') + "\"}");
    EXPECT_LT(v["error"].asString().size(), 200u);
}

TEST_F(CommandDispatcherTest, UntrustedBytesInTheCommandStayValidJson)
{
    const auto reply = dispatcher.handle("{\"cmd\":\"a\\\"b\\u0001\"}");
    EXPECT_EQ(reply.line.find('\x01'), std::string::npos);
    EXPECT_FALSE(parse(reply.line)["ok"].asBool());
}

TEST_F(CommandDispatcherTest, ThrowingHandlerBecomesAnErrorReply)
{
    handler.throw_on_status = true;
    const Json::Value v = ask(R"({"cmd":"status"})");
    EXPECT_FALSE(v["ok"].asBool());
    EXPECT_NE(v["error"].asString().find("status exploded"), std::string::npos);
}

}  // namespace
}  // namespace procsentry::control
