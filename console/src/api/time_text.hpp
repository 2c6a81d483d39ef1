// SPDX-License-Identifier: GPL-2.0
// RFC 3339 UTC times with nanoseconds, both ways.  Parsing accepts any offset and 0..9 fraction
// digits, and refuses what it cannot represent (years outside 1677..2262).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace procsentry::console::api {

class TimeText {
public:
    static std::string format(int64_t ns);
    static std::optional<int64_t> parse(std::string_view text);
    static int64_t now_ns();
};

}  // namespace procsentry::console::api
