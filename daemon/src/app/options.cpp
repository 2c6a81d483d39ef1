// SPDX-License-Identifier: GPL-2.0
#include "app/options.hpp"

namespace procsentry::app {

std::string usage()
{
    return "usage: procsentryd [--config FILE] [--state-dir DIR] [--socket PATH] [--replay FILE]\n"
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
        } else if (a == "--replay") {
            std::string f;
            if (!value(f))
                return r;
            o.replay = f;
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
