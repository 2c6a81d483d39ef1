// SPDX-License-Identifier: GPL-2.0
// SqlSession over one leased SQLite connection: statements come from the connection's cache
// (prepared once, reused), so the shared SQL runs without re-parsing.
#pragma once

#include "store/sql_session.hpp"
#include "store/sqlite_pool.hpp"

namespace procsentry::console::store {

class SqliteSession : public SqlSession {
public:
    explicit SqliteSession(SqlitePool::Lease& lease) : lease_(lease) {}

    int64_t exec(const std::string& sql, const SqlParams& params) override;
    void query(const std::string& sql, const SqlParams& params,
               const std::function<void(const SqlRow&)>& each) override;
    void query_dynamic(const std::string& sql, const SqlParams& params,
                       const std::function<void(const SqlRow&)>& each) override;
    SqliteDb& db() { return lease_.db(); }

private:
    SqlitePool::Lease& lease_;
};

}  // namespace procsentry::console::store
