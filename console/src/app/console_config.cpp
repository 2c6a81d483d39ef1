// SPDX-License-Identifier: GPL-2.0
#include "app/console_config.hpp"

namespace procsentry::console::app {

std::string ConsoleConfig::effective_state_dir() const
{
    if (!state_dir.empty())
        return state_dir;
    if (store_type == "sqlite") {
        std::size_t slash = store_path.rfind('/');
        if (slash == std::string::npos)
            return ".";
        return slash == 0 ? "/" : store_path.substr(0, slash);
    }
    return "/var/lib/procsentry-console";
}

}  // namespace procsentry::console::app
