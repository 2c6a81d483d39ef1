// SPDX-License-Identifier: GPL-2.0
#include "http/url_codec.hpp"

namespace procsentry::console::http {
namespace {

int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::optional<std::string> decode(std::string_view raw, bool plus_is_space, bool allow_slash)
{
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '%') {
            if (i + 2 >= raw.size())
                return std::nullopt;
            int h = hex(raw[i + 1]);
            int l = hex(raw[i + 2]);
            if (h < 0 || l < 0)
                return std::nullopt;
            char d = static_cast<char>(h * 16 + l);
            if (d == '\0' || (d == '/' && !allow_slash))
                return std::nullopt;
            out += d;
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else if (c == '\0') {
            return std::nullopt;
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

std::optional<std::string> UrlCodec::decode_path(std::string_view raw)
{
    return decode(raw, false, false);
}

std::optional<std::string> UrlCodec::decode_component(std::string_view raw)
{
    return decode(raw, true, true);
}

std::optional<std::vector<std::pair<std::string, std::string>>> UrlCodec::parse_query(std::string_view raw)
{
    std::vector<std::pair<std::string, std::string>> out;
    std::size_t start = 0;
    while (start <= raw.size()) {
        std::size_t amp = raw.find('&', start);
        std::string_view part = raw.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
        if (!part.empty()) {
            std::size_t eq = part.find('=');
            auto k = decode_component(part.substr(0, eq));
            auto v = decode_component(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1));
            if (!k || !v)
                return std::nullopt;
            out.emplace_back(std::move(*k), std::move(*v));
        }
        if (amp == std::string_view::npos)
            break;
        start = amp + 1;
    }
    return out;
}

}  // namespace procsentry::console::http
