// SPDX-License-Identifier: GPL-2.0
// The error answer of docs/api.md: {"error": {"code", "message", "details"}}.  Handlers throw
// it; Api turns it into the response.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <json/value.h>

#include "http/response.hpp"

namespace procsentry::console::api {

class ApiError : public std::runtime_error {
public:
    ApiError(int status, std::string code, const std::string& message, Json::Value details = Json::arrayValue)
        : std::runtime_error(message), status_(status), code_(std::move(code)), details_(std::move(details))
    {
    }

    // 400 naming the field at fault.
    static ApiError bad_field(const std::string& field, const std::string& message);
    static ApiError bad_request(const std::string& message);
    static ApiError unauthenticated(const std::string& message = "authentication required");
    static ApiError forbidden(const std::string& message);
    static ApiError not_found(const std::string& message = "no such object");
    static ApiError conflict(const std::string& message);

    int status() const { return status_; }
    const std::string& code() const { return code_; }
    const Json::Value& details() const { return details_; }
    std::vector<std::pair<std::string, std::string>> headers;

    http::Response response() const;

private:
    int status_;
    std::string code_;
    Json::Value details_;
};

}  // namespace procsentry::console::api
