// SPDX-License-Identifier: GPL-2.0
// A realistic stream of kernel records for benchmarks: process lifecycles as
// a busy Debian server makes them (fork, exec of a system binary with a few
// arguments, sometimes a privilege drop, exit; a few failures and crashes),
// packed into EVENTS-sized messages like the module's.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "source/record_source.hpp"
#include "support/record_builder.hpp"

namespace procsentry::bench {

struct MixStats {
    uint64_t records = 0;
    uint64_t processes = 0;
};

class RecordMix {
public:
    // exits = false: processes never exit (to fill a process table).
    explicit RecordMix(bool exits = true) : exits_(exits) {}

    std::vector<source::Message> make(uint64_t processes, std::size_t message_bytes = 32 << 10)
    {
        std::vector<source::Message> out;
        source::Message m;
        for (uint64_t i = 0; i < processes; i++) {
            for (auto& r : lifecycle()) {
                if (m.records.size() + r.size() > message_bytes) {
                    out.push_back(std::move(m));
                    m = source::Message{};
                }
                test::append(m.records, r);
                stats_.records++;
            }
            stats_.processes++;
        }
        if (!m.records.empty())
            out.push_back(std::move(m));
        return out;
    }
    const MixStats& stats() const { return stats_; }

private:
    std::vector<std::vector<uint8_t>> lifecycle()
    {
        static const std::array<const char*, 8> kBins{"/usr/bin/ls", "/usr/bin/grep", "/usr/sbin/logrotate",
                                                      "/usr/bin/python3.11", "/usr/bin/dash", "/usr/bin/cat",
                                                      "/usr/lib/postfix/sbin/pickup", "/usr/bin/systemctl"};
        static const std::array<uint32_t, 4> kUids{0, 33, 1000, 108};
        const uint32_t pid = next_pid_++;
        const uint32_t uid = kUids[pid % kUids.size()];
        const char* bin = kBins[pid % kBins.size()];
        std::vector<std::vector<uint8_t>> v;

        test::RecordBuilder<procsentry_fork> f(PROCSENTRY_REC_FORK, ++seq_);
        f.body.task = task(pid, uid);
        f.body.creator_tgid = 1000;
        v.push_back(f.bytes());

        if (pid % 50 == 7) {  // a failed exec now and then
            test::RecordBuilder<procsentry_exec_failed> e(PROCSENTRY_REC_EXEC_FAILED, ++seq_);
            e.body.task = task(pid, uid);
            e.body.error = -2;
            e.body.call = PROCSENTRY_CALL_EXECVE;
            e.body.filename = e.str("/usr/local/bin/missing");
            v.push_back(e.bytes());
        }
        test::RecordBuilder<procsentry_exec> e(PROCSENTRY_REC_EXEC, ++seq_);
        e.body.task = task(pid, uid);
        e.body.cred_before = e.body.task.cred;
        e.body.argc = 4;
        e.body.old_pid = pid;
        e.body.path = e.str(bin);
        e.body.filename = e.str(bin);
        const std::string args = std::string(bin) + '\0' + "--color=auto" + '\0' + "-l" + '\0' + "/var/log/syslog";
        e.body.argv = e.str(args);
        v.push_back(e.bytes());

        if (uid == 0 && pid % 8 == 0) {  // a root daemon dropping privileges
            test::RecordBuilder<procsentry_cred_change> c(PROCSENTRY_REC_CRED_CHANGE, ++seq_);
            c.body.task = task(pid, 33);
            c.body.cred_before = test::sample_creds(0);
            c.body.cred_before.uid = c.body.cred_before.euid = 0;
            c.body.call = PROCSENTRY_CALL_SETRESUID;
            c.body.nargs = 3;
            c.body.args[0] = c.body.args[1] = c.body.args[2] = 33;
            v.push_back(c.bytes());
        }
        if (exits_) {
            test::RecordBuilder<procsentry_exit> x(PROCSENTRY_REC_EXIT, ++seq_);
            x.body.task = task(pid, uid);
            const bool fails = pid % 20 == 3, killed = pid % 200 == 5;
            x.body.status = killed ? -1 : fails ? 1 : 0;
            x.body.signal = killed ? 9 : 0;
            x.body.exit_code = killed ? 9 : fails ? 0x100 : 0;
            v.push_back(x.bytes());
        }
        return v;
    }

    static procsentry_task task(uint32_t pid, uint32_t uid)
    {
        procsentry_task t = test::sample_task(pid);
        t.ppid = 1000;
        t.start_ns = 1'000'000ull * pid;
        t.cred = test::sample_creds(uid);
        t.cred.uid = t.cred.euid = t.cred.suid = t.cred.fsuid = uid;
        t.cred.gid = t.cred.egid = uid;
        t.cred.cap_effective = uid == 0 ? 0x1ffffffffffULL : 0;
        t.cred.cap_permitted = t.cred.cap_effective;
        return t;
    }

    bool exits_;
    uint32_t next_pid_ = 2000;
    uint64_t seq_ = 0;
    MixStats stats_;
};

}  // namespace procsentry::bench
