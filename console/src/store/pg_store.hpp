// SPDX-License-Identifier: GPL-2.0
// The store for large fleets: PostgreSQL through libpq, a small connection pool, the same
// statements as SQLite (SqlStore) on the same logical schema (PgSchema).
#pragma once

#include <string>

#include "store/pg_pool.hpp"
#include "store/sql_store.hpp"

namespace procsentry::console::store {

class PgStore : public SqlStore {
public:
    explicit PgStore(const std::string& conninfo, int connections = 4);

    void migrate() override;
    std::string backend() const override { return "postgresql"; }

protected:
    void with_write(const SessionFn& fn) override;
    void with_read(const SessionFn& fn) override;
    void serialize(SqlSession& s, int key) override;
    IncidentQuery::Dialect dialect() const override { return IncidentQuery::Dialect::postgresql; }

private:
    PgPool pool_;
};

}  // namespace procsentry::console::store
