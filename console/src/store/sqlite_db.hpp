// SPDX-License-Identifier: GPL-2.0
// One SQLite connection with its cache of prepared statements.  Not thread-safe by itself: the
// store hands each connection to one thread at a time (the writer behind a mutex, readers from a
// pool), so the connection is opened without SQLite's own per-connection mutex.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "store/sqlite_stmt.hpp"

struct sqlite3;

namespace procsentry::console::store {

class SqliteDb {
public:
    SqliteDb(const std::string& path, bool create);
    ~SqliteDb();
    SqliteDb(const SqliteDb&) = delete;
    SqliteDb& operator=(const SqliteDb&) = delete;

    void exec(const std::string& sql);
    // A cached statement, reset and with no bindings; kept for the connection's life (the store's
    // fixed statements).
    SqliteStmt& prepare(const std::string& sql);
    // The same for SQL built from a filter (the incident list): that cache is bounded, and a
    // reference from it is valid only until the next prepare_dynamic().
    SqliteStmt& prepare_dynamic(const std::string& sql);

    // Queries run after this are interrupted (SqliteInterrupted) after about `steps` virtual
    // machine instructions (counted, not timed: the same query takes the same plan on a loaded
    // machine); clear_budget() removes the limit.
    void set_budget(int64_t steps);
    void clear_budget();

    int64_t last_insert_rowid() const;
    sqlite3* handle() { return db_; }

private:
    static int on_progress(void* self);

    sqlite3* db_ = nullptr;
    std::map<std::string, std::unique_ptr<SqliteStmt>> cache_;
    std::map<std::string, std::unique_ptr<SqliteStmt>> dynamic_;
    int64_t ticks_left_ = 0;
};

}  // namespace procsentry::console::store
