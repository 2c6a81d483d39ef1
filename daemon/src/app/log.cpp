// SPDX-License-Identifier: GPL-2.0
#include "app/log.hpp"

#include <string>
#include <unistd.h>

namespace procsentry::app {

void log(LogLevel level, std::string_view msg)
{
    std::string line = "<" + std::to_string(static_cast<int>(level)) + ">";
    line.reserve(line.size() + msg.size() + 1);
    for (const unsigned char c : msg) {
        if (c < 0x20 || c == 0x7f) {
            static const char* hex = "0123456789abcdef";
            line += "\\x";
            line += hex[c >> 4];
            line += hex[c & 15];
        } else {
            line += static_cast<char>(c);
        }
    }
    line += '\n';
    // One write per line so concurrent threads do not interleave within a line.
    (void)!write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace procsentry::app
