// SPDX-License-Identifier: GPL-2.0
// The embedded store: one SQLite database file in WAL mode.  SqlitePool holds the connections
// (one writer, a few readers), SqliteSchema the tables and indexes, SqlStore the statements.
#pragma once

#include <string>

#include "store/sql_store.hpp"
#include "store/sqlite_pool.hpp"

namespace procsentry::console::store {

class SqliteStore : public SqlStore {
public:
    explicit SqliteStore(const std::string& path, int readers = 4);

    void migrate() override;
    std::string backend() const override { return "sqlite"; }
    IngestResult ingest(const std::vector<IncidentRow>& rows) override;

    // Refreshes the planner's statistics (a bounded ANALYZE); ingest runs it as the table grows.
    void optimize();

    // How much work (SQLite VM instructions: about 1300 incidents scanned, ~15 each) the incident
    // list spends on the time-ordered scan for a text filter before it asks the trigram index.
    static constexpr int64_t kTextScanBudget = 20'000;

protected:
    void with_write(const SessionFn& fn) override;
    void with_read(const SessionFn& fn) override;
    std::vector<IncidentRow> select_incidents(const IncidentFilter& f, const std::optional<IncidentCursor>& after,
                                              int64_t limit) override;
    IncidentQuery::Dialect dialect() const override { return IncidentQuery::Dialect::sqlite; }

private:
    SqlitePool pool_;
    std::mutex stats_mutex_;
    int64_t rows_since_analyze_ = 0;
    int64_t rows_at_analyze_ = 0;
};

}  // namespace procsentry::console::store
