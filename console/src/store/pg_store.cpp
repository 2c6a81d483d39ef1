// SPDX-License-Identifier: GPL-2.0
#include "store/pg_store.hpp"

#include "store/pg_schema.hpp"
#include "store/pg_session.hpp"

namespace procsentry::console::store {

namespace {
// Advisory lock keys of this application: a fixed prefix plus the store's key.
constexpr int64_t kLockBase = 0x70736e7400000000;  // "psnt"
constexpr int kMigrateLockKey = 100;
}  // namespace

PgStore::PgStore(const std::string& conninfo, int connections) : pool_(conninfo, connections) {}

void PgStore::with_write(const SessionFn& fn) {
    auto lease = pool_.write();
    PgSession s(lease);
    fn(s);
    lease.commit();
}

void PgStore::with_read(const SessionFn& fn) {
    auto lease = pool_.read();
    PgSession s(lease);
    fn(s);
}

void PgStore::serialize(SqlSession& s, int key) {
    // Held to the end of the transaction: ingests commit their ids in order (a reader polling
    // "id > N" never misses one), policy versions are numbered without a race.
    static_cast<PgSession&>(s).conn().exec_simple("SELECT pg_advisory_xact_lock(" +
                                                  std::to_string(kLockBase + key) + ")");
}

void PgStore::migrate() {
    with_write([this](SqlSession& s) {
        serialize(s, kMigrateLockKey);  // two consoles starting at once
        auto& conn = static_cast<PgSession&>(s).conn();
        conn.exec_simple("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        int64_t version = 0;
        s.query_dynamic("SELECT COALESCE(MAX(version), 0) FROM schema_version", {},
                        [&](const SqlRow& r) { version = r.col_int(0); });
        const auto& steps = PgSchema::migrations();
        if (version > static_cast<int64_t>(steps.size())) {
            throw StoreError("the database schema is version " + std::to_string(version) +
                             ", newer than this console understands (" + std::to_string(steps.size()) + ")");
        }
        for (auto i = static_cast<size_t>(version); i < steps.size(); ++i) {
            conn.exec_simple(steps[i]);
        }
        conn.exec_simple("DELETE FROM schema_version");
        conn.exec_simple("INSERT INTO schema_version (version) VALUES (" + std::to_string(steps.size()) + ")");
        // pg_trgm is a trusted extension (PostgreSQL 13+), but a site may forbid it: then text
        // search works without the index.
        conn.exec_simple("SAVEPOINT trgm");
        try {
            conn.exec_simple("CREATE EXTENSION IF NOT EXISTS pg_trgm");
            conn.exec_simple(PgSchema::trigram_index());
            conn.exec_simple("RELEASE SAVEPOINT trgm");
        } catch (const StoreError&) {
            conn.exec_simple("ROLLBACK TO SAVEPOINT trgm");
        }
    });
}

}  // namespace procsentry::console::store
