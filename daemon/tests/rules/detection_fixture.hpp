// SPDX-License-Identifier: GPL-2.0
// Records as the kernel would report them, a real process table fed with
// them (after detection, as the daemon does) and a user database read from
// temporary passwd/group files.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include <procsentry/procsentry_abi.h>

#include "abi/record.hpp"
#include "proctable/process_table.hpp"
#include "proctable/user_db.hpp"
#include "rules/detector.hpp"
#include "support/temp_file.hpp"

namespace procsentry::test {

inline constexpr uint32_t kUnchanged = 0xffffffffu;

inline abi::Creds creds(uint32_t uid, uint32_t euid, uint64_t caps = 0)
{
    abi::Creds c;
    c.uid = uid;
    c.gid = uid;
    c.suid = euid;
    c.sgid = uid;
    c.euid = euid;
    c.egid = uid;
    c.fsuid = euid;
    c.fsgid = uid;
    c.cap_effective = caps;
    c.cap_permitted = caps;
    c.userns = 4026531837u;
    return c;
}

inline std::string nul_join(const std::vector<std::string>& v)
{
    std::string s;
    for (std::size_t i = 0; i < v.size(); i++) {
        if (i)
            s += '\0';
        s += v[i];
    }
    return s;
}

class DetectionTest : public ::testing::Test {
protected:
    DetectionTest() : users_(write(passwd_, kPasswd), write(group_, kGroup), 0), table_(table_opts(), nullptr) {}

    static constexpr const char* kPasswd =
        "root:x:0:0:root:/root:/bin/bash\n"
        "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
        "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
        "bob:x:1001:1001:Bob:/home/bob:/bin/bash\n";
    static constexpr const char* kGroup = "root:x:0:\nalice:x:1000:\nbob:x:1001:\n";

    static std::string write(const TempFile& f, const char* text)
    {
        std::ofstream(f.path()) << text;
        return f.path();
    }
    static proctable::ProcessTable::Options table_opts()
    {
        proctable::ProcessTable::Options o;
        o.proc_root = "/nonexistent";
        return o;
    }

    // Start time as a function of the pid keeps (tgid, start_ns) unique.
    static uint64_t start_of(uint32_t tgid) { return 1000ull * tgid; }

    abi::Task task(uint32_t tgid, uint32_t ppid, const abi::Creds& c, const std::string& comm = "proc") const
    {
        abi::Task t;
        t.pid = t.tgid = tgid;
        t.ppid = ppid;
        t.loginuid = c.uid;
        t.sessionid = 1;
        t.start_ns = start_of(tgid);
        t.comm = comm;
        t.cred = c;
        return t;
    }

    abi::Record rec(abi::Body body)
    {
        return abi::Record{abi::Header{0, 0, 1, 32, ++seq_, ts_, 0, 0}, std::move(body)};
    }

    abi::Record fork(uint32_t child, uint32_t parent, const abi::Creds& c)
    {
        abi::Fork f;
        f.task = task(child, parent, c);
        f.creator_tgid = parent;
        return rec(f);
    }

    abi::Record exec(uint32_t tgid, uint32_t ppid, const abi::Creds& before, const abi::Creds& after,
                     const std::string& path, std::vector<std::string> argv = {}, uint32_t flags = 0)
    {
        abi::Exec e;
        const auto slash = path.rfind('/');
        e.task = task(tgid, ppid, after, path.substr(slash == std::string::npos ? 0 : slash + 1, 15));
        e.cred_before = before;
        e.flags = flags;
        if (argv.empty())
            argv.push_back(path);
        e.argc = static_cast<uint32_t>(argv.size());
        e.old_pid = tgid;
        e.path = path;
        e.filename = path;
        e.argv = nul_join(argv);
        return rec(e);
    }

    abi::Record exec_failed(uint32_t tgid, uint32_t ppid, const abi::Creds& c, const std::string& filename,
                            int32_t error, uint32_t name_flags = 0)
    {
        abi::ExecFailed f;
        f.task = task(tgid, ppid, c);
        f.error = error;
        f.call = PROCSENTRY_CALL_EXECVE;
        f.dirfd = -100;
        f.name_flags = name_flags;
        f.filename = filename;
        return rec(f);
    }

    abi::Record cred(uint32_t tgid, uint32_t ppid, const abi::Creds& before, const abi::Creds& after, uint32_t call,
                     int32_t result, std::vector<uint32_t> args)
    {
        abi::CredChange c;
        c.task = task(tgid, ppid, after);
        c.cred_before = before;
        c.call = call;
        c.entry = call == PROCSENTRY_CALL_COMMIT_CREDS ? PROCSENTRY_ENTRY_KERNEL : PROCSENTRY_ENTRY_NATIVE;
        c.result = result;
        c.nargs = static_cast<uint32_t>(args.size());
        for (std::size_t i = 0; i < args.size() && i < 3; i++)
            c.args[i] = args[i];
        return rec(c);
    }

    abi::Record exit(uint32_t tgid, uint32_t ppid, const abi::Creds& c, int32_t status, uint32_t signal = 0,
                     bool core = false)
    {
        abi::Exit x;
        x.task = task(tgid, ppid, c);
        x.status = status;
        x.signal = signal;
        x.core_dumped = core ? 1 : 0;
        x.exit_code = signal ? (signal | (core ? 0x80 : 0)) : static_cast<uint32_t>(status) << 8;
        return rec(x);
    }

    // What the daemon does per record: detect against the table as it was,
    // complete the events (the pipeline does so for those a rule matched),
    // then update the table.
    std::vector<rules::Event> feed(rules::Detector& d, const abi::Record& r)
    {
        std::vector<rules::Event> out;
        d.detect(r, out);
        for (auto& ev : out)
            d.complete(ev, r);
        table_.apply(r);
        return out;
    }

    TempFile passwd_, group_;
    proctable::UserDb users_;
    proctable::ProcessTable table_;
    uint64_t seq_ = 0;
    uint64_t ts_ = 5'000'000'000ull;
};

}  // namespace procsentry::test
