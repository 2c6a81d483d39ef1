// SPDX-License-Identifier: GPL-2.0
#include "app/log.hpp"

#include <cstdio>
#include <mutex>
#include <string>

namespace procsentry::console::app {

void log(LogLevel level, std::string_view msg)
{
    // One write per line so that lines from several threads do not interleave; control bytes
    // are escaped so that a hostile name cannot forge a second log line.
    std::string line = "<" + std::to_string(static_cast<int>(level)) + ">";
    for (unsigned char c : msg) {
        if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            line += buf;
        } else {
            line += static_cast<char>(c);
        }
    }
    line += '\n';
    static std::mutex mu;
    std::lock_guard lock(mu);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

}  // namespace procsentry::console::app
