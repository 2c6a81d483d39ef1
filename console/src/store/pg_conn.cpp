// SPDX-License-Identifier: GPL-2.0
#include "store/pg_conn.hpp"

#include <cstring>
#include <vector>

#include "store/store.hpp"

namespace procsentry::console::store {

namespace {

// SQLSTATE class 23, unique_violation.
constexpr const char* kUniqueViolation = "23505";

std::string first_line(const char* msg) {
    std::string s = msg != nullptr ? msg : "";
    auto nl = s.find('\n');
    return nl == std::string::npos ? s : s.substr(0, nl);
}

}  // namespace

PgConn::PgConn(const std::string& conninfo) {
    conn_ = PQconnectdb(conninfo.c_str());
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
        // The conninfo may carry a password: name the failure, not the string.
        std::string msg = conn_ != nullptr ? first_line(PQerrorMessage(conn_)) : "out of memory";
        PQfinish(conn_);
        conn_ = nullptr;
        throw StoreError("cannot connect to postgresql: " + msg);
    }
    exec_simple("SET client_min_messages = warning");
}

PgConn::~PgConn() { PQfinish(conn_); }

bool PgConn::ok() const { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }

void PgConn::ensure_open() {
    if (ok()) {
        return;
    }
    prepared_.clear();
    PQreset(conn_);
    if (!ok()) {
        throw StoreError("postgresql connection lost: " + first_line(PQerrorMessage(conn_)));
    }
    exec_simple("SET client_min_messages = warning");
}

void PgConn::fail(const PGresult* r, const std::string& sql) const {
    const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string msg = "postgresql: " + first_line(r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn_)) +
                      " [" + sql.substr(0, 200) + "]";
    if (state != nullptr && std::strcmp(state, kUniqueViolation) == 0) {
        throw StoreConflict(msg);
    }
    throw StoreError(msg);
}

void PgConn::exec_simple(const std::string& sql) {
    Result r(PQexec(conn_, sql.c_str()));
    auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        fail(r.get(), sql);
    }
}

std::string PgConn::number_placeholders(const std::string& sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    char quote = 0;
    for (char c : sql) {
        if (quote != 0) {
            if (c == quote) {
                quote = 0;  // a doubled quote closes and reopens: same result
            }
            out += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            out += c;
        } else if (c == '?') {
            out += "$" + std::to_string(++n);
        } else {
            out += c;
        }
    }
    return out;
}

PgConn::Result PgConn::run(const std::string& sql, const SqlParams& params, bool cached) {
    std::vector<std::string> text;
    text.reserve(params.size());
    for (const auto& p : params) {
        if (const auto* i = std::get_if<int64_t>(&p)) {
            text.push_back(std::to_string(*i));
        } else {
            const auto& s = std::get<std::string>(p);
            if (s.find('\0') != std::string::npos) {
                // libpq sends text parameters NUL-terminated; PostgreSQL text cannot hold NUL.
                throw StoreError("postgresql: a text value contains a NUL byte [" + sql.substr(0, 200) + "]");
            }
            text.push_back(s);
        }
    }
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
    for (const auto& t : text) {
        values.push_back(t.c_str());
        lengths.push_back(static_cast<int>(t.size()));
        formats.push_back(0);
    }
    auto n = static_cast<int>(params.size());
    Result r;
    if (cached) {
        auto it = prepared_.find(sql);
        if (it == prepared_.end()) {
            std::string name = "ps" + std::to_string(prepared_.size() + 1);
            std::string numbered = number_placeholders(sql);
            Result p(PQprepare(conn_, name.c_str(), numbered.c_str(), n, nullptr));
            if (PQresultStatus(p.get()) != PGRES_COMMAND_OK) {
                fail(p.get(), sql);
            }
            it = prepared_.emplace(sql, name).first;
        }
        r.reset(PQexecPrepared(conn_, it->second.c_str(), n, values.data(), lengths.data(), formats.data(), 0));
    } else {
        std::string numbered = number_placeholders(sql);
        r.reset(PQexecParams(conn_, numbered.c_str(), n, nullptr, values.data(), lengths.data(), formats.data(), 0));
    }
    auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        fail(r.get(), sql);
    }
    return r;
}

}  // namespace procsentry::console::store
