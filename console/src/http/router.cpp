// SPDX-License-Identifier: GPL-2.0
#include "http/router.hpp"

#include <map>
#include <stdexcept>

namespace procsentry::console::http {

std::vector<std::string> Router::split(const std::string& path)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    if (!path.empty() && path[0] == '/')
        start = 1;
    while (start <= path.size()) {
        std::size_t slash = path.find('/', start);
        out.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
    return out;
}

void Router::add(std::string method, const std::string& pattern, Handler handler)
{
    if (pattern.empty() || pattern[0] != '/')
        throw std::invalid_argument("route pattern must start with '/': " + pattern);
    routes_.push_back(Route{std::move(method), split(pattern), std::move(handler)});
}

Router::Result Router::route(Request& req) const
{
    // The most literal match wins, so that "/incidents/wait" beats "/incidents/{id}" whatever
    // the order of registration.
    Result result;
    const std::vector<std::string> segs = split(req.path);
    int best_literals = -1;
    std::map<std::string, std::string> best_caps;
    for (const Route& r : routes_) {
        if (r.segments.size() != segs.size())
            continue;
        std::map<std::string, std::string> caps;
        int literals = 0;
        bool ok = true;
        for (std::size_t i = 0; i < segs.size() && ok; ++i) {
            const std::string& p = r.segments[i];
            if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
                if (segs[i].empty())
                    ok = false;
                else
                    caps[p.substr(1, p.size() - 2)] = segs[i];
            } else if (p != segs[i]) {
                ok = false;
            } else {
                ++literals;
            }
        }
        if (!ok)
            continue;
        if (r.method != req.method) {
            result.allowed.push_back(r.method);
            continue;
        }
        if (literals > best_literals) {
            best_literals = literals;
            result.handler = &r.handler;
            best_caps = std::move(caps);
        }
    }
    if (result.handler) {
        result.match = Match::found;
        req.params = std::move(best_caps);
    } else if (!result.allowed.empty()) {
        result.match = Match::wrong_method;
    }
    return result;
}

}  // namespace procsentry::console::http
