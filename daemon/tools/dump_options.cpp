// SPDX-License-Identifier: GPL-2.0
#include "dump_options.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include <procsentry/procsentry_abi.h>

#include "format/names.hpp"

namespace procsentry::dump {

namespace {

template <typename T>
bool parse_uint(const std::string& s, T& out)
{
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

bool parse_seconds(const std::string& s, std::chrono::milliseconds& out)
{
    if (s.empty())
        return false;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(v) || v < 0 || v > 1e9)
        return false;
    out = std::chrono::milliseconds(static_cast<int64_t>(v * 1000.0));
    return true;
}

}  // namespace

const char* dump_usage()
{
    return "usage: procsentry-dump [options]\n"
           "  --exclude-self        no records about this process\n"
           "  --mask LIST           event mask (SET_CONFIG): exec,exec_failed,cred_change,exit,fork,lost|all\n"
           "  --argv-max N          argv bytes per EXEC record (SET_CONFIG)\n"
           "  --cred-noop           also report set*id calls that change nothing (SET_CONFIG)\n"
           "  --stats               print module statistics as JSON and exit\n"
           "  --count N             exit after N records\n"
           "  --timeout SEC         exit after SEC seconds in total\n"
           "  --idle SEC            exit after SEC seconds without a record\n"
           "  --rcvbuf BYTES        socket receive buffer (default 8388608)\n"
           "  --record FILE         also write every message received to FILE\n"
           "  --replay FILE         read messages from FILE instead of the module\n"
           "  --strict-seq          count a first seq > 1 per CPU as a gap\n"
           "  -h, --help\n"
           "exit codes: 0 ok, 1 error, 2 usage, 3 module not loaded, 4 permission, 5 ABI mismatch\n";
}

ParseOutcome parse_dump_options(const std::vector<std::string>& args, DumpOptions& out)
{
    auto error = [](std::string m) { return ParseOutcome{ParseOutcome::Kind::error, std::move(m)}; };

    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string opt = args[i];
        std::optional<std::string> inline_value;
        if (const auto eq = opt.find('='); opt.rfind("--", 0) == 0 && eq != std::string::npos) {
            inline_value = opt.substr(eq + 1);
            opt.resize(eq);
        }
        auto flag = [&]() {
            return !inline_value.has_value();
        };
        auto value = [&](std::string& v) -> bool {
            if (inline_value) {
                v = *inline_value;
                return true;
            }
            if (i + 1 >= args.size())
                return false;
            v = args[++i];
            return true;
        };
        std::string v;

        if (opt == "-h" || opt == "--help") {
            return ParseOutcome{ParseOutcome::Kind::help, {}};
        } else if (opt == "--exclude-self" && flag()) {
            out.exclude_self = true;
        } else if (opt == "--stats" && flag()) {
            out.stats = true;
        } else if (opt == "--strict-seq" && flag()) {
            out.count_initial_gap = true;
#ifdef PROCSENTRY_CFG_CRED_NOOP
        } else if (opt == "--cred-noop" && flag()) {
            out.config_flags = out.config_flags.value_or(0) | PROCSENTRY_CFG_CRED_NOOP;
#endif
        } else if (opt == "--mask") {
            if (!value(v))
                return error("--mask needs a list");
            uint32_t mask = 0;
            std::string err;
            if (!format::parse_event_mask(v, mask, err))
                return error("--mask: " + err);
            out.event_mask = mask;
        } else if (opt == "--argv-max") {
            uint32_t n = 0;
            if (!value(v) || !parse_uint(v, n) || n > PROCSENTRY_ARGV_MAX)
                return error("--argv-max needs a number of bytes from 0 to " + std::to_string(PROCSENTRY_ARGV_MAX));
            out.argv_max = n;
        } else if (opt == "--count") {
            uint64_t n = 0;
            if (!value(v) || !parse_uint(v, n) || n == 0)
                return error("--count needs a positive number");
            out.count = n;
        } else if (opt == "--timeout" || opt == "--idle") {
            std::chrono::milliseconds ms{};
            if (!value(v) || !parse_seconds(v, ms))
                return error(opt + " needs a number of seconds");
            (opt == "--timeout" ? out.timeout : out.idle) = ms;
        } else if (opt == "--rcvbuf") {
            int n = 0;
            if (!value(v) || !parse_uint(v, n) || n < 4096)
                return error("--rcvbuf needs a number of bytes >= 4096");
            out.rcvbuf = n;
        } else if (opt == "--record") {
            if (!value(v) || v.empty())
                return error("--record needs a file name");
            out.record_file = v;
        } else if (opt == "--replay") {
            if (!value(v) || v.empty())
                return error("--replay needs a file name");
            out.replay_file = v;
        } else {
            return error("unknown option '" + args[i] + "'");
        }
    }
    if (!out.replay_file.empty()) {
        if (out.stats || out.event_mask || out.argv_max || out.config_flags || out.exclude_self)
            return error("--replay cannot be combined with --stats, --mask, --argv-max, --cred-noop or --exclude-self");
        if (!out.record_file.empty())
            return error("--replay cannot be combined with --record");
    }
    return {};
}

}  // namespace procsentry::dump
