// SPDX-License-Identifier: GPL-2.0
// The SQLite schema as an ordered list of migrations: entry i takes the database from version i
// to i + 1.  Append only; never edit a released step.
#pragma once

#include <string>
#include <vector>

namespace procsentry::console::store {

class SqliteSchema {
public:
    static const std::vector<std::string>& migrations();
    static int current_version() { return static_cast<int>(migrations().size()); }
};

}  // namespace procsentry::console::store
