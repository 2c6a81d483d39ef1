// SPDX-License-Identifier: GPL-2.0
#include "store/sqlite_store.hpp"

#include "store/sqlite_interrupted.hpp"
#include "store/sqlite_schema.hpp"
#include "store/sqlite_session.hpp"

namespace procsentry::console::store {

SqliteStore::SqliteStore(const std::string& path, int readers) : pool_(path, readers) {}

void SqliteStore::with_write(const SessionFn& fn) {
    auto lease = pool_.write();
    SqliteSession s(lease);
    fn(s);
    lease.commit();
}

void SqliteStore::with_read(const SessionFn& fn) {
    auto lease = pool_.read();
    SqliteSession s(lease);
    fn(s);
}

void SqliteStore::migrate() {
    with_write([](SqlSession& s) {
        s.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", {});
        int64_t version = 0;
        s.query("SELECT COALESCE(MAX(version), 0) FROM schema_version", {},
                [&](const SqlRow& r) { version = r.col_int(0); });
        const auto& steps = SqliteSchema::migrations();
        if (version > static_cast<int64_t>(steps.size())) {
            throw StoreError("the database schema is version " + std::to_string(version) +
                             ", newer than this console understands (" + std::to_string(steps.size()) + ")");
        }
        auto& db = static_cast<SqliteSession&>(s).db();
        for (auto i = static_cast<size_t>(version); i < steps.size(); ++i) {
            db.exec(steps[i]);
        }
        s.exec("DELETE FROM schema_version", {});
        s.exec("INSERT INTO schema_version (version) VALUES (?)", {static_cast<int64_t>(steps.size())});
    });
}

void SqliteStore::optimize() {
    with_write([](SqlSession& s) {
        auto& db = static_cast<SqliteSession&>(s).db();
        // A full ANALYZE of the incidents' indexes (under a second at a million rows; ingest runs
        // it only each time the table has grown by half).  A sampled one (analysis_limit) is not
        // enough: it makes every index look equally selective, and the planner then scans 7% of
        // the table for "severity" where "host" reads 0.5%.
        db.exec("PRAGMA analysis_limit=0");
        db.exec("ANALYZE incidents");
    });
}

IngestResult SqliteStore::ingest(const std::vector<IncidentRow>& rows) {
    IngestResult res = SqlStore::ingest(rows);
    bool analyze = false;
    {
        std::lock_guard lock(stats_mutex_);
        rows_since_analyze_ += res.accepted;
        // Re-analyse as the table grows by half again (and early on), not at every batch.
        if (rows_since_analyze_ >= 1000 && rows_since_analyze_ * 2 >= rows_at_analyze_) {
            rows_at_analyze_ += rows_since_analyze_;
            rows_since_analyze_ = 0;
            analyze = true;
        }
    }
    if (analyze) {
        optimize();
    }
    return res;
}

std::vector<IncidentRow> SqliteStore::select_incidents(const IncidentFilter& f,
                                                       const std::optional<IncidentCursor>& after, int64_t limit) {
    std::vector<IncidentRow> rows;
    with_read([&](SqlSession& s) {
        using Plan = IncidentQuery::TextPlan;
        const auto d = IncidentQuery::Dialect::sqlite;
        bool text = !f.text.empty();
        // Both plans return the same rows for ASCII text; non-ASCII text always takes the index
        // (LIKE folds only ASCII).  Common text fills a page fast in time order; rare text runs
        // out of the scan's budget and takes the index.
        if (!text || !IncidentQuery::text_indexable(f.text, d)) {
            rows = run_incident_query(s, f, after, limit, Plan::scan);
            return;
        }
        if (!IncidentQuery::text_is_ascii(f.text)) {
            rows = run_incident_query(s, f, after, limit, Plan::index);
            return;
        }
        auto& db = static_cast<SqliteSession&>(s).db();
        db.set_budget(kTextScanBudget);
        try {
            rows = run_incident_query(s, f, after, limit, Plan::scan);
            db.clear_budget();
        } catch (const SqliteInterrupted&) {
            db.clear_budget();
            rows = run_incident_query(s, f, after, limit, Plan::index);
        } catch (...) {
            db.clear_budget();
            throw;
        }
    });
    return rows;
}

}  // namespace procsentry::console::store
