// SPDX-License-Identifier: GPL-2.0
// console.json, as loaded and checked by ConsoleConfigLoader.
#pragma once

#include <cstdint>
#include <string>

namespace procsentry::console::app {

struct ConsoleConfig {
    std::string source;                     // file it came from
    std::string listen_address = "0.0.0.0";
    uint16_t listen_port = 8443;
    std::string tls_cert_file;              // both empty: plain HTTP
    std::string tls_key_file;
    bool allow_plain_http = false;
    std::string store_type = "sqlite";      // sqlite | postgresql
    std::string store_path = "/var/lib/procsentry-console/console.db";
    std::string conninfo_file;              // postgresql
    std::string state_dir;                  // initial-admin-password; default: the SQLite file's directory
    std::string ui_dir = "/usr/share/procsentry-console/ui";
    int threads = 4;
    int64_t idle_timeout_s = 28800;
    int64_t absolute_timeout_s = 86400;
    int64_t heartbeat_wait_s = 25;
    int64_t offline_after_s = 90;
    int64_t retention_max_age_days = 180;   // 0: keep forever

    bool tls() const { return !tls_cert_file.empty(); }
    std::string effective_state_dir() const;
};

}  // namespace procsentry::console::app
