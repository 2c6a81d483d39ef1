// SPDX-License-Identifier: GPL-2.0
// One prepared SQLite statement, kept by its connection's cache and reused: bind by position
// (1-based), step, read columns (0-based).  Errors throw StoreError naming the statement.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/sql_param.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace procsentry::console::store {

class SqliteStmt {
public:
    SqliteStmt(sqlite3* db, const std::string& sql);
    ~SqliteStmt();
    SqliteStmt(const SqliteStmt&) = delete;
    SqliteStmt& operator=(const SqliteStmt&) = delete;

    // Clears bindings and the previous run so a cached statement starts fresh.
    SqliteStmt& reset();
    SqliteStmt& bind(int idx, int64_t v);
    SqliteStmt& bind(int idx, const std::string& v);
    SqliteStmt& bind(int idx, const SqlParam& v);
    SqliteStmt& bind_all(const SqlParams& params, int first = 1);

    // true while rows come; false when done.  Throws on error; SQLITE_INTERRUPT throws
    // SqliteInterrupted so a budgeted query can fall back to another plan.
    bool step();
    // Runs a statement that returns no rows; returns sqlite3_changes().
    int64_t run();

    int64_t col_int(int i) const;
    std::string col_text(int i) const;
    bool col_null(int i) const;

    const std::string& sql() const { return sql_; }

private:
    [[noreturn]] void fail(int rc, std::string_view what) const;

    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    std::string sql_;
};

}  // namespace procsentry::console::store
