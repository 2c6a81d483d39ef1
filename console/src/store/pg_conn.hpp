// SPDX-License-Identifier: GPL-2.0
// One libpq connection: parameterised statements only (values travel apart from the SQL text),
// the store's fixed statements prepared once per connection and reused.  Statements are written
// with `?` placeholders and numbered ($1, $2, ...) here.
#pragma once

#include <libpq-fe.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "store/sql_param.hpp"

namespace procsentry::console::store {

class PgConn {
public:
    struct ResultDeleter {
        void operator()(PGresult* r) const { PQclear(r); }
    };
    using Result = std::unique_ptr<PGresult, ResultDeleter>;

    explicit PgConn(const std::string& conninfo);
    ~PgConn();
    PgConn(const PgConn&) = delete;
    PgConn& operator=(const PgConn&) = delete;

    // Runs SQL without parameters (transaction control, DDL).
    void exec_simple(const std::string& sql);
    // Runs a statement; `cached` prepares it once on this connection.
    Result run(const std::string& sql, const SqlParams& params, bool cached);

    // Reconnects when the server closed the connection (restart, idle timeout); dropping the
    // prepared statements, which died with it.
    void ensure_open();
    bool ok() const;

    // `?` → `$n`, leaving quoted literals and identifiers alone.
    static std::string number_placeholders(const std::string& sql);

private:
    [[noreturn]] void fail(const PGresult* r, const std::string& sql) const;

    PGconn* conn_ = nullptr;
    std::map<std::string, std::string> prepared_;  // SQL → statement name
};

}  // namespace procsentry::console::store
