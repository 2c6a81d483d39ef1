// SPDX-License-Identifier: GPL-2.0
// Operator roles: viewer < operator < admin.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace procsentry::console::auth {

class Roles {
public:
    static std::string name(store::Role role);
    static std::optional<store::Role> parse(std::string_view name);
    static bool at_least(store::Role have, store::Role need);
};

}  // namespace procsentry::console::auth
