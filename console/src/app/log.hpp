// SPDX-License-Identifier: GPL-2.0
// Logging to stderr with sd-daemon(3) priority prefixes, which journald turns into message
// priorities.  Messages are escaped: log lines carry names that came from the network.
#pragma once

#include <string_view>

namespace procsentry::console::app {

enum class LogLevel { err = 3, warning = 4, notice = 5, info = 6, debug = 7 };

void log(LogLevel level, std::string_view msg);
inline void log_err(std::string_view m) { log(LogLevel::err, m); }
inline void log_warn(std::string_view m) { log(LogLevel::warning, m); }
inline void log_notice(std::string_view m) { log(LogLevel::notice, m); }
inline void log_info(std::string_view m) { log(LogLevel::info, m); }

}  // namespace procsentry::console::app
