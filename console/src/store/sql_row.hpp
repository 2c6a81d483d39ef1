// SPDX-License-Identifier: GPL-2.0
// One result row as the shared SQL code reads it, whichever back end produced it (0-based
// columns; NULL reads as 0 or "").
#pragma once

#include <cstdint>
#include <string>

namespace procsentry::console::store {

class SqlRow {
public:
    virtual ~SqlRow() = default;
    virtual int64_t col_int(int i) const = 0;
    virtual std::string col_text(int i) const = 0;
};

}  // namespace procsentry::console::store
