// SPDX-License-Identifier: GPL-2.0
#include "app/module_info.hpp"

#include <fstream>

namespace procsentry::app {

namespace {
constexpr std::size_t kMaxBytes = 1024;

// First line of a small file, control bytes and non-ASCII replaced by '?'.
std::optional<std::string> first_line(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::string buf(kMaxBytes, '\0');
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    buf.resize(static_cast<std::size_t>(in.gcount()));
    const auto nl = buf.find('\n');
    if (nl != std::string::npos)
        buf.resize(nl);
    for (auto& c : buf) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7f)
            c = '?';
    }
    while (!buf.empty() && buf.back() == ' ')
        buf.pop_back();
    if (buf.empty())
        return std::nullopt;
    return buf;
}
}  // namespace

std::optional<std::string> ModuleInfo::loaded_version() const
{
    return first_line(paths_.sysfs_dir + "/version");
}

std::optional<std::string> ModuleInfo::load_error() const
{
    return first_line(paths_.error_file);
}

std::string ModuleInfo::mismatch(const std::string& module_version, const std::string& daemon_version)
{
    if (module_version == daemon_version)
        return {};
    return "version mismatch: procsentry.ko " + module_version + " is loaded but procsentryd is " + daemon_version +
           " (an upgrade that could not replace the running module?): load the installed module with "
           "`/usr/lib/procsentry/procsentry-load-module --reload-stale` (stops procsentryd, replaces the module, "
           "starts procsentryd again), or reboot";
}

}  // namespace procsentry::app
