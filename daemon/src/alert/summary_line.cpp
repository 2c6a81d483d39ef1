// SPDX-License-Identifier: GPL-2.0
#include "alert/summary_line.hpp"

#include "alert/signal_names.hpp"
#include "format/names.hpp"

namespace procsentry::alert {

namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kCut = "...";

// Length of the valid UTF-8 sequence at s[i] and its code point, or 0.
std::size_t decode_utf8(std::string_view s, std::size_t i, uint32_t& cp)
{
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t n;
    uint32_t min;
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
        n = 2, cp = b0 & 0x1f, min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        n = 3, cp = b0 & 0x0f, min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        n = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (s.size() - i < n)
        return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

// Code points that reorder or break a line on a terminal or in a log viewer.
bool is_format_hazard(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

void append_hex_byte(std::string& out, unsigned char b)
{
    out += "\\x";
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
}

// "alice (uid 1000, euid 0)", or "uid 1000 (euid 0)" without a name.
std::string who(const abi::Creds& c, const std::string& user)
{
    std::string s;
    const std::string euid = c.euid != c.uid ? "euid " + std::to_string(c.euid) : "";
    if (user.empty()) {
        s = "uid " + std::to_string(c.uid);
        if (!euid.empty())
            s += " (" + euid + ")";
        return s;
    }
    SummaryLine::append_untrusted(s, user, 64);
    s += " (uid " + std::to_string(c.uid);
    if (!euid.empty())
        s += ", " + euid;
    s += ')';
    return s;
}

void append_path_or(std::string& out, const std::string& a, const std::string& b, const std::string& comm)
{
    if (!a.empty())
        SummaryLine::append_untrusted(out, a);
    else if (!b.empty())
        SummaryLine::append_untrusted(out, b);
    else if (!comm.empty()) {
        out += '[';
        SummaryLine::append_untrusted(out, comm, 32);
        out += ']';
    } else {
        out += "an unknown program";
    }
}

void append_via(std::string& out, const rules::Event& ev)
{
    if (ev.parent_exe.empty())
        return;
    out += " via ";
    SummaryLine::append_untrusted(out, ev.parent_exe);
}

void append_reason(std::string& out, const rules::Event& ev)
{
    if (ev.reason.empty())
        return;
    out += " (";
    SummaryLine::append_untrusted(out, ev.reason, 96);
    out += ')';
}

std::string errno_or_unknown(int32_t err) { return err > 0 ? format::errno_name(err) : "unknown error"; }

// "setresuid(1000, 0, -1)"
std::string call_text(const rules::Event& ev)
{
    std::string s;
    SummaryLine::append_untrusted(s, ev.call, 32);
    s += '(';
    for (std::size_t i = 0; i < ev.call_args.size() && i < 4; ++i) {
        if (i)
            s += ", ";
        s += ev.call_args[i] == 0xffffffffu ? "-1" : std::to_string(ev.call_args[i]);
    }
    s += ')';
    return s;
}

std::string bin_execution(const rules::Event& ev)
{
    const auto& p = ev.proc;
    std::string s = who(p.cred, p.user);
    if (ev.outcome == rules::Outcome::success) {
        s += " ran ";
        append_path_or(s, p.exe, p.filename, p.comm);
        append_via(s, ev);
        s += ": exec succeeded";
    } else {
        s += ": exec of ";
        append_path_or(s, p.filename, p.exe, p.comm);
        append_via(s, ev);
        s += " failed: " + errno_or_unknown(ev.error);
    }
    return s;
}

std::string root_escalation(const rules::Event& ev)
{
    const auto& p = ev.proc;
    const abi::Creds& before = ev.cred_before ? *ev.cred_before : p.cred;
    std::string s = who(before, p.user);
    if (ev.outcome == rules::Outcome::success) {
        const abi::Creds& after = ev.cred_after ? *ev.cred_after : p.cred;
        s += " gained root (euid " + std::to_string(after.euid) + ") in ";
        append_path_or(s, p.exe, p.filename, p.comm);
        append_reason(s, ev);
        return s;
    }
    if (!ev.call.empty() && ev.error > 0) {
        s += ": " + call_text(ev) + " refused in ";
        append_path_or(s, p.exe, p.filename, p.comm);
        s += ": " + errno_or_unknown(ev.error);
        return s;
    }
    s += ": escalation through ";
    append_path_or(s, p.exe, p.filename, p.comm);
    s += " failed";
    if (ev.exit_status)
        s += ", exit status " + std::to_string(*ev.exit_status);
    append_reason(s, ev);
    return s;
}

std::string termination_failure(const rules::Event& ev)
{
    const auto& p = ev.proc;
    std::string s;
    append_path_or(s, p.exe, p.filename, p.comm);
    s += " (pid " + std::to_string(p.tgid) + ", " + who(p.cred, p.user) + ")";
    if (ev.signal != 0) {
        s += " killed by " + signal_name(ev.signal);
        if (ev.core_dumped)
            s += " (core dumped)";
    } else if (ev.exit_status) {
        s += " exited with status " + std::to_string(*ev.exit_status);
    } else {
        s += " ended abnormally";
    }
    return s;
}

}  // namespace

namespace {

void append_escaped(std::string& out, std::string_view s, std::size_t max, bool escape_backslash)
{
    const std::size_t start = out.size();
    std::string piece;
    for (std::size_t i = 0; i < s.size();) {
        piece.clear();
        uint32_t cp = 0;
        const std::size_t n = decode_utf8(s, i, cp);
        if (n == 0) {
            append_hex_byte(piece, static_cast<unsigned char>(s[i]));
            i += 1;
        } else if (n == 1 && (cp < 0x20 || cp == 0x7f)) {
            append_hex_byte(piece, static_cast<unsigned char>(cp));
            i += 1;
        } else if (n == 1 && cp == '\\' && escape_backslash) {
            piece = "\\\\";
            i += 1;
        } else if (is_format_hazard(cp)) {
            piece = "\\u{";
            for (int shift = cp > 0xff ? 12 : 4; shift >= 0; shift -= 4)
                piece += kHex[(cp >> shift) & 0xf];
            piece += '}';
            i += n;
        } else {
            piece.assign(s.substr(i, n));
            i += n;
        }
        if (out.size() - start + piece.size() > max) {
            out += kCut;
            return;
        }
        out += piece;
    }
}

}  // namespace

void SummaryLine::append_untrusted(std::string& out, std::string_view s, std::size_t max)
{
    append_escaped(out, s, max, true);
}

void SummaryLine::make_safe(std::string& line)
{
    std::string out;
    out.reserve(line.size());
    append_escaped(out, line, 4 * kMaxBytes, false);
    line = std::move(out);
    bound(line);
}

void SummaryLine::bound(std::string& line, std::size_t max)
{
    if (line.size() <= max)
        return;
    std::size_t cut = max > kCut.size() ? max - kCut.size() : 0;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xc0) == 0x80)
        --cut;
    line.resize(cut);
    line += kCut;
}

std::string SummaryLine::for_event(const rules::Event& ev)
{
    std::string s;
    switch (ev.type) {
    case rules::RuleType::bin_execution:
        s = bin_execution(ev);
        break;
    case rules::RuleType::root_escalation:
        s = root_escalation(ev);
        break;
    case rules::RuleType::termination_failure:
        s = termination_failure(ev);
        break;
    }
    bound(s);
    return s;
}

}  // namespace procsentry::alert
