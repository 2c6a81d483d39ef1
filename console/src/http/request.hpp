// SPDX-License-Identifier: GPL-2.0
// A parsed HTTP request as the API layer sees it: no Beast types, so that only http/ pays for
// Beast's compile time.  Header names are lower case; the path is percent-decoded.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace procsentry::console::http {

struct Request {
    std::string method;                                         // "GET", "POST", ...
    std::string target;                                         // as received
    std::string path;                                           // decoded, without the query
    std::vector<std::pair<std::string, std::string>> query;     // decoded, in order
    std::vector<std::pair<std::string, std::string>> headers;   // names lower case
    std::map<std::string, std::string> params;                  // router captures ({id})
    std::string body;
    std::string remote;                                         // client address
    bool tls = false;

    const std::string* header(std::string_view lower_name) const;
    // Every value of a query parameter; comma-separated values are split.
    std::vector<std::string> query_all(std::string_view name) const;
    std::optional<std::string> query_one(std::string_view name) const;
    bool has_query(std::string_view name) const;
};

}  // namespace procsentry::console::http
