// SPDX-License-Identifier: GPL-2.0
#include "alert/host_info.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "support/temp_file.hpp"

namespace procsentry::alert {
namespace {

void put(const procsentry::test::TempFile& f, const std::string& text) { std::ofstream(f.path()) << text; }

struct Files {
    procsentry::test::TempFile hostname, machine_id, dbus_id, boot_id;
    HostInfoPaths paths() const { return {hostname.path(), {machine_id.path(), dbus_id.path()}, boot_id.path()}; }
};

TEST(HostInfo, ReadsTheThreeFiles)
{
    Files f;
    put(f.hostname, "web-1\n");
    put(f.machine_id, "0123456789abcdef0123456789abcdef\n");
    put(f.boot_id, "01234567-89ab-cdef-0123-456789abcdef\n");
    std::vector<std::string> problems;
    const HostInfo h = read_host_info(f.paths(), &problems);
    EXPECT_EQ(h.hostname, "web-1");
    EXPECT_EQ(h.machine_id, "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(h.boot_id, "01234567-89ab-cdef-0123-456789abcdef");
    EXPECT_TRUE(problems.empty());
}

TEST(HostInfo, MachineIdFallsBackToDbusQuietly)
{
    Files f;
    put(f.hostname, "h");
    put(f.machine_id, "");  // systemd's "uninitialized" first boot leaves it empty
    put(f.dbus_id, "fedcba9876543210fedcba9876543210");
    put(f.boot_id, "01234567-89ab-cdef-0123-456789abcdef");
    std::vector<std::string> problems;
    const HostInfo h = read_host_info(f.paths(), &problems);
    EXPECT_EQ(h.machine_id, "fedcba9876543210fedcba9876543210");
    EXPECT_TRUE(problems.empty());
}

TEST(HostInfo, BadOrMissingFilesLeaveFieldsEmptyAndSayWhy)
{
    Files f;
    put(f.machine_id, "not-an-id");
    put(f.boot_id, "garbage\x1b");
    HostInfoPaths paths = f.paths();
    paths.hostname = "/nonexistent/hostname";
    paths.machine_id = {f.machine_id.path(), "/nonexistent/machine-id"};
    std::vector<std::string> problems;
    const HostInfo h = read_host_info(paths, &problems);
    EXPECT_TRUE(h.machine_id.empty());
    EXPECT_TRUE(h.boot_id.empty());
    char buf[256] = {};
    gethostname(buf, sizeof buf - 1);
    EXPECT_EQ(h.hostname, buf) << "falls back to gethostname()";
    ASSERT_EQ(problems.size(), 3u);
    EXPECT_EQ(problems[0], f.machine_id.path() + ": not 32 lowercase hex digits");
    EXPECT_EQ(problems[1], "/nonexistent/machine-id: No such file or directory");
    EXPECT_EQ(problems[2], f.boot_id.path() + ": not a UUID");
}

TEST(HostInfo, ThisMachine)
{
    const HostInfo h = read_host_info();
    EXPECT_FALSE(h.hostname.empty());
    if (access("/proc/sys/kernel/random/boot_id", R_OK) == 0) {
        EXPECT_EQ(h.boot_id.size(), 36u);
    }
}

}  // namespace
}  // namespace procsentry::alert
