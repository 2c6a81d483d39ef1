// SPDX-License-Identifier: GPL-2.0
// The collector URL of an http sink, parsed strictly: the URL comes from the
// configuration file, and whatever we accept ends up in a Host header and in
// error messages, so anything ambiguous is refused rather than guessed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace procsentry::sinks {

struct Url {
    bool tls = false;      // https
    std::string host;      // name, IPv4 literal, or IPv6 literal without brackets
    uint16_t port = 0;     // explicit or the scheme's default
    std::string target;    // path + query, at least "/"

    // "host:port", with brackets around an IPv6 literal: for the Host header
    // and for error messages.
    std::string authority() const;
};

// Throws std::invalid_argument naming the URL and what is wrong with it.
// Refused: schemes other than http/https, userinfo ("user:pw@": secrets
// belong in token_file, not in a URL that is logged), fragments, empty host,
// bad or zero ports, whitespace, control and non-ASCII characters.
Url parse_url(std::string_view text);

}  // namespace procsentry::sinks
