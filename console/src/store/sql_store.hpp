// SPDX-License-Identifier: GPL-2.0
// Every Store method written once, in SQL both back ends accept (`?` placeholders, INSERT ...
// ON CONFLICT DO NOTHING RETURNING, row values).  A back end supplies sessions (a transaction for
// writes, a pooled connection for reads) and may run the incident list its own way.
#pragma once

#include <functional>
#include <string>

#include "store/incident_query.hpp"
#include "store/sql_session.hpp"
#include "store/store.hpp"

namespace procsentry::console::store {

class SqlStore : public Store {
public:
    IngestResult ingest(const std::vector<IncidentRow>& rows) override;
    IncidentPage list_incidents(const IncidentFilter& filter, std::optional<IncidentCursor> after,
                                int limit) override;
    std::optional<IncidentRow> get_incident(int64_t id) override;
    bool set_incident_status(int64_t id, IncidentStatus status, const std::string& by, TimeNs when,
                             const std::string& comment) override;
    int64_t last_incident_id() override;
    int64_t count_incidents() override;
    int64_t purge_incidents_before(TimeNs before, int64_t limit) override;

    int64_t create_host(const HostRow& host) override;
    std::optional<HostRow> get_host(int64_t id) override;
    std::vector<HostRow> list_hosts() override;
    void apply_heartbeat(const HeartbeatUpdate& hb) override;
    void touch_host(int64_t id, TimeNs now) override;
    std::vector<int64_t> set_monitoring(const std::vector<int64_t>& host_ids, bool enabled) override;
    std::vector<int64_t> assign_policy(const std::vector<int64_t>& host_ids, int64_t version) override;
    void revoke_host(int64_t id) override;

    int64_t add_policy(const PolicyVersion& p) override;
    std::optional<PolicyVersion> get_policy(int64_t version) override;
    std::optional<PolicyVersion> latest_policy() override;
    std::vector<PolicyVersion> list_policies(int limit) override;
    int64_t default_policy() override;
    void set_default_policy(int64_t version) override;

    int64_t create_user(const UserRow& u) override;
    std::optional<UserRow> get_user(int64_t id) override;
    std::optional<UserRow> find_user(const std::string& name) override;
    std::vector<UserRow> list_users() override;
    void update_user(const UserRow& u) override;
    bool delete_user(int64_t id) override;
    int64_t count_users() override;

    void create_session(const SessionRow& s) override;
    std::optional<SessionRow> get_session(const std::string& token_hash) override;
    void touch_session(const std::string& token_hash, TimeNs now) override;
    void delete_session(const std::string& token_hash) override;
    void delete_sessions_before(TimeNs last_used_before) override;
    void delete_user_sessions(int64_t user_id, const std::string& keep_hash) override;

    int64_t create_token(const TokenRow& t) override;
    std::optional<TokenRow> find_token(TokenKind kind, const std::string& token_hash) override;
    std::vector<TokenRow> list_tokens(TokenKind kind) override;
    void use_token(int64_t id, TimeNs now) override;
    bool consume_enrollment(int64_t id, TimeNs now) override;
    bool revoke_token(int64_t id) override;

    int64_t audit(const AuditRow& a) override;
    std::vector<AuditRow> list_audit(std::optional<int64_t> before_id, int limit) override;

    // Page sizes a caller may ask for; beyond are clamped.
    static constexpr int kMaxPage = 1000;

protected:
    using SessionFn = std::function<void(SqlSession&)>;
    // One transaction; committed when fn returns, rolled back when it throws.
    virtual void with_write(const SessionFn& fn) = 0;
    virtual void with_read(const SessionFn& fn) = 0;
    // Serialises writers that must not interleave (ingest: ids committed in order; policy
    // numbering) when the back end has several writers; `key` names the critical section.
    virtual void serialize(SqlSession& /*s*/, int /*key*/) {}
    // Up to `limit` incidents, newest first; the default uses the text index whenever it can.
    virtual std::vector<IncidentRow> select_incidents(const IncidentFilter& f,
                                                      const std::optional<IncidentCursor>& after, int64_t limit);
    virtual IncidentQuery::Dialect dialect() const = 0;

    static IncidentRow decode_incident(const SqlRow& r);
    std::vector<IncidentRow> run_incident_query(SqlSession& s, const IncidentFilter& f,
                                                const std::optional<IncidentCursor>& after, int64_t limit,
                                                IncidentQuery::TextPlan plan);

private:
    std::vector<int64_t> update_hosts(const std::vector<int64_t>& ids, const std::string& sql, int64_t value);
    int64_t scalar(const std::string& sql, const SqlParams& params);
};

}  // namespace procsentry::console::store
