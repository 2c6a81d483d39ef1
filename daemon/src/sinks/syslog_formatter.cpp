// SPDX-License-Identifier: GPL-2.0
#include "sinks/syslog_formatter.hpp"

#include <time.h>

#include <array>
#include <cstdio>
#include <utility>

namespace procsentry::sinks {

namespace {

struct Facility {
    std::string_view name;
    int code;
};

constexpr std::array<Facility, 20> facilities{{
    {"kern", 0},     {"user", 1},     {"mail", 2},     {"daemon", 3},   {"auth", 4},
    {"syslog", 5},   {"lpr", 6},      {"news", 7},     {"uucp", 8},     {"cron", 9},
    {"authpriv", 10}, {"ftp", 11},    {"local0", 16},  {"local1", 17},  {"local2", 18},
    {"local3", 19},  {"local4", 20},  {"local5", 21},  {"local6", 22},  {"local7", 23},
}};

// RFC 5424 header fields: 1*N PRINTUSASCII, NILVALUE when empty.
std::string header_field(std::string_view v, std::size_t max)
{
    std::string out;
    for (const char c : v.substr(0, max)) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u >= 33 && u <= 126 ? c : '_');
    }
    return out.empty() ? "-" : out;
}

}  // namespace

SyslogFormatter::SyslogFormatter(int facility, std::string_view hostname, int pid, std::string_view app,
                                 Style style)
    : facility_(facility),
      hostname_(header_field(hostname, 255)),
      // RFC 3164's TAG is at most 32 alphanumeric characters; journald reads up to '['.
      app_(header_field(app, style == Style::rfc3164 ? 32 : 48)),
      procid_(std::to_string(pid)),
      style_(style)
{
}

std::optional<int> SyslogFormatter::parse_facility(std::string_view name)
{
    for (const auto& f : facilities)
        if (f.name == name)
            return f.code;
    return std::nullopt;
}

std::string_view SyslogFormatter::facility_names()
{
    return "kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, local0 .. local7";
}

int SyslogFormatter::severity_code(rules::Severity s)
{
    switch (s) {
    case rules::Severity::critical:
        return 2;
    case rules::Severity::high:
        return 3;
    case rules::Severity::medium:
        return 4;
    case rules::Severity::low:
        return 5;
    default:
        return 6;
    }
}

void SyslogFormatter::escape_sd_value(std::string_view v, std::string& out)
{
    for (const char c : v) {
        if (c == '"' || c == '\\' || c == ']')
            out.push_back('\\');
        out.push_back(c);
    }
}

std::string SyslogFormatter::timestamp(int64_t time_ns)
{
    if (time_ns <= 0)
        return "-";
    const time_t secs = static_cast<time_t>(time_ns / 1000000000);
    const long usec = static_cast<long>((time_ns % 1000000000) / 1000);
    struct tm tm {};
    if (!gmtime_r(&secs, &tm))
        return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
    return buf;
}

std::string SyslogFormatter::timestamp_3164(int64_t time_ns)
{
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (time_ns <= 0)
        return "-";
    const time_t secs = static_cast<time_t>(time_ns / 1000000000);
    struct tm tm {};
    if (!localtime_r(&secs, &tm) || tm.tm_mon < 0 || tm.tm_mon > 11)
        return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s %2d %02d:%02d:%02d", kMonths[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buf;
}

std::string SyslogFormatter::header(const alert::Serialized& a, std::size_t truncated_from) const
{
    std::string h;
    h.reserve(160);
    h += '<';
    h += std::to_string(facility_ * 8 + severity_code(a.severity));
    if (style_ == Style::rfc3164) {
        // No structured data: a cut JSON line is announced in front of it instead.
        h += '>';
        h += timestamp_3164(a.time_ns);
        h += ' ';
        h += app_;
        h += '[';
        h += procid_;
        h += "]:";
        if (truncated_from > 0)
            h += " truncated=" + std::to_string(truncated_from);
        return h;
    }
    h += ">1 ";
    h += timestamp(a.time_ns);
    h += ' ';
    h += hostname_;
    h += ' ';
    h += app_;
    h += ' ';
    h += procid_;
    h += " ALERT [";
    h += sd_id;
    h += " id=\"";
    escape_sd_value(a.id, h);
    h += "\" severity=\"";
    escape_sd_value(rules::to_string(a.severity), h);
    h += '"';
    if (truncated_from > 0) {
        h += " truncated=\"";
        h += std::to_string(truncated_from);
        h += '"';
    }
    h += ']';
    return h;
}

std::string SyslogFormatter::format(const alert::Serialized& a, std::size_t max_bytes) const
{
    std::string msg = header(a, 0);
    if (max_bytes == 0 || msg.size() + 1 + a.json.size() <= max_bytes) {
        msg += ' ';
        msg += a.json;
        return msg;
    }
    msg = header(a, a.json.size());
    if (msg.size() + 1 >= max_bytes)
        return msg;  // the limit leaves no room for any JSON at all
    std::size_t cut = max_bytes - msg.size() - 1;
    // Never end inside a UTF-8 sequence: back up to the start of the
    // character that would be split (continuation bytes are 10xxxxxx).
    while (cut > 0 && (static_cast<unsigned char>(a.json[cut]) & 0xC0) == 0x80)
        --cut;
    msg += ' ';
    msg.append(a.json, 0, cut);
    return msg;
}

}  // namespace procsentry::sinks
