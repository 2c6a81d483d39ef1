// SPDX-License-Identifier: GPL-2.0
// The console's storage: one interface, two back ends (SQLite by default,
// PostgreSQL for large fleets) over the same schema.  Every method is
// thread-safe and blocking; HTTP handlers call it from the server's worker
// threads, never from a coroutine that holds a timer.  Errors throw
// StoreError with the statement and the back end's message.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace procsentry::console::store {

class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A uniqueness constraint refused the write (duplicate user name, token hash, ...): the API maps
// it to 409 instead of 500.
class StoreConflict : public StoreError {
public:
    using StoreError::StoreError;
};

// Times are nanoseconds since the Unix epoch (UTC) throughout.
using TimeNs = int64_t;

// ---- incidents (one per alert received) ----------------------------------

enum class IncidentStatus { open, acknowledged, false_positive };

struct IncidentRow {
    int64_t id = 0;              // console's own, increasing in arrival order
    int64_t host_id = 0;
    std::string host_name;       // the host's name when the alert arrived
    std::string alert_id;        // the daemon's "id" (unique per host; dedup key with host_id)
    TimeNs time = 0;             // alert "time"
    TimeNs received = 0;
    std::string kind;            // rule | sensor | summary
    int severity = 0;            // 0 info, 1 low, 2 medium, 3 high, 4 critical
    std::string rule_name;       // "" when none (sensor, summary)
    std::string rule_type;       // "" when none
    std::string outcome;         // success | failure | ""
    std::string exe;             // process.exe or ""
    std::string command;         // argv joined with spaces (display), bounded to 1 KiB
    std::string user;            // process.user, else the uid as text, else ""
    std::string summary;
    IncidentStatus status = IncidentStatus::open;
    std::string status_by;       // operator who last changed the status
    TimeNs status_time = 0;
    std::string status_comment;
    std::string raw_json;        // the alert line exactly as received (only filled by get_incident)
};

struct IncidentFilter {
    std::vector<int64_t> host_ids;          // any of; empty = all
    std::optional<int> min_severity;        // >=
    std::vector<int> severities;            // any of; empty = all (combined with min_severity by AND)
    std::vector<std::string> rule_types;    // any of
    std::vector<std::string> kinds;         // any of
    std::optional<std::string> outcome;
    std::vector<IncidentStatus> statuses;   // any of
    std::optional<TimeNs> since;            // time >= since
    std::optional<TimeNs> until;            // time <  until
    std::string text;                       // case-insensitive substring of summary, command, exe, user,
                                            // rule name or host name; "" = none
};

// Keyset paging, newest first: (time, id) strictly below the cursor.
struct IncidentCursor {
    TimeNs time = 0;
    int64_t id = 0;
};

struct IncidentPage {
    std::vector<IncidentRow> items;         // raw_json empty
    std::optional<IncidentCursor> next;     // set when more rows may follow
};

struct IngestResult {
    int accepted = 0;
    int duplicates = 0;
    int64_t last_id = 0;                    // highest incident id after the call
};

// ---- hosts (one per enrolled agent) --------------------------------------

struct HostRow {
    int64_t id = 0;
    std::string name;
    std::string machine_id;
    std::string boot_id;
    TimeNs enrolled = 0;
    TimeNs last_seen = 0;                   // last authenticated request of any kind
    std::string agent_version;
    std::string kernel_release;
    std::string module_version;
    int64_t abi_version = -1;               // -1 unknown
    std::string sensor_state;               // registered | degraded | disabled | unknown
    std::string sensor_reason;              // degraded reason, "" when none
    bool monitoring_enabled = true;         // reported by the agent
    bool monitoring_desired = true;         // set by operators
    int64_t monitoring_generation = 0;      // bumped at every operator change
    int64_t monitoring_generation_applied = 0;
    int64_t drops_total = 0;                // kernel and pipeline loss reported by the agent
    int64_t config_assigned = 0;            // policy version operators assigned (0 none)
    int64_t config_applied = 0;             // version the agent runs (0 none)
    int64_t config_rejected = 0;            // last version the agent refused (0 none)
    std::string config_error;               // why it refused
    std::string last_heartbeat_json;        // the last heartbeat body, for the detail view
    bool revoked = false;                   // decommissioned: its token no longer works
};

// What a heartbeat reports; applied to the row in one update.
struct HeartbeatUpdate {
    int64_t host_id = 0;
    TimeNs now = 0;
    std::string name;
    std::string boot_id;
    std::string agent_version;
    std::string kernel_release;
    std::string module_version;
    int64_t abi_version = -1;
    std::string sensor_state;
    std::string sensor_reason;
    bool monitoring_enabled = true;
    int64_t monitoring_generation_applied = 0;
    int64_t drops_total = 0;
    int64_t config_applied = 0;
    int64_t config_rejected = 0;
    std::string config_error;
    std::string heartbeat_json;
};

// ---- agent configuration (policy) versions -------------------------------

struct PolicyVersion {
    int64_t version = 0;                    // 1, 2, ... console-wide
    std::string policy_json;                // {"skip": {...}, "rules": [...]} canonical text
    std::string comment;
    std::string created_by;
    TimeNs created = 0;
};

// ---- operators, sessions, tokens, audit ----------------------------------

enum class Role { viewer, operator_, admin };

struct UserRow {
    int64_t id = 0;
    std::string name;
    std::string password_hash;              // KDF string ("$scrypt$...")
    Role role = Role::viewer;
    TimeNs created = 0;
    bool disabled = false;
    int failed_logins = 0;                  // consecutive
    TimeNs locked_until = 0;
};

struct SessionRow {
    std::string token_hash;                 // SHA-256 hex of the cookie value
    int64_t user_id = 0;
    std::string csrf_token;
    TimeNs created = 0;
    TimeNs last_used = 0;
    std::string remote;                     // client address at login
};

enum class TokenKind { api, enrollment, agent };

struct TokenRow {
    int64_t id = 0;
    TokenKind kind = TokenKind::api;
    std::string token_hash;                 // SHA-256 hex; the token itself is never stored
    std::string name;                       // label (api, enrollment) or host name (agent)
    int64_t user_id = 0;                    // api: acts as this user; enrollment: creator
    int64_t host_id = 0;                    // agent only
    TimeNs created = 0;
    TimeNs expires = 0;                     // 0 never
    int64_t uses = 0;
    int64_t max_uses = 0;                   // enrollment: 0 unlimited
    TimeNs last_used = 0;
    bool revoked = false;
};

struct AuditRow {
    int64_t id = 0;
    TimeNs time = 0;
    std::string actor;                      // user name, "token:<name>", "agent:<host id>", "system"
    std::string action;                     // "login", "login_failed", "incident.status", "hosts.monitoring",
                                            // "config.push", "user.create", ... (docs/api.md)
    std::string target;                     // what it acted on ("incident 42", "hosts 3,4", "config 7")
    std::string details_json;               // object
    std::string remote;                     // client address
};

class Store {
public:
    virtual ~Store() = default;

    // Creates or upgrades the schema (idempotent); throws on a newer schema.
    virtual void migrate() = 0;
    virtual std::string backend() const = 0;  // "sqlite" | "postgresql"

    // Incidents.  ingest() inserts in one transaction; (host_id, alert_id) already present counts as a
    // duplicate (at-least-once delivery), not an error.
    virtual IngestResult ingest(const std::vector<IncidentRow>& rows) = 0;
    virtual IncidentPage list_incidents(const IncidentFilter& filter, std::optional<IncidentCursor> after,
                                        int limit) = 0;
    virtual std::optional<IncidentRow> get_incident(int64_t id) = 0;
    virtual bool set_incident_status(int64_t id, IncidentStatus status, const std::string& by, TimeNs when,
                                     const std::string& comment) = 0;
    virtual int64_t last_incident_id() = 0;
    virtual int64_t count_incidents() = 0;
    // Retention: removes incidents with time < before, at most `limit` rows; returns how many.
    virtual int64_t purge_incidents_before(TimeNs before, int64_t limit) = 0;

    // Hosts.
    virtual int64_t create_host(const HostRow& host) = 0;  // returns the id
    virtual std::optional<HostRow> get_host(int64_t id) = 0;
    virtual std::vector<HostRow> list_hosts() = 0;        // revoked ones too (flagged)
    virtual void apply_heartbeat(const HeartbeatUpdate& hb) = 0;
    virtual void touch_host(int64_t id, TimeNs now) = 0;  // last_seen only
    // Sets desired monitoring and bumps the generation of each host; returns the ids changed.
    virtual std::vector<int64_t> set_monitoring(const std::vector<int64_t>& host_ids, bool enabled) = 0;
    virtual std::vector<int64_t> assign_policy(const std::vector<int64_t>& host_ids, int64_t version) = 0;
    virtual void revoke_host(int64_t id) = 0;             // and its agent tokens

    // Policy versions.
    virtual int64_t add_policy(const PolicyVersion& p) = 0;  // assigns and returns the version
    virtual std::optional<PolicyVersion> get_policy(int64_t version) = 0;
    virtual std::optional<PolicyVersion> latest_policy() = 0;
    virtual std::vector<PolicyVersion> list_policies(int limit) = 0;  // newest first, policy_json filled
    // The version new hosts get: the last one pushed to every host (a setting row).
    virtual int64_t default_policy() = 0;
    virtual void set_default_policy(int64_t version) = 0;

    // Users.
    virtual int64_t create_user(const UserRow& u) = 0;    // throws StoreError on a duplicate name
    virtual std::optional<UserRow> get_user(int64_t id) = 0;
    virtual std::optional<UserRow> find_user(const std::string& name) = 0;
    virtual std::vector<UserRow> list_users() = 0;
    virtual void update_user(const UserRow& u) = 0;       // role, hash, disabled, failed_logins, locked_until
    virtual bool delete_user(int64_t id) = 0;             // and its sessions and api tokens
    virtual int64_t count_users() = 0;

    // Sessions.
    virtual void create_session(const SessionRow& s) = 0;
    virtual std::optional<SessionRow> get_session(const std::string& token_hash) = 0;
    virtual void touch_session(const std::string& token_hash, TimeNs now) = 0;
    virtual void delete_session(const std::string& token_hash) = 0;
    virtual void delete_sessions_before(TimeNs last_used_before) = 0;
    // Every session of a user except the one whose hash is keep_hash ("" keeps none): a new
    // password ends the sessions opened with the old one.
    virtual void delete_user_sessions(int64_t user_id, const std::string& keep_hash) = 0;

    // Tokens (api, enrollment, agent).
    virtual int64_t create_token(const TokenRow& t) = 0;
    virtual std::optional<TokenRow> find_token(TokenKind kind, const std::string& token_hash) = 0;
    virtual std::vector<TokenRow> list_tokens(TokenKind kind) = 0;
    virtual void use_token(int64_t id, TimeNs now) = 0;   // uses += 1, last_used = now
    // Atomically: true and uses += 1 when not revoked, not expired and uses < max_uses (or unlimited).
    virtual bool consume_enrollment(int64_t id, TimeNs now) = 0;
    virtual bool revoke_token(int64_t id) = 0;

    // Audit (append-only through this interface).
    virtual int64_t audit(const AuditRow& a) = 0;
    virtual std::vector<AuditRow> list_audit(std::optional<int64_t> before_id, int limit) = 0;  // newest first
};

// "sqlite" with a file path, or "postgresql" with a libpq conninfo string.
struct StoreSpec {
    std::string type = "sqlite";
    std::string path;       // sqlite
    std::string conninfo;   // postgresql
};

std::unique_ptr<Store> open_store(const StoreSpec& spec);  // throws StoreError

}  // namespace procsentry::console::store
