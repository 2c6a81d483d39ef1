// SPDX-License-Identifier: GPL-2.0
#include "rules/rule_engine.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "detection_fixture.hpp"

namespace procsentry::rules {
namespace {

using test::creds;

Rule rule(std::string name, RuleType t, Severity ok, Severity fail)
{
    Rule r;
    r.name = std::move(name);
    r.type = t;
    r.on_success = ok;
    r.on_failure = fail;
    return r;
}

Event event(RuleType t, Outcome o, std::string exe, bool trusted = true, uint32_t uid = 1000,
            std::string user = "alice")
{
    Event ev;
    ev.type = t;
    ev.outcome = o;
    ev.proc.exe = std::move(exe);
    ev.proc.exe_trusted = trusted;
    ev.proc.cred = creds(uid, uid);
    ev.proc.user = std::move(user);
    ev.proc.comm = "comm";
    return ev;
}

class RuleEngineTest : public test::DetectionTest {
protected:
    std::vector<std::string> names(const Event& ev)
    {
        std::vector<Match> out;
        engine().evaluate(ev, out);
        std::vector<std::string> n;
        for (const auto& m : out)
            n.push_back(m.rule->name);
        return n;
    }
    RuleEngine& engine()
    {
        if (!engine_)
            engine_ = std::make_unique<RuleEngine>(std::make_shared<const Config>(cfg_), users_);
        return *engine_;
    }
    Rule& add(Rule r)
    {
        cfg_.rules.push_back(std::move(r));
        return cfg_.rules.back();
    }

    Config cfg_;
    std::unique_ptr<RuleEngine> engine_;
};

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST_F(RuleEngineTest, SeverityFollowsTheOutcome)
{
    add(rule("exec", RuleType::bin_execution, Severity::low, Severity::high));
    std::vector<Match> out;
    engine().evaluate(event(RuleType::bin_execution, Outcome::success, "/usr/bin/ls"), out);
    engine().evaluate(event(RuleType::bin_execution, Outcome::failure, "/usr/bin/ls"), out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].severity, Severity::low);
    EXPECT_EQ(out[1].severity, Severity::high);
    EXPECT_EQ(out[0].rule->name, "exec");
}

TEST_F(RuleEngineTest, SeverityNoneMakesNoMatch)
{
    add(rule("esc", RuleType::root_escalation, Severity::critical, Severity::none));
    EXPECT_THAT(names(event(RuleType::root_escalation, Outcome::success, "/usr/bin/sudo")), ElementsAre("esc"));
    EXPECT_THAT(names(event(RuleType::root_escalation, Outcome::failure, "/usr/bin/sudo")), IsEmpty());
}

TEST_F(RuleEngineTest, OnlyRulesOfTheEventsTypeAndEnabledOnes)
{
    add(rule("term", RuleType::termination_failure, Severity::low, Severity::low));
    add(rule("off", RuleType::bin_execution, Severity::low, Severity::low)).enabled = false;
    add(rule("on", RuleType::bin_execution, Severity::low, Severity::low));
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/usr/bin/ls")), ElementsAre("on"));
    EXPECT_THAT(names(event(RuleType::root_escalation, Outcome::success, "/usr/bin/ls")), IsEmpty());
}

TEST_F(RuleEngineTest, SeveralRulesOfOneTypeAllMatchInFileOrder)
{
    add(rule("all", RuleType::bin_execution, Severity::info, Severity::info));
    add(rule("tmp", RuleType::bin_execution, Severity::high, Severity::high)).match.exe = {"/tmp/*", "/dev/shm/*"};
    add(rule("usr", RuleType::bin_execution, Severity::low, Severity::low)).match.exe = {"/usr/bin/*"};
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/tmp/x")), ElementsAre("all", "tmp"));
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/usr/bin/ls")), ElementsAre("all", "usr"));
}

TEST_F(RuleEngineTest, ExeGlobsAreOnPathComponents)
{
    add(rule("tmp", RuleType::bin_execution, Severity::high, Severity::high)).match.exe = {"/tmp/*"};
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/tmp/x")), ElementsAre("tmp"));
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/tmp/a/x")), IsEmpty());
    // An unknown executable never matches an exe filter.
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::failure, "")), IsEmpty());
    // A name that was not normalised (a failed exec) is compared normalised.
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::failure, "/usr/../tmp/x", false)), ElementsAre("tmp"));
}

TEST_F(RuleEngineTest, UsersFilterOnRealUidByNameOrNumber)
{
    add(rule("alice", RuleType::bin_execution, Severity::low, Severity::low)).match.users = {"alice"};
    add(rule("uid1001", RuleType::bin_execution, Severity::low, Severity::low)).match.users = {"1001"};
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/bin/x", true, 1000, "alice")),
                ElementsAre("alice"));
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/bin/x", true, 1001, "bob")),
                ElementsAre("uid1001"));
    // Name unknown to the event: resolved through the user database.
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/bin/x", true, 1000, "")),
                ElementsAre("alice"));
    // The effective uid does not count.
    Event ev = event(RuleType::bin_execution, Outcome::success, "/bin/x", true, 1001, "bob");
    ev.proc.cred.euid = 1000;
    EXPECT_THAT(names(ev), ElementsAre("uid1001"));
}

TEST_F(RuleEngineTest, ParentExeFilter)
{
    add(rule("web", RuleType::bin_execution, Severity::high, Severity::high)).match.parent_exe = {"/usr/sbin/apache2",
                                                                                                   "/usr/sbin/nginx"};
    Event ev = event(RuleType::bin_execution, Outcome::success, "/bin/sh");
    EXPECT_THAT(names(ev), IsEmpty());  // parent unknown
    ev.parent_exe = "/usr/sbin/nginx";
    EXPECT_THAT(names(ev), ElementsAre("web"));
    ev.parent_exe = "/usr/sbin/sshd";
    EXPECT_THAT(names(ev), IsEmpty());
}

TEST_F(RuleEngineTest, SkipCommandsMatchTheBasenameOfTheTrustedPath)
{
    cfg_.skip.commands = {"nice", "/opt/tool/run"};
    add(rule("exec", RuleType::bin_execution, Severity::low, Severity::low));
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/usr/bin/nice")), IsEmpty());
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/opt/tool/run")), IsEmpty());
    // A full-path entry is exact: another file of that basename is not skipped.
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/tmp/run")), ElementsAre("exec"));
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/usr/bin/nicer")), ElementsAre("exec"));
    EXPECT_EQ(engine().stats().skipped, 2u);
    EXPECT_EQ(engine().stats().matched, 2u);
    EXPECT_EQ(engine().stats().events, 4u);
}

TEST_F(RuleEngineTest, RenamedCommDoesNotSkip)
{
    cfg_.skip.commands = {"nice"};
    add(rule("exec", RuleType::bin_execution, Severity::low, Severity::low));
    Event ev = event(RuleType::bin_execution, Outcome::success, "/tmp/x");
    ev.proc.comm = "nice";
    ev.proc.argv = {"nice"};
    ev.proc.filename = "nice";
    EXPECT_THAT(names(ev), ElementsAre("exec"));
}

TEST_F(RuleEngineTest, UntrustedPathsAreNeverSkippedByCommandOrPath)
{
    cfg_.skip.commands = {"nice"};
    cfg_.skip.paths = {"/usr/bin"};
    add(rule("exec", RuleType::bin_execution, Severity::low, Severity::low));
    // memfd, deleted, interpreted, chroot, failed exec: all exe_trusted=false.
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/usr/bin/nice", false)), ElementsAre("exec"));
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::failure, "/usr/bin/x", false)), ElementsAre("exec"));
}

TEST_F(RuleEngineTest, SkipPathsAreOnComponentBoundariesOfNormalPaths)
{
    cfg_.skip.paths = {"/usr/bin"};
    add(rule("exec", RuleType::bin_execution, Severity::low, Severity::low));
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/usr/bin/x")), IsEmpty());
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/usr/bin/sub/x")), IsEmpty());
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/usr/binx")), ElementsAre("exec"));
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/usr/binx/y")), ElementsAre("exec"));
    // Even if something claimed such a path were trusted, it is not under /usr/bin.
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/usr/bin/../../tmp/x")), ElementsAre("exec"));
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "usr/bin/x")), ElementsAre("exec"));
}

TEST_F(RuleEngineTest, SkipUsersIsOnTheRealUid)
{
    cfg_.skip.users = {"daemon"};
    add(rule("exec", RuleType::bin_execution, Severity::low, Severity::low)).skip.users = {"1001"};
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/bin/x", true, 1, "daemon")), IsEmpty());
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/bin/x", true, 1001, "bob")), IsEmpty());
    // The uid is the kernel's: it skips even where the path is not trusted.
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::failure, "/tmp/x", false, 1, "daemon")), IsEmpty());
    Event ev = event(RuleType::bin_execution, Outcome::success, "/bin/x", true, 1000, "alice");
    ev.proc.cred.euid = 1;
    EXPECT_THAT(names(ev), ElementsAre("exec"));
}

TEST_F(RuleEngineTest, RuleSkipsApplyOnlyToTheirRule)
{
    add(rule("a", RuleType::bin_execution, Severity::low, Severity::low)).skip.paths = {"/usr/lib"};
    add(rule("b", RuleType::bin_execution, Severity::low, Severity::low));
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/usr/lib/x")), ElementsAre("b"));
}

TEST_F(RuleEngineTest, ReloadSwapsRules)
{
    add(rule("a", RuleType::bin_execution, Severity::low, Severity::low));
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/bin/x")), ElementsAre("a"));
    Config next;
    next.rules.push_back(rule("b", RuleType::bin_execution, Severity::low, Severity::low));
    engine().set_config(std::make_shared<const Config>(next));
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/bin/x")), ElementsAre("b"));
    engine().set_config(nullptr);
    EXPECT_THAT(names(event(RuleType::bin_execution, Outcome::success, "/bin/x")), IsEmpty());
}

// ---- with the detector: the skip applies to the program that gained root ----

class DetectAndMatchTest : public RuleEngineTest {
protected:
    std::vector<std::string> run_sudo(const std::string& path, int status)
    {
        DetectorOptions o;
        Detector det(o, table_, users_);
        feed(det, fork(600, 1, creds(1000, 1000)));
        feed(det, exec(600, 1, creds(1000, 1000), creds(1000, 1000), "/usr/bin/bash"));
        feed(det, fork(700, 600, creds(1000, 1000)));
        feed(det, exec(700, 600, creds(1000, 1000), creds(1000, 0), path, {}, PROCSENTRY_EXEC_SECURE));
        std::vector<std::string> all;
        for (const auto& ev : feed(det, exit(700, 600, creds(1000, 0), status)))
            for (const auto& n : names(ev))
                all.push_back(n);
        return all;
    }
};

TEST_F(DetectAndMatchTest, RootEscalationSkipNamesTheSetuidProgram)
{
    add(rule("esc", RuleType::root_escalation, Severity::critical, Severity::high)).skip.commands = {"passwd"};
    EXPECT_THAT(run_sudo("/usr/bin/passwd", 0), IsEmpty());
    EXPECT_THAT(run_sudo("/usr/bin/sudo", 1), ElementsAre("esc"));
}

TEST_F(DetectAndMatchTest, DeletedSetuidProgramIsNotSkipped)
{
    add(rule("esc", RuleType::root_escalation, Severity::critical, Severity::high)).skip.paths = {"/usr/bin"};
    DetectorOptions o;
    Detector det(o, table_, users_);
    feed(det, exec(700, 600, creds(1000, 1000), creds(1000, 0), "/usr/bin/sudo (deleted)", {},
                   PROCSENTRY_EXEC_SECURE | PROCSENTRY_EXEC_DELETED));
    const auto evs = feed(det, exit(700, 600, creds(1000, 0), 0));
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_THAT(names(evs[0]), ElementsAre("esc"));
}

// Attack: a payload run as ./x from a directory under /tmp nested deeper
// than PATH_MAX: d_path fails, the record has PATH_ERR and no path, and an
// empty exe matched no exe filter, so exec-from-writable-dir stayed silent.
TEST_F(DetectAndMatchTest, UnresolvablePathMatchesExeFiltersButIsNeverSkipped)
{
    add(rule("tmp", RuleType::bin_execution, Severity::high, Severity::medium)).match.exe = {"/tmp/**"};
    add(rule("all", RuleType::bin_execution, Severity::low, Severity::low)).skip.paths = {"/usr"};
    DetectorOptions o;
    Detector det(o, table_, users_);
    auto r = exec(700, 600, creds(1000, 1000), creds(1000, 1000), "/x", {"./x"}, PROCSENTRY_EXEC_PATH_ERR);
    auto& e = std::get<abi::Exec>(r.body);
    e.path.reset();
    e.filename = "./x";
    const auto evs = feed(det, r);
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_TRUE(evs[0].proc.exe.empty());
    EXPECT_TRUE(evs[0].proc.exe_unresolvable);
    EXPECT_FALSE(evs[0].proc.exe_trusted);
    EXPECT_THAT(names(evs[0]), ElementsAre("tmp", "all"));
    // Without PATH_ERR an unknown exe still matches no exe filter.
    Event unknown = evs[0];
    unknown.proc.exe_unresolvable = false;
    EXPECT_THAT(names(unknown), ElementsAre("all"));
}

}  // namespace
}  // namespace procsentry::rules
