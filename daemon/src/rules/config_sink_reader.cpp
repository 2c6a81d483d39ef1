// SPDX-License-Identifier: GPL-2.0
#include "rules/config_sink_reader.hpp"

#include <array>
#include <set>

#include "rules/config_checks.hpp"
#include "rules/path_match.hpp"

namespace procsentry::rules {

namespace {

constexpr std::array<std::string_view, 4> kTypes{"stdout", "file", "syslog", "http"};
constexpr uint64_t kTiB = 1ull << 40;

}  // namespace

ConfigSinkReader::ConfigSinkReader(ConfigReader& reader, ConfigErrors& errors, std::string state_dir)
    : reader_(reader), errors_(errors), state_dir_(std::move(state_dir))
{
}

std::vector<SinkSpec> ConfigSinkReader::read(const Json::Value& v)
{
    std::vector<SinkSpec> out;
    if (!v.isArray()) {
        errors_.add("sinks", v, "must be an array of sink objects");
        return out;
    }
    std::set<std::string> names;
    for (Json::ArrayIndex i = 0; i < v.size(); i++) {
        const std::string path = ConfigReader::element_path("sinks", i);
        SinkSpec s;
        read_sink(v[i], path, s);
        if (!s.name.empty() && !names.insert(s.name).second)
            errors_.add(ConfigReader::member_path(path, "name"), v[i]["name"],
                        "duplicate sink name (names must be unique)");
        out.push_back(std::move(s));
    }
    return out;
}

void ConfigSinkReader::read_sink(const Json::Value& v, const std::string& path, SinkSpec& s)
{
    if (!reader_.object(v, path, {"name", "type", "min_severity", "queue_max", "file", "syslog", "http"}))
        return;
    if (reader_.get(v, path, "name", s.name, true))
        if (std::string err = check_name(s.name); !err.empty()) {
            errors_.add(ConfigReader::member_path(path, "name"), v["name"], err);
            s.name.clear();
        }
    std::string type;
    if (reader_.get(v, path, "type", type, true)) {
        bool known = false;
        for (const auto t : kTypes)
            known = known || t == type;
        if (known)
            s.type = type;
        else
            errors_.add(ConfigReader::member_path(path, "type"), v["type"],
                        "unknown sink type (one of stdout, file, syslog, http)");
    }
    reader_.get_severity(v, path, "min_severity", s.min_severity, false);
    reader_.get(v, path, "queue_max", 1u, 1'000'000u, s.queue_max);

    // Settings of another type are a mistake, not something to ignore.
    for (const char* t : {"file", "syslog", "http"}) {
        const Json::Value* sub = v.find(t, t + std::char_traits<char>::length(t));
        if (!sub || s.type.empty() || s.type == t)
            continue;
        errors_.add(ConfigReader::member_path(path, t), *sub,
                    "settings for a " + std::string(t) + " sink, but this sink's type is " + s.type);
    }
    if (s.type == "file") {
        const Json::Value* f = reader_.member(v, path, "file", true);
        if (f)
            read_file(*f, ConfigReader::member_path(path, "file"), s.file);
    } else if (s.type == "syslog") {
        if (const Json::Value* sl = reader_.member(v, path, "syslog", false))
            read_syslog(*sl, ConfigReader::member_path(path, "syslog"), s.syslog);
        s.syslog.format = s.syslog.resolved_format();
    } else if (s.type == "http") {
        const Json::Value* h = reader_.member(v, path, "http", true);
        if (h)
            read_http(*h, ConfigReader::member_path(path, "http"), s.http);
        if (s.http.spool_dir.empty() && !s.name.empty())
            s.http.spool_dir = normalize_path(state_dir_ + "/spool/" + s.name);
    }
}

void ConfigSinkReader::read_path(const Json::Value& obj, const std::string& path, const char* key,
                                 std::string& out, bool required)
{
    std::string p;
    if (!reader_.get(obj, path, key, p, required))
        return;
    std::string err = check_absolute_path(p);
    if (err.empty() && normalize_path(p) == "/")
        err = "must name a file or directory, not \"/\"";
    if (!err.empty()) {
        errors_.add(ConfigReader::member_path(path, key), obj[key], err);
        return;
    }
    out = normalize_path(p);
}

void ConfigSinkReader::read_file(const Json::Value& v, const std::string& path, FileSinkSpec& f)
{
    if (!reader_.object(v, path, {"path", "max_bytes", "keep"}))
        return;
    read_path(v, path, "path", f.path, true);
    reader_.get(v, path, "max_bytes", uint64_t{4096}, kTiB, f.max_bytes);
    reader_.get(v, path, "keep", 0u, 100u, f.keep);
}

void ConfigSinkReader::read_syslog(const Json::Value& v, const std::string& path, SyslogSinkSpec& s)
{
    if (!reader_.object(v, path, {"transport", "address", "facility", "format"}))
        return;
    std::string transport = s.transport;
    const bool transport_given = reader_.get(v, path, "transport", transport);
    if (transport_given && transport != "unix" && transport != "tcp") {
        errors_.add(ConfigReader::member_path(path, "transport"), v["transport"],
                    "unknown transport (unix or tcp)");
        return;
    }
    s.transport = transport;
    std::string format;
    if (reader_.get(v, path, "format", format)) {
        if (format == "rfc3164" || format == "rfc5424")
            s.format = format;
        else
            errors_.add(ConfigReader::member_path(path, "format"), v["format"], "unknown format (rfc3164 or rfc5424)");
    }
    // The default address suits unix only: a tcp sink must say where.
    std::string address;
    const bool address_given = reader_.get(v, path, "address", address, transport == "tcp");
    if (address_given) {
        std::string err;
        if (transport == "unix") {
            err = check_absolute_path(address);
            if (err.empty())
                address = normalize_path(address);
            else
                err += " (the unix transport takes a socket path such as /dev/log)";
        } else {
            err = check_host_port(address);
        }
        if (err.empty())
            s.address = address;
        else
            errors_.add(ConfigReader::member_path(path, "address"), v["address"], err);
    }
    std::string facility;
    if (reader_.get(v, path, "facility", facility)) {
        if (std::string err = check_syslog_facility(facility); err.empty())
            s.facility = facility;
        else
            errors_.add(ConfigReader::member_path(path, "facility"), v["facility"], err);
    }
}

void ConfigSinkReader::read_http(const Json::Value& v, const std::string& path, HttpSinkSpec& h)
{
    if (!reader_.object(v, path,
                        {"url", "ca_file", "token_file", "batch_max", "batch_ms", "timeout_ms", "retry_max_ms",
                         "spool_dir", "spool_max_bytes"}))
        return;
    std::string url;
    if (reader_.get(v, path, "url", url, true)) {
        if (std::string err = check_http_url(url); err.empty())
            h.url = url;
        else
            errors_.add(ConfigReader::member_path(path, "url"), v["url"], err);
    }
    read_path(v, path, "ca_file", h.ca_file, false);
    if (!h.ca_file.empty() && !h.url.empty() && !h.url.starts_with("https://"))
        errors_.add(ConfigReader::member_path(path, "ca_file"), v["ca_file"],
                    "a CA file needs an https:// url (plain http is not verified)");
    read_path(v, path, "token_file", h.token_file, false);
    reader_.get(v, path, "batch_max", 1u, 10'000u, h.batch_max);
    reader_.get(v, path, "batch_ms", 0u, 60'000u, h.batch_ms);
    reader_.get(v, path, "timeout_ms", 100u, 600'000u, h.timeout_ms);
    reader_.get(v, path, "retry_max_ms", 100u, 86'400'000u, h.retry_max_ms);
    read_path(v, path, "spool_dir", h.spool_dir, false);
    reader_.get(v, path, "spool_max_bytes", uint64_t{1} << 20, kTiB, h.spool_max_bytes);
}

}  // namespace procsentry::rules
