// SPDX-License-Identifier: GPL-2.0
// procsentry-dump: register with procsentry.ko and print every record as one
// JSON line (like forkstat), or replay a recorded file.  Only wiring here.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <procsentry/procsentry_abi.h>

#include "dump_loop.hpp"
#include "dump_options.hpp"
#include "format/stats_formatter.hpp"
#include "source/netlink_source.hpp"
#include "source/replay_source.hpp"
#include "source/replay_writer.hpp"
#include "source/source_error.hpp"

namespace {

using namespace procsentry;

enum Exit { kOk = 0, kError = 1, kUsage = 2, kNotLoaded = 3, kPermission = 4, kAbiMismatch = 5 };

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int) { g_stop = 1; }

void install_signals()
{
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: poll() returns EINTR
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

int exit_code(const source::SourceError& e)
{
    switch (e.kind()) {
    case source::SourceError::Kind::not_loaded: return kNotLoaded;
    case source::SourceError::Kind::permission: return kPermission;
    case source::SourceError::Kind::abi_mismatch: return kAbiMismatch;
    default: return kError;
    }
}

void print_line(const std::string& s)
{
    std::fwrite(s.data(), 1, s.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

int run_stats(const dump::DumpOptions& o)
{
    source::NetlinkSource::Options nopts;
    nopts.rcvbuf = o.rcvbuf;
    source::NetlinkSource nl(nopts);
    print_line(format::StatsFormatter::to_json(nl.get_stats()));
    return kOk;
}

int run_loop(source::RecordSource& src, const dump::DumpOptions& o)
{
    std::unique_ptr<source::ReplayWriter> recorder;
    if (!o.record_file.empty())
        recorder = std::make_unique<source::ReplayWriter>(o.record_file);
    dump::DumpLoop loop(src, stdout, recorder.get(), {o.count, o.timeout, o.idle}, o.count_initial_gap);
    try {
        loop.run(&g_stop);
    } catch (...) {
        loop.print_summary();
        throw;
    }
    loop.print_summary();
    return kOk;
}

int run(const dump::DumpOptions& o)
{
    if (!o.replay_file.empty()) {
        auto src = source::ReplaySource::from_file(o.replay_file);
        return run_loop(src, o);
    }
    if (o.stats)
        return run_stats(o);

    source::NetlinkSource::Options nopts;
    nopts.rcvbuf = o.rcvbuf;
    source::NetlinkSource nl(nopts);
    if (o.event_mask || o.argv_max || o.config_flags) {
        const auto cfg = nl.set_config(o.event_mask, o.argv_max, o.config_flags);
        std::fprintf(stderr, "procsentry-dump: config: event_mask=0x%x argv_max=%u\n", cfg.event_mask,
                     cfg.argv_max);
    }
    const auto reg = nl.register_reader(o.exclude_self ? PROCSENTRY_REG_EXCLUDE_SELF : 0);
    std::fprintf(stderr, "procsentry-dump: registered: abi=%u nr_cpus=%u rcvbuf=%d\n", reg.abi_version,
                 reg.nr_cpus, nl.rcvbuf_effective());
    return run_loop(nl, o);
}

}  // namespace

int main(int argc, char** argv)
{
    dump::DumpOptions opts;
    const auto parsed = dump::parse_dump_options(std::vector<std::string>(argv + 1, argv + argc), opts);
    if (parsed.kind == dump::ParseOutcome::Kind::help) {
        std::fputs(dump::dump_usage(), stdout);
        return kOk;
    }
    if (parsed.kind == dump::ParseOutcome::Kind::error) {
        std::fprintf(stderr, "procsentry-dump: %s\n%s", parsed.message.c_str(), dump::dump_usage());
        return kUsage;
    }
    install_signals();
    try {
        return run(opts);
    } catch (const source::SourceError& e) {
        std::fprintf(stderr, "procsentry-dump: %s\n", e.what());
        return exit_code(e);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "procsentry-dump: %s\n", e.what());
        return kError;
    }
}
