// SPDX-License-Identifier: GPL-2.0
#include "proctable/proc_scanner.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <memory>
#include <string_view>
#include <utility>

#include "proctable/argv_bounds.hpp"
#include "proctable/exec_trust.hpp"

namespace procsentry::proctable {

namespace {

constexpr std::size_t max_small_file = 16 * 1024;  // stat, status, cgroup
constexpr std::size_t max_path = 4096;

// Reads up to max bytes (one open, reads until EOF or max).
std::optional<std::string> read_file(const std::string& path, std::size_t max)
{
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return std::nullopt;
    std::string out(max, '\0');
    std::size_t got = 0;
    while (got < max) {
        const ssize_t n = read(fd, out.data() + got, max - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            close(fd);
            return std::nullopt;  // ESRCH: the process is gone
        }
        if (n == 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    close(fd);
    out.resize(got);
    return out;
}

template <typename T>
bool parse_num(std::string_view s, T& v)
{
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

// The value of a "Key:\t..." line of /proc/<pid>/status ("" if absent).
std::string_view status_field(std::string_view text, std::string_view key)
{
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto eol = text.find('\n', pos);
        const std::string_view line = text.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
        if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ':')
            return line.substr(key.size() + 1);
        if (eol == std::string_view::npos)
            break;
        pos = eol + 1;
    }
    return {};
}

// "\t1000\t1000\t1000\t1000" -> real, effective.
bool two_ids(std::string_view v, uint32_t& real, uint32_t& eff)
{
    uint32_t ids[2];
    int n = 0;
    std::size_t pos = 0;
    while (n < 2 && pos < v.size()) {
        while (pos < v.size() && (v[pos] == '\t' || v[pos] == ' '))
            ++pos;
        std::size_t end = pos;
        while (end < v.size() && v[end] != '\t' && v[end] != ' ')
            ++end;
        if (!parse_num(v.substr(pos, end - pos), ids[n]))
            return false;
        ++n;
        pos = end;
    }
    if (n != 2)
        return false;
    real = ids[0];
    eff = ids[1];
    return true;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

// A cgroup path as the kernel writes it: absolute, no "." or ".."
// components, so that appending it to the mount cannot leave the mount.
bool plain_cgroup_path(std::string_view p)
{
    if (p.empty() || p.front() != '/' || p.size() > max_path)
        return false;
    std::size_t pos = 1;
    while (pos <= p.size()) {
        auto end = p.find('/', pos);
        if (end == std::string_view::npos)
            end = p.size();
        const auto c = p.substr(pos, end - pos);
        if (c == "." || c == "..")
            return false;
        pos = end + 1;
    }
    return p.find('\0') == std::string_view::npos;
}

}  // namespace

ProcScanner::ProcScanner(std::string proc_root, std::string cgroup_root, std::size_t max_argv_bytes)
    : proc_root_(std::move(proc_root)), cgroup_root_(std::move(cgroup_root)), max_argv_bytes_(max_argv_bytes)
{
    const long hz = sysconf(_SC_CLK_TCK);
    ticks_per_sec_ = hz > 0 ? static_cast<uint64_t>(hz) : 100;
    tick_ns_ = (1'000'000'000ull + ticks_per_sec_ - 1) / ticks_per_sec_;
}

uint64_t ProcScanner::ticks_to_ns(uint64_t ticks) const
{
    // The kernel floors ns to ticks; 128 bits so that no uptime overflows.
    return static_cast<uint64_t>(static_cast<unsigned __int128>(ticks) * 1'000'000'000ull / ticks_per_sec_);
}

std::vector<uint32_t> ProcScanner::list_pids() const
{
    std::vector<uint32_t> pids;
    const std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir(proc_root_.c_str()), closedir);
    if (!dir)
        return pids;
    while (const dirent* de = readdir(dir.get())) {
        uint32_t pid = 0;
        if (parse_num(std::string_view(de->d_name), pid) && pid != 0)
            pids.push_back(pid);
    }
    return pids;
}

bool ProcScanner::read_stat(const std::string& dir, Process& p) const
{
    const auto text = read_file(dir + "/stat", max_small_file);
    if (!text)
        return false;
    // "pid (comm) S ppid ...": comm may hold spaces and ')', so the fields
    // start after the last ')'.
    const auto open = text->find('(');
    const auto close = text->rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open)
        return false;
    p.comm = text->substr(open + 1, close - open - 1);
    std::string_view rest = std::string_view(*text).substr(close + 1);
    std::string_view fields[20];
    std::size_t n = 0;
    while (n < 20) {
        while (!rest.empty() && rest.front() == ' ')
            rest.remove_prefix(1);
        if (rest.empty())
            break;
        const auto sp = rest.find(' ');
        fields[n++] = rest.substr(0, sp);
        rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp);
    }
    if (n < 20)
        return false;
    // A zombie already sent its EXIT: seeding it would leave an entry
    // that nothing removes.
    if (fields[0] == "Z" || fields[0] == "X" || fields[0] == "x")
        return false;
    uint64_t ticks = 0;
    if (!parse_num(fields[1], p.ppid) || !parse_num(fields[19], ticks))
        return false;
    p.start_ns = ticks_to_ns(ticks);
    p.start_ns_approx = true;
    return true;
}

bool ProcScanner::read_status(const std::string& dir, Process& p) const
{
    const auto text = read_file(dir + "/status", max_small_file);
    if (!text)
        return false;
    if (!two_ids(status_field(*text, "Uid"), p.uid, p.euid) || !two_ids(status_field(*text, "Gid"), p.gid, p.egid))
        return false;
    uint32_t ppid = 0;
    if (parse_num(trim(status_field(*text, "PPid")), ppid))
        p.ppid = ppid;
    return true;
}

void ProcScanner::read_exe(const std::string& dir, Process& p) const
{
    std::string buf(max_path, '\0');
    const ssize_t n = readlink((dir + "/exe").c_str(), buf.data(), buf.size());
    if (n <= 0 || static_cast<std::size_t>(n) >= buf.size())
        return;  // kernel thread, permission, gone, or too long to be sure
    buf.resize(static_cast<std::size_t>(n));
    p.exe_trusted = buf.front() == '/' && !has_deleted_suffix(buf);
    p.exe = std::move(buf);
}

void ProcScanner::read_cmdline(const std::string& dir, Process& p) const
{
    // One byte more than kept tells whether there was more.
    const auto text = read_file(dir + "/cmdline", max_argv_bytes_ + 1);
    if (!text)
        return;
    const bool cut = text->size() > max_argv_bytes_;
    p.argv_truncated = split_argv_bounded(*text, 0, cut, max_argv_bytes_, p.argv);
}

void ProcScanner::read_loginuid(const std::string& dir, Process& p) const
{
    const auto text = read_file(dir + "/loginuid", 32);
    uint32_t v = 0;
    if (text && parse_num(trim(*text), v))
        p.loginuid = v;
}

void ProcScanner::read_cgroup(const std::string& dir, ScannedProcess& s) const
{
    const auto text = read_file(dir + "/cgroup", max_small_file);
    if (!text)
        return;
    std::string_view rest(*text);
    while (!rest.empty()) {
        const auto eol = rest.find('\n');
        const std::string_view line = rest.substr(0, eol);
        if (line.substr(0, 3) == "0::") {
            const auto path = line.substr(3);
            if (!plain_cgroup_path(path))
                return;
            s.cgroup_path = std::string(path);
            struct stat st{};
            if (stat((cgroup_root_ + s.cgroup_path).c_str(), &st) == 0 && S_ISDIR(st.st_mode))
                s.proc.cgroup_id = static_cast<uint64_t>(st.st_ino);
            return;
        }
        if (eol == std::string_view::npos)
            break;
        rest.remove_prefix(eol + 1);
    }
}

std::optional<ScannedProcess> ProcScanner::scan(uint32_t pid) const
{
    const std::string dir = proc_root_ + "/" + std::to_string(pid);
    ScannedProcess s;
    Process& p = s.proc;
    p.tgid = pid;
    p.seeded = true;
    if (!read_stat(dir, p) || !read_status(dir, p))
        return std::nullopt;
    read_exe(dir, p);
    read_cmdline(dir, p);
    read_loginuid(dir, p);
    read_cgroup(dir, s);
    return s;
}

}  // namespace procsentry::proctable
