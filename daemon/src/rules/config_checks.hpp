// SPDX-License-Identifier: GPL-2.0
// Checks of single configuration values.  Each returns why the value is
// refused, or "" when it is acceptable; ConfigLoader adds the key path.
#pragma once

#include <string>
#include <string_view>

namespace procsentry::rules {

// Rule and sink names appear in alerts, status and counters:
// [A-Za-z0-9][A-Za-z0-9._-]*, at most 64 bytes.
std::string check_name(std::string_view s);
// A user name as useradd(8) allows it ([A-Za-z0-9_.-], optional final '$',
// not starting with '-', at most 32 bytes) or a decimal uid below 2^32-1.
std::string check_user(std::string_view s);
// An absolute path; callers keep normalize_path() of it.
std::string check_absolute_path(std::string_view s);
// An absolute fnmatch(3) pattern already in normal form (no "//", "." or
// ".." components, no trailing '/'), which could otherwise never match;
// "**" only as a final "/**".
std::string check_glob(std::string_view s);
// A skip command: a plain basename, or an absolute path.
std::string check_command(std::string_view s);
// "host:port" with host a DNS name, an IPv4 address or "[IPv6]".
std::string check_host_port(std::string_view s);
// http:// or https://, then host[:port][/path]; no user info, no fragment.
std::string check_http_url(std::string_view s);
// A syslog facility name (kern, user, ..., authpriv, local0..local7).
std::string check_syslog_facility(std::string_view s);

}  // namespace procsentry::rules
