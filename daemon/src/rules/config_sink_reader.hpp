// SPDX-License-Identifier: GPL-2.0
// Reads the "sinks" array of the configuration: common keys, then the
// object named after the sink's type ("file", "syslog", "http"), whose
// required fields and formats depend on that type.
#pragma once

#include <string>
#include <vector>

#include <json/value.h>

#include "rules/config.hpp"
#include "rules/config_reader.hpp"

namespace procsentry::rules {

class ConfigSinkReader {
public:
    ConfigSinkReader(ConfigReader& reader, ConfigErrors& errors, std::string state_dir);
    // v is the value of "sinks" at key path "sinks".
    std::vector<SinkSpec> read(const Json::Value& v);

private:
    void read_sink(const Json::Value& v, const std::string& path, SinkSpec& s);
    void read_file(const Json::Value& v, const std::string& path, FileSinkSpec& f);
    void read_syslog(const Json::Value& v, const std::string& path, SyslogSinkSpec& s);
    void read_http(const Json::Value& v, const std::string& path, HttpSinkSpec& h);
    // An optional absolute path member, normalised.
    void read_path(const Json::Value& obj, const std::string& path, const char* key, std::string& out,
                   bool required);

    ConfigReader& reader_;
    ConfigErrors& errors_;
    std::string state_dir_;
};

}  // namespace procsentry::rules
