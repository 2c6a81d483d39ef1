// SPDX-License-Identifier: GPL-2.0
// Store benchmark (not a test): fills a fresh store with N incidents of a realistic mix, then times
// the incident-list queries of docs/api.md.
//   store_bench [--backend sqlite|postgresql] [--path FILE] [--conninfo STR] [--rows N]
//               [--repeat R] [--batch B] [--reuse]
// SQLite: FILE (default /tmp/procsentry-store-bench.db) is deleted first.  PostgreSQL: the schema
// procsentry_bench of the conninfo's database is dropped and recreated.
#include <libpq-fe.h>
#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace {

using procsentry::console::store::IncidentCursor;
using procsentry::console::store::IncidentFilter;
using procsentry::console::store::IncidentRow;
using procsentry::console::store::IncidentStatus;
using procsentry::console::store::Store;
using procsentry::console::store::StoreSpec;
using Clock = std::chrono::steady_clock;

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kDay = 86400 * kSecond;
constexpr int64_t kEnd = 1'795'000'000 * kSecond;  // a fixed "now": runs compare
constexpr int kHosts = 200;

struct Options {
    std::string backend = "sqlite";
    std::string path = "/tmp/procsentry-store-bench.db";
    std::string conninfo;
    int64_t rows = 1'000'000;
    int repeat = 20;
    int batch = 1000;
    bool reuse = false;  // sqlite: query an existing bench database instead of filling a new one
};

// CPU time of this thread: SQLite runs the query in it, so this is the query's own cost whatever
// else the machine is doing (wall time on a shared, loaded machine is mostly waiting).
double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1000.0 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

void pg_admin(const std::string& conninfo, const std::string& sql) {
    PGconn* c = PQconnectdb(conninfo.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
        std::cerr << "store_bench: " << PQerrorMessage(c);
        std::exit(1);
    }
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        std::cerr << "store_bench: " << PQerrorMessage(c);
        std::exit(1);
    }
    PQclear(r);
    PQfinish(c);
}

std::string pg_scalar(const std::string& conninfo, const std::string& sql) {
    PGconn* c = PQconnectdb(conninfo.c_str());
    PGresult* r = PQexec(c, sql.c_str());
    std::string v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "?";
    PQclear(r);
    PQfinish(c);
    return v;
}

// The mix: severities skewed low, mostly rule alerts of three types, a few sensor/summary ones,
// commands and users from pools with varying arguments; "xmrig" is rare (1 in 20000), "python"
// common (about 1 in 6).
class Generator {
public:
    IncidentRow next(int64_t n, const std::vector<int64_t>& hosts) {
        IncidentRow r;
        size_t h = pick_host();
        r.host_id = hosts[h];
        r.host_name = "host-" + std::to_string(h) + ".dc1.example.com";
        r.alert_id = "a" + std::to_string(n);
        r.time = kEnd - static_cast<int64_t>(rng_() % static_cast<uint64_t>(30 * kDay));
        r.received = r.time + static_cast<int64_t>(rng_() % (2 * kSecond));
        int k = pct();
        r.kind = k < 90 ? "rule" : (k < 97 ? "sensor" : "summary");
        int s = pct();
        r.severity = s < 30 ? 0 : (s < 72 ? 1 : (s < 91 ? 2 : (s < 98 ? 3 : 4)));
        static const char* kCommands[] = {
            "python3 /opt/app/worker.py --queue jobs", "bash -c 'tar czf /backup/home.tgz /home'",
            "curl -fsSL https://updates.example.com/check", "sudo systemctl restart nginx",
            "/usr/bin/ssh deploy@10.0.3.4 uptime", "python -m http.server 8000", "nc -lvp 4444",
            "crontab -l", "apt-get -q update", "/usr/sbin/sshd -D", "perl -e 'print 1'", "su - postgres",
            "docker exec -it web sh", "kubectl get pods -A", "java -jar /srv/app.jar", "node server.js",
            "rsync -a /data/ backup:/data/", "wget -q http://mirror/pkg.deb", "vim /etc/hosts", "id"};
        static const char* kUsers[] = {"root", "www-data", "postgres", "deploy", "alice", "bob", "carol",
                                       "nobody", "backup", "ci-runner", "1001", "1002", "svc-app", "admin"};
        static const char* kTypes[] = {"bin-execution", "root-escalation", "termination-failure"};
        if (r.kind == "rule") {
            int t = pct();
            r.rule_type = kTypes[t < 70 ? 0 : (t < 90 ? 1 : 2)];
            r.rule_name = r.rule_type + "-" + std::to_string(rng_() % 12);
            r.outcome = pct() < 75 ? "success" : "failure";
        }
        std::string cmd = kCommands[rng_() % std::size(kCommands)];
        if (rng_() % 20000 == 0) {
            cmd = "/tmp/.x/xmrig --donate-level 1 -o pool.example:3333";
        }
        r.command = cmd + " #" + std::to_string(rng_() % 100000);
        r.exe = "/usr/bin/" + cmd.substr(0, cmd.find(' '));
        r.user = kUsers[rng_() % std::size(kUsers)];
        r.summary = (r.rule_type.empty() ? r.kind : r.rule_type) + ": " + r.user + " ran " + r.exe;
        int st = pct();
        r.status = st < 85 ? IncidentStatus::open : (st < 97 ? IncidentStatus::acknowledged : IncidentStatus::false_positive);
        r.raw_json = R"({"schema":"procsentry.alert/1","id":")" + r.alert_id + R"(","kind":")" + r.kind +
                     R"(","process":{"pid":)" + std::to_string(rng_() % 4000000) + R"(,"exe":")" + r.exe +
                     R"(","args":[")" + cmd + R"("],"user":")" + r.user +
                     R"(","ancestry":[{"pid":1,"exe":"/usr/lib/systemd/systemd"},{"pid":812,"exe":"/usr/sbin/sshd"},)" +
                     R"({"pid":4411,"exe":"/usr/bin/bash"}],"creds":{"uid":0,"euid":0,"gid":0,"egid":0,"caps":"000001ffffffffff"}},)" +
                     R"("host":{"name":")" + r.host_name + R"(","machine_id":"0f8c2e4b9d1a4f6e8b7c6d5e4f3a2b1c"}})";
        return r;
    }

private:
    int pct() { return static_cast<int>(rng_() % 100); }
    // Some hosts are much noisier than others.
    size_t pick_host() {
        uint64_t a = rng_() % kHosts;
        uint64_t b = rng_() % kHosts;
        return static_cast<size_t>(pct() < 50 ? std::min(a, b) : a);
    }
    std::mt19937_64 rng_{20261128};
};

struct Query {
    std::string name;
    IncidentFilter filter;
    bool deep = false;
};

void usage() {
    std::cerr << "usage: store_bench [--backend sqlite|postgresql] [--path FILE] [--conninfo STR] [--rows N] "
                 "[--repeat R] [--batch B] [--reuse]\n";
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage();
            }
            return argv[++i];
        };
        if (a == "--backend") {
            o.backend = value();
        } else if (a == "--path") {
            o.path = value();
        } else if (a == "--conninfo") {
            o.conninfo = value();
        } else if (a == "--rows") {
            o.rows = std::stoll(value());
        } else if (a == "--repeat") {
            o.repeat = std::stoi(value());
        } else if (a == "--batch") {
            o.batch = std::stoi(value());
        } else if (a == "--reuse") {
            o.reuse = true;
        } else {
            usage();
        }
    }
    if ((o.backend != "sqlite" && o.backend != "postgresql") || o.rows < 1 || o.repeat < 1 || o.batch < 1 ||
        (o.backend == "postgresql" && o.conninfo.empty())) {
        usage();
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse(argc, argv);
    StoreSpec spec;
    spec.type = o.backend;
    if (o.backend == "sqlite" && o.reuse) {
        spec.path = o.path;
    } else if (o.backend == "sqlite") {
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::filesystem::remove(o.path + suffix);
        }
        spec.path = o.path;
    } else {
        pg_admin(o.conninfo, "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public; "
                             "DROP SCHEMA IF EXISTS procsentry_bench CASCADE; CREATE SCHEMA procsentry_bench");
        spec.conninfo = o.conninfo + " options='-c search_path=procsentry_bench,public'";
    }
    auto store = procsentry::console::store::open_store(spec);
    store->migrate();

    std::vector<int64_t> hosts;
    for (const auto& h : store->list_hosts()) {
        hosts.push_back(h.id);
    }
    if (o.reuse) {
        o.rows = 0;  // nothing to fill
    }
    for (int i = static_cast<int>(hosts.size()); i < kHosts; ++i) {
        procsentry::console::store::HostRow h;
        h.name = "host-" + std::to_string(i) + ".dc1.example.com";
        h.machine_id = std::to_string(i);
        h.enrolled = kEnd - 31 * kDay;
        h.sensor_state = "registered";
        hosts.push_back(store->create_host(h));
    }

    Generator gen;
    auto t0 = Clock::now();
    int64_t done = 0;
    while (done < o.rows) {
        std::vector<IncidentRow> batch;
        int64_t n = std::min<int64_t>(o.batch, o.rows - done);
        for (int64_t i = 0; i < n; ++i) {
            batch.push_back(gen.next(done + i, hosts));
        }
        auto res = store->ingest(batch);
        if (res.accepted != n) {
            std::cerr << "store_bench: batch accepted " << res.accepted << " of " << n << "\n";
            return 1;
        }
        done += n;
        if (done % 100000 == 0) {
            std::cerr << "filled " << done << " (" << static_cast<int64_t>(done / (ms_since(t0) / 1000.0))
                      << " rows/s)\n";
        }
    }
    double fill_ms = ms_since(t0);

    std::string size;
    if (o.backend == "sqlite") {
        uintmax_t bytes = 0;
        for (const char* suffix : {"", "-wal"}) {
            std::error_code ec;
            auto s = std::filesystem::file_size(o.path + suffix, ec);
            bytes += ec ? 0 : s;
        }
        size = std::to_string(bytes / (1024 * 1024)) + " MiB";
    } else {
        // What autovacuum would have done by now; the planner needs the statistics.
        pg_admin(spec.conninfo, "ANALYZE");
        size = pg_scalar(spec.conninfo,
                         "SELECT pg_size_pretty(SUM(pg_total_relation_size(c.oid))) FROM pg_class c JOIN "
                         "pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'procsentry_bench' "
                         "AND c.relkind IN ('r', 't')");
    }
    if (o.reuse) {
        o.rows = store->count_incidents();
    }
    std::printf("backend %s, rows %lld, fill %.1f s, %.0f rows/s (batches of %d), size %s\n", o.backend.c_str(),
                static_cast<long long>(o.rows), fill_ms / 1000.0, static_cast<double>(o.rows) / (fill_ms / 1000.0),
                o.batch, size.c_str());

    std::vector<Query> queries;
    auto add = [&](const std::string& name, const std::function<void(IncidentFilter&)>& fn, bool deep = false) {
        Query q;
        q.name = name;
        fn(q.filter);
        q.deep = deep;
        queries.push_back(q);
    };
    add("first page, no filter", [](IncidentFilter&) {});
    add("host (one of 200)", [&](IncidentFilter& f) { f.host_ids = {hosts[57]}; });
    add("severity=high", [](IncidentFilter& f) { f.severities = {3}; });
    add("min_severity=high", [](IncidentFilter& f) { f.min_severity = 3; });
    add("rule_type=root-escalation", [](IncidentFilter& f) { f.rule_types = {"root-escalation"}; });
    add("kind=sensor", [](IncidentFilter& f) { f.kinds = {"sensor"}; });
    add("outcome=failure", [](IncidentFilter& f) { f.outcome = "failure"; });
    add("status=false_positive", [](IncidentFilter& f) { f.statuses = {IncidentStatus::false_positive}; });
    add("status=open,min_severity=medium", [](IncidentFilter& f) {
        f.statuses = {IncidentStatus::open};
        f.min_severity = 2;
    });
    add("host+min_severity=high", [&](IncidentFilter& f) {
        f.host_ids = {hosts[57]};
        f.min_severity = 3;
    });
    add("time range: one day", [](IncidentFilter& f) {
        f.since = kEnd - 15 * kDay;
        f.until = kEnd - 14 * kDay;
    });
    add("q rare (xmrig)", [](IncidentFilter& f) { f.text = "xmrig"; });
    add("q common (python)", [](IncidentFilter& f) { f.text = "python"; });
    add("q medium (host-199.)", [](IncidentFilter& f) { f.text = "host-199."; });
    add("page 50 via cursor", [](IncidentFilter&) {}, true);

    std::printf("%-34s %9s %9s %11s %6s\n", "query (limit 50)", "p50 ms", "p99 ms", "cpu p50 ms", "rows");
    for (const auto& q : queries) {
        std::optional<IncidentCursor> cur;
        if (q.deep) {
            for (int p = 0; p < 49; ++p) {
                cur = store->list_incidents(q.filter, cur, 50).next;
            }
        }
        std::vector<double> ms;
        std::vector<double> cpu;
        size_t rows = 0;
        for (int i = 0; i < o.repeat + 1; ++i) {
            auto t = Clock::now();
            double c = thread_cpu_ms();
            auto page = store->list_incidents(q.filter, cur, 50);
            double d = ms_since(t);
            double dc = thread_cpu_ms() - c;
            rows = page.items.size();
            if (i > 0) {  // the first run warms the statement cache
                ms.push_back(d);
                cpu.push_back(dc);
            }
        }
        std::sort(ms.begin(), ms.end());
        std::sort(cpu.begin(), cpu.end());
        auto at = [](const std::vector<double>& v, double p) {
            return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
        };
        std::printf("%-34s %9.2f %9.2f %11.2f %6zu\n", q.name.c_str(), at(ms, 0.5), at(ms, 0.99), at(cpu, 0.5),
                    rows);
    }
    auto t = Clock::now();
    int64_t count = store->count_incidents();
    std::printf("count_incidents: %lld in %.1f ms\n", static_cast<long long>(count), ms_since(t));
    return 0;
}
