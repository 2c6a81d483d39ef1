// SPDX-License-Identifier: GPL-2.0
#include "proctable/process_table.hpp"

#include <gtest/gtest.h>
#include <procsentry/procsentry_abi.h>

#include <map>
#include <memory>
#include <string>

#include "proctable/cgroup_resolver.hpp"

namespace procsentry::proctable {
namespace {

using namespace std::string_literals;

abi::Task task(uint32_t tgid, uint32_t ppid, uint64_t start_ns, uint32_t uid = 1000)
{
    abi::Task t;
    t.pid = tgid;
    t.tgid = tgid;
    t.ppid = ppid;
    t.start_ns = start_ns;
    t.comm = "c" + std::to_string(tgid);
    t.cred.uid = t.cred.euid = t.cred.suid = t.cred.fsuid = uid;
    t.cred.gid = t.cred.egid = uid;
    t.loginuid = uid;
    return t;
}

abi::Fork fork_rec(uint32_t child, uint32_t parent, uint64_t start_ns, uint32_t creator = 0)
{
    abi::Fork f;
    f.task = task(child, parent, start_ns);
    f.creator_tgid = creator ? creator : parent;
    return f;
}

abi::Exec exec_rec(uint32_t tgid, uint32_t ppid, uint64_t start_ns, const std::string& path,
                   const std::string& argv = "", uint32_t argc = 0, uint32_t flags = 0)
{
    abi::Exec e;
    e.task = task(tgid, ppid, start_ns);
    e.path = path;
    e.filename = path;
    e.argv = argv;
    e.argc = argc;
    e.flags = flags;
    return e;
}

abi::Exit exit_rec(uint32_t tgid, uint64_t start_ns)
{
    abi::Exit x;
    x.task = task(tgid, 1, start_ns);
    return x;
}

ProcessTable make_table(std::size_t max = 1000, std::size_t argv_bytes = 4096,
                        std::shared_ptr<CgroupResolver> r = nullptr)
{
    ProcessTable::Options o;
    o.max_processes = max;
    o.max_argv_bytes = argv_bytes;
    o.proc_root = "/nonexistent-proc";
    return ProcessTable(o, std::move(r));
}

TEST(ProcessTable, ExecFillsEntryFromRecord)
{
    auto t = make_table();
    t.on_exec(exec_rec(100, 1, 5000, "/usr/bin/ls", "ls\0-l\0/tmp"s, 3), 777);
    const Process* p = t.find(100);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->exe, "/usr/bin/ls");
    EXPECT_TRUE(p->exe_trusted);
    EXPECT_EQ(p->filename, "/usr/bin/ls");
    EXPECT_EQ(p->argv, (std::vector<std::string>{"ls", "-l", "/tmp"}));
    EXPECT_FALSE(p->argv_truncated);
    EXPECT_EQ(p->ppid, 1u);
    EXPECT_EQ(p->start_ns, 5000u);
    EXPECT_EQ(p->uid, 1000u);
    EXPECT_EQ(p->comm, "c100");
    EXPECT_EQ(p->last_exec_ns, 777u);
    EXPECT_FALSE(p->seeded);
    EXPECT_EQ(t.stats().execs, 1u);
    EXPECT_EQ(t.find(100, 5000), p);
    EXPECT_EQ(t.find(100, 5001), nullptr);
}

TEST(ProcessTable, ExecFlagsMakeThePathUntrusted)
{
    for (const uint32_t flag : {PROCSENTRY_EXEC_MEMFD, PROCSENTRY_EXEC_DELETED, PROCSENTRY_EXEC_CHROOT,
                                PROCSENTRY_EXEC_PATH_ERR, PROCSENTRY_EXEC_INTERPRETED}) {
        auto t = make_table();
        t.on_exec(exec_rec(100, 1, 5000, "/usr/bin/ls", "", 0, flag));
        EXPECT_FALSE(t.find(100)->exe_trusted) << flag;
    }
    auto t = make_table();
    t.on_exec(exec_rec(100, 1, 5000, "/usr/bin/ls", "", 0, PROCSENTRY_EXEC_SECURE | PROCSENTRY_EXEC_ARGV_TRUNC));
    EXPECT_TRUE(t.find(100)->exe_trusted);

    abi::Exec no_path = exec_rec(101, 1, 5000, "");
    no_path.path.reset();
    t.on_exec(no_path);
    EXPECT_EQ(t.find(101)->exe, "");
    EXPECT_FALSE(t.find(101)->exe_trusted);

    t.on_exec(exec_rec(102, 1, 5000, "/tmp/x (deleted)"));
    EXPECT_FALSE(t.find(102)->exe_trusted);
    t.on_exec(exec_rec(103, 1, 5000, "relative/x"));
    EXPECT_FALSE(t.find(103)->exe_trusted);
}

TEST(ProcessTable, ScriptKeepsScriptPathAndInterpreter)
{
    auto t = make_table();
    abi::Exec e = exec_rec(100, 1, 5000, "/usr/bin/foo", "foo\0a"s, 2,
                           PROCSENTRY_EXEC_SCRIPT | PROCSENTRY_EXEC_INTERPRETED);
    e.interp = "/bin/sh";
    e.interp_path = "/usr/bin/dash";
    t.on_exec(e);
    const Process* p = t.find(100);
    EXPECT_EQ(p->exe, "/usr/bin/foo");
    EXPECT_EQ(p->interp_path, "/usr/bin/dash");
    EXPECT_TRUE(p->exe_trusted);

    // binfmt_misc / unknown script: path is the interpreter's.
    abi::Exec b = exec_rec(100, 1, 5000, "/usr/bin/qemu-arm", "", 0, PROCSENTRY_EXEC_INTERPRETED);
    b.interp_path = "/ignored";
    t.on_exec(b);
    EXPECT_EQ(t.find(100)->exe, "/usr/bin/qemu-arm");
    EXPECT_EQ(t.find(100)->interp_path, "");
    EXPECT_FALSE(t.find(100)->exe_trusted);
}

TEST(ProcessTable, ArgvBoundedByMaxArgvBytes)
{
    auto t = make_table(1000, 10);
    t.on_exec(exec_rec(100, 1, 5000, "/bin/x", "abcd\0efgh\0ijkl"s, 3));
    const Process* p = t.find(100);
    // 5 + 5 bytes: "abcd", "efgh" and nothing more.
    EXPECT_EQ(p->argv, (std::vector<std::string>{"abcd", "efgh"}));
    EXPECT_TRUE(p->argv_truncated);

    t.on_exec(exec_rec(101, 1, 5000, "/bin/x", "a\0b"s, 2, PROCSENTRY_EXEC_ARGV_TRUNC));
    EXPECT_EQ(t.find(101)->argv, (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(t.find(101)->argv_truncated);  // the kernel cut it already
}

TEST(ProcessTable, ForkCopiesCreatorImageWithChildCreds)
{
    auto t = make_table();
    t.on_exec(exec_rec(100, 1, 5000, "/usr/sbin/sshd", "sshd\0-D"s, 2));
    abi::Fork f = fork_rec(200, 100, 6000);
    f.task.cred.uid = 0;
    f.task.cred.euid = 0;
    t.on_fork(f);
    const Process* c = t.find(200);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->exe, "/usr/sbin/sshd");
    EXPECT_TRUE(c->exe_trusted);
    EXPECT_EQ(c->argv, (std::vector<std::string>{"sshd", "-D"}));
    EXPECT_EQ(c->ppid, 100u);
    EXPECT_EQ(c->start_ns, 6000u);
    EXPECT_EQ(c->uid, 0u);
    EXPECT_EQ(t.stats().forks, 1u);
    // The parent is untouched.
    EXPECT_EQ(t.find(100)->uid, 1000u);
}

TEST(ProcessTable, ForkWithCloneParentCopiesTheCreatorNotThePpid)
{
    auto t = make_table();
    t.on_exec(exec_rec(100, 1, 5000, "/bin/grandparent"));
    t.on_exec(exec_rec(101, 100, 5100, "/bin/creator"));
    t.on_fork(fork_rec(300, 100, 6000, 101));
    EXPECT_EQ(t.find(300)->exe, "/bin/creator");
    EXPECT_EQ(t.find(300)->ppid, 100u);
}

TEST(ProcessTable, ForkOfUnknownParentStillMakesAnEntry)
{
    auto t = make_table();
    t.on_fork(fork_rec(200, 150, 6000));
    ASSERT_NE(t.find(200), nullptr);
    EXPECT_EQ(t.find(200)->exe, "");
    EXPECT_FALSE(t.find(200)->exe_trusted);
}

TEST(ProcessTable, ExitRemoves)
{
    auto t = make_table();
    t.on_exec(exec_rec(100, 1, 5000, "/bin/x"));
    t.on_exit(exit_rec(100, 5000));
    EXPECT_EQ(t.find(100), nullptr);
    EXPECT_EQ(t.size(), 0u);
    t.on_exit(exit_rec(100, 5000));
    EXPECT_EQ(t.stats().unknown_exits, 1u);
    EXPECT_EQ(t.stats().exits, 2u);
}

TEST(ProcessTable, ExitOfANewerProcessRemovesTheStaleEntry)
{
    auto t = make_table();
    t.on_exec(exec_rec(100, 1, 5000, "/bin/old"));
    t.on_exit(exit_rec(100, 9000));  // its fork was lost; the old one's exit too
    EXPECT_EQ(t.find(100), nullptr);
    EXPECT_EQ(t.stats().unknown_exits, 1u);
}

TEST(ProcessTable, PidReuseReplacesTheEntryAndCounts)
{
    auto t = make_table();
    t.on_exec(exec_rec(100, 1, 5000, "/bin/old", "old\0arg"s, 2));
    // The old process's EXIT was lost; a new process got the same tgid.
    t.on_fork(fork_rec(100, 1, 9000));
    const Process* p = t.find(100);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->start_ns, 9000u);
    EXPECT_EQ(p->exe, "");  // nothing of the old image survives
    EXPECT_TRUE(p->argv.empty());
    EXPECT_EQ(t.stats().pid_reuse, 1u);
    EXPECT_EQ(t.find(100, 5000), nullptr);

    t.on_exec(exec_rec(100, 1, 12000, "/bin/newer"));
    EXPECT_EQ(t.stats().pid_reuse, 2u);
    EXPECT_EQ(t.find(100)->exe, "/bin/newer");
    // Same identity: an update, not a reuse.
    t.on_exec(exec_rec(100, 1, 12000, "/bin/again"));
    EXPECT_EQ(t.stats().pid_reuse, 2u);
    EXPECT_EQ(t.size(), 1u);
}

TEST(ProcessTable, CredChangeUpdatesIds)
{
    auto t = make_table();
    t.on_exec(exec_rec(100, 1, 5000, "/usr/bin/sudo"));
    abi::CredChange c;
    c.task = task(100, 1, 5000, 0);
    c.task.cred.uid = 1000;
    c.task.cred.euid = 0;
    t.on_cred(c);
    EXPECT_EQ(t.find(100)->uid, 1000u);
    EXPECT_EQ(t.find(100)->euid, 0u);
    EXPECT_EQ(t.find(100)->exe, "/usr/bin/sudo");
    // A change for an older entry's tgid with another start: stale, replaced.
    c.task.start_ns = 7000;
    t.on_cred(c);
    EXPECT_EQ(t.find(100)->exe, "");
    EXPECT_EQ(t.stats().stale_replaced, 1u);
}

TEST(ProcessTable, EvictsLeastRecentlyActive)
{
    auto t = make_table(3);
    t.on_exec(exec_rec(1, 0, 10, "/sbin/init"));
    t.on_exec(exec_rec(2, 1, 20, "/bin/a"));
    t.on_exec(exec_rec(3, 1, 30, "/bin/b"));
    // 1 becomes active again: 2 is now the least recent.
    abi::CredChange c;
    c.task = task(1, 0, 10, 0);
    t.on_cred(c);
    t.on_exec(exec_rec(4, 1, 40, "/bin/c"));
    EXPECT_EQ(t.size(), 3u);
    EXPECT_NE(t.find(1), nullptr);
    EXPECT_EQ(t.find(2), nullptr);
    EXPECT_NE(t.find(3), nullptr);
    EXPECT_NE(t.find(4), nullptr);
    EXPECT_EQ(t.stats().evicted, 1u);

    t.set_max_processes(1);
    EXPECT_EQ(t.size(), 1u);
    EXPECT_NE(t.find(4), nullptr);
    EXPECT_EQ(t.stats().evicted, 3u);
}

TEST(ProcessTable, EvictionBoundHoldsUnderManyForks)
{
    auto t = make_table(100);
    t.on_exec(exec_rec(1, 0, 10, "/sbin/init", "init"s, 1));
    for (uint32_t i = 2; i < 10000; ++i) {
        t.on_fork(fork_rec(i, 1, i * 10ull));
        ASSERT_LE(t.size(), 100u);
    }
    EXPECT_EQ(t.stats().evicted, 10000u - 1 - 100);
    // The creator stays: forking keeps it active.
    EXPECT_NE(t.find(1), nullptr);
    EXPECT_EQ(t.find(9999)->exe, "/sbin/init");
    EXPECT_GT(t.memory_estimate(), 100 * sizeof(Process));
}

TEST(ProcessTable, ForkWithTableOfOneDoesNotUseTheEvictedCreator)
{
    auto t = make_table(1);
    t.on_exec(exec_rec(100, 1, 5000, "/bin/p", "p\0x"s, 2));
    t.on_fork(fork_rec(200, 100, 6000));
    EXPECT_EQ(t.size(), 1u);
    EXPECT_EQ(t.find(200)->exe, "/bin/p");
    EXPECT_EQ(t.find(200)->argv, (std::vector<std::string>{"p", "x"}));
}

TEST(ProcessTable, AncestryParentFirstBoundedByDepth)
{
    auto t = make_table();
    t.on_exec(exec_rec(1, 0, 10, "/sbin/init"));
    t.on_exec(exec_rec(10, 1, 20, "/usr/sbin/sshd"));
    t.on_exec(exec_rec(20, 10, 30, "/bin/bash"));
    t.on_exec(exec_rec(30, 20, 40, "/usr/bin/sudo"));
    auto a = t.ancestry(30, 8);
    ASSERT_EQ(a.size(), 3u);
    EXPECT_EQ(a[0]->exe, "/bin/bash");
    EXPECT_EQ(a[1]->exe, "/usr/sbin/sshd");
    EXPECT_EQ(a[2]->exe, "/sbin/init");
    EXPECT_EQ(t.ancestry(30, 2).size(), 2u);
    EXPECT_TRUE(t.ancestry(30, 0).empty());
    EXPECT_TRUE(t.ancestry(999, 8).empty());
    // An unknown link ends the chain.
    t.on_exit(exit_rec(10, 20));
    EXPECT_EQ(t.ancestry(30, 8).size(), 1u);
}

TEST(ProcessTable, AncestryStopsOnCyclesAndSelfParent)
{
    auto t = make_table();
    // A corrupted chain: 5 -> 6 -> 7 -> 5, all with the same start.
    t.on_exec(exec_rec(5, 7, 100, "/a"));
    t.on_exec(exec_rec(6, 5, 100, "/b"));
    t.on_exec(exec_rec(7, 6, 100, "/c"));
    const auto a = t.ancestry(7, 1000);
    EXPECT_EQ(a.size(), 2u);  // 6, 5, then 7 again: stop
    t.on_exec(exec_rec(8, 8, 100, "/self"));
    EXPECT_TRUE(t.ancestry(8, 1000).empty());
}

TEST(ProcessTable, AncestryStopsAtAParentNewerThanTheChild)
{
    auto t = make_table();
    t.on_exec(exec_rec(50, 1, 100, "/bin/child"));
    // pid 1's slot... the child's parent tgid was reused by a later process.
    t.on_exec(exec_rec(1, 0, 500, "/bin/impostor"));
    EXPECT_TRUE(t.ancestry(50, 8).empty());
}

TEST(ProcessTable, ApplyDispatchesAndUsesTheHeaderTime)
{
    auto t = make_table();
    abi::Record r;
    r.hdr.ts_ns = 4242;
    r.body = exec_rec(100, 1, 5000, "/bin/x");
    t.apply(r);
    EXPECT_EQ(t.find(100)->last_exec_ns, 4242u);
    r.body = fork_rec(101, 100, 6000);
    t.apply(r);
    EXPECT_EQ(t.find(101)->exe, "/bin/x");
    r.body = exit_rec(100, 5000);
    t.apply(r);
    EXPECT_EQ(t.find(100), nullptr);
    r.body = abi::Lost{};
    t.apply(r);
    EXPECT_EQ(t.size(), 1u);
}

// Counts lookups so that tests can see when the table asks.
class FakeResolver : public CgroupResolver {
public:
    std::string container_id(uint64_t id) override
    {
        ++calls;
        const auto it = ids.find(id);
        return it == ids.end() ? std::string() : it->second;
    }
    std::map<uint64_t, std::string> ids;
    int calls = 0;
};

TEST(ProcessTable, ContainerIdFromResolverOnlyWhenTheCgroupChanges)
{
    auto r = std::make_shared<FakeResolver>();
    r->ids[77] = std::string(64, 'a');
    auto t = make_table(1000, 4096, r);
    abi::Exec e = exec_rec(100, 1, 5000, "/bin/x");
    e.task.cgroup_id = 77;
    t.on_exec(e);
    EXPECT_EQ(t.find(100)->container_id, std::string(64, 'a'));
    EXPECT_EQ(r->calls, 1);
    abi::Fork f = fork_rec(200, 100, 6000);
    f.task.cgroup_id = 77;
    t.on_fork(f);
    t.on_exec(e);
    EXPECT_EQ(t.find(200)->container_id, std::string(64, 'a'));
    EXPECT_EQ(r->calls, 1);
    e.task.cgroup_id = 78;
    t.on_exec(e);
    EXPECT_EQ(t.find(100)->container_id, "");
    EXPECT_EQ(r->calls, 2);
}

}  // namespace
}  // namespace procsentry::proctable
