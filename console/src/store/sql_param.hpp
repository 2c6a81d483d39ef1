// SPDX-License-Identifier: GPL-2.0
// A bound parameter of a statement built at run time (the incident list): either back end binds
// these by position, so no value is ever spliced into SQL text.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace procsentry::console::store {

using SqlParam = std::variant<int64_t, std::string>;
using SqlParams = std::vector<SqlParam>;

}  // namespace procsentry::console::store
