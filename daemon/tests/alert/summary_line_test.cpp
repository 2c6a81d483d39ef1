// SPDX-License-Identifier: GPL-2.0
#include "alert/summary_line.hpp"

#include <gtest/gtest.h>

#include "alert/sample_event.hpp"

namespace procsentry::alert {
namespace {

// No byte a terminal or a log line would act on.
void expect_inert(const std::string& s)
{
    for (unsigned char c : s) {
        EXPECT_FALSE(c < 0x20 || c == 0x7f) << "raw control byte " << int(c) << " in " << s;
    }
    EXPECT_EQ(s.find("\xe2\x80\xae"), std::string::npos) << "raw RLO in " << s;
    EXPECT_EQ(s.find("\xc2\x9b"), std::string::npos) << "raw CSI in " << s;
}

std::string untrusted(std::string_view s, std::size_t max = SummaryLine::kMaxPart)
{
    std::string out;
    SummaryLine::append_untrusted(out, s, max);
    return out;
}

TEST(SummaryLine, ExecSuccess)
{
    EXPECT_EQ(SummaryLine::for_event(test::exec_event()),
              "alice (uid 1000) ran /tmp/x/evil via /bin/bash: exec succeeded");
}

TEST(SummaryLine, ExecFailureNamesFilenameAndErrno)
{
    auto ev = test::exec_event();
    ev.outcome = rules::Outcome::failure;
    ev.error = 13;
    EXPECT_EQ(SummaryLine::for_event(ev), "alice (uid 1000): exec of ./evil via /bin/bash failed: EACCES");
    ev.error = 0;
    EXPECT_EQ(SummaryLine::for_event(ev), "alice (uid 1000): exec of ./evil via /bin/bash failed: unknown error");
}

TEST(SummaryLine, UnknownUserAndExe)
{
    auto ev = test::exec_event();
    ev.proc.user.clear();
    ev.proc.exe.clear();
    ev.proc.filename.clear();
    ev.parent_exe.clear();
    ev.proc.cred.euid = 0;
    EXPECT_EQ(SummaryLine::for_event(ev), "uid 1000 (euid 0) ran [evil]: exec succeeded");
    ev.proc.comm.clear();
    EXPECT_EQ(SummaryLine::for_event(ev), "uid 1000 (euid 0) ran an unknown program: exec succeeded");
}

TEST(SummaryLine, EscalationSuccess)
{
    auto ev = test::exec_event();
    ev.type = rules::RuleType::root_escalation;
    ev.cred_before = test::user_creds(1000);
    ev.cred_after = test::user_creds(1000);
    ev.cred_after->euid = 0;
    ev.proc.cred = *ev.cred_after;
    ev.reason = "set-user-ID root program";
    EXPECT_EQ(SummaryLine::for_event(ev),
              "alice (uid 1000) gained root (euid 0) in /tmp/x/evil (set-user-ID root program)");
}

TEST(SummaryLine, EscalationRefusedCall)
{
    auto ev = test::setuid_refused_event();
    EXPECT_EQ(SummaryLine::for_event(ev), "alice (uid 1000): setuid(0) refused in /tmp/x/evil: EPERM");
    ev.call = "setresuid";
    ev.call_args = {0xffffffffu, 0, 0xffffffffu};
    EXPECT_EQ(SummaryLine::for_event(ev), "alice (uid 1000): setresuid(-1, 0, -1) refused in /tmp/x/evil: EPERM");
}

TEST(SummaryLine, EscalationRefusedSudo)
{
    auto ev = test::setuid_refused_event();
    ev.call.clear();
    ev.error = 0;
    ev.proc.exe = "/usr/bin/sudo";
    ev.proc.cred.euid = 0;
    ev.exit_status = 1;
    ev.reason = "set-user-ID root program exited without running anything";
    EXPECT_EQ(SummaryLine::for_event(ev),
              "alice (uid 1000): escalation through /usr/bin/sudo failed, exit status 1 "
              "(set-user-ID root program exited without running anything)");
}

TEST(SummaryLine, Termination)
{
    auto ev = test::crash_event();
    EXPECT_EQ(SummaryLine::for_event(ev), "/tmp/x/evil (pid 4242, alice (uid 1000)) killed by SIGSEGV (core dumped)");
    ev.outcome = rules::Outcome::success;
    ev.signal = 0;
    ev.core_dumped = false;
    ev.exit_status = 3;
    EXPECT_EQ(SummaryLine::for_event(ev), "/tmp/x/evil (pid 4242, alice (uid 1000)) exited with status 3");
}

TEST(SummaryLine, EscapesControlsInvalidUtf8AndBidi)
{
    EXPECT_EQ(untrusted("a\nb"), "a\\x0ab");
    EXPECT_EQ(untrusted("\x1b[31mred"), "\\x1b[31mred");
    EXPECT_EQ(untrusted("del\x7f"), "del\\x7f");
    EXPECT_EQ(untrusted("back\\slash"), "back\\\\slash");
    EXPECT_EQ(untrusted("bad\xff\xc0"), "bad\\xff\\xc0");
    EXPECT_EQ(untrusted("rlo\xe2\x80\xaegpj.exe"), "rlo\\u{202e}gpj.exe");
    EXPECT_EQ(untrusted("csi\xc2\x9b"), "csi\\u{9b}");
    EXPECT_EQ(untrusted("ls\xe2\x80\xa8x"), "ls\\u{2028}x");
    EXPECT_EQ(untrusted("caf\xc3\xa9 \xe6\x97\xa5"), "caf\xc3\xa9 \xe6\x97\xa5");  // valid text stays
    EXPECT_EQ(untrusted("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate is not UTF-8
    EXPECT_EQ(untrusted("quote\"ok"), "quote\"ok");           // JSON escaping is the writer's job
}

TEST(SummaryLine, PartsAreCutWholeEscapesOnly)
{
    EXPECT_EQ(untrusted("abcdef", 4), "abcd...");
    // The cut never splits an escape or a multibyte character.
    EXPECT_EQ(untrusted("ab\x1b" "cd", 4), "ab...");
    EXPECT_EQ(untrusted("ab\xc3\xa9", 3), "ab...");
}

TEST(SummaryLine, HostileEventGivesOneBoundedInertLine)
{
    auto ev = test::exec_event();
    ev.proc.exe = "/tmp/\n\x1b]0;pwned\x07/" + std::string(4096, 'A') + "\xff";
    ev.parent_exe = std::string(4096, '\x01');
    ev.proc.user = "ali\rce";
    const auto s = SummaryLine::for_event(ev);
    expect_inert(s);
    EXPECT_LE(s.size(), SummaryLine::kMaxBytes);
    EXPECT_NE(s.find("ali\\x0dce (uid 1000) ran /tmp/\\x0a\\x1b]0;pwned\\x07/AAA"), std::string::npos) << s;
    EXPECT_NE(s.find(": exec succeeded"), std::string::npos) << "parts are cut, the verdict stays: " << s;
}

TEST(SummaryLine, BoundCutsOnACharacterBoundary)
{
    std::string s(SummaryLine::kMaxBytes - 4, 'a');
    s += "\xe6\x97\xa5\xe6\x97\xa5";  // two 3-byte characters across the limit
    SummaryLine::bound(s);
    EXPECT_LE(s.size(), SummaryLine::kMaxBytes);
    EXPECT_EQ(s.substr(s.size() - 3), "...");
    EXPECT_EQ(s.find('\xe6'), std::string::npos);
    std::string short_line = "fine";
    SummaryLine::bound(short_line);
    EXPECT_EQ(short_line, "fine");
}

TEST(SummaryLine, MakeSafeIsIdempotentOnSafeLines)
{
    std::string made = SummaryLine::for_event(test::exec_event());
    std::string copy = made;
    SummaryLine::make_safe(copy);
    EXPECT_EQ(copy, made);

    std::string raw = "module gone\n\x1b[2J back\\slash";
    SummaryLine::make_safe(raw);
    EXPECT_EQ(raw, "module gone\\x0a\\x1b[2J back\\slash");
    std::string again = raw;
    SummaryLine::make_safe(again);
    EXPECT_EQ(again, raw);
}

}  // namespace
}  // namespace procsentry::alert
