// SPDX-License-Identifier: GPL-2.0
#include "api/alert_extractor.hpp"

#include "api/json_text.hpp"
#include "api/time_text.hpp"

namespace procsentry::console::api {
namespace {

bool fail(std::string* error, const char* why)
{
    if (error)
        *error = why;
    return false;
}

// A string member, or "" when absent or null; false when present with another type.
bool opt_string(const Json::Value& obj, const char* key, std::string& out)
{
    if (!obj.isObject() || !obj.isMember(key) || obj[key].isNull()) {
        out.clear();
        return true;
    }
    if (!obj[key].isString())
        return false;
    out = AlertExtractor::truncate_utf8(obj[key].asString(), AlertExtractor::kMaxFieldBytes);
    return true;
}

}  // namespace

std::optional<int> AlertExtractor::severity_rank(std::string_view name)
{
    static const char* kNames[] = {"info", "low", "medium", "high", "critical"};
    for (int i = 0; i < 5; ++i)
        if (name == kNames[i])
            return i;
    return std::nullopt;
}

const char* AlertExtractor::severity_name(int rank)
{
    static const char* kNames[] = {"info", "low", "medium", "high", "critical"};
    return rank >= 0 && rank < 5 ? kNames[rank] : "info";
}

std::string AlertExtractor::truncate_utf8(std::string s, std::size_t max)
{
    if (s.size() <= max)
        return s;
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80)
        --cut;
    s.resize(cut);
    return s;
}

std::optional<store::IncidentRow> AlertExtractor::extract(std::string_view line, int64_t host_id,
                                                          const std::string& host_name, store::TimeNs received,
                                                          std::string* error)
{
    if (line.size() > kMaxLineBytes) {
        fail(error, "alert line over 64 KiB");
        return std::nullopt;
    }
    std::string perr;
    auto parsed = JsonText::parse(line, &perr);
    if (!parsed) {
        fail(error, "not JSON");
        return std::nullopt;
    }
    const Json::Value& a = *parsed;
    if (!a.isObject() || !a["schema"].isString() || a["schema"].asString() != "procsentry.alert/1") {
        fail(error, "schema is not procsentry.alert/1");
        return std::nullopt;
    }
    store::IncidentRow row;
    row.host_id = host_id;
    row.host_name = host_name;
    row.received = received;
    if (!a["id"].isString() || a["id"].asString().empty() || a["id"].asString().size() > 128) {
        fail(error, "id missing or not a string of 1..128 bytes");
        return std::nullopt;
    }
    row.alert_id = a["id"].asString();
    if (!a["time"].isString()) {
        fail(error, "time missing");
        return std::nullopt;
    }
    auto t = TimeText::parse(a["time"].asString());
    if (!t) {
        fail(error, "time is not RFC 3339");
        return std::nullopt;
    }
    row.time = *t;
    if (!a["kind"].isString()) {
        fail(error, "kind missing");
        return std::nullopt;
    }
    row.kind = a["kind"].asString();
    if (row.kind != "rule" && row.kind != "sensor" && row.kind != "summary") {
        fail(error, "kind is not rule, sensor or summary");
        return std::nullopt;
    }
    auto sev = a["severity"].isString() ? severity_rank(a["severity"].asString()) : std::nullopt;
    if (!sev) {
        fail(error, "severity missing or unknown");
        return std::nullopt;
    }
    row.severity = *sev;
    if (!a["summary"].isString()) {
        fail(error, "summary missing");
        return std::nullopt;
    }
    row.summary = truncate_utf8(a["summary"].asString(), kMaxFieldBytes);

    const Json::Value& rule = a["rule"];
    if (!rule.isNull()) {
        if (!rule.isObject() || !opt_string(rule, "name", row.rule_name) || !opt_string(rule, "type", row.rule_type)) {
            fail(error, "rule is not an object of strings");
            return std::nullopt;
        }
    }
    if (!opt_string(a, "outcome", row.outcome) ||
        (!row.outcome.empty() && row.outcome != "success" && row.outcome != "failure")) {
        fail(error, "outcome is not success, failure or null");
        return std::nullopt;
    }
    const Json::Value& p = a["process"];
    if (!p.isNull()) {
        if (!p.isObject() || !opt_string(p, "exe", row.exe)) {
            fail(error, "process is not an object or process.exe not a string");
            return std::nullopt;
        }
        const Json::Value& args = p["args"];
        if (args.isArray()) {
            std::string cmd;
            for (const auto& arg : args) {
                if (!arg.isString())
                    continue;
                if (!cmd.empty())
                    cmd += ' ';
                cmd += arg.asString();
                if (cmd.size() > kMaxCommandBytes)
                    break;
            }
            row.command = truncate_utf8(std::move(cmd), kMaxCommandBytes);
        } else if (!args.isNull()) {
            fail(error, "process.args is not an array");
            return std::nullopt;
        }
        if (p["user"].isString())
            row.user = truncate_utf8(p["user"].asString(), 256);
        else if (p["uid"].isUInt64())
            row.user = std::to_string(p["uid"].asUInt64());
    }
    row.raw_json = std::string(line);
    return row;
}

}  // namespace procsentry::console::api
