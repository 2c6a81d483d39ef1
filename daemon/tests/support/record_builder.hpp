// SPDX-License-Identifier: GPL-2.0
// Writes records exactly as include/procsentry/procsentry_abi.h describes:
// header, fixed body at hdr_size, strings after the body, size padded to 8.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <procsentry/procsentry_abi.h>

namespace procsentry::test {

template <typename Body>
class RecordBuilder {
public:
    RecordBuilder(uint16_t type, uint64_t seq, uint32_t cpu = 0)
    {
        hdr.type = type;
        hdr.abi_version = PROCSENTRY_ABI_VERSION;
        hdr.hdr_size = sizeof(procsentry_rec_hdr);
        hdr.seq = seq;
        hdr.ts_ns = 1000 + seq;
        hdr.cpu = cpu;
        hdr.flags = type == PROCSENTRY_REC_LOST ? PROCSENTRY_RF_SYNTHETIC : 0;
    }

    // Simulates a newer writer: a longer header and/or body (set before str()).
    RecordBuilder& grow(uint8_t extra_hdr, std::size_t extra_body)
    {
        hdr.hdr_size = static_cast<uint8_t>(sizeof(procsentry_rec_hdr) + extra_hdr);
        extra_body_ = extra_body;
        return *this;
    }

    // Appends s after the body and returns its (off, len).
    procsentry_str str(std::string_view s)
    {
        procsentry_str r;
        r.off = static_cast<uint32_t>(strings_start() + strings_.size());
        r.len = static_cast<uint32_t>(s.size());
        strings_.append(s);
        return r;
    }

    std::size_t strings_start() const { return hdr.hdr_size + sizeof(Body) + extra_body_; }

    std::vector<uint8_t> bytes() const
    {
        std::size_t size = strings_start() + strings_.size();
        size = (size + PROCSENTRY_REC_ALIGN - 1) & ~std::size_t{PROCSENTRY_REC_ALIGN - 1};
        std::vector<uint8_t> out(size, 0);
        procsentry_rec_hdr h = hdr;
        h.size = static_cast<uint32_t>(size);
        std::memcpy(out.data(), &h, sizeof h);
        std::memcpy(out.data() + hdr.hdr_size, &body, sizeof body);
        std::memcpy(out.data() + strings_start(), strings_.data(), strings_.size());
        return out;
    }

    procsentry_rec_hdr hdr{};
    Body body{};

private:
    std::size_t extra_body_ = 0;
    std::string strings_;
};

inline procsentry_creds sample_creds(uint32_t id)
{
    procsentry_creds c{};
    c.uid = id;
    c.gid = id + 1;
    c.suid = id + 2;
    c.sgid = id + 3;
    c.euid = id + 4;
    c.egid = id + 5;
    c.fsuid = id + 6;
    c.fsgid = id + 7;
    c.cap_effective = 0x1ffffffffffULL;
    c.cap_permitted = 0x3;
    return c;
}

inline procsentry_task sample_task(uint32_t pid)
{
    procsentry_task t{};
    t.pid = pid;
    t.tgid = pid;
    t.ppid = 1;
    t.loginuid = 1000;
    t.sessionid = 0xffffffffU;
    t.pid_ns = 4026531836U;
    t.mnt_ns = 4026531841U;
    t.cgroup_id = 1234567890123ULL;
    t.start_ns = 999;
    std::memcpy(t.comm, "bash", 4);
    t.cred = sample_creds(1000);
    return t;
}

inline void append(std::vector<uint8_t>& out, const std::vector<uint8_t>& rec)
{
    out.insert(out.end(), rec.begin(), rec.end());
}

// One valid record of each type (cpu 0), for tests and fuzz seeds.
inline std::vector<uint8_t> sample_exec(uint64_t seq, uint32_t cpu = 0)
{
    RecordBuilder<procsentry_exec> b(PROCSENTRY_REC_EXEC, seq, cpu);
    b.body.task = sample_task(4242);
    b.body.cred_before = sample_creds(1000);
    b.body.exec_flags = PROCSENTRY_EXEC_SCRIPT;
    b.body.argc = 3;
    b.body.old_pid = 4242;
    b.body.path = b.str("/tmp/x.sh");
    b.body.filename = b.str("./x.sh");
    b.body.interp = b.str("/bin/sh");
    b.body.interp_path = b.str("/usr/bin/dash");
    b.body.argv = b.str(std::string_view("./x.sh\0-c\0echo hi", 17));
    return b.bytes();
}

inline std::vector<uint8_t> sample_exec_failed(uint64_t seq, uint32_t cpu = 0)
{
    RecordBuilder<procsentry_exec_failed> b(PROCSENTRY_REC_EXEC_FAILED, seq, cpu);
    b.body.task = sample_task(77);
    b.body.error = -2;
    b.body.call = PROCSENTRY_CALL_EXECVEAT;
    b.body.entry = PROCSENTRY_ENTRY_IA32;
    b.body.dirfd = -100;
    b.body.at_flags = 0x1000;
    b.body.name_flags = PROCSENTRY_NAME_TRUNC;
    b.body.filename = b.str("/nonexistent");
    return b.bytes();
}

inline std::vector<uint8_t> sample_cred_change(uint64_t seq, uint32_t cpu = 0)
{
    RecordBuilder<procsentry_cred_change> b(PROCSENTRY_REC_CRED_CHANGE, seq, cpu);
    b.body.task = sample_task(55);
    b.body.cred_before = sample_creds(0);
    b.body.call = PROCSENTRY_CALL_SETRESUID;
    b.body.entry = PROCSENTRY_ENTRY_NATIVE;
    b.body.result = -1;
    b.body.nargs = 3;
    b.body.args[0] = 0xffffffffU;
    b.body.args[1] = 0;
    b.body.args[2] = 1000;
    return b.bytes();
}

inline std::vector<uint8_t> sample_exit(uint64_t seq, uint32_t cpu = 0)
{
    RecordBuilder<procsentry_exit> b(PROCSENTRY_REC_EXIT, seq, cpu);
    b.body.task = sample_task(88);
    b.body.exit_code = 0x86;  // killed by SIGABRT (6), core dumped
    b.body.status = -1;
    b.body.signal = 6;
    b.body.core_dumped = 1;
    return b.bytes();
}

inline std::vector<uint8_t> sample_fork(uint64_t seq, uint32_t cpu = 0)
{
    RecordBuilder<procsentry_fork> b(PROCSENTRY_REC_FORK, seq, cpu);
    b.body.task = sample_task(99);
    b.body.creator_tgid = 98;
    return b.bytes();
}

inline std::vector<uint8_t> sample_lost(uint32_t cause, uint64_t count, uint32_t lost_cpu, uint32_t cpu = 0)
{
    RecordBuilder<procsentry_lost> b(PROCSENTRY_REC_LOST, 0, cpu);
    b.body.cause = cause;
    b.body.cpu = lost_cpu;
    b.body.count = count;
    return b.bytes();
}

inline std::vector<uint8_t> sample_config(uint64_t seq, uint32_t cpu = 0)
{
    RecordBuilder<procsentry_config_change> b(PROCSENTRY_REC_CONFIG, seq, cpu);
    b.body.task = sample_task(77);
    b.body.old_config = {PROCSENTRY_MASK_ALL, PROCSENTRY_ARGV_DEFAULT, 0, 0};
    b.body.new_config = {1U << PROCSENTRY_REC_EXEC, 100, PROCSENTRY_CFG_CRED_NOOP, 0};
    return b.bytes();
}

}  // namespace procsentry::test
