// SPDX-License-Identifier: GPL-2.0
#include "store/sqlite_schema.hpp"

namespace procsentry::console::store {

namespace {

// Version 1.  Incidents keep the raw alert in a side table so that list pages, which never need
// it, read small rows.  Each list filter has an index (column, time) whose entries are ordered by
// (column, time, rowid): equality on the column gives the page in (time, id) order directly.
// Text search: an external-content FTS5 table with the trigram tokenizer (case-insensitive
// substrings of 3+ characters) over the searched columns, kept in step by triggers.
const char* const kV1 = R"SQL(
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE hosts (
  id                            INTEGER PRIMARY KEY AUTOINCREMENT,
  name                          TEXT NOT NULL,
  machine_id                    TEXT NOT NULL,
  boot_id                       TEXT NOT NULL,
  enrolled_ns                   INTEGER NOT NULL,
  last_seen_ns                  INTEGER NOT NULL,
  agent_version                 TEXT NOT NULL,
  kernel_release                TEXT NOT NULL,
  module_version                TEXT NOT NULL,
  abi_version                   INTEGER NOT NULL,
  sensor_state                  TEXT NOT NULL,
  sensor_reason                 TEXT NOT NULL,
  monitoring_enabled            INTEGER NOT NULL,
  monitoring_desired            INTEGER NOT NULL,
  monitoring_generation         INTEGER NOT NULL,
  monitoring_generation_applied INTEGER NOT NULL,
  drops_total                   INTEGER NOT NULL,
  config_assigned               INTEGER NOT NULL,
  config_applied                INTEGER NOT NULL,
  config_rejected               INTEGER NOT NULL,
  config_error                  TEXT NOT NULL,
  last_heartbeat_json           TEXT NOT NULL,
  revoked                       INTEGER NOT NULL
);

CREATE TABLE policies (
  version     INTEGER PRIMARY KEY,
  policy_json TEXT NOT NULL,
  comment     TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  created_ns  INTEGER NOT NULL
);

CREATE TABLE users (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  name            TEXT NOT NULL UNIQUE,
  password_hash   TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  created_ns      INTEGER NOT NULL,
  disabled        INTEGER NOT NULL,
  failed_logins   INTEGER NOT NULL,
  locked_until_ns INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash   TEXT PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token   TEXT NOT NULL,
  created_ns   INTEGER NOT NULL,
  last_used_ns INTEGER NOT NULL,
  remote       TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_last_used ON sessions(last_used_ns);

CREATE TABLE tokens (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  kind         TEXT NOT NULL CHECK (kind IN ('api', 'enrollment', 'agent')),
  token_hash   TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  user_id      INTEGER NOT NULL,
  host_id      INTEGER NOT NULL,
  created_ns   INTEGER NOT NULL,
  expires_ns   INTEGER NOT NULL,
  uses         INTEGER NOT NULL,
  max_uses     INTEGER NOT NULL,
  last_used_ns INTEGER NOT NULL,
  revoked      INTEGER NOT NULL
);
CREATE INDEX tokens_kind ON tokens(kind);
CREATE INDEX tokens_user ON tokens(user_id);
CREATE INDEX tokens_host ON tokens(host_id);

CREATE TABLE audit (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ns      INTEGER NOT NULL,
  actor        TEXT NOT NULL,
  action       TEXT NOT NULL,
  target       TEXT NOT NULL,
  details_json TEXT NOT NULL,
  remote       TEXT NOT NULL
);

CREATE TABLE incidents (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  host_id        INTEGER NOT NULL REFERENCES hosts(id),
  host_name      TEXT NOT NULL,
  alert_id       TEXT NOT NULL,
  time_ns        INTEGER NOT NULL,
  received_ns    INTEGER NOT NULL,
  kind           TEXT NOT NULL,
  severity       INTEGER NOT NULL,
  rule_name      TEXT NOT NULL,
  rule_type      TEXT NOT NULL,
  outcome        TEXT NOT NULL,
  exe            TEXT NOT NULL,
  command        TEXT NOT NULL,
  proc_user      TEXT NOT NULL,
  summary        TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'false_positive')),
  status_by      TEXT NOT NULL,
  status_time_ns INTEGER NOT NULL,
  status_comment TEXT NOT NULL
);
CREATE UNIQUE INDEX incidents_alert ON incidents(host_id, alert_id);
CREATE INDEX incidents_time ON incidents(time_ns);
CREATE INDEX incidents_host_time ON incidents(host_id, time_ns);
CREATE INDEX incidents_severity_time ON incidents(severity, time_ns);
CREATE INDEX incidents_rule_type_time ON incidents(rule_type, time_ns);
CREATE INDEX incidents_kind_time ON incidents(kind, time_ns);
CREATE INDEX incidents_outcome_time ON incidents(outcome, time_ns);
CREATE INDEX incidents_status_time ON incidents(status, time_ns);

CREATE TABLE incident_raw (
  id       INTEGER PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
  raw_json TEXT NOT NULL
);

CREATE VIRTUAL TABLE incidents_fts USING fts5(
  host_name, summary, command, exe, proc_user, rule_name,
  content='incidents', content_rowid='id', tokenize='trigram', columnsize=0);

CREATE TRIGGER incidents_fts_insert AFTER INSERT ON incidents BEGIN
  INSERT INTO incidents_fts(rowid, host_name, summary, command, exe, proc_user, rule_name)
  VALUES (new.id, new.host_name, new.summary, new.command, new.exe, new.proc_user, new.rule_name);
END;
CREATE TRIGGER incidents_fts_delete AFTER DELETE ON incidents BEGIN
  INSERT INTO incidents_fts(incidents_fts, rowid, host_name, summary, command, exe, proc_user, rule_name)
  VALUES ('delete', old.id, old.host_name, old.summary, old.command, old.exe, old.proc_user, old.rule_name);
END;
CREATE TRIGGER incidents_fts_update AFTER UPDATE OF host_name, summary, command, exe, proc_user, rule_name
ON incidents BEGIN
  INSERT INTO incidents_fts(incidents_fts, rowid, host_name, summary, command, exe, proc_user, rule_name)
  VALUES ('delete', old.id, old.host_name, old.summary, old.command, old.exe, old.proc_user, old.rule_name);
  INSERT INTO incidents_fts(rowid, host_name, summary, command, exe, proc_user, rule_name)
  VALUES (new.id, new.host_name, new.summary, new.command, new.exe, new.proc_user, new.rule_name);
END;
)SQL";

}  // namespace

const std::vector<std::string>& SqliteSchema::migrations() {
    static const std::vector<std::string> steps = {kV1};
    return steps;
}

}  // namespace procsentry::console::store
