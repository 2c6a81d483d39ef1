// SPDX-License-Identifier: GPL-2.0
// Strict query parameters: unknown names and malformed values are 400 errors naming the
// parameter.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "http/request.hpp"

namespace procsentry::console::api {

class QueryReader {
public:
    QueryReader(const http::Request& req, std::initializer_list<const char*> allowed);

    int64_t integer(const char* name, int64_t min, int64_t max, int64_t fallback) const;
    std::optional<std::string> one(const char* name, std::size_t max_chars) const;
    std::vector<std::string> all(const char* name) const;  // repeated or comma-separated
    static std::optional<int64_t> parse_int(const std::string& s);
    // An id from a path segment; 404 when it is not a positive integer.
    static int64_t path_id(const http::Request& req, const char* name = "id");

private:
    const http::Request& req_;
};

}  // namespace procsentry::console::api
