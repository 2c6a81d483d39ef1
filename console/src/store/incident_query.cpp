// SPDX-License-Identifier: GPL-2.0
#include "store/incident_query.hpp"

#include <algorithm>
#include <set>

#include "store/store_codes.hpp"

namespace procsentry::console::store {

namespace {

// A list this long is not worth one branch per value (and bounds the statement's size).
constexpr size_t kMaxBranches = 32;

const char* const kTextColumns[] = {"host_name", "summary", "command", "exe", "proc_user", "rule_name"};

template <typename T>
std::vector<SqlParam> to_params(const std::vector<T>& v) {
    std::vector<SqlParam> out;
    for (const auto& x : v) {
        out.emplace_back(x);
    }
    return out;
}

// Severities allowed by the list and the minimum together; nullopt = no condition.
std::optional<std::vector<SqlParam>> severity_set(const IncidentFilter& f) {
    if (f.severities.empty() && !f.min_severity) {
        return std::nullopt;
    }
    std::set<int> allowed;
    if (f.severities.empty()) {
        if (*f.min_severity <= kMinSeverity) {
            return std::nullopt;
        }
        for (int s = *f.min_severity; s <= kMaxSeverity; ++s) {
            allowed.insert(s);
        }
    } else {
        for (int s : f.severities) {
            if (!f.min_severity || s >= *f.min_severity) {
                allowed.insert(s);
            }
        }
    }
    std::vector<SqlParam> out;
    for (int s : allowed) {
        out.emplace_back(static_cast<int64_t>(s));
    }
    return out;
}

std::vector<SqlParam> dedup(std::vector<SqlParam> v) {
    std::vector<SqlParam> out;
    for (auto& x : v) {
        if (std::find(out.begin(), out.end(), x) == out.end()) {
            out.push_back(std::move(x));
        }
    }
    return out;
}

}  // namespace

const char* IncidentQuery::columns() {
    return "id, host_id, host_name, alert_id, time_ns, received_ns, kind, severity, rule_name, rule_type, "
           "outcome, exe, command, proc_user, summary, status, status_by, status_time_ns, status_comment";
}

const char* IncidentQuery::pg_search_expr() {
    return "(host_name || chr(31) || summary || chr(31) || command || chr(31) || exe || chr(31) || proc_user "
           "|| chr(31) || rule_name)";
}

std::string IncidentQuery::like_pattern(const std::string& text) {
    std::string out = "%";
    for (char c : text) {
        if (c == '\\' || c == '%' || c == '_') {
            out += '\\';
        }
        out += c;
    }
    out += '%';
    return out;
}

std::string IncidentQuery::fts_phrase(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    out += '"';
    return out;
}

bool IncidentQuery::text_is_ascii(const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0x80) == 0; });
}

bool IncidentQuery::text_indexable(const std::string& text, Dialect d) {
    size_t chars = 0;
    for (char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
            ++chars;  // count UTF-8 lead bytes: trigrams are of characters
        }
    }
    if (chars < 3) {
        return false;
    }
    if (d == Dialect::postgresql) {
        return text.find('\x1f') == std::string::npos;
    }
    return true;
}

std::string IncidentQuery::param(SqlParam v) {
    params_.push_back(std::move(v));
    if (dialect_ == Dialect::sqlite) {
        return "?";
    }
    return "$" + std::to_string(params_.size());
}

std::string IncidentQuery::list_cond(const char* col, const std::vector<SqlParam>& values) {
    if (values.empty()) {
        return "1 = 0";
    }
    if (values.size() == 1) {
        return std::string(col) + " = " + param(values[0]);
    }
    std::string s = std::string(col) + " IN (";
    for (size_t i = 0; i < values.size(); ++i) {
        s += (i != 0 ? ", " : "") + param(values[i]);
    }
    return s + ")";
}

std::string IncidentQuery::text_cond(const std::string& text) {
    bool pg = dialect_ == Dialect::postgresql;
    if (plan_ == TextPlan::index && text_indexable(text, dialect_)) {
        if (pg) {
            // No ESCAPE clause: backslash is PostgreSQL's default, and an explicit one would turn
            // the pattern into an expression the trigram index cannot use.
            return std::string(pg_search_expr()) + " ILIKE " + param(like_pattern(text));
        }
        return "id IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH " + param(fts_phrase(text)) + ")";
    }
    std::string s = "(";
    bool first = true;
    for (const char* col : kTextColumns) {
        std::string p = param(like_pattern(text));
        s += std::string(first ? "" : " OR ") + col + (pg ? " ILIKE " + p : " LIKE " + p + " ESCAPE '\\'");
        first = false;
    }
    return s + ")";
}

std::string IncidentQuery::where(const IncidentFilter& f, const std::optional<IncidentCursor>& after,
                                 const char* driver_col, const SqlParam* driver_value) {
    std::vector<std::string> conds;
    auto add_list = [&](const char* col, std::vector<SqlParam> values, bool given) {
        if (driver_col != nullptr && std::string(driver_col) == col) {
            conds.push_back(std::string(col) + " = " + param(*driver_value));
        } else if (given) {
            conds.push_back(list_cond(col, dedup(std::move(values))));
        }
    };
    add_list("host_id", to_params(f.host_ids), !f.host_ids.empty());
    auto sev = severity_set(f);
    add_list("severity", sev ? *sev : std::vector<SqlParam>{}, sev.has_value());
    add_list("rule_type", to_params(f.rule_types), !f.rule_types.empty());
    add_list("kind", to_params(f.kinds), !f.kinds.empty());
    if (f.outcome) {
        conds.push_back("outcome = " + param(*f.outcome));
    }
    std::vector<std::string> statuses;
    for (auto st : f.statuses) {
        statuses.emplace_back(status_name(st));
    }
    add_list("status", to_params(statuses), !statuses.empty());
    if (f.since) {
        conds.push_back("time_ns >= " + param(*f.since));
    }
    if (f.until) {
        conds.push_back("time_ns < " + param(*f.until));
    }
    if (after) {
        std::string t = param(after->time);
        conds.push_back("(time_ns, id) < (" + t + ", " + param(after->id) + ")");
    }
    if (!f.text.empty()) {
        conds.push_back(text_cond(f.text));
    }
    if (conds.empty()) {
        return "";
    }
    std::string s = " WHERE ";
    for (size_t i = 0; i < conds.size(); ++i) {
        s += (i != 0 ? " AND " : "") + conds[i];
    }
    return s;
}

std::string IncidentQuery::build(const IncidentFilter& f, const std::optional<IncidentCursor>& after,
                                 int64_t limit) {
    params_.clear();
    // The branch column: the first "any of" list with several values, when the text index does
    // not drive the query already.
    const char* driver = nullptr;
    std::vector<SqlParam> driver_values;
    bool text_index = !f.text.empty() && plan_ == TextPlan::index && text_indexable(f.text, dialect_);
    if (!text_index) {
        std::vector<std::string> statuses;
        for (auto st : f.statuses) {
            statuses.emplace_back(status_name(st));
        }
        auto sev = severity_set(f);
        const std::pair<const char*, std::vector<SqlParam>> lists[] = {
            {"host_id", dedup(to_params(f.host_ids))},
            {"severity", sev ? *sev : std::vector<SqlParam>{}},
            {"rule_type", dedup(to_params(f.rule_types))},
            {"kind", dedup(to_params(f.kinds))},
            {"status", dedup(to_params(statuses))},
        };
        for (const auto& [col, values] : lists) {
            if (values.size() >= 2 && values.size() <= kMaxBranches) {
                driver = col;
                driver_values = values;
                break;
            }
        }
    }
    const std::string order = " ORDER BY time_ns DESC, id DESC";
    std::string inner;
    if (driver == nullptr) {
        // Placeholders are positional: each call that adds one is its own statement, in text order.
        std::string w = where(f, after, nullptr, nullptr);
        std::string lim = param(limit);
        inner = "SELECT id FROM incidents" + w + order + " LIMIT " + lim;
    } else {
        std::string u;
        for (size_t i = 0; i < driver_values.size(); ++i) {
            std::string alias = "b" + std::to_string(i);
            std::string w = where(f, after, driver, &driver_values[i]);
            std::string lim = param(limit);
            u += (i != 0 ? " UNION ALL " : "") + std::string("SELECT time_ns, id FROM (SELECT time_ns, id FROM incidents") +
                 w + order + " LIMIT " + lim + ") AS " + alias;
        }
        std::string lim = param(limit);
        inner = "SELECT id FROM (" + u + ") AS u" + order + " LIMIT " + lim;
    }
    return std::string("SELECT ") + columns() + " FROM incidents WHERE id IN (" + inner + ")" + order;
}

}  // namespace procsentry::console::store
