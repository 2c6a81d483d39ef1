// SPDX-License-Identifier: GPL-2.0
#include "http/response.hpp"

namespace procsentry::console::http {

Response Response::json(int status, std::string body)
{
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

Response Response::empty(int status)
{
    Response r;
    r.status = status;
    r.content_type.clear();
    return r;
}

Response Response::text(int status, std::string body)
{
    Response r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body = std::move(body);
    return r;
}

}  // namespace procsentry::console::http
