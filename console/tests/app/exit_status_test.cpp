// SPDX-License-Identifier: GPL-2.0
// The program's exit statuses, as systemd sees them: an unusable configuration is EX_CONFIG (78),
// which the unit lists in RestartPreventExitStatus= so that it is not restarted into the same error.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "app/console_config_loader.hpp"

namespace procsentry::console::app {
namespace {

namespace fs = std::filesystem;

#ifdef CONSOLE_BINARY
int run(const std::string& args)
{
    const std::string cmd = std::string("'") + CONSOLE_BINARY + "' " + args + " >/dev/null 2>&1";
    int st = std::system(cmd.c_str());
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

class ExitStatusTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        dir_ = fs::temp_directory_path() / ("psc-exit-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string write(const std::string& name, const std::string& text)
    {
        std::ofstream(dir_ / name) << text;
        return (dir_ / name).string();
    }
    fs::path dir_;
};

TEST_F(ExitStatusTest, AnInvalidConfigurationExitsWithExConfig)
{
    const std::string bad = write("bad.json", R"({"version": 1, "bogus": true})");
    EXPECT_EQ(run("--config '" + bad + "' --check-config"), 78);
    // Serving with it: the same status, which the unit does not restart.
    EXPECT_EQ(run("--config '" + bad + "'"), 78);
    EXPECT_EQ(run("--config '" + (dir_ / "missing.json").string() + "' --check-config"), 78);
    EXPECT_EQ(run("--config '" + write("notjson.json", "{") + "' --check-config"), 78);
    EXPECT_EQ(ConsoleConfigLoader::kExitConfig, 78);
}

TEST_F(ExitStatusTest, AValidConfigurationChecksWithZeroAndBadUsageIsTwo)
{
    const std::string good = write("good.json", "{\"version\": 1, \"listen\": {\"address\": \"127.0.0.1\"}, "
                                                "\"store\": {\"type\": \"sqlite\", \"path\": \"" +
                                                    (dir_ / "c.db").string() + "\"}}");
    EXPECT_EQ(run("--config '" + good + "' --check-config"), 0);
    EXPECT_EQ(run("--no-such-option"), 2);
}
#endif

}  // namespace
}  // namespace procsentry::console::app
