// SPDX-License-Identifier: GPL-2.0
// Base64 without padding: the standard alphabet (PHC hash strings) and the URL-safe one
// (tokens, which travel in headers and cookies).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace procsentry::console::auth {

class Base64 {
public:
    static std::string encode(std::string_view bytes, bool url_safe);
    // Unpadded standard alphabet; nullopt on any other character or an impossible length.
    static std::optional<std::string> decode(std::string_view text);
};

}  // namespace procsentry::console::auth
