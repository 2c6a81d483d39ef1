// SPDX-License-Identifier: GPL-2.0
#include "store/sqlite_stmt.hpp"

#include <sqlite3.h>

#include "store/sqlite_interrupted.hpp"
#include "store/store.hpp"

namespace procsentry::console::store {

SqliteStmt::SqliteStmt(sqlite3* db, const std::string& sql) : db_(db), sql_(sql) {
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                &stmt_, nullptr);
    if (rc != SQLITE_OK) {
        fail(rc, "prepare");
    }
}

SqliteStmt::~SqliteStmt() { sqlite3_finalize(stmt_); }

void SqliteStmt::fail(int rc, std::string_view what) const {
    std::string msg = "sqlite " + std::string(what) + " failed (" + sqlite3_errstr(rc) + "): " +
                      sqlite3_errmsg(db_) + " [" + sql_.substr(0, 200) + "]";
    if (rc == SQLITE_INTERRUPT) {
        throw SqliteInterrupted(msg);
    }
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        throw StoreConflict(msg);
    }
    throw StoreError(msg);
}

SqliteStmt& SqliteStmt::reset() {
    sqlite3_reset(stmt_);  // the error of a previous step was already reported
    sqlite3_clear_bindings(stmt_);
    return *this;
}

SqliteStmt& SqliteStmt::bind(int idx, int64_t v) {
    int rc = sqlite3_bind_int64(stmt_, idx, v);
    if (rc != SQLITE_OK) {
        fail(rc, "bind");
    }
    return *this;
}

SqliteStmt& SqliteStmt::bind(int idx, const std::string& v) {
    // SQLITE_TRANSIENT: the statement outlives the caller's string.
    int rc = sqlite3_bind_text64(stmt_, idx, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK) {
        fail(rc, "bind");
    }
    return *this;
}

SqliteStmt& SqliteStmt::bind(int idx, const SqlParam& v) {
    if (const auto* i = std::get_if<int64_t>(&v)) {
        return bind(idx, *i);
    }
    return bind(idx, std::get<std::string>(v));
}

SqliteStmt& SqliteStmt::bind_all(const SqlParams& params, int first) {
    for (size_t i = 0; i < params.size(); ++i) {
        bind(first + static_cast<int>(i), params[i]);
    }
    return *this;
}

bool SqliteStmt::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    sqlite3_reset(stmt_);
    fail(rc, "step");
}

int64_t SqliteStmt::run() {
    while (step()) {
    }
    return sqlite3_changes64(db_);
}

int64_t SqliteStmt::col_int(int i) const { return sqlite3_column_int64(stmt_, i); }

std::string SqliteStmt::col_text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    if (p == nullptr) {
        return {};
    }
    return std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i)));
}

bool SqliteStmt::col_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

}  // namespace procsentry::console::store
