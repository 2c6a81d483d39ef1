// SPDX-License-Identifier: GPL-2.0
#include "app/console_config_loader.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace procsentry::console::app {
namespace {

std::string all_errors(const ConsoleConfigLoader::Result& r)
{
    std::string s;
    for (const auto& e : r.errors)
        s += e + "\n";
    return s;
}

TEST(ConsoleConfigLoader, TheShippedConfigLoads)
{
    auto r = ConsoleConfigLoader::load_file(std::string(CONSOLE_SOURCE_DIR) + "/etc/console.json");
    ASSERT_TRUE(r.ok) << all_errors(r);
    EXPECT_EQ(r.config.listen_address, "0.0.0.0");
    EXPECT_EQ(r.config.listen_port, 8443);
    EXPECT_TRUE(r.config.tls());
    EXPECT_EQ(r.config.store_type, "sqlite");
    EXPECT_EQ(r.config.effective_state_dir(), "/var/lib/procsentry-console");
    EXPECT_EQ(r.config.threads, 4);
    EXPECT_EQ(r.config.heartbeat_wait_s, 25);
    EXPECT_EQ(r.config.retention_max_age_days, 180);
}

TEST(ConsoleConfigLoader, MinimalLoopbackPlainHttp)
{
    auto r = ConsoleConfigLoader::load_string(
        R"({"version":1,"listen":{"address":"127.0.0.1","port":8080},"store":{"type":"sqlite","path":"/tmp/x/c.db"},"state_dir":"/tmp/s"})",
        "c.json");
    ASSERT_TRUE(r.ok) << all_errors(r);
    EXPECT_FALSE(r.config.tls());
    EXPECT_EQ(r.config.effective_state_dir(), "/tmp/s");
}

TEST(ConsoleConfigLoader, EachErrorNamesFileKeyAndValue)
{
    auto r = ConsoleConfigLoader::load_string(
        R"({"version":2,"listen":{"address":"0.0.0.0","port":70000,"extra":1},"threads":"4",)"
        R"("store":{"type":"mysql"},"sessions":{"idle_timeout_s":10},"ui_dir":"relative","colour":"blue"})",
        "/etc/c.json");
    EXPECT_FALSE(r.ok);
    const std::string e = all_errors(r);
    for (const char* want : {"/etc/c.json: version: must be 1 (got 2)", "listen.port: must be an integer from 1 to 65535 (got 70000)",
                             "listen.\"extra\": unknown key", "threads: must be an integer", "(got \"4\")",
                             "store.type: must be \"sqlite\" or \"postgresql\" (got \"mysql\")",
                             "sessions.idle_timeout_s", "ui_dir: must be an absolute path", "\"colour\": unknown key",
                             "tls: is required unless listen.address is a loopback address"})
        EXPECT_NE(e.find(want), std::string::npos) << want << "\n" << e;
}

TEST(ConsoleConfigLoader, PlainHttpOnANetworkAddressNeedsTheFlag)
{
    auto no = ConsoleConfigLoader::load_string(R"({"version":1,"listen":{"address":"0.0.0.0","port":80}})", "c");
    EXPECT_FALSE(no.ok);
    auto yes = ConsoleConfigLoader::load_string(
        R"({"version":1,"listen":{"address":"0.0.0.0","port":80},"allow_plain_http":true})", "c");
    EXPECT_TRUE(yes.ok) << all_errors(yes);
    auto v6 = ConsoleConfigLoader::load_string(R"({"version":1,"listen":{"address":"::1","port":80}})", "c");
    EXPECT_TRUE(v6.ok) << all_errors(v6);
}

TEST(ConsoleConfigLoader, PostgresqlNeedsAConninfoFile)
{
    auto r = ConsoleConfigLoader::load_string(
        R"({"version":1,"listen":{"address":"127.0.0.1","port":80},"store":{"type":"postgresql"}})", "c");
    EXPECT_FALSE(r.ok);
    EXPECT_NE(all_errors(r).find("store.conninfo_file: is required"), std::string::npos);
    auto ok = ConsoleConfigLoader::load_string(
        R"({"version":1,"listen":{"address":"127.0.0.1","port":80},"store":{"type":"postgresql","conninfo_file":"/etc/pg"}})",
        "c");
    EXPECT_TRUE(ok.ok) << all_errors(ok);
}

TEST(ConsoleConfigLoader, HostileText)
{
    for (const std::string& t : {std::string(""), std::string("{"), std::string("[]"), std::string("null"),
                                 std::string(2u << 20, ' '), std::string(10000, '['),
                                 std::string(R"({"version":1,"version":1})"), std::string("{\"version\":1e999}")}) {
        auto r = ConsoleConfigLoader::load_string(t, "c");
        EXPECT_FALSE(r.ok) << t.substr(0, 40);
        EXPECT_FALSE(r.errors.empty());
    }
}

class ConninfoFile : public ::testing::Test {
protected:
    void SetUp() override { path_ = std::filesystem::temp_directory_path() / ("psc-pg-" + std::to_string(::getpid())); }
    void TearDown() override { std::filesystem::remove(path_); }
    void write(const std::string& text, mode_t mode)
    {
        std::ofstream(path_) << text;
        ::chmod(path_.c_str(), mode);
    }
    std::filesystem::path path_;
};

TEST_F(ConninfoFile, MustNotBeWorldReadable)
{
    write("host=/run/postgresql dbname=c\n", 0644);
    try {
        ConsoleConfigLoader::read_conninfo(path_.string());
        FAIL();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("readable or writable by every user"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(path_.string()), std::string::npos);
    }
    write("host=/run/postgresql dbname=c\n", 0600);
    EXPECT_EQ(ConsoleConfigLoader::read_conninfo(path_.string()), "host=/run/postgresql dbname=c");
    EXPECT_THROW(ConsoleConfigLoader::read_conninfo("/nonexistent/pg"), std::runtime_error);
}

TEST_F(ConninfoFile, ConfigFileMustNotBeWorldWritable)
{
    write(R"({"version":1,"listen":{"address":"127.0.0.1","port":80}})", 0666);
    auto r = ConsoleConfigLoader::load_file(path_.string());
    EXPECT_FALSE(r.ok);
    EXPECT_NE(all_errors(r).find("writable by every user"), std::string::npos);
    ::chmod(path_.c_str(), 0644);
    EXPECT_TRUE(ConsoleConfigLoader::load_file(path_.string()).ok);
    EXPECT_FALSE(ConsoleConfigLoader::load_file("/").ok);
}

}  // namespace
}  // namespace procsentry::console::app
