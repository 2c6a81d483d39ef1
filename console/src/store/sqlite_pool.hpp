// SPDX-License-Identifier: GPL-2.0
// The SQLite connections of one store: a single writer behind a mutex (SQLite has one writer per
// database anyway; queuing in-process avoids busy-waiting) and a small pool of readers, which in
// WAL mode neither block the writer nor each other.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite_db.hpp"

namespace procsentry::console::store {

class SqlitePool {
public:
    // A connection held for one store call.  A write lease runs in one IMMEDIATE transaction that
    // commit() ends; leaving without commit() rolls it back.
    class Lease {
    public:
        Lease(Lease&& other) noexcept;
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        ~Lease();
        SqliteDb& db() { return *db_; }
        SqliteDb* operator->() { return db_; }
        void commit();

    private:
        friend class SqlitePool;
        Lease(SqlitePool* pool, SqliteDb* db, bool writer);
        SqlitePool* pool_;
        SqliteDb* db_;
        bool writer_;
        bool open_txn_;
    };

    SqlitePool(const std::string& path, int readers);

    Lease write();
    Lease read();

private:
    void release(SqliteDb* db, bool writer);

    std::unique_ptr<SqliteDb> writer_;
    std::mutex write_mutex_;
    std::vector<std::unique_ptr<SqliteDb>> readers_;
    std::vector<SqliteDb*> free_;
    std::mutex read_mutex_;
    std::condition_variable read_cv_;
};

}  // namespace procsentry::console::store
