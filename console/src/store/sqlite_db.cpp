// SPDX-License-Identifier: GPL-2.0
#include "store/sqlite_db.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include "store/store.hpp"

namespace procsentry::console::store {

namespace {
constexpr size_t kMaxCachedStatements = 256;
constexpr int kBusyTimeoutMs = 10000;
constexpr int kStepsPerTick = 1000;  // VM instructions between two progress-handler calls
}  // namespace

SqliteDb::SqliteDb(const std::string& path, bool create) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    if (create && !path.empty() && path[0] == '/') {
        // The database holds password and token hashes: 0600 whatever the umask of whoever
        // creates it (an admin subcommand from a shell, a console started by hand). SQLite gives
        // the -wal and -shm files the database file's mode. An existing file is left alone.
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0)
            ::close(fd);
    }
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw StoreError("cannot open sqlite database " + path + ": " + msg);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    // Every connection: WAL (readers never block the writer nor each other), NORMAL sync (durable
    // at checkpoints; a power loss can lose the last transactions, never corrupt), foreign keys.
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec("PRAGMA journal_size_limit=67108864");  // a big ingest's WAL shrinks back after checkpoints
    exec("PRAGMA foreign_keys=ON");
    exec("PRAGMA temp_store=MEMORY");
    exec("PRAGMA cache_size=-32768");     // 32 MiB per connection
    exec("PRAGMA mmap_size=1073741824");  // reads straight from the page cache
}

SqliteDb::~SqliteDb() {
    cache_.clear();  // finalize before close
    dynamic_.clear();
    sqlite3_close_v2(db_);
}

void SqliteDb::exec(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        std::string what = "sqlite exec failed: " + msg + " [" + sql.substr(0, 200) + "]";
        if ((rc & 0xff) == SQLITE_CONSTRAINT) {
            throw StoreConflict(what);
        }
        throw StoreError(what);
    }
}

SqliteStmt& SqliteDb::prepare(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
        it = cache_.emplace(sql, std::make_unique<SqliteStmt>(db_, sql)).first;
    }
    return it->second->reset();
}

SqliteStmt& SqliteDb::prepare_dynamic(const std::string& sql) {
    auto it = dynamic_.find(sql);
    if (it == dynamic_.end()) {
        if (dynamic_.size() >= kMaxCachedStatements) {
            dynamic_.clear();
        }
        it = dynamic_.emplace(sql, std::make_unique<SqliteStmt>(db_, sql)).first;
    }
    return it->second->reset();
}

int SqliteDb::on_progress(void* self) {
    auto* db = static_cast<SqliteDb*>(self);
    return --db->ticks_left_ < 0 ? 1 : 0;
}

void SqliteDb::set_budget(int64_t steps) {
    ticks_left_ = steps / kStepsPerTick;
    sqlite3_progress_handler(db_, kStepsPerTick, &SqliteDb::on_progress, this);
}

void SqliteDb::clear_budget() { sqlite3_progress_handler(db_, 0, nullptr, nullptr); }

int64_t SqliteDb::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

}  // namespace procsentry::console::store
