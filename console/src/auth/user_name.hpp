// SPDX-License-Identifier: GPL-2.0
// Operator names: 1 to 64 of a-z 0-9 . _ -, so a name is safe in logs, audit targets and the
// UI, and the API and the admin command accept exactly the same names.
#pragma once

#include <string>

namespace procsentry::console::auth {

class UserName {
public:
    static bool valid(const std::string& name);
};

}  // namespace procsentry::console::auth
