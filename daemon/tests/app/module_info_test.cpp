// SPDX-License-Identifier: GPL-2.0
#include "app/module_info.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace procsentry::app {
namespace {

class ModuleInfoTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        dir_ = std::filesystem::temp_directory_path() / ("module_info_" + std::to_string(getpid()));
        std::filesystem::create_directories(dir_ / "sys");
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    void write(const std::filesystem::path& p, const std::string& s)
    {
        std::ofstream(p, std::ios::binary) << s;
    }
    ModuleInfo info() const { return ModuleInfo({(dir_ / "sys").string(), (dir_ / "error").string()}); }

    std::filesystem::path dir_;
};

TEST_F(ModuleInfoTest, NothingWhenTheModuleIsNotLoaded)
{
    std::filesystem::remove_all(dir_ / "sys");
    EXPECT_FALSE(info().loaded_version());
    EXPECT_FALSE(info().load_error());
}

TEST_F(ModuleInfoTest, ReadsTheSysfsVersionWithoutItsNewline)
{
    write(dir_ / "sys" / "version", "0.1.0\n");
    EXPECT_EQ(info().loaded_version().value_or(""), "0.1.0");
}

TEST_F(ModuleInfoTest, ErrorLineIsBoundedAndPrintable)
{
    write(dir_ / "error", "cause: kernel lockdown (integrity)\x1b[2J; fix: sign it\nsecond line\n");
    EXPECT_EQ(info().load_error().value_or(""), "cause: kernel lockdown (integrity)?[2J; fix: sign it");
    write(dir_ / "error", std::string(5000, 'x'));
    EXPECT_EQ(info().load_error().value_or("").size(), 1024u);
    write(dir_ / "error", "\n");
    EXPECT_FALSE(info().load_error());
}

TEST_F(ModuleInfoTest, MismatchSaysWhatToDo)
{
    EXPECT_EQ(ModuleInfo::mismatch("0.1.0", "0.1.0"), "");
    const auto m = ModuleInfo::mismatch("0.0.9", "0.1.0");
    EXPECT_NE(m.find("version mismatch: procsentry.ko 0.0.9 is loaded but procsentryd is 0.1.0"), std::string::npos);
    EXPECT_NE(m.find("procsentry-load-module --reload-stale"), std::string::npos);
}

}  // namespace
}  // namespace procsentry::app
