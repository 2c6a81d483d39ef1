// SPDX-License-Identifier: GPL-2.0
#include "store/sqlite_session.hpp"

namespace procsentry::console::store {

namespace {

class StmtRow : public SqlRow {
public:
    explicit StmtRow(const SqliteStmt& st) : st_(st) {}
    int64_t col_int(int i) const override { return st_.col_int(i); }
    std::string col_text(int i) const override { return st_.col_text(i); }

private:
    const SqliteStmt& st_;
};

void run_query(SqliteStmt& st, const SqlParams& params, const std::function<void(const SqlRow&)>& each) {
    st.bind_all(params);
    StmtRow row(st);
    while (st.step()) {
        each(row);
    }
}

}  // namespace

int64_t SqliteSession::exec(const std::string& sql, const SqlParams& params) {
    return lease_.db().prepare(sql).bind_all(params).run();
}

void SqliteSession::query(const std::string& sql, const SqlParams& params,
                          const std::function<void(const SqlRow&)>& each) {
    run_query(lease_.db().prepare(sql), params, each);
}

void SqliteSession::query_dynamic(const std::string& sql, const SqlParams& params,
                                  const std::function<void(const SqlRow&)>& each) {
    run_query(lease_.db().prepare_dynamic(sql), params, each);
}

}  // namespace procsentry::console::store
