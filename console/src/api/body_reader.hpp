// SPDX-License-Identifier: GPL-2.0
// Strict reading of a JSON request object: unknown keys, wrong types and out-of-range values
// are 400 errors naming the field ("policy.skip", "host_ids[3]").
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <json/value.h>

#include "http/request.hpp"

namespace procsentry::console::api {

class BodyReader {
public:
    // Parses req.body (Content-Type must be JSON: 415 otherwise) into an object.
    static Json::Value parse_object(const http::Request& req);

    // `prefix` is the path of `obj` in the body ("" at the top).
    BodyReader(const Json::Value& obj, std::string prefix, std::initializer_list<const char*> allowed);

    bool has(const char* key) const;
    const Json::Value& raw(const char* key) const;
    std::string field(const char* key) const;

    std::optional<std::string> string(const char* key, bool required, std::size_t max_chars,
                                      std::size_t min_chars = 0) const;
    // A string or null (null and absent give nullopt).
    std::optional<std::string> nullable_string(const char* key, std::size_t max_chars) const;
    std::optional<int64_t> integer(const char* key, bool required, int64_t min, int64_t max) const;
    std::optional<int64_t> nullable_integer(const char* key, int64_t min, int64_t max) const;
    std::optional<bool> boolean(const char* key, bool required) const;
    std::optional<std::vector<int64_t>> id_list(const char* key, bool required, std::size_t max_items) const;
    // An object member, checked for type only.
    const Json::Value* object(const char* key, bool required) const;

    static std::size_t utf8_length(const std::string& s);
    static bool is_integer(const Json::Value& v);

private:
    const Json::Value& obj_;
    std::string prefix_;
};

}  // namespace procsentry::console::api
