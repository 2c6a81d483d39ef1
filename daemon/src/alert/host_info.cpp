// SPDX-License-Identifier: GPL-2.0
#include "alert/host_info.hpp"

#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace procsentry::alert {

namespace {

// The first line of a small file, without surrounding whitespace.
bool read_first_line(const std::string& path, std::string& out, std::string& why)
{
    std::ifstream in(path);
    if (!in) {
        why = path + ": " + std::strerror(errno);
        return false;
    }
    std::string line;
    std::getline(in, line);
    const auto b = line.find_first_not_of(" \t\r\n");
    const auto e = line.find_last_not_of(" \t\r\n");
    out = b == std::string::npos ? std::string() : line.substr(b, e - b + 1);
    if (out.empty()) {
        why = path + ": empty";
        return false;
    }
    return true;
}

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool is_machine_id(const std::string& s)
{
    if (s.size() != 32)
        return false;
    for (char c : s)
        if (!is_lower_hex(c))
            return false;
    return true;
}

bool is_uuid(const std::string& s)
{
    if (s.size() != 36)
        return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_lower_hex(s[i]))
            return false;
    }
    return true;
}

void note(std::vector<std::string>* problems, std::string why)
{
    if (problems)
        problems->push_back(std::move(why));
}

}  // namespace

HostInfo read_host_info(const HostInfoPaths& paths, std::vector<std::string>* problems)
{
    HostInfo h;
    std::string why;
    if (!read_first_line(paths.hostname, h.hostname, why)) {
        char buf[HOST_NAME_MAX + 1] = {};
        if (gethostname(buf, sizeof buf - 1) == 0 && buf[0]) {
            h.hostname = buf;
        } else {
            note(problems, why);
            note(problems, std::string("gethostname: ") + std::strerror(errno));
        }
    }

    // A fallback that works makes the earlier failures uninteresting.
    std::vector<std::string> id_problems;
    for (const auto& path : paths.machine_id) {
        std::string id;
        if (!read_first_line(path, id, why)) {
            id_problems.push_back(why);
            continue;
        }
        if (!is_machine_id(id)) {
            id_problems.push_back(path + ": not 32 lowercase hex digits");
            continue;
        }
        h.machine_id = id;
        break;
    }
    if (h.machine_id.empty())
        for (auto& p : id_problems)
            note(problems, std::move(p));

    std::string boot;
    if (!read_first_line(paths.boot_id, boot, why))
        note(problems, why);
    else if (!is_uuid(boot))
        note(problems, paths.boot_id + ": not a UUID");
    else
        h.boot_id = boot;
    return h;
}

}  // namespace procsentry::alert
