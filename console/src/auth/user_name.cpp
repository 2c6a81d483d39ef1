// SPDX-License-Identifier: GPL-2.0
#include "auth/user_name.hpp"

namespace procsentry::console::auth {

bool UserName::valid(const std::string& s)
{
    if (s.empty() || s.size() > 64)
        return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return false;
    return true;
}

}  // namespace procsentry::console::auth
