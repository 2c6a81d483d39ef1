// SPDX-License-Identifier: GPL-2.0
#include "api/query_reader.hpp"

#include <charconv>
#include <set>

#include "api/api_error.hpp"
#include "api/body_reader.hpp"

namespace procsentry::console::api {
namespace {

std::string printable_name(const std::string& name)
{
    // The name is echoed in the error: raw URL bytes (%FF) would make the answer invalid UTF-8.
    std::string out;
    for (unsigned char c : name.substr(0, 64))
        out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
    return out;
}

}  // namespace

QueryReader::QueryReader(const http::Request& req, std::initializer_list<const char*> allowed) : req_(req)
{
    std::set<std::string> ok;
    for (const char* a : allowed)
        ok.insert(a);
    if (req.query.size() > 200)
        throw ApiError::bad_request("too many query parameters");
    for (const auto& [k, v] : req.query)
        if (!ok.count(k))
            throw ApiError::bad_field(printable_name(k), "unknown query parameter");
}

std::optional<int64_t> QueryReader::parse_int(const std::string& s)
{
    int64_t v = 0;
    if (s.empty() || s.size() > 20)
        return std::nullopt;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

int64_t QueryReader::integer(const char* name, int64_t min, int64_t max, int64_t fallback) const
{
    auto s = req_.query_one(name);
    if (!s)
        return fallback;
    auto v = parse_int(*s);
    if (!v || *v < min || *v > max)
        throw ApiError::bad_field(name, "must be an integer between " + std::to_string(min) + " and " +
                                            std::to_string(max));
    return *v;
}

std::optional<std::string> QueryReader::one(const char* name, std::size_t max_chars) const
{
    auto s = req_.query_one(name);
    if (s && BodyReader::utf8_length(*s) > max_chars)
        throw ApiError::bad_field(name, "is longer than " + std::to_string(max_chars) + " characters");
    return s;
}

std::vector<std::string> QueryReader::all(const char* name) const
{
    auto v = req_.query_all(name);
    if (v.size() > 100)
        throw ApiError::bad_field(name, "has too many values");
    return v;
}

int64_t QueryReader::path_id(const http::Request& req, const char* name)
{
    auto it = req.params.find(name);
    if (it == req.params.end())
        throw ApiError::not_found();
    auto v = parse_int(it->second);
    if (!v || *v < 1)
        throw ApiError::not_found();
    return *v;
}

}  // namespace procsentry::console::api
