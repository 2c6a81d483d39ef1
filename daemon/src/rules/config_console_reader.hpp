// SPDX-License-Identifier: GPL-2.0
// The optional `console` section of procsentry.json: where the central
// console is and how this daemon enrols with it (docs/rules.md).  Strict like
// the rest of the loader: https only, except to a loopback address (tests,
// a console on the same machine), and then a pinned CA file is required.
#pragma once

#include <json/value.h>

#include "rules/config.hpp"
#include "rules/config_errors.hpp"
#include "rules/config_reader.hpp"

namespace procsentry::rules {

class ConfigConsoleReader {
public:
    ConfigConsoleReader(ConfigReader& reader, ConfigErrors& errors) : reader_(reader), errors_(errors) {}
    // Fills spec from v; every problem goes to errors with its key path.
    void read(const Json::Value& v, ConsoleSpec& spec);

    // "localhost", 127.0.0.0/8 or ::1: plain http is allowed to these.
    static bool is_loopback_host(std::string_view host);
    // The host of an http(s) URL already accepted by check_http_url.
    static std::string url_host(std::string_view url);

private:
    void read_path(const Json::Value& v, const char* key, std::string& out, bool required);

    ConfigReader& reader_;
    ConfigErrors& errors_;
};

}  // namespace procsentry::rules
