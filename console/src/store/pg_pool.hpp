// SPDX-License-Identifier: GPL-2.0
// A small fixed pool of PostgreSQL connections shared by the server's worker threads.  A lease
// for writing runs in one transaction (BEGIN .. COMMIT, ROLLBACK when left without commit).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/pg_conn.hpp"

namespace procsentry::console::store {

class PgPool {
public:
    class Lease {
    public:
        Lease(Lease&& other) noexcept;
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        ~Lease();
        PgConn& conn() { return *conn_; }
        void commit();

    private:
        friend class PgPool;
        Lease(PgPool* pool, PgConn* conn, bool txn);
        PgPool* pool_;
        PgConn* conn_;
        bool open_txn_;
    };

    PgPool(const std::string& conninfo, int size);

    Lease write();
    Lease read();

private:
    PgConn* take();
    void release(PgConn* c);

    std::vector<std::unique_ptr<PgConn>> conns_;
    std::vector<PgConn*> free_;
    std::mutex mutex_;
    std::condition_variable cv_;
};

}  // namespace procsentry::console::store
