// SPDX-License-Identifier: GPL-2.0
#include "app/options.hpp"

namespace procsentry::app {

namespace {

// It goes into every alert and heartbeat: a DNS-like name, nothing a
// reader of the JSON or a log line could mistake for something else.
bool valid_hostname(const std::string& s)
{
    if (s.empty() || s.size() > 253)
        return false;
    for (unsigned char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_'))
            return false;
    return true;
}

}  // namespace

std::string usage()
{
    return "usage: procsentryd [--config FILE] [--state-dir DIR] [--socket PATH]\n"
           "                   [--replay FILE | --replay-follow FILE] [--hostname NAME]\n"
           "                   [--proc-root DIR] [--passwd FILE] [--group FILE] [--cgroup-root DIR]\n"
           "                   [--no-proc-seed] [--check-config]\n";
}

ParseResult parse_options(const std::vector<std::string>& args)
{
    ParseResult r;
    Options& o = r.options;
    bool seed_set = false;
    for (std::size_t i = 0; i < args.size(); i++) {
        const std::string& a = args[i];
        auto value = [&](std::string& dst) {
            if (i + 1 >= args.size()) {
                r.error = a + " needs a value";
                return false;
            }
            dst = args[++i];
            if (dst.empty()) {
                r.error = a + " needs a non-empty value";
                return false;
            }
            return true;
        };
        if (a == "-h" || a == "--help") {
            r.help = true;
            r.ok = true;
            return r;
        } else if (a == "--config" || a == "-c") {
            if (!value(o.config))
                return r;
        } else if (a == "--state-dir") {
            if (!value(o.state_dir))
                return r;
        } else if (a == "--socket") {
            if (!value(o.socket))
                return r;
        } else if (a == "--proc-root") {
            if (!value(o.proc_root))
                return r;
        } else if (a == "--passwd") {
            if (!value(o.passwd))
                return r;
        } else if (a == "--group") {
            if (!value(o.group))
                return r;
        } else if (a == "--cgroup-root") {
            if (!value(o.cgroup_root))
                return r;
        } else if (a == "--replay" || a == "--replay-follow") {
            std::string f;
            if (!value(f))
                return r;
            if (o.replay) {
                r.error = "--replay and --replay-follow name one file, given twice";
                return r;
            }
            o.replay = f;
            o.replay_follow = a == "--replay-follow";
        } else if (a == "--hostname") {
            std::string h;
            if (!value(h))
                return r;
            if (!valid_hostname(h)) {
                r.error = "--hostname: '" + h.substr(0, 64) +
                          "' is not a host name (letters, digits, '.', '-', '_'; at most 253)";
                return r;
            }
            o.hostname = h;
        } else if (a == "--no-proc-seed") {
            o.seed_proc = false;
            seed_set = true;
        } else if (a == "--check-config") {
            o.check_only = true;
        } else {
            r.error = "unknown argument '" + a + "'";
            return r;
        }
    }
    if (o.replay && !seed_set)
        o.seed_proc = false;
    r.ok = true;
    return r;
}

}  // namespace procsentry::app
