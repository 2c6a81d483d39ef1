// SPDX-License-Identifier: GPL-2.0
#include "auth/roles.hpp"

namespace procsentry::console::auth {

std::string Roles::name(store::Role role)
{
    switch (role) {
    case store::Role::viewer:
        return "viewer";
    case store::Role::operator_:
        return "operator";
    case store::Role::admin:
        return "admin";
    }
    return "viewer";
}

std::optional<store::Role> Roles::parse(std::string_view name)
{
    if (name == "viewer")
        return store::Role::viewer;
    if (name == "operator")
        return store::Role::operator_;
    if (name == "admin")
        return store::Role::admin;
    return std::nullopt;
}

bool Roles::at_least(store::Role have, store::Role need)
{
    return static_cast<int>(have) >= static_cast<int>(need);
}

}  // namespace procsentry::console::auth
