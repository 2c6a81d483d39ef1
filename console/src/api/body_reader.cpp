// SPDX-License-Identifier: GPL-2.0
#include "api/body_reader.hpp"

#include <set>

#include "api/api_error.hpp"
#include "api/json_text.hpp"

namespace procsentry::console::api {
namespace {

std::string bounded_key(const std::string& key)
{
    // A hostile key could be a megabyte long; the error shows a bounded, printable prefix.
    std::string out;
    for (unsigned char c : key) {
        if (out.size() >= 64) {
            out += "...";
            break;
        }
        out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
    }
    return out;
}

}  // namespace

Json::Value BodyReader::parse_object(const http::Request& req)
{
    const std::string* ct = req.header("content-type");
    if (!ct || ct->rfind("application/json", 0) != 0)
        throw ApiError(415, "unsupported_media_type", "the body must be application/json");
    std::string err;
    auto v = JsonText::parse(req.body, &err);
    if (!v)
        throw ApiError::bad_request("malformed JSON: " + err);
    if (!v->isObject())
        throw ApiError::bad_field("(body)", "must be a JSON object");
    return *v;
}

BodyReader::BodyReader(const Json::Value& obj, std::string prefix, std::initializer_list<const char*> allowed)
    : obj_(obj), prefix_(std::move(prefix))
{
    if (!obj_.isObject())
        throw ApiError::bad_field(prefix_.empty() ? "(body)" : prefix_, "must be an object");
    std::set<std::string> ok;
    for (const char* k : allowed)
        ok.insert(k);
    for (const auto& name : obj_.getMemberNames())
        if (!ok.count(name))
            throw ApiError::bad_field(field(bounded_key(name).c_str()), "unknown key");
}

std::string BodyReader::field(const char* key) const
{
    return prefix_.empty() ? std::string(key) : prefix_ + "." + key;
}

bool BodyReader::is_integer(const Json::Value& v)
{
    // A number written with a fraction or exponent (3.0, 1e3) is a real for jsoncpp and refused;
    // integers beyond int64 are refused too.
    return (v.type() == Json::intValue || v.type() == Json::uintValue) && v.isInt64();
}

bool BodyReader::has(const char* key) const
{
    return obj_.isMember(key);
}

const Json::Value& BodyReader::raw(const char* key) const
{
    return obj_[key];
}

std::size_t BodyReader::utf8_length(const std::string& s)
{
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xc0) != 0x80)
            ++n;
    return n;
}

std::optional<std::string> BodyReader::string(const char* key, bool required, std::size_t max_chars,
                                              std::size_t min_chars) const
{
    if (!obj_.isMember(key)) {
        if (required)
            throw ApiError::bad_field(field(key), "is required");
        return std::nullopt;
    }
    const Json::Value& v = obj_[key];
    if (!v.isString())
        throw ApiError::bad_field(field(key), "must be a string");
    std::string s = v.asString();
    std::size_t len = utf8_length(s);
    if (len > max_chars)
        throw ApiError::bad_field(field(key), "is longer than " + std::to_string(max_chars) + " characters");
    if (len < min_chars)
        throw ApiError::bad_field(field(key), min_chars == 1 ? "must not be empty"
                                                             : "must have at least " + std::to_string(min_chars) +
                                                                   " characters");
    if (s.find('\0') != std::string::npos)
        throw ApiError::bad_field(field(key), "must not contain NUL");
    return s;
}

std::optional<std::string> BodyReader::nullable_string(const char* key, std::size_t max_chars) const
{
    if (!obj_.isMember(key) || obj_[key].isNull())
        return std::nullopt;
    return string(key, true, max_chars);
}

std::optional<int64_t> BodyReader::integer(const char* key, bool required, int64_t min, int64_t max) const
{
    if (!obj_.isMember(key)) {
        if (required)
            throw ApiError::bad_field(field(key), "is required");
        return std::nullopt;
    }
    const Json::Value& v = obj_[key];
    if (!is_integer(v))
        throw ApiError::bad_field(field(key), "must be an integer");
    int64_t n = v.asInt64();
    if (n < min || n > max)
        throw ApiError::bad_field(field(key),
                                  "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return n;
}

std::optional<int64_t> BodyReader::nullable_integer(const char* key, int64_t min, int64_t max) const
{
    if (!obj_.isMember(key) || obj_[key].isNull())
        return std::nullopt;
    return integer(key, true, min, max);
}

std::optional<bool> BodyReader::boolean(const char* key, bool required) const
{
    if (!obj_.isMember(key)) {
        if (required)
            throw ApiError::bad_field(field(key), "is required");
        return std::nullopt;
    }
    if (!obj_[key].isBool())
        throw ApiError::bad_field(field(key), "must be true or false");
    return obj_[key].asBool();
}

std::optional<std::vector<int64_t>> BodyReader::id_list(const char* key, bool required, std::size_t max_items) const
{
    if (!obj_.isMember(key)) {
        if (required)
            throw ApiError::bad_field(field(key), "is required");
        return std::nullopt;
    }
    const Json::Value& v = obj_[key];
    if (!v.isArray())
        throw ApiError::bad_field(field(key), "must be an array of ids");
    if (v.size() > max_items)
        throw ApiError::bad_field(field(key), "has more than " + std::to_string(max_items) + " ids");
    std::vector<int64_t> out;
    std::set<int64_t> seen;
    for (Json::ArrayIndex i = 0; i < v.size(); ++i) {
        const Json::Value& e = v[i];
        if (!is_integer(e) || e.asInt64() < 1)
            throw ApiError::bad_field(field(key) + "[" + std::to_string(i) + "]", "must be a positive integer id");
        if (seen.insert(e.asInt64()).second)
            out.push_back(e.asInt64());
    }
    return out;
}

const Json::Value* BodyReader::object(const char* key, bool required) const
{
    if (!obj_.isMember(key)) {
        if (required)
            throw ApiError::bad_field(field(key), "is required");
        return nullptr;
    }
    if (!obj_[key].isObject())
        throw ApiError::bad_field(field(key), "must be an object");
    return &obj_[key];
}

}  // namespace procsentry::console::api
