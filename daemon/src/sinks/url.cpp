// SPDX-License-Identifier: GPL-2.0
#include "sinks/url.hpp"

#include <charconv>
#include <stdexcept>

namespace procsentry::sinks {

namespace {

[[noreturn]] void refuse(std::string_view text, std::string_view why)
{
    // The URL is printed only after the character check passed or with the
    // reason that it did not, so the message itself stays printable.
    throw std::invalid_argument("invalid url \"" + std::string(text) + "\": " + std::string(why));
}

bool printable_ascii(std::string_view s)
{
    for (unsigned char c : s)
        if (c <= 0x20 || c >= 0x7f)
            return false;
    return true;
}

bool lower_starts_with(std::string_view s, std::string_view prefix)
{
    if (s.size() < prefix.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (c != prefix[i])
            return false;
    }
    return true;
}

bool valid_reg_name(std::string_view h)
{
    for (char c : h)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '.' || c == '_'))
            return false;
    return true;
}

bool valid_ipv6_literal(std::string_view h)
{
    if (h.empty())
        return false;
    for (char c : h)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.'))
            return false;
    return h.find(':') != std::string_view::npos;
}

}  // namespace

std::string Url::authority() const
{
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Url parse_url(std::string_view text)
{
    if (text.empty())
        throw std::invalid_argument("invalid url \"\": empty");
    if (!printable_ascii(text))
        throw std::invalid_argument("invalid url: contains whitespace, control or non-ASCII characters");

    Url u;
    std::string_view rest;
    if (lower_starts_with(text, "https://")) {
        u.tls = true;
        u.port = 443;
        rest = text.substr(8);
    } else if (lower_starts_with(text, "http://")) {
        u.port = 80;
        rest = text.substr(7);
    } else {
        refuse(text, "scheme must be http:// or https://");
    }
    if (text.find('#') != std::string_view::npos)
        refuse(text, "fragments (#) are not allowed");

    const std::size_t end = rest.find_first_of("/?");
    const std::string_view auth = rest.substr(0, end);
    std::string target = end == std::string_view::npos ? "/" : std::string(rest.substr(end));
    if (target[0] == '?')
        target.insert(0, "/");
    u.target = std::move(target);

    if (auth.find('@') != std::string_view::npos)
        refuse(text, "user information (user:password@) is not allowed; use token_file");
    if (auth.empty())
        refuse(text, "no host");

    std::string_view host;
    std::string_view port;
    if (auth[0] == '[') {
        const std::size_t close = auth.find(']');
        if (close == std::string_view::npos)
            refuse(text, "unterminated IPv6 literal");
        host = auth.substr(1, close - 1);
        if (!valid_ipv6_literal(host))
            refuse(text, "bad IPv6 literal");
        const std::string_view after = auth.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':')
                refuse(text, "junk after IPv6 literal");
            port = after.substr(1);
            if (port.empty())
                refuse(text, "empty port");
        }
    } else {
        const std::size_t colon = auth.find(':');
        host = auth.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = auth.substr(colon + 1);
            if (port.empty())
                refuse(text, "empty port");
        }
        if (host.empty())
            refuse(text, "no host");
        if (!valid_reg_name(host))
            refuse(text, "bad host name (an IPv6 address needs brackets)");
    }
    if (!port.empty()) {
        unsigned value = 0;
        const auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || p != port.data() + port.size() || value == 0 || value > 65535)
            refuse(text, "port must be a number from 1 to 65535");
        u.port = static_cast<uint16_t>(value);
    }
    u.host = std::string(host);
    return u;
}

}  // namespace procsentry::sinks
