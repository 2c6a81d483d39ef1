// SPDX-License-Identifier: GPL-2.0
// Command line of procsentry-dump.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace procsentry::dump {

struct DumpOptions {
    bool exclude_self = false;
    std::optional<uint32_t> event_mask;  // --mask
    std::optional<uint32_t> argv_max;    // --argv-max
    std::optional<uint32_t> config_flags;  // --cred-noop (PROCSENTRY_CFG_*)
    bool stats = false;                  // --stats
    std::optional<uint64_t> count;       // --count
    std::optional<std::chrono::milliseconds> timeout;  // --timeout: total run time
    std::optional<std::chrono::milliseconds> idle;     // --idle: time without records
    int rcvbuf = 8 << 20;                // --rcvbuf
    std::string record_file;             // --record
    std::string replay_file;             // --replay
    bool count_initial_gap = false;      // --strict-seq
};

struct ParseOutcome {
    enum class Kind { run, help, error } kind = Kind::run;
    std::string message;  // the error, for Kind::error
};

ParseOutcome parse_dump_options(const std::vector<std::string>& args, DumpOptions& out);

const char* dump_usage();

}  // namespace procsentry::dump
