// SPDX-License-Identifier: GPL-2.0
#include "store/pg_pool.hpp"

namespace procsentry::console::store {

PgPool::PgPool(const std::string& conninfo, int size) {
    for (int i = 0; i < size; ++i) {
        conns_.push_back(std::make_unique<PgConn>(conninfo));
        free_.push_back(conns_.back().get());
    }
}

PgConn* PgPool::take() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return !free_.empty(); });
    PgConn* c = free_.back();
    free_.pop_back();
    return c;
}

void PgPool::release(PgConn* c) {
    {
        std::lock_guard lock(mutex_);
        free_.push_back(c);
    }
    cv_.notify_one();
}

PgPool::Lease::Lease(PgPool* pool, PgConn* conn, bool txn) : pool_(pool), conn_(conn), open_txn_(false) {
    try {
        conn_->ensure_open();
        if (txn) {
            conn_->exec_simple("BEGIN");
            open_txn_ = true;
        }
    } catch (...) {
        pool_->release(conn_);
        throw;
    }
}

PgPool::Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(other.conn_), open_txn_(other.open_txn_) {
    other.pool_ = nullptr;
    other.conn_ = nullptr;
    other.open_txn_ = false;
}

PgPool::Lease::~Lease() {
    if (pool_ == nullptr) {
        return;
    }
    if (open_txn_) {
        try {
            conn_->exec_simple("ROLLBACK");
        } catch (...) {  // NOLINT(bugprone-empty-catch): a broken connection is reset at next lease
        }
    }
    pool_->release(conn_);
}

void PgPool::Lease::commit() {
    conn_->exec_simple("COMMIT");
    open_txn_ = false;
}

PgPool::Lease PgPool::write() { return Lease(this, take(), true); }

PgPool::Lease PgPool::read() { return Lease(this, take(), false); }

}  // namespace procsentry::console::store
