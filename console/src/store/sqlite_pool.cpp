// SPDX-License-Identifier: GPL-2.0
#include "store/sqlite_pool.hpp"

namespace procsentry::console::store {

SqlitePool::SqlitePool(const std::string& path, int readers) {
    writer_ = std::make_unique<SqliteDb>(path, true);  // first, so the file and WAL exist for readers
    for (int i = 0; i < readers; ++i) {
        readers_.push_back(std::make_unique<SqliteDb>(path, false));
        free_.push_back(readers_.back().get());
    }
}

SqlitePool::Lease::Lease(SqlitePool* pool, SqliteDb* db, bool writer)
    : pool_(pool), db_(db), writer_(writer), open_txn_(false) {
    if (writer_) {
        try {
            db_->exec("BEGIN IMMEDIATE");
        } catch (...) {
            pool_->release(db_, writer_);
            throw;
        }
        open_txn_ = true;
    }
}

SqlitePool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), db_(other.db_), writer_(other.writer_), open_txn_(other.open_txn_) {
    other.pool_ = nullptr;
    other.db_ = nullptr;
    other.open_txn_ = false;
}

SqlitePool::Lease::~Lease() {
    if (pool_ == nullptr) {
        return;
    }
    if (open_txn_) {
        try {
            db_->exec("ROLLBACK");
        } catch (...) {  // NOLINT(bugprone-empty-catch): nothing more to undo; the connection stays usable
        }
    }
    pool_->release(db_, writer_);
}

void SqlitePool::Lease::commit() {
    db_->exec("COMMIT");
    open_txn_ = false;
}

SqlitePool::Lease SqlitePool::write() {
    write_mutex_.lock();
    return Lease(this, writer_.get(), true);
}

SqlitePool::Lease SqlitePool::read() {
    std::unique_lock lock(read_mutex_);
    read_cv_.wait(lock, [this] { return !free_.empty(); });
    SqliteDb* db = free_.back();
    free_.pop_back();
    return Lease(this, db, false);
}

void SqlitePool::release(SqliteDb* db, bool writer) {
    if (writer) {
        write_mutex_.unlock();
        return;
    }
    {
        std::lock_guard lock(read_mutex_);
        free_.push_back(db);
    }
    read_cv_.notify_one();
}

}  // namespace procsentry::console::store
