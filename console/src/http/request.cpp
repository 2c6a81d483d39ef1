// SPDX-License-Identifier: GPL-2.0
#include "http/request.hpp"

namespace procsentry::console::http {

const std::string* Request::header(std::string_view lower_name) const
{
    for (const auto& [k, v] : headers)
        if (k == lower_name)
            return &v;
    return nullptr;
}

std::vector<std::string> Request::query_all(std::string_view name) const
{
    std::vector<std::string> out;
    for (const auto& [k, v] : query) {
        if (k != name)
            continue;
        std::size_t start = 0;
        while (true) {
            std::size_t comma = v.find(',', start);
            std::string part = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!part.empty())
                out.push_back(std::move(part));
            if (comma == std::string::npos)
                break;
            start = comma + 1;
        }
    }
    return out;
}

std::optional<std::string> Request::query_one(std::string_view name) const
{
    std::optional<std::string> out;
    for (const auto& [k, v] : query)
        if (k == name)
            out = v;
    return out;
}

bool Request::has_query(std::string_view name) const
{
    for (const auto& kv : query)
        if (kv.first == name)
            return true;
    return false;
}

}  // namespace procsentry::console::http
