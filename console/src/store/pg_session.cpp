// SPDX-License-Identifier: GPL-2.0
#include "store/pg_session.hpp"

#include <cstdlib>

namespace procsentry::console::store {

namespace {

class ResultRow : public SqlRow {
public:
    explicit ResultRow(const PGresult* r) : r_(r) {}
    void at(int row) { row_ = row; }
    int64_t col_int(int i) const override {
        if (PQgetisnull(r_, row_, i) != 0) {
            return 0;
        }
        return std::strtoll(PQgetvalue(r_, row_, i), nullptr, 10);
    }
    std::string col_text(int i) const override {
        return std::string(PQgetvalue(r_, row_, i), static_cast<size_t>(PQgetlength(r_, row_, i)));
    }

private:
    const PGresult* r_;
    int row_ = 0;
};

void each_row(const PgConn::Result& r, const std::function<void(const SqlRow&)>& each) {
    ResultRow row(r.get());
    int n = PQntuples(r.get());
    for (int i = 0; i < n; ++i) {
        row.at(i);
        each(row);
    }
}

}  // namespace

int64_t PgSession::exec(const std::string& sql, const SqlParams& params) {
    auto r = lease_.conn().run(sql, params, true);
    const char* n = PQcmdTuples(r.get());
    return (n != nullptr && *n != '\0') ? std::strtoll(n, nullptr, 10) : 0;
}

void PgSession::query(const std::string& sql, const SqlParams& params,
                      const std::function<void(const SqlRow&)>& each) {
    each_row(lease_.conn().run(sql, params, true), each);
}

void PgSession::query_dynamic(const std::string& sql, const SqlParams& params,
                              const std::function<void(const SqlRow&)>& each) {
    each_row(lease_.conn().run(sql, params, false), each);
}

}  // namespace procsentry::console::store
