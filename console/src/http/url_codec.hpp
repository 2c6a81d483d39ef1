// SPDX-License-Identifier: GPL-2.0
// Percent-decoding of request targets.  Refuses what would let a path mean two things: an
// encoded '/' or NUL, malformed escapes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace procsentry::console::http {

class UrlCodec {
public:
    // Decodes a path (no '+' rule); nullopt on a bad escape, an encoded '/' or any NUL.
    static std::optional<std::string> decode_path(std::string_view raw);
    // Decodes a query component ('+' is a space); nullopt on a bad escape or NUL.
    static std::optional<std::string> decode_component(std::string_view raw);
    // Splits "a=1&b=2"; nullopt when a component does not decode.
    static std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view raw);
};

}  // namespace procsentry::console::http
