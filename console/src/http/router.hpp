// SPDX-License-Identifier: GPL-2.0
// Method + path pattern routing.  Patterns are literal segments and captures ("{id}"); a
// capture matches one non-empty segment.  A path that matches some pattern but not with this
// method is a 405, not a 404.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"

namespace procsentry::console::http {

using Handler = std::function<void(Request&, Reply)>;

class Router {
public:
    void add(std::string method, const std::string& pattern, Handler handler);

    enum class Match { found, no_path, wrong_method };
    struct Result {
        Match match = Match::no_path;
        const Handler* handler = nullptr;
        std::vector<std::string> allowed;  // methods for the path (405)
    };
    // On found, fills req.params with the captures.
    Result route(Request& req) const;

    static std::vector<std::string> split(const std::string& path);

private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;  // "{name}" is a capture
        Handler handler;
    };
    std::vector<Route> routes_;
};

}  // namespace procsentry::console::http
