// SPDX-License-Identifier: GPL-2.0
#include "api/api_error.hpp"

#include "api/json_text.hpp"

namespace procsentry::console::api {

ApiError ApiError::bad_field(const std::string& field, const std::string& message)
{
    Json::Value details(Json::arrayValue);
    Json::Value d(Json::objectValue);
    d["field"] = field;
    d["message"] = message;
    details.append(d);
    return ApiError(400, "bad_request", field + ": " + message, details);
}

ApiError ApiError::bad_request(const std::string& message)
{
    return ApiError(400, "bad_request", message);
}

ApiError ApiError::unauthenticated(const std::string& message)
{
    return ApiError(401, "unauthenticated", message);
}

ApiError ApiError::forbidden(const std::string& message)
{
    return ApiError(403, "forbidden", message);
}

ApiError ApiError::not_found(const std::string& message)
{
    return ApiError(404, "not_found", message);
}

ApiError ApiError::conflict(const std::string& message)
{
    return ApiError(409, "conflict", message);
}

http::Response ApiError::response() const
{
    Json::Value body(Json::objectValue);
    Json::Value& e = body["error"];
    e["code"] = code_;
    e["message"] = what();
    e["details"] = details_.isArray() ? details_ : Json::Value(Json::arrayValue);
    http::Response r = http::Response::json(status_, JsonText::write(body));
    r.headers = headers;
    return r;
}

}  // namespace procsentry::console::api
