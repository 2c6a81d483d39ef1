// SPDX-License-Identifier: GPL-2.0
// A response as handlers build it (no Beast types).  The server adds the security headers
// every answer carries.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace procsentry::console::http {

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    static Response json(int status, std::string body);
    static Response empty(int status);  // 204 and friends: no body, no content type
    static Response text(int status, std::string body);
};

// A handler answers through Reply exactly once, now or later (long polls); Reply may be called
// from any thread.
using Reply = std::function<void(Response)>;

}  // namespace procsentry::console::http
