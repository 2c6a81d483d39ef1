// SPDX-License-Identifier: GPL-2.0
// The parsed, validated content of /etc/procsentry/procsentry.json.
// ConfigLoader produces it; nothing else constructs it from user input.
// Every list of paths here is already normalised (rules/path_match.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/types.hpp"

namespace procsentry::rules {

struct SkipSpec {
    // A basename ("nice") matches the basename of the resolved executable
    // path; an absolute path matches that exact normalised path.
    std::vector<std::string> commands;
    // Directory prefixes, matched on path-component boundaries.
    std::vector<std::string> paths;
    // User names or decimal uids; matched against the real uid of the process.
    std::vector<std::string> users;
};

struct MatchSpec {
    std::vector<std::string> exe;         // fnmatch(FNM_PATHNAME) globs on the resolved path; empty = any
    std::vector<std::string> users;       // names or uids (real uid); empty = any
    std::vector<std::string> parent_exe;  // globs on the parent's resolved path; empty = any
};

struct Rule {
    std::string name;  // unique within the file
    std::string description;  // free text for people (JSON has no comments)
    RuleType type = RuleType::bin_execution;
    bool enabled = true;
    Severity on_success = Severity::none;
    Severity on_failure = Severity::none;
    MatchSpec match;
    SkipSpec skip;  // applied in addition to the global skips
};

struct NoiseSpec {
    uint32_t fold_window_ms = 60000;   // identical alerts within this window fold into one; 0 = off
    uint32_t max_alerts_per_minute = 600;  // global cap; 0 = no cap
};

struct FileSinkSpec {
    std::string path;
    uint64_t max_bytes = 64ull << 20;  // rotate when a write would pass this
    uint32_t keep = 5;                 // rotated files kept (path.1 .. path.N)

    bool operator==(const FileSinkSpec&) const = default;
};

struct SyslogSinkSpec {
    std::string transport = "unix";  // "unix" (datagram) or "tcp" (RFC 6587 octet counting)
    std::string address = "/dev/log";  // socket path, or "host:port" for tcp
    std::string facility = "authpriv";
    // "rfc3164": <PRI>Mmm dd hh:mm:ss procsentryd[PID]: MSG, what syslog(3) writes to /dev/log
    // and the only header journald parses (SYSLOG_IDENTIFIER, `journalctl -t procsentryd`);
    // "rfc5424" with structured data for collectors.  Empty: rfc3164 for unix, rfc5424 for tcp
    // (the loader always fills it in).
    std::string format;

    // The one place the default lives: `format` if set, else the transport's.
    std::string resolved_format() const
    {
        if (!format.empty())
            return format;
        return transport == "unix" ? "rfc3164" : "rfc5424";
    }

    bool operator==(const SyslogSinkSpec&) const = default;
};

struct HttpSinkSpec {
    std::string url;                 // http:// or https://
    std::string ca_file;             // https: pinned CA bundle (empty = system store)
    std::string token_file;          // optional bearer token, read at start
    uint32_t batch_max = 200;        // alerts per POST
    uint32_t batch_ms = 1000;        // longest wait to fill a batch
    uint32_t timeout_ms = 5000;
    uint32_t retry_max_ms = 60000;   // backoff ceiling
    std::string spool_dir;           // default: <state_dir>/spool/<sink name>
    uint64_t spool_max_bytes = 256ull << 20;

    bool operator==(const HttpSinkSpec&) const = default;
};

struct SinkSpec {
    std::string name;  // unique, used in status and counters
    std::string type;  // "stdout" | "file" | "syslog" | "http"
    Severity min_severity = Severity::info;
    uint32_t queue_max = 10000;  // alerts waiting for this sink; overflow is counted
    FileSinkSpec file;
    SyslogSinkSpec syslog;
    HttpSinkSpec http;

    bool operator==(const SinkSpec&) const = default;
};

// The central console this daemon reports to (docs/rules.md, `console`).
struct ConsoleSpec {
    std::string url;                    // base URL, no trailing '/'; https unless loopback
    std::string ca_file;                // pinned CA of the console (required for https)
    std::string enrollment_token_file;  // read when enrolling (not needed once enrolled)
    uint32_t heartbeat_wait_s = 25;     // long-poll wait asked from the console
    Severity min_severity = Severity::info;  // alerts sent to the console's sink
    uint32_t queue_max = 10000;
    uint64_t spool_max_bytes = 256ull << 20;

    bool operator==(const ConsoleSpec&) const = default;
};

struct DaemonSpec {
    uint32_t ancestry_depth = 8;
    uint32_t max_processes = 65536;       // process table bound
    uint32_t argv_max = 4096;             // bytes of argv asked from the module and kept
    uint32_t escalation_window_ms = 10000;  // see docs/rules.md (refused set-user-ID programs)
    Severity loss_severity = Severity::high;  // alerts about records the sensor lost
};

struct Config {
    std::string source;  // file it came from
    uint32_t version = 1;
    DaemonSpec daemon;
    SkipSpec skip;  // global
    NoiseSpec noise;
    std::vector<Rule> rules;
    std::vector<SinkSpec> sinks;
    std::optional<ConsoleSpec> console;
};

}  // namespace procsentry::rules
