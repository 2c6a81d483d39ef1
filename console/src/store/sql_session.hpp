// SPDX-License-Identifier: GPL-2.0
// A connection held for one store call, as the shared SQL code uses it.  Statements are written
// once with `?` placeholders; the PostgreSQL session numbers them ($1, $2, ...).  A write session
// is one transaction, committed when the store call returns normally.
#pragma once

#include <functional>
#include <string>

#include "store/sql_param.hpp"
#include "store/sql_row.hpp"

namespace procsentry::console::store {

class SqlSession {
public:
    virtual ~SqlSession() = default;
    // Runs a statement; returns the number of rows it changed.
    virtual int64_t exec(const std::string& sql, const SqlParams& params) = 0;
    // Runs a query, calling `each` for every row.
    virtual void query(const std::string& sql, const SqlParams& params,
                       const std::function<void(const SqlRow&)>& each) = 0;
    // The same for SQL built at run time from a filter: a back end that caches statements keeps
    // these in a bounded cache.
    virtual void query_dynamic(const std::string& sql, const SqlParams& params,
                               const std::function<void(const SqlRow&)>& each) {
        query(sql, params, each);
    }
};

}  // namespace procsentry::console::store
