// SPDX-License-Identifier: GPL-2.0
// Seeding from a fake /proc tree (Options::proc_root) and a fake cgroup mount.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "proctable/cgroup_resolver.hpp"
#include "proctable/proc_scanner.hpp"
#include "proctable/process_table.hpp"
#include "support/temp_dir.hpp"

namespace procsentry::proctable {
namespace {

using namespace std::string_literals;

const std::string kDocker(64, 'b');

struct FakeProc {
    uint32_t pid = 0, ppid = 1;
    uint64_t start_ticks = 0;
    uint32_t uid = 1000, euid = 1000, gid = 100, egid = 100;
    std::string comm = "cmd";
    std::string state = "S";
    std::string exe;  // symlink target; "" = no exe link (kernel thread)
    std::string cmdline;
    std::string cgroup = "0::/\n";
};

void write_proc(const test::TempDir& d, const FakeProc& f)
{
    const std::string dir = "proc/" + std::to_string(f.pid) + "/";
    d.write(dir + "stat", std::to_string(f.pid) + " (" + f.comm + ") " + f.state + " " + std::to_string(f.ppid) +
                              " 5 5 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 " + std::to_string(f.start_ticks) +
                              " 1000 10 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0\n");
    d.write(dir + "status", "Name:\t" + f.comm + "\nState:\t" + f.state + "\nTgid:\t" + std::to_string(f.pid) +
                                "\nPPid:\t" + std::to_string(f.ppid) + "\nUid:\t" + std::to_string(f.uid) + "\t" +
                                std::to_string(f.euid) + "\t" + std::to_string(f.euid) + "\t" +
                                std::to_string(f.euid) + "\nGid:\t" + std::to_string(f.gid) + "\t" +
                                std::to_string(f.egid) + "\t0\t0\nGroups:\t\n");
    d.write(dir + "cmdline", f.cmdline);
    d.write(dir + "loginuid", "1000");
    d.write(dir + "cgroup", f.cgroup);
    if (!f.exe.empty())
        d.symlink(f.exe, dir + "exe");
}

uint64_t tick_ns()
{
    return 1'000'000'000ull / static_cast<uint64_t>(sysconf(_SC_CLK_TCK));
}

uint64_t inode_of(const std::string& path)
{
    struct stat st{};
    EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
    return st.st_ino;
}

class ProcSeed : public ::testing::Test {
protected:
    ProcessTable table(std::size_t max = 1000, std::shared_ptr<CgroupResolver> r = nullptr) const
    {
        ProcessTable::Options o;
        o.proc_root = dir.sub("proc");
        o.cgroup_root = dir.sub("cg");
        o.max_processes = max;
        o.max_argv_bytes = 64;
        return ProcessTable(o, std::move(r));
    }
    test::TempDir dir;
};

TEST_F(ProcSeed, ReadsEveryFieldOfAProcess)
{
    dir.mkdirs("cg/system.slice/docker-" + kDocker + ".scope");
    FakeProc f;
    f.pid = 42;
    f.ppid = 7;
    f.start_ticks = 12345;
    f.uid = 1000;
    f.euid = 0;
    f.gid = 100;
    f.egid = 0;
    f.comm = "we ird) (x";
    f.exe = "/usr/bin/python3.11";
    f.cmdline = "python3\0-c\0print(1)\0"s;
    f.cgroup = "0::/system.slice/docker-" + kDocker + ".scope\n";
    write_proc(dir, f);
    dir.mkdirs("proc/self-not-numeric");
    dir.write("proc/uptime", "1 1\n");

    auto t = table();
    EXPECT_EQ(t.seed_from_proc(), 1u);
    const Process* p = t.find(42);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(p->seeded);
    EXPECT_EQ(p->ppid, 7u);
    EXPECT_EQ(p->comm, "we ird) (x");
    EXPECT_EQ(p->uid, 1000u);
    EXPECT_EQ(p->euid, 0u);
    EXPECT_EQ(p->gid, 100u);
    EXPECT_EQ(p->egid, 0u);
    EXPECT_EQ(p->loginuid, 1000u);
    EXPECT_EQ(p->exe, "/usr/bin/python3.11");
    EXPECT_TRUE(p->exe_trusted);
    EXPECT_EQ(p->argv, (std::vector<std::string>{"python3", "-c", "print(1)"}));
    EXPECT_FALSE(p->argv_truncated);
    EXPECT_TRUE(p->start_ns_approx);
    EXPECT_EQ(p->start_ns, 12345 * tick_ns());
    EXPECT_EQ(p->cgroup_id, inode_of(dir.sub("cg/system.slice/docker-" + kDocker + ".scope")));
    EXPECT_EQ(p->container_id, kDocker);
    EXPECT_EQ(t.stats().seeded, 1u);
}

TEST_F(ProcSeed, DeletedExeAndKernelThreadsAreUntrusted)
{
    FakeProc a;
    a.pid = 10;
    a.exe = "/tmp/evil (deleted)";
    write_proc(dir, a);
    FakeProc k;
    k.pid = 2;
    k.ppid = 0;
    k.comm = "kthreadd";
    write_proc(dir, k);
    auto t = table();
    EXPECT_EQ(t.seed_from_proc(), 2u);
    EXPECT_EQ(t.find(10)->exe, "/tmp/evil (deleted)");
    EXPECT_FALSE(t.find(10)->exe_trusted);
    EXPECT_EQ(t.find(2)->exe, "");
    EXPECT_FALSE(t.find(2)->exe_trusted);
    EXPECT_TRUE(t.find(2)->argv.empty());
}

TEST_F(ProcSeed, VanishedZombieAndGarbledEntriesAreSkipped)
{
    FakeProc ok;
    ok.pid = 5;
    write_proc(dir, ok);
    dir.mkdirs("proc/6");  // gone: empty directory, every read fails
    FakeProc z;
    z.pid = 7;
    z.state = "Z";
    write_proc(dir, z);
    dir.write("proc/8/stat", "8 (truncated) S 1 2");
    dir.write("proc/8/status", "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
    dir.write("proc/9/stat", "9 (x) S 1 5 5 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 77 1\n");
    dir.write("proc/9/status", "Uid:\tnope\n");
    auto t = table();
    EXPECT_EQ(t.seed_from_proc(), 1u);
    EXPECT_NE(t.find(5), nullptr);
    EXPECT_EQ(t.size(), 1u);
    EXPECT_EQ(t.stats().seed_skipped, 4u);
}

TEST_F(ProcSeed, LongCmdlineIsBounded)
{
    FakeProc f;
    f.pid = 11;
    f.cmdline = std::string(50, 'a') + '\0' + std::string(50, 'b') + '\0';
    write_proc(dir, f);
    auto t = table();
    t.seed_from_proc();
    const Process* p = t.find(11);
    ASSERT_EQ(p->argv.size(), 2u);
    EXPECT_EQ(p->argv[0], std::string(50, 'a'));
    EXPECT_EQ(p->argv[1], std::string(12, 'b'));  // 64 - 51 - 1
    EXPECT_TRUE(p->argv_truncated);
}

TEST_F(ProcSeed, HostileCgroupPathIsNotFollowed)
{
    dir.mkdirs("cg");
    FakeProc f;
    f.pid = 12;
    f.cgroup = "0::/../proc\n";  // would stat outside the mount
    write_proc(dir, f);
    auto t = table();
    t.seed_from_proc();
    EXPECT_EQ(t.find(12)->cgroup_id, 0u);
    EXPECT_EQ(t.find(12)->container_id, "");
}

TEST_F(ProcSeed, RecordsMatchSeededEntriesWithinATick)
{
    FakeProc f;
    f.pid = 13;
    f.start_ticks = 500;
    f.exe = "/usr/sbin/cron";
    write_proc(dir, f);
    auto t = table();
    t.seed_from_proc();
    const uint64_t exact = 500 * tick_ns() + tick_ns() / 2;
    EXPECT_NE(t.find(13, exact), nullptr);
    EXPECT_EQ(t.find(13, 501 * tick_ns()), nullptr);
    EXPECT_EQ(t.find(13, 500 * tick_ns() - 1), nullptr);

    // A fork of the seeded process inherits the /proc image, and is marked so.
    abi::Fork fk;
    fk.task.tgid = fk.task.pid = 14;
    fk.task.ppid = 13;
    fk.task.start_ns = 600 * tick_ns();
    fk.creator_tgid = 13;
    t.on_fork(fk);
    EXPECT_EQ(t.find(14)->exe, "/usr/sbin/cron");
    EXPECT_TRUE(t.find(14)->seeded);
    // The child is after its seeded parent, so the chain holds.
    ASSERT_EQ(t.ancestry(14, 4).size(), 1u);

    // An exec record of the same process: no pid reuse, start made exact.
    abi::Exec e;
    e.task.tgid = e.task.pid = 13;
    e.task.start_ns = exact;
    e.path = "/usr/bin/true";
    t.on_exec(e);
    EXPECT_EQ(t.stats().pid_reuse, 0u);
    EXPECT_EQ(t.find(13)->start_ns, exact);
    EXPECT_FALSE(t.find(13)->start_ns_approx);
    EXPECT_FALSE(t.find(13)->seeded);

    // Seeding again does not overwrite what records said.
    EXPECT_EQ(t.seed_from_proc(), 0u);
    EXPECT_EQ(t.find(13)->exe, "/usr/bin/true");
}

TEST_F(ProcSeed, SeedingRespectsTheBound)
{
    for (uint32_t pid = 100; pid < 110; ++pid) {
        FakeProc f;
        f.pid = pid;
        write_proc(dir, f);
    }
    auto t = table(4);
    t.seed_from_proc();
    EXPECT_EQ(t.size(), 4u);
    EXPECT_EQ(t.stats().evicted, 6u);
}

TEST_F(ProcSeed, SeedingTeachesTheResolver)
{
    const std::string cg = "cg/kubepods.slice/cri-containerd-" + kDocker + ".scope";
    dir.mkdirs(cg);
    FakeProc f;
    f.pid = 20;
    f.cgroup = "0::/kubepods.slice/cri-containerd-" + kDocker + ".scope\n";
    write_proc(dir, f);
    // A resolver pointed at an empty root: only note_path can teach it.
    auto r = std::make_shared<CgroupResolver>(dir.sub("nothing"), 16);
    auto t = table(100, r);
    t.seed_from_proc();
    EXPECT_EQ(r->container_id(inode_of(dir.sub(cg))), kDocker);
    EXPECT_EQ(r->stats().walks, 0u);
}

TEST(ProcScanner, TicksToNsFloorsLikeTheKernel)
{
    ProcScanner s("/proc", "/sys/fs/cgroup", 64);
    const uint64_t hz = static_cast<uint64_t>(sysconf(_SC_CLK_TCK));
    EXPECT_EQ(s.ticks_to_ns(hz), 1'000'000'000ull);
    EXPECT_EQ(s.ticks_to_ns(0), 0u);
    // Ten years of uptime does not overflow.
    EXPECT_EQ(s.ticks_to_ns(hz * 315'360'000ull), 315'360'000ull * 1'000'000'000ull);
}

TEST(ProcScanner, RealProcHasThisProcess)
{
    ProcScanner s("/proc", "/sys/fs/cgroup", 4096);
    const auto me = s.scan(static_cast<uint32_t>(getpid()));
    ASSERT_TRUE(me.has_value());
    EXPECT_EQ(me->proc.uid, getuid());
    EXPECT_EQ(me->proc.ppid, static_cast<uint32_t>(getppid()));
    EXPECT_FALSE(me->proc.exe.empty());
    EXPECT_FALSE(me->proc.argv.empty());
}

}  // namespace
}  // namespace procsentry::proctable
