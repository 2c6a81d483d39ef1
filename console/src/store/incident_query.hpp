// SPDX-License-Identifier: GPL-2.0
// Builds the incident-list statement for either back end from an IncidentFilter: every value is a
// bound parameter.  The shape is what keeps the list fast at millions of rows:
//  - late row lookup: an inner query finds the page's ids on an index ordered by (time, id), the
//    outer one reads only those rows;
//  - an "any of" list on an indexed column (hosts, severities, ...) becomes one branch per value,
//    each an ordered index scan limited to the page, merged (UNION ALL) and cut to the page: no
//    sort of every matching row;
//  - text: either a scan in time order with a substring test (cheap when the text is common), or
//    the text index (FTS5 trigram / pg_trgm), cheap when it is rare.  The store picks.
#pragma once

#include <optional>
#include <string>

#include "store/sql_param.hpp"
#include "store/store.hpp"

namespace procsentry::console::store {

class IncidentQuery {
public:
    enum class Dialect { sqlite, postgresql };
    enum class TextPlan { scan, index };

    // The select list, in the order rows are decoded (see incident_columns_count).
    static const char* columns();
    static constexpr int kColumns = 19;

    // The PostgreSQL expression its trigram index is built on (the searched columns joined by
    // U+001F, which the index plan never lets a query contain).
    static const char* pg_search_expr();

    // Text as a LIKE pattern (%text%) with \ % _ escaped: they match themselves.
    static std::string like_pattern(const std::string& text);
    // Text as one FTS5 phrase ("..." with " doubled).
    static std::string fts_phrase(const std::string& text);
    // Whether the index plan can serve this text (at least 3 characters for trigrams; for SQLite
    // also: the scan's LIKE folds only ASCII, the index folds Unicode, so non-ASCII text always
    // takes the index, keeping one meaning per query).
    static bool text_indexable(const std::string& text, Dialect d);
    static bool text_is_ascii(const std::string& text);

    IncidentQuery(Dialect dialect, TextPlan plan) : dialect_(dialect), plan_(plan) {}

    // SQL returning at most `limit` rows (columns()), newest first, strictly after the cursor.
    std::string build(const IncidentFilter& f, const std::optional<IncidentCursor>& after, int64_t limit);
    const SqlParams& params() const { return params_; }

private:
    std::string param(SqlParam v);
    std::string list_cond(const char* col, const std::vector<SqlParam>& values);
    std::string where(const IncidentFilter& f, const std::optional<IncidentCursor>& after, const char* driver_col,
                      const SqlParam* driver_value);
    std::string text_cond(const std::string& text);

    Dialect dialect_;
    TextPlan plan_;
    SqlParams params_;
};

}  // namespace procsentry::console::store
