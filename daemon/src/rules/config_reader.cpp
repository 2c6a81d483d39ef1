// SPDX-License-Identifier: GPL-2.0
#include "rules/config_reader.hpp"

#include <algorithm>

namespace procsentry::rules {

namespace {

std::string severity_list(bool allow_none)
{
    std::string s;
    for (auto v = allow_none ? Severity::none : Severity::info;; v = static_cast<Severity>(static_cast<int>(v) + 1)) {
        if (!s.empty())
            s += ", ";
        s += to_string(v);
        if (v == Severity::critical)
            break;
    }
    return s;
}

}  // namespace

std::string ConfigReader::member_path(const std::string& path, std::string_view key)
{
    const std::string k = ConfigErrors::render_key(key);
    return path.empty() ? k : path + "." + k;
}

std::string ConfigReader::element_path(const std::string& path, std::size_t index)
{
    return path + "[" + std::to_string(index) + "]";
}

bool ConfigReader::object(const Json::Value& v, const std::string& path,
                          std::initializer_list<std::string_view> allowed)
{
    if (!v.isObject()) {
        errors_.add(path, v, "must be an object");
        return false;
    }
    for (const auto& name : v.getMemberNames()) {
        if (std::find(allowed.begin(), allowed.end(), name) != allowed.end())
            continue;
        std::string known;
        for (const auto& a : allowed)
            known += (known.empty() ? "" : ", ") + std::string(a);
        errors_.add(member_path(path, name), v[name], "unknown key (known here: " + known + ")");
    }
    return true;
}

const Json::Value* ConfigReader::member(const Json::Value& obj, const std::string& path, std::string_view key,
                                        bool required)
{
    const Json::Value* v = obj.isObject() ? obj.find(key.data(), key.data() + key.size()) : nullptr;
    if (!v && required)
        errors_.add(member_path(path, key), "missing (required)");
    return v;
}

bool ConfigReader::get(const Json::Value& obj, const std::string& path, std::string_view key, uint64_t min,
                       uint64_t max, uint64_t& out, bool required)
{
    const Json::Value* v = member(obj, path, key, required);
    if (!v)
        return false;
    const std::string p = member_path(path, key);
    // Only integer literals: jsoncpp would also accept 8.0 or 1e3.
    const bool integer = v->type() == Json::intValue || v->type() == Json::uintValue;
    if (!integer || (v->type() == Json::intValue && v->asInt64() < 0) ||
        v->asUInt64() < min || v->asUInt64() > max) {
        errors_.add(p, *v,
                    (integer ? "out of range: " : "must be an integer: ") + std::string("between ") +
                        std::to_string(min) + " and " + std::to_string(max));
        return false;
    }
    out = v->asUInt64();
    return true;
}

bool ConfigReader::get(const Json::Value& obj, const std::string& path, std::string_view key, uint32_t min,
                       uint32_t max, uint32_t& out, bool required)
{
    uint64_t wide = out;
    if (!get(obj, path, key, uint64_t{min}, uint64_t{max}, wide, required))
        return false;
    out = static_cast<uint32_t>(wide);
    return true;
}

bool ConfigReader::get(const Json::Value& obj, const std::string& path, std::string_view key, bool& out,
                       bool required)
{
    const Json::Value* v = member(obj, path, key, required);
    if (!v)
        return false;
    if (!v->isBool()) {
        errors_.add(member_path(path, key), *v, "must be true or false");
        return false;
    }
    out = v->asBool();
    return true;
}

bool ConfigReader::string_value(const Json::Value& v, const std::string& path, std::string& out)
{
    if (!v.isString()) {
        errors_.add(path, v, "must be a string");
        return false;
    }
    const char* b = nullptr;
    const char* e = nullptr;
    v.getString(&b, &e);
    std::string s(b, static_cast<std::size_t>(e - b));
    if (s.find('\0') != std::string::npos) {
        errors_.add(path, v, "must not contain a NUL byte (\\u0000)");
        return false;
    }
    out = std::move(s);
    return true;
}

bool ConfigReader::get(const Json::Value& obj, const std::string& path, std::string_view key, std::string& out,
                       bool required)
{
    const Json::Value* v = member(obj, path, key, required);
    return v && string_value(*v, member_path(path, key), out);
}

bool ConfigReader::get_severity(const Json::Value& obj, const std::string& path, std::string_view key,
                                Severity& out, bool allow_none, bool required)
{
    const Json::Value* v = member(obj, path, key, required);
    std::string s;
    if (!v || !string_value(*v, member_path(path, key), s))
        return false;
    const auto sev = parse_severity(s);
    if (!sev || (!allow_none && *sev == Severity::none)) {
        errors_.add(member_path(path, key), *v, "unknown severity (one of " + severity_list(allow_none) + ")");
        return false;
    }
    out = *sev;
    return true;
}

bool ConfigReader::get_list(const Json::Value& obj, const std::string& path, std::string_view key,
                            std::vector<std::string>& out, const ElementCheck& check)
{
    const Json::Value* v = member(obj, path, key, false);
    if (!v)
        return false;
    const std::string p = member_path(path, key);
    if (!v->isArray()) {
        errors_.add(p, *v, "must be an array of strings");
        return false;
    }
    bool ok = true;
    std::vector<std::string> list;
    for (Json::ArrayIndex i = 0; i < v->size(); i++) {
        const std::string ep = element_path(p, i);
        std::string s;
        if (!string_value((*v)[i], ep, s)) {
            ok = false;
            continue;
        }
        std::string message;
        std::string kept = check(s, message);
        if (!message.empty()) {
            errors_.add(ep, (*v)[i], message);
            ok = false;
            continue;
        }
        list.push_back(std::move(kept));
    }
    if (ok)
        out = std::move(list);
    return ok;
}

}  // namespace procsentry::rules
