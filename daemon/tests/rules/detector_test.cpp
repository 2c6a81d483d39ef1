// SPDX-License-Identifier: GPL-2.0
#include "rules/detector.hpp"

#include <gmock/gmock.h>
#include <random>
#include <gtest/gtest.h>

#include "detection_fixture.hpp"

namespace procsentry::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using test::creds;
using test::kUnchanged;

constexpr uint64_t kSecond = 1'000'000'000ull;
constexpr uint64_t kSetuidCap = 1ull << 7;
constexpr uint64_t kNetBindCap = 1ull << 10;

class DetectorTest : public test::DetectionTest {
protected:
    DetectorTest() : det_(opts(), table_, users_)
    {
        // sshd (root) -> bash (alice), as a login leaves them.
        spawn(500, 1, creds(0, 0), "/usr/sbin/sshd");
        spawn(600, 500, creds(1000, 1000), "/usr/bin/bash");
    }

    static DetectorOptions opts()
    {
        DetectorOptions o;
        o.escalation_window_ns = 10 * kSecond;
        o.max_pending = 16;
        return o;
    }

    // fork + exec, events dropped: builds the tree the test runs in.
    void spawn(uint32_t pid, uint32_t ppid, const abi::Creds& c, const std::string& path)
    {
        feed(det_, fork(pid, ppid, c));
        feed(det_, exec(pid, ppid, c, c, path));
    }

    static std::vector<Event> of_type(const std::vector<Event>& evs, RuleType t)
    {
        std::vector<Event> r;
        for (const auto& e : evs)
            if (e.type == t)
                r.push_back(e);
        return r;
    }

    // alice's bash forks 700 which runs sudo (set-user-ID root).
    std::vector<Event> start_sudo(uint32_t pid = 700, uint32_t ppid = 600)
    {
        feed(det_, fork(pid, ppid, creds(1000, 1000)));
        abi::Creds after = creds(1000, 0);
        after.suid = 0;
        return feed(det_, exec(pid, ppid, creds(1000, 1000), after, "/usr/bin/sudo", {"sudo", "id"},
                               PROCSENTRY_EXEC_SECURE));
    }

    Detector det_;
};

// ---- bin-execution ----

TEST_F(DetectorTest, ExecIsBinExecutionSuccessWithProcessParentAndAncestry)
{
    feed(det_, fork(700, 600, creds(1000, 1000)));
    const auto evs =
        feed(det_, exec(700, 600, creds(1000, 1000), creds(1000, 1000), "/usr/bin/ls", {"ls", "-l", ""}));
    ASSERT_EQ(evs.size(), 1u);
    const Event& ev = evs[0];
    EXPECT_EQ(ev.type, RuleType::bin_execution);
    EXPECT_EQ(ev.outcome, Outcome::success);
    EXPECT_EQ(ev.ts_ns, ts_);
    EXPECT_EQ(ev.proc.tgid, 700u);
    EXPECT_EQ(ev.proc.ppid, 600u);
    EXPECT_EQ(ev.proc.exe, "/usr/bin/ls");
    EXPECT_TRUE(ev.proc.exe_trusted);
    EXPECT_EQ(ev.proc.filename, "/usr/bin/ls");
    EXPECT_THAT(ev.proc.argv, ElementsAre("ls", "-l", ""));
    EXPECT_EQ(ev.proc.user, "alice");
    EXPECT_EQ(ev.proc.euser, "alice");
    EXPECT_EQ(ev.proc.group, "alice");
    EXPECT_EQ(ev.parent_exe, "/usr/bin/bash");
    ASSERT_EQ(ev.ancestry.size(), 2u);
    EXPECT_EQ(ev.ancestry[0].pid, 600u);
    EXPECT_EQ(ev.ancestry[0].exe, "/usr/bin/bash");
    EXPECT_EQ(ev.ancestry[0].user, "alice");
    EXPECT_EQ(ev.ancestry[1].pid, 500u);
    EXPECT_EQ(ev.ancestry[1].exe, "/usr/sbin/sshd");
    EXPECT_EQ(ev.ancestry[1].user, "root");
    EXPECT_EQ(ev.call, "execve");
    ASSERT_TRUE(ev.cred_before && ev.cred_after);
    EXPECT_EQ(ev.cred_after->uid, 1000u);
    EXPECT_TRUE(ev.techniques.empty());
    EXPECT_TRUE(ev.exec_flags.empty());
}

TEST_F(DetectorTest, AncestryDepthIsBounded)
{
    DetectorOptions o = opts();
    o.ancestry_depth = 1;
    det_.set_options(o);
    feed(det_, fork(700, 600, creds(1000, 1000)));
    const auto evs = feed(det_, exec(700, 600, creds(1000, 1000), creds(1000, 1000), "/usr/bin/ls"));
    ASSERT_EQ(evs.size(), 1u);
    ASSERT_EQ(evs[0].ancestry.size(), 1u);
    EXPECT_EQ(evs[0].ancestry[0].pid, 600u);
}

TEST_F(DetectorTest, ExecOfUnknownProcessStillNamesTheParentFromTheRecord)
{
    // FORK lost: the parent comes from the record's ppid.
    const auto evs = feed(det_, exec(800, 600, creds(1000, 1000), creds(1000, 1000), "/usr/bin/id"));
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].parent_exe, "/usr/bin/bash");
}

TEST_F(DetectorTest, UntrustedExecPathsAreFlaggedAndNamed)
{
    const auto c = creds(1000, 1000);
    const auto memfd = feed(det_, exec(701, 600, c, c, "/memfd:x (deleted)", {}, PROCSENTRY_EXEC_MEMFD |
                                                                                  PROCSENTRY_EXEC_DELETED));
    ASSERT_EQ(memfd.size(), 1u);
    EXPECT_FALSE(memfd[0].proc.exe_trusted);
    EXPECT_THAT(memfd[0].exec_flags, ElementsAre("memfd", "deleted"));
    EXPECT_THAT(memfd[0].techniques, ElementsAre("T1620"));

    for (uint32_t f : {PROCSENTRY_EXEC_DELETED, PROCSENTRY_EXEC_CHROOT, PROCSENTRY_EXEC_PATH_ERR,
                       PROCSENTRY_EXEC_INTERPRETED}) {
        const auto evs = feed(det_, exec(702, 600, c, c, "/usr/bin/tool", {}, f));
        ASSERT_EQ(evs.size(), 1u);
        EXPECT_FALSE(evs[0].proc.exe_trusted) << "flags " << f;
    }
}

TEST_F(DetectorTest, ScriptPathIsTrustedAndItsInterpreterNamesTheTechnique)
{
    const auto c = creds(1000, 1000);
    auto r = exec(703, 600, c, c, "/usr/local/bin/backup.sh", {"/bin/sh", "/usr/local/bin/backup.sh"},
                  PROCSENTRY_EXEC_SCRIPT | PROCSENTRY_EXEC_INTERPRETED);
    auto& e = std::get<abi::Exec>(r.body);
    e.interp = "/bin/sh";
    e.interp_path = "/usr/bin/dash";
    const auto evs = feed(det_, r);
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_TRUE(evs[0].proc.exe_trusted);
    EXPECT_EQ(evs[0].proc.exe, "/usr/local/bin/backup.sh");
    EXPECT_THAT(evs[0].techniques, ElementsAre("T1059.004"));
}

TEST_F(DetectorTest, InterpretersAreTaggedOthersAreNot)
{
    const auto c = creds(1000, 1000);
    EXPECT_THAT(feed(det_, exec(704, 600, c, c, "/usr/bin/python3.11"))[0].techniques, ElementsAre("T1059.006"));
    EXPECT_THAT(feed(det_, exec(705, 600, c, c, "/usr/bin/perl"))[0].techniques, ElementsAre("T1059"));
    EXPECT_THAT(feed(det_, exec(706, 600, c, c, "/bin/bash"))[0].techniques, ElementsAre("T1059.004"));
    EXPECT_TRUE(feed(det_, exec(707, 600, c, c, "/usr/bin/shred"))[0].techniques.empty());
    EXPECT_TRUE(feed(det_, exec(708, 600, c, c, "/usr/bin/pythonista"))[0].techniques.empty());
}

TEST_F(DetectorTest, FailedExecIsFailureWithPositiveErrnoAndNormalisedName)
{
    const auto evs = feed(det_, exec_failed(600, 500, creds(1000, 1000), "/usr/bin/../../tmp//x", -ENOENT));
    ASSERT_EQ(evs.size(), 1u);
    const Event& ev = evs[0];
    EXPECT_EQ(ev.type, RuleType::bin_execution);
    EXPECT_EQ(ev.outcome, Outcome::failure);
    EXPECT_EQ(ev.error, ENOENT);
    EXPECT_EQ(ev.call, "execve");
    EXPECT_EQ(ev.proc.exe, "/tmp/x");
    EXPECT_FALSE(ev.proc.exe_trusted);
    EXPECT_EQ(ev.proc.filename, "/usr/bin/../../tmp//x");
    EXPECT_EQ(ev.parent_exe, "/usr/sbin/sshd");
}

TEST_F(DetectorTest, FailedExecOfRelativeOrTruncatedNameHasNoExe)
{
    const auto rel = feed(det_, exec_failed(600, 500, creds(1000, 1000), "./x", -EACCES));
    ASSERT_EQ(rel.size(), 1u);
    EXPECT_EQ(rel[0].proc.exe, "");
    EXPECT_EQ(rel[0].error, EACCES);
    const auto cut = feed(det_, exec_failed(600, 500, creds(1000, 1000), "/usr/bin/aaaa", -ENAMETOOLONG,
                                            PROCSENTRY_NAME_TRUNC));
    ASSERT_EQ(cut.size(), 1u);
    EXPECT_EQ(cut[0].proc.exe, "");
}

TEST_F(DetectorTest, ForkAndCleanExitMakeNothing)
{
    EXPECT_TRUE(feed(det_, fork(700, 600, creds(1000, 1000))).empty());
    EXPECT_TRUE(feed(det_, exit(700, 600, creds(1000, 1000), 0)).empty());
}

// ---- termination-failure ----

TEST_F(DetectorTest, NonZeroExitIsTerminationSuccessWithTheImageFromTheTable)
{
    spawn(700, 600, creds(1000, 1000), "/usr/bin/make");
    const auto evs = feed(det_, exit(700, 600, creds(1000, 1000), 2));
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].type, RuleType::termination_failure);
    EXPECT_EQ(evs[0].outcome, Outcome::success);
    EXPECT_EQ(evs[0].exit_status, 2);
    EXPECT_EQ(evs[0].signal, 0u);
    EXPECT_EQ(evs[0].proc.exe, "/usr/bin/make");
    EXPECT_TRUE(evs[0].proc.exe_trusted);
    EXPECT_EQ(evs[0].parent_exe, "/usr/bin/bash");
}

TEST_F(DetectorTest, KilledIsTerminationFailureWithSignalAndCore)
{
    spawn(700, 600, creds(1000, 1000), "/usr/bin/crashy");
    const auto evs = feed(det_, exit(700, 600, creds(1000, 1000), -1, 11, true));
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].outcome, Outcome::failure);
    EXPECT_FALSE(evs[0].exit_status.has_value());
    EXPECT_EQ(evs[0].signal, 11u);
    EXPECT_TRUE(evs[0].core_dumped);
}

TEST_F(DetectorTest, ExitOfUnknownProcessHasNoExe)
{
    const auto evs = feed(det_, exit(900, 600, creds(1000, 1000), 1));
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].proc.exe, "");
    EXPECT_FALSE(evs[0].proc.exe_trusted);
}

// ---- root-escalation: set-user-ID root programs (pending) ----

TEST_F(DetectorTest, SetuidRootExecIsPendingNotAlerted)
{
    const auto evs = start_sudo();
    EXPECT_TRUE(of_type(evs, RuleType::root_escalation).empty());
    EXPECT_EQ(of_type(evs, RuleType::bin_execution).size(), 1u);
    EXPECT_EQ(det_.pending(), 1u);
}

TEST_F(DetectorTest, PendingResolvesAsSuccessWhenADescendantRunsAsRoot)
{
    start_sudo();
    feed(det_, fork(701, 700, creds(1000, 0)));
    const auto evs = feed(det_, exec(701, 700, creds(0, 0), creds(0, 0), "/usr/bin/id"));
    const auto esc = of_type(evs, RuleType::root_escalation);
    ASSERT_EQ(esc.size(), 1u);
    const Event& ev = esc[0];
    EXPECT_EQ(ev.outcome, Outcome::success);
    EXPECT_EQ(ev.proc.tgid, 700u);
    EXPECT_EQ(ev.proc.exe, "/usr/bin/sudo");
    EXPECT_EQ(ev.proc.user, "alice");
    EXPECT_EQ(ev.proc.euser, "root");
    EXPECT_THAT(ev.proc.argv, ElementsAre("sudo", "id"));
    EXPECT_EQ(ev.parent_exe, "/usr/bin/bash");
    EXPECT_THAT(ev.techniques, ElementsAre("T1548.001"));
    EXPECT_THAT(ev.reason, HasSubstr("descendant (pid 701)"));
    ASSERT_TRUE(ev.cred_before && ev.cred_after);
    EXPECT_EQ(ev.cred_before->euid, 1000u);
    EXPECT_EQ(ev.cred_after->euid, 0u);
    EXPECT_THAT(ev.exec_flags, ElementsAre("secure"));
    EXPECT_EQ(det_.pending(), 0u);
    // Resolved once: a second descendant exec adds nothing.
    EXPECT_TRUE(of_type(feed(det_, exec(701, 700, creds(0, 0), creds(0, 0), "/usr/bin/ls")),
                        RuleType::root_escalation)
                    .empty());
}

TEST_F(DetectorTest, DeepDescendantResolvesToo)
{
    // sudo -> monitor (fork only) -> command (fork only) -> exec.
    start_sudo();
    feed(det_, fork(701, 700, creds(0, 0)));
    feed(det_, fork(702, 701, creds(0, 0)));
    const auto esc = of_type(feed(det_, exec(702, 701, creds(0, 0), creds(0, 0), "/usr/bin/bash")),
                             RuleType::root_escalation);
    ASSERT_EQ(esc.size(), 1u);
    EXPECT_EQ(esc[0].proc.tgid, 700u);
    EXPECT_THAT(esc[0].reason, HasSubstr("pid 702"));
    EXPECT_EQ(det_.pending(), 0u);
    EXPECT_EQ(det_.escalation_stats().succeeded, 1u);
}

TEST_F(DetectorTest, DescendantRunningAsTheCallerIsNoEvidence)
{
    // A password agent run back under alice's own ids shows no privilege.
    start_sudo();
    feed(det_, fork(701, 700, creds(1000, 0)));
    const auto evs = feed(det_, exec(701, 700, creds(1000, 1000), creds(1000, 1000), "/usr/bin/pkttyagent"));
    EXPECT_TRUE(of_type(evs, RuleType::root_escalation).empty());
    EXPECT_EQ(det_.pending(), 1u);
    // ... and sudo then refusing is a failure.
    feed(det_, exit(701, 700, creds(1000, 1000), 0));
    const auto done = of_type(feed(det_, exit(700, 600, creds(1000, 0), 1)), RuleType::root_escalation);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0].outcome, Outcome::failure);
}

// Attack: pkexec's text agent (as the user) runs the set-user-ID
// polkit-agent-helper-1 to check the password.  That helper's own euid 0
// resolved pkexec as a success before the password was even checked, so a
// user guessing passwords was never reported as refused.
TEST_F(DetectorTest, DescendantsOwnSetuidExecIsNoEvidenceForTheAncestor)
{
    feed(det_, fork(700, 600, creds(1000, 1000)));
    abi::Creds root_e = creds(1000, 0);
    root_e.suid = 0;
    feed(det_, exec(700, 600, creds(1000, 1000), root_e, "/usr/bin/pkexec", {"pkexec", "vi"},
                    PROCSENTRY_EXEC_SECURE));
    ASSERT_EQ(det_.pending(), 1u);
    feed(det_, fork(701, 700, creds(1000, 1000)));
    feed(det_, exec(701, 700, creds(1000, 1000), creds(1000, 1000), "/usr/bin/pkttyagent"));
    feed(det_, fork(702, 701, creds(1000, 1000)));
    const auto helper = feed(det_, exec(702, 701, creds(1000, 1000), root_e, "/usr/lib/polkit-1/polkit-agent-helper-1",
                                        {}, PROCSENTRY_EXEC_SECURE));
    for (const auto& ev : of_type(helper, RuleType::root_escalation))
        EXPECT_NE(ev.proc.tgid, 700u) << "pkexec resolved by its helper's own set-user-ID exec";
    EXPECT_EQ(det_.pending(), 2u) << "pkexec and the helper, each pending";
    feed(det_, exit(702, 701, root_e, 1));
    feed(det_, exit(701, 700, creds(1000, 1000), 0));
    const auto done = of_type(feed(det_, exit(700, 600, root_e, 127)), RuleType::root_escalation);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0].proc.tgid, 700u);
    EXPECT_EQ(done[0].outcome, Outcome::failure);
}

TEST_F(DetectorTest, PendingResolvesAsSuccessWhenTheProgramItselfExecs)
{
    // pkexec runs the target in its own process.
    feed(det_, fork(700, 600, creds(1000, 1000)));
    feed(det_, exec(700, 600, creds(1000, 1000), creds(1000, 0), "/usr/bin/pkexec", {"pkexec", "vi"}));
    const auto esc = of_type(feed(det_, exec(700, 600, creds(1000, 0), creds(0, 0), "/usr/bin/vi")),
                             RuleType::root_escalation);
    ASSERT_EQ(esc.size(), 1u);
    EXPECT_EQ(esc[0].outcome, Outcome::success);
    EXPECT_EQ(esc[0].proc.exe, "/usr/bin/pkexec");
    EXPECT_THAT(esc[0].reason, HasSubstr("ran another program"));
    EXPECT_EQ(det_.pending(), 0u);
}

TEST_F(DetectorTest, PendingResolvesAsSuccessOnExitZero)
{
    start_sudo();
    const auto evs = feed(det_, exit(700, 600, creds(1000, 0), 0));
    const auto esc = of_type(evs, RuleType::root_escalation);
    ASSERT_EQ(esc.size(), 1u);
    EXPECT_EQ(esc[0].outcome, Outcome::success);
    EXPECT_EQ(esc[0].exit_status, 0);
    EXPECT_THAT(esc[0].reason, HasSubstr("status 0"));
    EXPECT_TRUE(of_type(evs, RuleType::termination_failure).empty());
}

TEST_F(DetectorTest, PendingResolvesAsFailureOnNonZeroExit)
{
    start_sudo();
    const auto evs = feed(det_, exit(700, 600, creds(1000, 0), 1));
    const auto esc = of_type(evs, RuleType::root_escalation);
    ASSERT_EQ(esc.size(), 1u);
    EXPECT_EQ(esc[0].outcome, Outcome::failure);
    EXPECT_EQ(esc[0].exit_status, 1);
    EXPECT_EQ(esc[0].proc.exe, "/usr/bin/sudo");
    EXPECT_THAT(esc[0].techniques, ElementsAre("T1548.001"));
    EXPECT_THAT(esc[0].reason, HasSubstr("exited with status 1 before running anything"));
    // The exit is also a termination-failure event of its own.
    EXPECT_EQ(of_type(evs, RuleType::termination_failure).size(), 1u);
    EXPECT_EQ(det_.escalation_stats().failed, 1u);
}

TEST_F(DetectorTest, PendingResolvesAsFailureWhenKilled)
{
    start_sudo();
    const auto esc = of_type(feed(det_, exit(700, 600, creds(1000, 0), -1, 2)), RuleType::root_escalation);
    ASSERT_EQ(esc.size(), 1u);
    EXPECT_EQ(esc[0].outcome, Outcome::failure);
    EXPECT_EQ(esc[0].signal, 2u);
    EXPECT_FALSE(esc[0].exit_status.has_value());
}

TEST_F(DetectorTest, ExitOfAReusedPidDoesNotResolve)
{
    start_sudo();
    auto r = exit(700, 600, creds(1000, 0), 1);
    std::get<abi::Exit>(r.body).task.start_ns += 1;
    EXPECT_TRUE(of_type(feed(det_, r), RuleType::root_escalation).empty());
    EXPECT_EQ(det_.pending(), 1u);
}

TEST_F(DetectorTest, PendingExpiresAsSuccessAfterTheWindow)
{
    start_sudo();
    std::vector<Event> out;
    det_.expire(ts_ + 10 * kSecond - 1, out);
    EXPECT_TRUE(out.empty());
    det_.expire(ts_ + 10 * kSecond, out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].type, RuleType::root_escalation);
    EXPECT_EQ(out[0].outcome, Outcome::success);
    EXPECT_EQ(out[0].ts_ns, ts_);
    EXPECT_THAT(out[0].reason, HasSubstr("still running"));
    EXPECT_EQ(det_.pending(), 0u);
    EXPECT_EQ(det_.escalation_stats().expired, 1u);
}

TEST_F(DetectorTest, LaterRecordsExpireThePendingToo)
{
    start_sudo();
    ts_ += 11 * kSecond;
    const auto evs = feed(det_, fork(800, 600, creds(1000, 1000)));
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].type, RuleType::root_escalation);
    EXPECT_EQ(evs[0].outcome, Outcome::success);
    // A non-zero exit after the window, without having run anything, is the
    // refusal the window could not wait for: a failure follows.
    const auto late = of_type(feed(det_, exit(700, 600, creds(1000, 0), 1)), RuleType::root_escalation);
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(late[0].outcome, Outcome::failure);
    EXPECT_EQ(det_.escalation_stats().failed_late, 1u);
}

TEST_F(DetectorTest, OverflowResolvesTheOldestAsSuccessAndCounts)
{
    DetectorOptions o = opts();
    o.max_pending = 2;
    det_.set_options(o);
    start_sudo(701);
    start_sudo(702);
    const auto evs = start_sudo(703);
    const auto esc = of_type(evs, RuleType::root_escalation);
    ASSERT_EQ(esc.size(), 1u);
    EXPECT_EQ(esc[0].proc.tgid, 701u);
    EXPECT_EQ(esc[0].outcome, Outcome::success);
    EXPECT_THAT(esc[0].reason, HasSubstr("too many pending"));
    EXPECT_EQ(det_.pending(), 2u);
    EXPECT_EQ(det_.escalation_stats().overflowed, 1u);
    // The others still resolve on their own evidence.
    EXPECT_EQ(of_type(feed(det_, exit(702, 600, creds(1000, 0), 1)), RuleType::root_escalation)[0].outcome,
              Outcome::failure);
}

TEST_F(DetectorTest, SetuidExecByRootIsNoEscalation)
{
    feed(det_, fork(700, 500, creds(0, 0)));
    const auto evs = feed(det_, exec(700, 500, creds(0, 0), creds(0, 0), "/usr/bin/sudo"));
    EXPECT_TRUE(of_type(evs, RuleType::root_escalation).empty());
    EXPECT_EQ(det_.pending(), 0u);
}

TEST_F(DetectorTest, LostCredBeforeFallsBackToTheTable)
{
    // No in-flight slot: cred_before is zero in the record; the table knew
    // 700 as alice.
    feed(det_, fork(700, 600, creds(1000, 1000)));
    auto r = exec(700, 600, creds(0, 0), creds(1000, 0), "/usr/bin/su",
                  {}, PROCSENTRY_EXEC_NO_CRED_BEFORE | PROCSENTRY_EXEC_SECURE);
    const auto evs = feed(det_, r);
    EXPECT_EQ(det_.pending(), 1u);
    const auto bin = of_type(evs, RuleType::bin_execution);
    ASSERT_EQ(bin.size(), 1u);
    EXPECT_FALSE(bin[0].cred_before.has_value());
    // Resolution still compares with alice's ids, not the zeroed record.
    feed(det_, fork(701, 700, creds(1000, 0)));
    EXPECT_EQ(of_type(feed(det_, exec(701, 700, creds(0, 0), creds(0, 0), "/bin/sh")), RuleType::root_escalation)
                  .size(),
              1u);
}

TEST_F(DetectorTest, LostCredBeforeOfUnknownProcessUsesAtSecure)
{
    auto r = exec(900, 600, creds(0, 0), creds(1000, 0), "/usr/bin/passwd", {},
                  PROCSENTRY_EXEC_NO_CRED_BEFORE | PROCSENTRY_EXEC_SECURE);
    feed(det_, r);
    EXPECT_EQ(det_.pending(), 1u);
    // Without AT_SECURE nothing says privilege was gained.
    feed(det_, exec(901, 600, creds(0, 0), creds(1000, 0), "/usr/bin/x", {}, PROCSENTRY_EXEC_NO_CRED_BEFORE));
    EXPECT_EQ(det_.pending(), 1u);
}

// ---- root-escalation: file capabilities ----

TEST_F(DetectorTest, FileCapabilityGainIsImmediateSuccess)
{
    feed(det_, fork(700, 600, creds(1000, 1000)));
    const auto evs = feed(det_, exec(700, 600, creds(1000, 1000), creds(1000, 1000, kSetuidCap),
                                     "/usr/bin/python3", {}, PROCSENTRY_EXEC_SECURE));
    const auto esc = of_type(evs, RuleType::root_escalation);
    ASSERT_EQ(esc.size(), 1u);
    EXPECT_EQ(esc[0].outcome, Outcome::success);
    EXPECT_THAT(esc[0].techniques, ElementsAre("T1548"));
    EXPECT_THAT(esc[0].reason, HasSubstr("capabilities"));
    EXPECT_EQ(det_.pending(), 0u);
}

TEST_F(DetectorTest, HarmlessOrAlreadyHeldCapabilitiesAreNoEscalation)
{
    const auto c = creds(1000, 1000);
    EXPECT_TRUE(of_type(feed(det_, exec(700, 600, c, creds(1000, 1000, kNetBindCap), "/usr/bin/ping")),
                        RuleType::root_escalation)
                    .empty());
    // Ambient capabilities carried over: already permitted before.
    EXPECT_TRUE(of_type(feed(det_, exec(701, 600, creds(1000, 1000, kSetuidCap), creds(1000, 1000, kSetuidCap),
                                        "/usr/bin/svc")),
                        RuleType::root_escalation)
                    .empty());
}

TEST_F(DetectorTest, CapabilitiesInAnotherUserNamespaceAreNotHostRoot)
{
    DetectorOptions o = opts();
    o.host_userns = 4026531837u;
    det_.set_options(o);
    auto after = creds(100000, 100000, ~0ull);
    after.userns = 4026532999u;
    EXPECT_TRUE(of_type(feed(det_, exec(700, 600, creds(100000, 100000), after, "/usr/bin/sudo", {},
                                        PROCSENTRY_EXEC_SECURE)),
                        RuleType::root_escalation)
                    .empty());
    after.userns = 4026531837u;
    EXPECT_EQ(of_type(feed(det_, exec(701, 600, creds(100000, 100000), after, "/usr/bin/sudo", {},
                                      PROCSENTRY_EXEC_SECURE)),
                      RuleType::root_escalation)
                  .size(),
              1u);
}

// ---- root-escalation: set*id calls and commit_creds ----

TEST_F(DetectorTest, RefusedSetuidZeroIsFailure)
{
    const auto evs =
        feed(det_, cred(600, 500, creds(1000, 1000), creds(1000, 1000), PROCSENTRY_CALL_SETUID, -EPERM, {0}));
    ASSERT_EQ(evs.size(), 1u);
    const Event& ev = evs[0];
    EXPECT_EQ(ev.type, RuleType::root_escalation);
    EXPECT_EQ(ev.outcome, Outcome::failure);
    EXPECT_EQ(ev.error, EPERM);
    EXPECT_EQ(ev.call, "setuid");
    EXPECT_THAT(ev.call_args, ElementsAre(0u));
    EXPECT_THAT(ev.techniques, ElementsAre("T1548"));
    EXPECT_EQ(ev.proc.exe, "/usr/bin/bash");
    EXPECT_TRUE(ev.proc.exe_trusted);
    EXPECT_EQ(ev.proc.user, "alice");
    ASSERT_TRUE(ev.cred_before && ev.cred_after);
}

TEST_F(DetectorTest, RefusedCallsNotNamingRootAreNothing)
{
    const auto c = creds(1000, 1000);
    EXPECT_TRUE(feed(det_, cred(600, 500, c, c, PROCSENTRY_CALL_SETUID, -EPERM, {1001})).empty());
    EXPECT_TRUE(feed(det_, cred(600, 500, c, c, PROCSENTRY_CALL_SETRESUID, -EPERM, {kUnchanged, kUnchanged, 1001}))
                    .empty());
    EXPECT_TRUE(feed(det_, cred(600, 500, c, c, PROCSENTRY_CALL_SETGID, -EPERM, {0})).empty());
}

TEST_F(DetectorTest, RefusedSetresuidNamingRootInAnyPositionIsFailure)
{
    const auto c = creds(1000, 1000);
    const auto evs = feed(det_, cred(600, 500, c, c, PROCSENTRY_CALL_SETRESUID, -EPERM, {kUnchanged, kUnchanged, 0}));
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].outcome, Outcome::failure);
    EXPECT_THAT(evs[0].call_args, ElementsAre(kUnchanged, kUnchanged, 0u));
    EXPECT_EQ(feed(det_, cred(600, 500, c, c, PROCSENTRY_CALL_SETREUID, -EPERM, {kUnchanged, 0})).size(), 1u);
}

TEST_F(DetectorTest, RefusedSetfsuidLeavesFsuidAndIsFailure)
{
    const auto c = creds(1000, 1000);
    // setfsuid returns the previous fsuid, never an error.
    const auto evs = feed(det_, cred(600, 500, c, c, PROCSENTRY_CALL_SETFSUID, 1000, {0}));
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].outcome, Outcome::failure);
    EXPECT_EQ(evs[0].error, 0);
}

TEST_F(DetectorTest, SetuidByRootIsNoEscalation)
{
    // A daemon dropping privileges, sudo setting its real uid.
    EXPECT_TRUE(feed(det_, cred(500, 1, creds(0, 0), creds(1, 1), PROCSENTRY_CALL_SETUID, 0, {1})).empty());
    abi::Creds sudo_before = creds(1000, 0);
    EXPECT_TRUE(feed(det_, cred(500, 1, sudo_before, creds(0, 0), PROCSENTRY_CALL_SETUID, 0, {0})).empty());
    EXPECT_TRUE(feed(det_, cred(500, 1, creds(0, 0), creds(0, 0), PROCSENTRY_CALL_SETUID, -EAGAIN, {0})).empty());
}

TEST_F(DetectorTest, RegainingAHeldRootIdIsNoEscalation)
{
    // seteuid(33) then seteuid(0) by a root daemon: real uid 0 all along.
    abi::Creds before = creds(0, 33);
    before.uid = 0;
    EXPECT_TRUE(feed(det_, cred(500, 1, before, creds(0, 0), PROCSENTRY_CALL_SETREUID, 0, {kUnchanged, 0})).empty());
    abi::Creds saved = creds(1000, 1000);
    saved.suid = 0;
    EXPECT_TRUE(feed(det_, cred(500, 1, saved, creds(1000, 0), PROCSENTRY_CALL_SETRESUID, 0,
                                {kUnchanged, 0, kUnchanged}))
                    .empty());
}

TEST_F(DetectorTest, GrantedSetuidZeroWithoutAnyRootIdIsSuccess)
{
    // CAP_SETUID from file capabilities: python -c 'os.setuid(0)'.
    const auto evs = feed(det_, cred(600, 500, creds(1000, 1000, kSetuidCap), creds(0, 0, kSetuidCap),
                                     PROCSENTRY_CALL_SETUID, 0, {0}));
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].outcome, Outcome::success);
    EXPECT_THAT(evs[0].techniques, ElementsAre("T1548"));
    EXPECT_EQ(evs[0].cred_before->euid, 1000u);
    EXPECT_EQ(evs[0].cred_after->euid, 0u);
}

TEST_F(DetectorTest, CommitCredsToRootIsKernelExploit)
{
    const auto evs =
        feed(det_, cred(600, 500, creds(1000, 1000), creds(0, 0, ~0ull), PROCSENTRY_CALL_COMMIT_CREDS, 0, {}));
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].outcome, Outcome::success);
    EXPECT_EQ(evs[0].call, "commit_creds");
    EXPECT_TRUE(evs[0].call_args.empty());
    EXPECT_THAT(evs[0].techniques, ElementsAre("T1068"));
    // setgroups() or a new user namespace: no uid change, nothing.
    EXPECT_TRUE(feed(det_, cred(600, 500, creds(1000, 1000), creds(1000, 1000), PROCSENTRY_CALL_COMMIT_CREDS, 0, {}))
                    .empty());
}

// Attack: a kernel exploit that writes capabilities (or fsuid) rather than
// uids: the process keeps uid 1000 but holds CAP_SYS_ADMIN on the host.
TEST_F(DetectorTest, CommitCredsGrantingHostCapsOrFsuidZeroIsKernelExploit)
{
    DetectorOptions o = opts();
    o.host_userns = 4026531837u;
    det_.set_options(o);
    auto before = creds(1000, 1000);
    before.userns = o.host_userns;
    auto after = before;
    after.cap_effective = after.cap_permitted = 1ull << 21;  // CAP_SYS_ADMIN
    auto evs = feed(det_, cred(600, 500, before, after, PROCSENTRY_CALL_COMMIT_CREDS, 0, {}));
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].type, RuleType::root_escalation);
    EXPECT_EQ(evs[0].outcome, Outcome::success);
    EXPECT_THAT(evs[0].techniques, ElementsAre("T1068"));
    EXPECT_THAT(evs[0].reason, HasSubstr("capabilities"));

    auto fs = before;
    fs.fsuid = 0;
    EXPECT_EQ(feed(det_, cred(601, 500, before, fs, PROCSENTRY_CALL_COMMIT_CREDS, 0, {})).size(), 1u);

    // unshare(CLONE_NEWUSER): full capabilities, in a namespace of its own.
    auto ns = before;
    ns.cap_effective = ns.cap_permitted = ~0ull;
    ns.userns = 4026532999u;
    EXPECT_TRUE(feed(det_, cred(602, 500, before, ns, PROCSENTRY_CALL_COMMIT_CREDS, 0, {})).empty());
    // Capabilities it held already (ambient raise, securebits): nothing new.
    auto held = after;
    held.securebits = 1;
    EXPECT_TRUE(feed(det_, cred(603, 500, after, held, PROCSENTRY_CALL_COMMIT_CREDS, 0, {})).empty());
}

// ---- options ----

TEST_F(DetectorTest, TypesNoRuleWantsMakeNoEvents)
{
    DetectorOptions o = opts();
    o.types = rule_type_bit(RuleType::termination_failure);
    det_.set_options(o);
    EXPECT_TRUE(start_sudo().empty());
    EXPECT_EQ(det_.pending(), 0u);
    EXPECT_TRUE(feed(det_, exec_failed(600, 500, creds(1000, 1000), "/x", -ENOENT)).empty());
    EXPECT_TRUE(
        feed(det_, cred(600, 500, creds(1000, 1000), creds(1000, 1000), PROCSENTRY_CALL_SETUID, -EPERM, {0})).empty());
    EXPECT_EQ(feed(det_, exit(700, 600, creds(1000, 0), 1)).size(), 1u);

    o.types = rule_type_bit(RuleType::root_escalation);
    det_.set_options(o);
    const auto evs = start_sudo(710);
    EXPECT_TRUE(evs.empty());  // no bin-execution event, escalation pending
    EXPECT_EQ(det_.pending(), 1u);
    EXPECT_TRUE(feed(det_, exit(900, 600, creds(1000, 1000), 1)).empty());
}

TEST_F(DetectorTest, RandomRecordStreamsKeepPendingBoundedAndEventsWellFormed)
{
    DetectorOptions o = opts();
    o.max_pending = 8;
    det_.set_options(o);
    std::mt19937 rng(12345);
    auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
    const uint32_t calls[] = {PROCSENTRY_CALL_SETUID, PROCSENTRY_CALL_SETRESUID, PROCSENTRY_CALL_SETFSUID,
                              PROCSENTRY_CALL_COMMIT_CREDS, PROCSENTRY_CALL_CAPSET, 99};
    for (int i = 0; i < 5000; i++) {
        ts_ += pick(3) * kSecond / 2;
        const uint32_t pid = 700 + pick(40), ppid = pick(3) ? 600 : 700 + pick(40);
        const abi::Creds a = creds(pick(2) ? 1000 : 0, pick(2) ? 1000 : 0, pick(4) ? 0 : kSetuidCap);
        const abi::Creds b = creds(pick(2) ? 1000 : 0, pick(2) ? 1000 : 0, pick(4) ? 0 : kSetuidCap);
        std::vector<Event> evs;
        switch (pick(5)) {
        case 0:
            evs = feed(det_, fork(pid, ppid, a));
            break;
        case 1:
            evs = feed(det_, exec(pid, ppid, b, a, pick(2) ? "/usr/bin/sudo" : "rel/x", {}, pick(1024)));
            break;
        case 2:
            evs = feed(det_, exec_failed(pid, ppid, a, pick(2) ? "/a/../b" : "", -static_cast<int32_t>(pick(40)),
                                         pick(4)));
            break;
        case 3:
            evs = feed(det_, cred(pid, ppid, b, a, calls[pick(6)], -static_cast<int32_t>(pick(2)),
                                  {pick(2) ? 0u : kUnchanged, 0u}));
            break;
        default:
            evs = feed(det_, exit(pid, ppid, a, static_cast<int32_t>(pick(3)) - 1, pick(2) ? 9 : 0));
            break;
        }
        ASSERT_LE(det_.pending(), 8u);
        for (const auto& ev : evs) {
            EXPECT_EQ(ev.proc.exe_trusted && ev.type == RuleType::bin_execution && ev.outcome == Outcome::failure,
                      false);
            EXPECT_LE(ev.reason.size(), 96u);
            EXPECT_GE(ev.error, 0);
        }
    }
    std::vector<Event> rest;
    det_.expire(ts_ + 100 * kSecond, rest);
    EXPECT_EQ(det_.pending(), 0u);
    const auto& st = det_.escalation_stats();
    EXPECT_GT(st.started, 0u);
    EXPECT_GT(st.failed, 0u);
    // A late failure follows a success of the same program.
    EXPECT_EQ(st.started, st.succeeded + st.failed - st.failed_late);
}

TEST_F(DetectorTest, LostAndConfigRecordsMakeNothing)
{
    EXPECT_TRUE(feed(det_, rec(abi::Lost{PROCSENTRY_LOST_BUFFER_FULL, 0, 3})).empty());
    abi::ConfigChange cc;
    cc.task = task(1234, 1, creds(0, 0));
    EXPECT_TRUE(feed(det_, rec(cc)).empty());
}

}  // namespace
}  // namespace procsentry::rules

namespace procsentry::rules {
namespace {

// The cost of an exec that no rule matches stays small: argv, ancestry and
// flag names are only made for events a rule matched.
TEST_F(DetectorTest, PlainExecDetailsWaitForComplete)
{
    feed(det_, fork(700, 600, creds(1000, 1000)));
    const auto r = exec(700, 600, creds(1000, 1000), creds(1000, 1000), "/usr/bin/ls", {"ls", "-l"});
    std::vector<Event> out;
    det_.detect(r, out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(out[0].detail_pending);
    EXPECT_TRUE(out[0].proc.argv.empty());
    EXPECT_TRUE(out[0].ancestry.empty());
    EXPECT_EQ(out[0].proc.exe, "/usr/bin/ls");
    EXPECT_EQ(out[0].parent_exe, "/usr/bin/bash");
    det_.complete(out[0], r);
    EXPECT_FALSE(out[0].detail_pending);
    EXPECT_THAT(out[0].proc.argv, ElementsAre("ls", "-l"));
    EXPECT_EQ(out[0].ancestry.size(), 2u);
    EXPECT_EQ(out[0].parent_exe, "/usr/bin/bash");
}

}  // namespace
}  // namespace procsentry::rules
