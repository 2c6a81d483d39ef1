// SPDX-License-Identifier: GPL-2.0
// One fixture for every store test, run against each back end: SQLite in a fresh temporary file
// always, PostgreSQL in a fresh schema when PROCSENTRY_PG_TEST_CONNINFO names a database
// (tests/console/pg/pg-cluster.sh starts one).
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "store/store.hpp"

namespace procsentry::console::store::test {

inline std::string pg_conninfo() {
    const char* c = std::getenv("PROCSENTRY_PG_TEST_CONNINFO");
    return c != nullptr ? c : "";
}

class StoreTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        static std::atomic<int> counter{0};
        int n = counter++;
        if (GetParam() == "sqlite") {
            dir_ = std::filesystem::temp_directory_path() /
                   ("procsentry-store-test-" + std::to_string(getpid()) + "-" + std::to_string(n));
            std::filesystem::remove_all(dir_);
            std::filesystem::create_directories(dir_);
            spec_.type = "sqlite";
            spec_.path = (dir_ / "console.db").string();
        } else {
            std::string base = pg_conninfo();
            if (base.empty()) {
                GTEST_SKIP() << "PROCSENTRY_PG_TEST_CONNINFO not set";
            }
            schema_ = "t_" + std::to_string(getpid()) + "_" + std::to_string(n);
            // pg_trgm in public (on every test's search path), so no test schema owns it.
            admin_exec(base, "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public; DROP SCHEMA IF EXISTS " +
                                 schema_ + " CASCADE; CREATE SCHEMA " + schema_);
            spec_.type = "postgresql";
            spec_.conninfo = base + " options='-c search_path=" + schema_ + ",public'";
        }
        store_ = open_store(spec_);
        store_->migrate();
    }

    void TearDown() override {
        store_.reset();
        if (!dir_.empty()) {
            std::filesystem::remove_all(dir_);
        }
        if (!schema_.empty()) {
            admin_exec(pg_conninfo(), "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
        }
    }

    static void admin_exec(const std::string& conninfo, const std::string& sql) {
        PGconn* c = PQconnectdb(conninfo.c_str());
        ASSERT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
        PGresult* r = PQexec(c, ("SET client_min_messages = warning; " + sql).c_str());
        EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQerrorMessage(c);
        PQclear(r);
        PQfinish(c);
    }

    // Runs SQL on the test's database behind the store's back (SQLite file or PostgreSQL schema).
    void raw_exec(const std::string& sql) {
        if (GetParam() == "sqlite") {
            sqlite3* db = nullptr;
            ASSERT_EQ(sqlite3_open(spec_.path.c_str(), &db), SQLITE_OK);
            char* err = nullptr;
            EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
            sqlite3_free(err);
            sqlite3_close(db);
        } else {
            admin_exec(pg_conninfo(), "SET search_path = " + schema_ + "; " + sql);
        }
    }

    // A second store on the same database (another process's view, or a restart).
    std::unique_ptr<Store> reopen() { return open_store(spec_); }

    int64_t host(const std::string& name = "web-1") {
        HostRow h;
        h.name = name;
        h.machine_id = "m-" + name;
        h.enrolled = 1000;
        h.sensor_state = "unknown";
        return store_->create_host(h);
    }

    StoreSpec spec_;
    std::unique_ptr<Store> store_;
    std::filesystem::path dir_;
    std::string schema_;
};

inline IncidentRow incident(int64_t host_id, const std::string& alert_id, TimeNs time) {
    IncidentRow r;
    r.host_id = host_id;
    r.host_name = "web-" + std::to_string(host_id);
    r.alert_id = alert_id;
    r.time = time;
    r.received = time + 5;
    r.kind = "rule";
    r.severity = 1;
    r.rule_name = "shells";
    r.rule_type = "bin-execution";
    r.outcome = "success";
    r.exe = "/usr/bin/bash";
    r.command = "bash -c id";
    r.user = "root";
    r.summary = "bin-execution: bash";
    r.raw_json = R"({"schema":"procsentry.alert/1","id":")" + alert_id + "\"}";
    return r;
}

#define PROCSENTRY_STORE_BACKENDS(suite) \
    INSTANTIATE_TEST_SUITE_P(Backends, suite, ::testing::Values("sqlite", "postgresql"), \
                             [](const auto& info) { return info.param; })

}  // namespace procsentry::console::store::test
