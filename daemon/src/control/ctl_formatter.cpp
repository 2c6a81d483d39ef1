// SPDX-License-Identifier: GPL-2.0
#include "control/ctl_formatter.hpp"

#include <json/reader.h>
#include <json/writer.h>

#include <cstdio>
#include <memory>

namespace procsentry::control {

namespace {

std::string scalar(const Json::Value& v)
{
    switch (v.type()) {
    case Json::nullValue:
        return "-";
    case Json::booleanValue:
        return v.asBool() ? "yes" : "no";
    case Json::intValue:
        return std::to_string(v.asLargestInt());
    case Json::uintValue:
        return std::to_string(v.asLargestUInt());
    case Json::realValue: {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "%.6g", v.asDouble());
        return buf;
    }
    case Json::stringValue:
        return CtlFormatter::printable(v.asString());
    default:
        return "";
    }
}

bool is_scalar(const Json::Value& v)
{
    return !v.isObject() && !v.isArray();
}

bool all_scalars(const Json::Value& v)
{
    for (const auto& e : v)
        if (!is_scalar(e))
            return false;
    return true;
}

void emit(const Json::Value& v, int depth, std::string& out);

void emit_member(const std::string& label, const Json::Value& v, int depth, std::string& out)
{
    out.append(static_cast<std::size_t>(depth) * 2, ' ');
    out += label;
    out += ':';
    if (is_scalar(v)) {
        out += ' ';
        out += scalar(v);
        out += '\n';
    } else if (v.empty()) {
        out += v.isArray() ? " []\n" : " {}\n";
    } else if (v.isArray() && all_scalars(v)) {
        out += ' ';
        bool first = true;
        for (const auto& e : v) {
            if (!first)
                out += ", ";
            out += scalar(e);
            first = false;
        }
        out += '\n';
    } else {
        out += '\n';
        emit(v, depth + 1, out);
    }
}

void emit(const Json::Value& v, int depth, std::string& out)
{
    if (v.isObject()) {
        // getMemberNames() is sorted: the output order is stable.
        for (const auto& name : v.getMemberNames())
            emit_member(CtlFormatter::printable(name), v[name], depth, out);
    } else if (v.isArray()) {
        for (Json::ArrayIndex i = 0; i < v.size(); ++i)
            emit_member("[" + std::to_string(i) + "]", v[i], depth, out);
    } else {
        out.append(static_cast<std::size_t>(depth) * 2, ' ');
        out += scalar(v);
        out += '\n';
    }
}

}  // namespace

std::string CtlFormatter::printable(std::string_view s)
{
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            out += "\\x";
            out += kHex[u >> 4];
            out += kHex[u & 15];
        } else {
            out += c;
        }
    }
    return out;
}

std::string CtlFormatter::tree(const Json::Value& v)
{
    std::string out;
    emit(v, 0, out);
    return out;
}

CtlFormatter::Reply CtlFormatter::parse_reply(const std::string& line)
{
    Reply r;
    Json::CharReaderBuilder rb;
    const std::unique_ptr<Json::CharReader> reader(rb.newCharReader());
    std::string err;
    if (!reader->parse(line.data(), line.data() + line.size(), &r.value, &err) || !r.value.isObject()) {
        r.error = "unreadable reply from procsentryd: " + printable(line.substr(0, 200));
        return r;
    }
    r.parsed = true;
    const Json::Value& ok = r.value["ok"];
    r.ok = ok.isBool() && ok.asBool();
    if (!r.ok) {
        const Json::Value& e = r.value["error"];
        r.error = e.isString() ? printable(e.asString()) : "procsentryd reported a failure without a reason";
    } else if (r.value["message"].isString()) {
        r.message = printable(r.value["message"].asString());
    }
    return r;
}

bool CtlFormatter::is_drop_notice(const Json::Value& v, uint64_t& dropped)
{
    if (!v.isObject() || v.size() != 1 || !v["dropped"].isIntegral())
        return false;
    dropped = v["dropped"].asLargestUInt();
    return true;
}

}  // namespace procsentry::control
