// SPDX-License-Identifier: GPL-2.0
// SqlSession over one leased PostgreSQL connection: fixed statements prepared once per
// connection, filter-built ones sent as unnamed parameterised statements (planned with the
// actual values, which the trigram index needs).
#pragma once

#include "store/pg_pool.hpp"
#include "store/sql_session.hpp"

namespace procsentry::console::store {

class PgSession : public SqlSession {
public:
    explicit PgSession(PgPool::Lease& lease) : lease_(lease) {}

    int64_t exec(const std::string& sql, const SqlParams& params) override;
    void query(const std::string& sql, const SqlParams& params,
               const std::function<void(const SqlRow&)>& each) override;
    void query_dynamic(const std::string& sql, const SqlParams& params,
                       const std::function<void(const SqlRow&)>& each) override;
    PgConn& conn() { return lease_.conn(); }

private:
    PgPool::Lease& lease_;
};

}  // namespace procsentry::console::store
