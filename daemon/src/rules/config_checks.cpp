// SPDX-License-Identifier: GPL-2.0
#include "rules/config_checks.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>

#include "format/json_writer.hpp"
#include "rules/path_match.hpp"

namespace procsentry::rules {

namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s)
{
    if (s.empty())
        return false;
    for (const char c : s)
        if (!is_digit(c))
            return false;
    return true;
}

// RFC 1123 host name: labels of [A-Za-z0-9-], not starting or ending with '-'.
bool is_dns_name(std::string_view s)
{
    if (s.empty() || s.size() > 253)
        return false;
    std::size_t pos = 0;
    while (pos <= s.size()) {
        std::size_t end = s.find('.', pos);
        if (end == std::string_view::npos)
            end = s.size();
        const std::string_view label = s.substr(pos, end - pos);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
            return false;
        for (const char c : label)
            if (!is_alnum(c) && c != '-')
                return false;
        pos = end + 1;
    }
    return true;
}

bool is_ip(int af, std::string_view s)
{
    if (s.size() > 64)
        return false;
    std::array<unsigned char, 16> buf{};
    return inet_pton(af, std::string(s).c_str(), buf.data()) == 1;
}

// Host, then ":port" if port_required or present; "" when fine.
std::string check_authority(std::string_view s, bool port_required)
{
    std::string_view host;
    std::string_view rest;
    if (!s.empty() && s.front() == '[') {
        const std::size_t close = s.find(']');
        if (close == std::string_view::npos)
            return "an IPv6 address needs a closing ']'";
        host = s.substr(1, close - 1);
        if (!is_ip(AF_INET6, host))
            return "not an IPv6 address inside [ ]";
        rest = s.substr(close + 1);
    } else {
        const std::size_t colon = s.find(':');
        host = s.substr(0, colon);
        rest = colon == std::string_view::npos ? std::string_view{} : s.substr(colon);
        if (host.empty())
            return "the host is empty";
        // An all-numeric dotted name must be a real IPv4 address.
        const bool numeric = host.find_first_not_of("0123456789.") == std::string_view::npos;
        if (numeric ? !is_ip(AF_INET, host) : !is_dns_name(host))
            return numeric ? "not an IPv4 address" : "not a valid host name (IPv6 addresses go in [ ])";
    }
    if (rest.empty())
        return port_required ? "a port is needed (host:port)" : "";
    if (rest.front() != ':')
        return "unexpected text after the host";
    const std::string_view port = rest.substr(1);
    unsigned value = 0;
    if (!all_digits(port) || port.size() > 5 ||
        std::from_chars(port.data(), port.data() + port.size(), value).ec != std::errc{} || value == 0 ||
        value > 65535)
        return "the port must be a number from 1 to 65535";
    return "";
}

}  // namespace

std::string check_name(std::string_view s)
{
    if (s.empty())
        return "must not be empty";
    if (s.size() > 64)
        return "longer than 64 bytes";
    if (!is_alnum(s.front()))
        return "must start with a letter or digit";
    for (const char c : s)
        if (!is_alnum(c) && c != '.' && c != '_' && c != '-')
            return "may hold only letters, digits, '.', '_' and '-'";
    return "";
}

std::string check_user(std::string_view s)
{
    if (s.empty())
        return "must not be empty";
    if (all_digits(s)) {
        uint64_t uid = 0;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), uid);
        if (r.ec != std::errc{} || uid >= 0xffffffffull)
            return "uid out of range (0 to 4294967294)";
        return "";
    }
    if (s.size() > 32)
        return "user name longer than 32 bytes";
    if (s.front() == '-')
        return "user name must not start with '-'";
    for (std::size_t i = 0; i < s.size(); i++) {
        const char c = s[i];
        if (!is_alnum(c) && c != '_' && c != '.' && c != '-' && !(c == '$' && i + 1 == s.size()))
            return "not a user name or uid";
    }
    return "";
}

std::string check_absolute_path(std::string_view s)
{
    if (s.empty())
        return "must not be empty";
    if (s.front() != '/')
        return "must be an absolute path";
    return "";
}

std::string check_glob(std::string_view s)
{
    if (s.empty())
        return "must not be empty";
    if (s.front() != '/')
        return "must be an absolute pattern (executable paths are absolute)";
    const std::size_t stars = s.find("**");
    if (stars != std::string_view::npos && (stars + 2 != s.size() || s[stars - 1] != '/'))
        return "\"**\" is allowed only as a final \"/**\" (anything below a directory)";
    if (!is_normalized_path(s)) {
        std::string msg = "must be in normal form: no '//', '.' or '..' components, no trailing '/' (it would "
                          "never match; did you mean \"";
        const std::string suggestion = normalize_path(s);
        format::escape_json_string(std::string_view(suggestion).substr(0, 96), msg);  // bytes from the file
        return msg + (suggestion.size() > 96 ? "...\"?)" : "\"?)");
    }
    return "";
}

std::string check_command(std::string_view s)
{
    if (s.empty())
        return "must not be empty";
    if (s.front() == '/')
        return normalize_path(s) == "/" ? "\"/\" is not a command" : "";
    if (s.find('/') != std::string_view::npos)
        return "must be a plain basename (\"nice\") or an absolute path, not a relative path";
    if (s == "." || s == "..")
        return "is not a command name";
    return "";
}

std::string check_host_port(std::string_view s)
{
    if (s.empty())
        return "must not be empty";
    return check_authority(s, true);
}

std::string check_http_url(std::string_view s)
{
    std::string_view rest;
    if (s.starts_with("http://"))
        rest = s.substr(7);
    else if (s.starts_with("https://"))
        rest = s.substr(8);
    else
        return "must start with http:// or https://";
    const std::size_t slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    const std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (authority.find('@') != std::string_view::npos)
        return "user info (user@host) is not supported: use token_file";
    if (std::string err = check_authority(authority, false); !err.empty())
        return err;
    for (const char c : path) {
        const auto b = static_cast<unsigned char>(c);
        if (b <= 0x20 || b >= 0x7f)
            return "the path must be printable ASCII without spaces (percent-encode the rest)";
        if (c == '#')
            return "a fragment (#...) is not sent to a server";
    }
    return "";
}

std::string check_syslog_facility(std::string_view s)
{
    static constexpr std::array<std::string_view, 20> kFacilities{
        "kern",   "user",   "mail",   "daemon", "auth",   "syslog", "lpr",    "news",   "uucp",   "cron",
        "authpriv", "ftp",  "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
    for (const auto f : kFacilities)
        if (f == s)
            return "";
    return "unknown facility (kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, "
           "local0 to local7)";
}

}  // namespace procsentry::rules
