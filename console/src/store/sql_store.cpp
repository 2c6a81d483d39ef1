// SPDX-License-Identifier: GPL-2.0
#include "store/sql_store.hpp"

#include <algorithm>
#include <set>

#include "store/store_codes.hpp"

namespace procsentry::console::store {

namespace {

constexpr int kIngestLockKey = 1;
constexpr int kPolicyLockKey = 2;

const char* const kHostCols =
    "id, name, machine_id, boot_id, enrolled_ns, last_seen_ns, agent_version, kernel_release, module_version, "
    "abi_version, sensor_state, sensor_reason, monitoring_enabled, monitoring_desired, monitoring_generation, "
    "monitoring_generation_applied, drops_total, config_assigned, config_applied, config_rejected, config_error, "
    "last_heartbeat_json, revoked";
const char* const kUserCols = "id, name, password_hash, role, created_ns, disabled, failed_logins, locked_until_ns";
const char* const kSessionCols = "token_hash, user_id, csrf_token, created_ns, last_used_ns, remote";
const char* const kTokenCols =
    "id, kind, token_hash, name, user_id, host_id, created_ns, expires_ns, uses, max_uses, last_used_ns, revoked";
const char* const kAuditCols = "id, time_ns, actor, action, target, details_json, remote";
const char* const kPolicyCols = "version, policy_json, comment, created_by, created_ns";

int64_t b(bool v) { return v ? 1 : 0; }

HostRow decode_host(const SqlRow& r) {
    HostRow h;
    int i = 0;
    h.id = r.col_int(i++);
    h.name = r.col_text(i++);
    h.machine_id = r.col_text(i++);
    h.boot_id = r.col_text(i++);
    h.enrolled = r.col_int(i++);
    h.last_seen = r.col_int(i++);
    h.agent_version = r.col_text(i++);
    h.kernel_release = r.col_text(i++);
    h.module_version = r.col_text(i++);
    h.abi_version = r.col_int(i++);
    h.sensor_state = r.col_text(i++);
    h.sensor_reason = r.col_text(i++);
    h.monitoring_enabled = r.col_int(i++) != 0;
    h.monitoring_desired = r.col_int(i++) != 0;
    h.monitoring_generation = r.col_int(i++);
    h.monitoring_generation_applied = r.col_int(i++);
    h.drops_total = r.col_int(i++);
    h.config_assigned = r.col_int(i++);
    h.config_applied = r.col_int(i++);
    h.config_rejected = r.col_int(i++);
    h.config_error = r.col_text(i++);
    h.last_heartbeat_json = r.col_text(i++);
    h.revoked = r.col_int(i++) != 0;
    return h;
}

UserRow decode_user(const SqlRow& r) {
    UserRow u;
    u.id = r.col_int(0);
    u.name = r.col_text(1);
    u.password_hash = r.col_text(2);
    u.role = role_from(r.col_text(3));
    u.created = r.col_int(4);
    u.disabled = r.col_int(5) != 0;
    u.failed_logins = static_cast<int>(r.col_int(6));
    u.locked_until = r.col_int(7);
    return u;
}

SessionRow decode_session(const SqlRow& r) {
    SessionRow s;
    s.token_hash = r.col_text(0);
    s.user_id = r.col_int(1);
    s.csrf_token = r.col_text(2);
    s.created = r.col_int(3);
    s.last_used = r.col_int(4);
    s.remote = r.col_text(5);
    return s;
}

TokenRow decode_token(const SqlRow& r) {
    TokenRow t;
    t.id = r.col_int(0);
    t.kind = token_kind_from(r.col_text(1));
    t.token_hash = r.col_text(2);
    t.name = r.col_text(3);
    t.user_id = r.col_int(4);
    t.host_id = r.col_int(5);
    t.created = r.col_int(6);
    t.expires = r.col_int(7);
    t.uses = r.col_int(8);
    t.max_uses = r.col_int(9);
    t.last_used = r.col_int(10);
    t.revoked = r.col_int(11) != 0;
    return t;
}

AuditRow decode_audit(const SqlRow& r) {
    AuditRow a;
    a.id = r.col_int(0);
    a.time = r.col_int(1);
    a.actor = r.col_text(2);
    a.action = r.col_text(3);
    a.target = r.col_text(4);
    a.details_json = r.col_text(5);
    a.remote = r.col_text(6);
    return a;
}

PolicyVersion decode_policy(const SqlRow& r) {
    PolicyVersion p;
    p.version = r.col_int(0);
    p.policy_json = r.col_text(1);
    p.comment = r.col_text(2);
    p.created_by = r.col_text(3);
    p.created = r.col_int(4);
    return p;
}

// Selects rows of a table into a vector with the decoder given.
template <typename T, typename Decode>
std::vector<T> collect(SqlSession& s, const std::string& sql, const SqlParams& params, Decode decode) {
    std::vector<T> out;
    s.query(sql, params, [&](const SqlRow& r) { out.push_back(decode(r)); });
    return out;
}

template <typename T>
std::optional<T> first(std::vector<T> v) {
    if (v.empty()) {
        return std::nullopt;
    }
    return std::move(v.front());
}

std::vector<int64_t> unique_ids(const std::vector<int64_t>& ids) {
    std::vector<int64_t> out;
    std::set<int64_t> seen;
    for (int64_t id : ids) {
        if (seen.insert(id).second) {
            out.push_back(id);
        }
    }
    return out;
}

}  // namespace

IncidentRow SqlStore::decode_incident(const SqlRow& r) {
    IncidentRow x;
    int i = 0;
    x.id = r.col_int(i++);
    x.host_id = r.col_int(i++);
    x.host_name = r.col_text(i++);
    x.alert_id = r.col_text(i++);
    x.time = r.col_int(i++);
    x.received = r.col_int(i++);
    x.kind = r.col_text(i++);
    x.severity = static_cast<int>(r.col_int(i++));
    x.rule_name = r.col_text(i++);
    x.rule_type = r.col_text(i++);
    x.outcome = r.col_text(i++);
    x.exe = r.col_text(i++);
    x.command = r.col_text(i++);
    x.user = r.col_text(i++);
    x.summary = r.col_text(i++);
    x.status = status_from(r.col_text(i++));
    x.status_by = r.col_text(i++);
    x.status_time = r.col_int(i++);
    x.status_comment = r.col_text(i++);
    return x;
}

int64_t SqlStore::scalar(const std::string& sql, const SqlParams& params) {
    int64_t v = 0;
    with_read([&](SqlSession& s) { s.query(sql, params, [&](const SqlRow& r) { v = r.col_int(0); }); });
    return v;
}

// ---- incidents -------------------------------------------------------------------------------

IngestResult SqlStore::ingest(const std::vector<IncidentRow>& rows) {
    IngestResult res;
    with_write([&](SqlSession& s) {
        res = IngestResult{};
        serialize(s, kIngestLockKey);
        const std::string ins =
            "INSERT INTO incidents (host_id, host_name, alert_id, time_ns, received_ns, kind, severity, rule_name, "
            "rule_type, outcome, exe, command, proc_user, summary, status, status_by, status_time_ns, "
            "status_comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (host_id, alert_id) DO NOTHING RETURNING id";
        const std::string raw = "INSERT INTO incident_raw (id, raw_json) VALUES (?, ?)";
        for (const auto& x : rows) {
            int64_t id = 0;
            s.query(ins,
                    {x.host_id, x.host_name, x.alert_id, x.time, x.received, x.kind, int64_t{x.severity}, x.rule_name,
                     x.rule_type, x.outcome, x.exe, x.command, x.user, x.summary,
                     std::string(status_name(x.status)), x.status_by, x.status_time, x.status_comment},
                    [&](const SqlRow& r) { id = r.col_int(0); });
            if (id == 0) {
                ++res.duplicates;
                continue;
            }
            s.exec(raw, {id, x.raw_json});
            ++res.accepted;
        }
        s.query("SELECT COALESCE(MAX(id), 0) FROM incidents", {},
                [&](const SqlRow& r) { res.last_id = r.col_int(0); });
    });
    return res;
}

std::vector<IncidentRow> SqlStore::run_incident_query(SqlSession& s, const IncidentFilter& f,
                                                      const std::optional<IncidentCursor>& after, int64_t limit,
                                                      IncidentQuery::TextPlan plan) {
    IncidentQuery q(dialect(), plan);
    std::string sql = q.build(f, after, limit);
    std::vector<IncidentRow> out;
    s.query_dynamic(sql, q.params(), [&](const SqlRow& r) { out.push_back(decode_incident(r)); });
    return out;
}

std::vector<IncidentRow> SqlStore::select_incidents(const IncidentFilter& f,
                                                    const std::optional<IncidentCursor>& after, int64_t limit) {
    std::vector<IncidentRow> rows;
    with_read([&](SqlSession& s) { rows = run_incident_query(s, f, after, limit, IncidentQuery::TextPlan::index); });
    return rows;
}

IncidentPage SqlStore::list_incidents(const IncidentFilter& filter, std::optional<IncidentCursor> after,
                                      int limit) {
    int64_t lim = std::clamp(limit, 1, kMaxPage);
    IncidentPage page;
    // One row more than asked tells whether another page follows.
    page.items = select_incidents(filter, after, lim + 1);
    if (static_cast<int64_t>(page.items.size()) > lim) {
        page.items.resize(static_cast<size_t>(lim));
        page.next = IncidentCursor{page.items.back().time, page.items.back().id};
    }
    return page;
}

std::optional<IncidentRow> SqlStore::get_incident(int64_t id) {
    std::optional<IncidentRow> out;
    with_read([&](SqlSession& s) {
        s.query(std::string("SELECT ") + IncidentQuery::columns() +
                    ", (SELECT raw_json FROM incident_raw WHERE incident_raw.id = incidents.id) FROM incidents "
                    "WHERE id = ?",
                {id}, [&](const SqlRow& r) {
                    out = decode_incident(r);
                    out->raw_json = r.col_text(IncidentQuery::kColumns);
                });
    });
    return out;
}

bool SqlStore::set_incident_status(int64_t id, IncidentStatus status, const std::string& by, TimeNs when,
                                   const std::string& comment) {
    int64_t n = 0;
    with_write([&](SqlSession& s) {
        n = s.exec("UPDATE incidents SET status = ?, status_by = ?, status_time_ns = ?, status_comment = ? "
                   "WHERE id = ?",
                   {std::string(status_name(status)), by, when, comment, id});
    });
    return n > 0;
}

int64_t SqlStore::last_incident_id() { return scalar("SELECT COALESCE(MAX(id), 0) FROM incidents", {}); }

int64_t SqlStore::count_incidents() { return scalar("SELECT COUNT(*) FROM incidents", {}); }

int64_t SqlStore::purge_incidents_before(TimeNs before, int64_t limit) {
    if (limit <= 0) {
        return 0;
    }
    int64_t n = 0;
    with_write([&](SqlSession& s) {
        // incident_raw rows go with their incident (ON DELETE CASCADE).
        n = s.exec("DELETE FROM incidents WHERE id IN (SELECT id FROM incidents WHERE time_ns < ? "
                   "ORDER BY time_ns LIMIT ?)",
                   {before, limit});
    });
    return n;
}

// ---- hosts ------------------------------------------------------------------------------------

int64_t SqlStore::create_host(const HostRow& h) {
    int64_t id = 0;
    with_write([&](SqlSession& s) {
        s.query("INSERT INTO hosts (name, machine_id, boot_id, enrolled_ns, last_seen_ns, agent_version, "
                "kernel_release, module_version, abi_version, sensor_state, sensor_reason, monitoring_enabled, "
                "monitoring_desired, monitoring_generation, monitoring_generation_applied, drops_total, "
                "config_assigned, config_applied, config_rejected, config_error, last_heartbeat_json, revoked) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                {h.name, h.machine_id, h.boot_id, h.enrolled, h.last_seen, h.agent_version, h.kernel_release,
                 h.module_version, h.abi_version, h.sensor_state, h.sensor_reason, b(h.monitoring_enabled),
                 b(h.monitoring_desired), h.monitoring_generation, h.monitoring_generation_applied, h.drops_total,
                 h.config_assigned, h.config_applied, h.config_rejected, h.config_error, h.last_heartbeat_json,
                 b(h.revoked)},
                [&](const SqlRow& r) { id = r.col_int(0); });
    });
    return id;
}

std::optional<HostRow> SqlStore::get_host(int64_t id) {
    std::vector<HostRow> v;
    with_read([&](SqlSession& s) {
        v = collect<HostRow>(s, std::string("SELECT ") + kHostCols + " FROM hosts WHERE id = ?", {id}, decode_host);
    });
    return first(std::move(v));
}

std::vector<HostRow> SqlStore::list_hosts() {
    std::vector<HostRow> v;
    with_read([&](SqlSession& s) {
        v = collect<HostRow>(s, std::string("SELECT ") + kHostCols + " FROM hosts ORDER BY id", {}, decode_host);
    });
    return v;
}

void SqlStore::apply_heartbeat(const HeartbeatUpdate& hb) {
    with_write([&](SqlSession& s) {
        // An empty name keeps the enrolled one: a host is never shown without a name.
        s.exec("UPDATE hosts SET last_seen_ns = ?, name = CASE WHEN ? = '' THEN name ELSE ? END, boot_id = ?, "
               "agent_version = ?, kernel_release = ?, module_version = ?, abi_version = ?, sensor_state = ?, "
               "sensor_reason = ?, monitoring_enabled = ?, monitoring_generation_applied = ?, drops_total = ?, "
               "config_applied = ?, config_rejected = ?, config_error = ?, last_heartbeat_json = ? WHERE id = ?",
               {hb.now, hb.name, hb.name, hb.boot_id, hb.agent_version, hb.kernel_release, hb.module_version,
                hb.abi_version, hb.sensor_state, hb.sensor_reason, b(hb.monitoring_enabled),
                hb.monitoring_generation_applied, hb.drops_total, hb.config_applied, hb.config_rejected,
                hb.config_error, hb.heartbeat_json, hb.host_id});
    });
}

void SqlStore::touch_host(int64_t id, TimeNs now) {
    with_write([&](SqlSession& s) { s.exec("UPDATE hosts SET last_seen_ns = ? WHERE id = ?", {now, id}); });
}

std::vector<int64_t> SqlStore::update_hosts(const std::vector<int64_t>& ids, const std::string& sql, int64_t value) {
    std::vector<int64_t> changed;
    with_write([&](SqlSession& s) {
        changed.clear();
        for (int64_t id : unique_ids(ids)) {
            if (s.exec(sql, {value, id}) > 0) {
                changed.push_back(id);
            }
        }
    });
    return changed;
}

std::vector<int64_t> SqlStore::set_monitoring(const std::vector<int64_t>& host_ids, bool enabled) {
    return update_hosts(host_ids,
                        "UPDATE hosts SET monitoring_desired = ?, monitoring_generation = monitoring_generation + 1 "
                        "WHERE id = ? AND revoked = 0",
                        b(enabled));
}

std::vector<int64_t> SqlStore::assign_policy(const std::vector<int64_t>& host_ids, int64_t version) {
    if (version != 0 && !get_policy(version)) {
        throw StoreError("no policy version " + std::to_string(version));
    }
    return update_hosts(host_ids, "UPDATE hosts SET config_assigned = ? WHERE id = ? AND revoked = 0", version);
}

void SqlStore::revoke_host(int64_t id) {
    with_write([&](SqlSession& s) {
        s.exec("UPDATE hosts SET revoked = 1 WHERE id = ?", {id});
        s.exec("UPDATE tokens SET revoked = 1 WHERE kind = 'agent' AND host_id = ?", {id});
    });
}

// ---- policies ---------------------------------------------------------------------------------

int64_t SqlStore::add_policy(const PolicyVersion& p) {
    int64_t v = 0;
    with_write([&](SqlSession& s) {
        serialize(s, kPolicyLockKey);
        s.query("SELECT COALESCE(MAX(version), 0) + 1 FROM policies", {}, [&](const SqlRow& r) { v = r.col_int(0); });
        s.exec("INSERT INTO policies (version, policy_json, comment, created_by, created_ns) VALUES (?, ?, ?, ?, ?)",
               {v, p.policy_json, p.comment, p.created_by, p.created});
    });
    return v;
}

std::optional<PolicyVersion> SqlStore::get_policy(int64_t version) {
    std::vector<PolicyVersion> v;
    with_read([&](SqlSession& s) {
        v = collect<PolicyVersion>(s, std::string("SELECT ") + kPolicyCols + " FROM policies WHERE version = ?",
                                   {version}, decode_policy);
    });
    return first(std::move(v));
}

std::optional<PolicyVersion> SqlStore::latest_policy() { return first(list_policies(1)); }

std::vector<PolicyVersion> SqlStore::list_policies(int limit) {
    std::vector<PolicyVersion> v;
    int64_t lim = std::clamp(limit, 1, kMaxPage);
    with_read([&](SqlSession& s) {
        v = collect<PolicyVersion>(
            s, std::string("SELECT ") + kPolicyCols + " FROM policies ORDER BY version DESC LIMIT ?", {lim},
            decode_policy);
    });
    return v;
}

int64_t SqlStore::default_policy() {
    std::string value;
    with_read([&](SqlSession& s) {
        s.query("SELECT value FROM settings WHERE key = 'default_policy'", {},
                [&](const SqlRow& r) { value = r.col_text(0); });
    });
    if (value.empty()) {
        return 0;
    }
    try {
        return std::stoll(value);
    } catch (const std::exception&) {
        throw StoreError("settings.default_policy is not a number: " + value);
    }
}

void SqlStore::set_default_policy(int64_t version) {
    with_write([&](SqlSession& s) {
        s.exec("INSERT INTO settings (key, value) VALUES ('default_policy', ?) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
               {std::to_string(version)});
    });
}

// ---- users and sessions -----------------------------------------------------------------------

int64_t SqlStore::create_user(const UserRow& u) {
    int64_t id = 0;
    try {
        with_write([&](SqlSession& s) {
            s.query("INSERT INTO users (name, password_hash, role, created_ns, disabled, failed_logins, "
                    "locked_until_ns) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    {u.name, u.password_hash, std::string(role_name(u.role)), u.created, b(u.disabled),
                     int64_t{u.failed_logins}, u.locked_until},
                    [&](const SqlRow& r) { id = r.col_int(0); });
        });
    } catch (const StoreConflict&) {
        throw StoreConflict("a user with this name already exists");
    }
    return id;
}

std::optional<UserRow> SqlStore::get_user(int64_t id) {
    std::vector<UserRow> v;
    with_read([&](SqlSession& s) {
        v = collect<UserRow>(s, std::string("SELECT ") + kUserCols + " FROM users WHERE id = ?", {id}, decode_user);
    });
    return first(std::move(v));
}

std::optional<UserRow> SqlStore::find_user(const std::string& name) {
    std::vector<UserRow> v;
    with_read([&](SqlSession& s) {
        v = collect<UserRow>(s, std::string("SELECT ") + kUserCols + " FROM users WHERE name = ?", {name},
                             decode_user);
    });
    return first(std::move(v));
}

std::vector<UserRow> SqlStore::list_users() {
    std::vector<UserRow> v;
    with_read([&](SqlSession& s) {
        v = collect<UserRow>(s, std::string("SELECT ") + kUserCols + " FROM users ORDER BY id", {}, decode_user);
    });
    return v;
}

void SqlStore::update_user(const UserRow& u) {
    with_write([&](SqlSession& s) {
        s.exec("UPDATE users SET password_hash = ?, role = ?, disabled = ?, failed_logins = ?, locked_until_ns = ? "
               "WHERE id = ?",
               {u.password_hash, std::string(role_name(u.role)), b(u.disabled), int64_t{u.failed_logins},
                u.locked_until, u.id});
    });
}

bool SqlStore::delete_user(int64_t id) {
    int64_t n = 0;
    with_write([&](SqlSession& s) {
        s.exec("DELETE FROM sessions WHERE user_id = ?", {id});
        s.exec("DELETE FROM tokens WHERE kind = 'api' AND user_id = ?", {id});
        n = s.exec("DELETE FROM users WHERE id = ?", {id});
    });
    return n > 0;
}

int64_t SqlStore::count_users() { return scalar("SELECT COUNT(*) FROM users", {}); }

void SqlStore::create_session(const SessionRow& x) {
    with_write([&](SqlSession& s) {
        s.exec("INSERT INTO sessions (token_hash, user_id, csrf_token, created_ns, last_used_ns, remote) "
               "VALUES (?, ?, ?, ?, ?, ?)",
               {x.token_hash, x.user_id, x.csrf_token, x.created, x.last_used, x.remote});
    });
}

std::optional<SessionRow> SqlStore::get_session(const std::string& token_hash) {
    std::vector<SessionRow> v;
    with_read([&](SqlSession& s) {
        v = collect<SessionRow>(s, std::string("SELECT ") + kSessionCols + " FROM sessions WHERE token_hash = ?",
                                {token_hash}, decode_session);
    });
    return first(std::move(v));
}

void SqlStore::touch_session(const std::string& token_hash, TimeNs now) {
    with_write([&](SqlSession& s) {
        s.exec("UPDATE sessions SET last_used_ns = ? WHERE token_hash = ?", {now, token_hash});
    });
}

void SqlStore::delete_session(const std::string& token_hash) {
    with_write([&](SqlSession& s) { s.exec("DELETE FROM sessions WHERE token_hash = ?", {token_hash}); });
}

void SqlStore::delete_sessions_before(TimeNs last_used_before) {
    with_write([&](SqlSession& s) { s.exec("DELETE FROM sessions WHERE last_used_ns < ?", {last_used_before}); });
}

void SqlStore::delete_user_sessions(int64_t user_id, const std::string& keep_hash) {
    with_write([&](SqlSession& s) {
        s.exec("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", {user_id, keep_hash});
    });
}

// ---- tokens -----------------------------------------------------------------------------------

int64_t SqlStore::create_token(const TokenRow& t) {
    int64_t id = 0;
    with_write([&](SqlSession& s) {
        s.query("INSERT INTO tokens (kind, token_hash, name, user_id, host_id, created_ns, expires_ns, uses, "
                "max_uses, last_used_ns, revoked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                {std::string(token_kind_name(t.kind)), t.token_hash, t.name, t.user_id, t.host_id, t.created,
                 t.expires, t.uses, t.max_uses, t.last_used, b(t.revoked)},
                [&](const SqlRow& r) { id = r.col_int(0); });
    });
    return id;
}

std::optional<TokenRow> SqlStore::find_token(TokenKind kind, const std::string& token_hash) {
    std::vector<TokenRow> v;
    with_read([&](SqlSession& s) {
        v = collect<TokenRow>(s,
                              std::string("SELECT ") + kTokenCols + " FROM tokens WHERE token_hash = ? AND kind = ?",
                              {token_hash, std::string(token_kind_name(kind))}, decode_token);
    });
    return first(std::move(v));
}

std::vector<TokenRow> SqlStore::list_tokens(TokenKind kind) {
    std::vector<TokenRow> v;
    with_read([&](SqlSession& s) {
        v = collect<TokenRow>(s, std::string("SELECT ") + kTokenCols + " FROM tokens WHERE kind = ? ORDER BY id",
                              {std::string(token_kind_name(kind))}, decode_token);
    });
    return v;
}

void SqlStore::use_token(int64_t id, TimeNs now) {
    with_write([&](SqlSession& s) {
        s.exec("UPDATE tokens SET uses = uses + 1, last_used_ns = ? WHERE id = ?", {now, id});
    });
}

bool SqlStore::consume_enrollment(int64_t id, TimeNs now) {
    int64_t n = 0;
    with_write([&](SqlSession& s) {
        // One statement: the check and the increment cannot be split by a concurrent enrolment
        // (SQLite: one writer; PostgreSQL: the row lock re-evaluates the WHERE).
        n = s.exec("UPDATE tokens SET uses = uses + 1, last_used_ns = ? WHERE id = ? AND kind = 'enrollment' "
                   "AND revoked = 0 AND (expires_ns = 0 OR expires_ns > ?) AND (max_uses = 0 OR uses < max_uses)",
                   {now, id, now});
    });
    return n > 0;
}

bool SqlStore::revoke_token(int64_t id) {
    int64_t n = 0;
    with_write([&](SqlSession& s) { n = s.exec("UPDATE tokens SET revoked = 1 WHERE id = ?", {id}); });
    return n > 0;
}

// ---- audit ------------------------------------------------------------------------------------

int64_t SqlStore::audit(const AuditRow& a) {
    int64_t id = 0;
    with_write([&](SqlSession& s) {
        s.query("INSERT INTO audit (time_ns, actor, action, target, details_json, remote) VALUES (?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                {a.time, a.actor, a.action, a.target, a.details_json.empty() ? std::string("{}") : a.details_json,
                 a.remote},
                [&](const SqlRow& r) { id = r.col_int(0); });
    });
    return id;
}

std::vector<AuditRow> SqlStore::list_audit(std::optional<int64_t> before_id, int limit) {
    std::vector<AuditRow> v;
    int64_t lim = std::clamp(limit, 1, kMaxPage);
    with_read([&](SqlSession& s) {
        if (before_id) {
            v = collect<AuditRow>(s,
                                  std::string("SELECT ") + kAuditCols +
                                      " FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?",
                                  {*before_id, lim}, decode_audit);
        } else {
            v = collect<AuditRow>(s, std::string("SELECT ") + kAuditCols + " FROM audit ORDER BY id DESC LIMIT ?",
                                  {lim}, decode_audit);
        }
    });
    return v;
}

}  // namespace procsentry::console::store
