// SPDX-License-Identifier: GPL-2.0
#include "rules/config_console_reader.hpp"

#include <arpa/inet.h>

#include "rules/config_checks.hpp"
#include "rules/path_match.hpp"

namespace procsentry::rules {

namespace {

constexpr const char* kPath = "console";
constexpr uint64_t kTiB = 1ull << 40;

}  // namespace

std::string ConfigConsoleReader::url_host(std::string_view url)
{
    const auto scheme = url.find("://");
    std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
    rest = rest.substr(0, rest.find('/'));
    if (rest.starts_with('[')) {
        const auto close = rest.find(']');
        return std::string(rest.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
    }
    return std::string(rest.substr(0, rest.find(':')));
}

bool ConfigConsoleReader::is_loopback_host(std::string_view host)
{
    if (host == "localhost")
        return true;
    const std::string h(host);
    in_addr v4{};
    if (inet_pton(AF_INET, h.c_str(), &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    return inet_pton(AF_INET6, h.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

void ConfigConsoleReader::read_path(const Json::Value& v, const char* key, std::string& out, bool required)
{
    std::string p;
    if (!reader_.get(v, kPath, key, p, required))
        return;
    std::string err = check_absolute_path(p);
    if (err.empty() && normalize_path(p) == "/")
        err = "must name a file, not \"/\"";
    if (!err.empty()) {
        errors_.add(ConfigReader::member_path(kPath, key), v[key], err);
        return;
    }
    out = normalize_path(p);
}

void ConfigConsoleReader::read(const Json::Value& v, ConsoleSpec& c)
{
    if (!reader_.object(v, kPath,
                        {"url", "ca_file", "enrollment_token_file", "heartbeat_wait_s", "min_severity", "queue_max",
                         "spool_max_bytes"}))
        return;
    std::string url;
    bool https = false;
    if (reader_.get(v, kPath, "url", url, true)) {
        std::string err = check_http_url(url);
        https = url.starts_with("https://");
        if (err.empty()) {
            // The console's API paths are appended: a base URL only.
            const std::string_view rest = std::string_view(url).substr(https ? 8 : 7);
            const auto slash = rest.find('/');
            if (slash != std::string_view::npos && rest.substr(slash) != "/")
                err = "must be the console's base URL (scheme, host and port; no path or query)";
            else if (!https && !is_loopback_host(url_host(url)))
                err = "must be https:// (plain http only to a loopback address such as 127.0.0.1)";
        }
        if (err.empty()) {
            if (url.ends_with('/'))
                url.pop_back();
            c.url = url;
        } else {
            errors_.add(ConfigReader::member_path(kPath, "url"), v["url"], err);
        }
    }
    // The console's CA is pinned: the system store would let any public CA
    // impersonate the console, which hands out the rules.
    read_path(v, "ca_file", c.ca_file, https);
    if (!c.ca_file.empty() && !c.url.empty() && !https)
        errors_.add(ConfigReader::member_path(kPath, "ca_file"), v["ca_file"],
                    "a CA file needs an https:// url (plain http is not verified)");
    read_path(v, "enrollment_token_file", c.enrollment_token_file, false);
    reader_.get(v, kPath, "heartbeat_wait_s", 1u, 300u, c.heartbeat_wait_s);
    reader_.get_severity(v, kPath, "min_severity", c.min_severity, false);
    reader_.get(v, kPath, "queue_max", 1u, 1'000'000u, c.queue_max);
    reader_.get(v, kPath, "spool_max_bytes", uint64_t{1} << 20, kTiB, c.spool_max_bytes);
}

}  // namespace procsentry::rules
