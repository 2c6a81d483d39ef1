// SPDX-License-Identifier: GPL-2.0
#include "abi/decoder.hpp"

#include <cstring>
#include <type_traits>

#include "abi/abi_layout.hpp"

namespace procsentry::abi {

namespace {

// Copies a trivially copyable T from p (any alignment); caller checked bounds.
template <typename T>
T load(const uint8_t* p)
{
    static_assert(std::is_trivially_copyable_v<T>);
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

template <typename C>
Creds to_creds(const C& c)
{
    Creds out{c.uid,  c.gid,   c.suid,  c.sgid,          c.euid,
              c.egid, c.fsuid, c.fsgid, c.cap_effective, c.cap_permitted};
    // Fields added to procsentry_creds later (kept optional so this reader
    // builds against either revision of the header).
    if constexpr (requires { c.userns; })
        out.userns = c.userns;
    if constexpr (requires { c.securebits; })
        out.securebits = c.securebits;
    return out;
}

Task to_task(const procsentry_task& t)
{
    Task out;
    out.pid = t.pid;
    out.tgid = t.tgid;
    out.ppid = t.ppid;
    out.loginuid = t.loginuid;
    out.sessionid = t.sessionid;
    out.pid_ns = t.pid_ns;
    out.mnt_ns = t.mnt_ns;
    out.cgroup_id = t.cgroup_id;
    out.start_ns = t.start_ns;
    const void* nul = std::memchr(t.comm, '\0', sizeof t.comm);
    const std::size_t n = nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - t.comm)
                              : sizeof t.comm;
    out.comm.assign(t.comm, n);
    out.cred = to_creds(t.cred);
    return out;
}

// One record whose framing (hdr.size) is already validated.
class RecordView {
public:
    RecordView(const uint8_t* rec, const Header& hdr) : rec_(rec), hdr_(hdr) {}

    // Body of type B, if the record holds at least sizeof(B) body bytes.
    template <typename B>
    bool body(B& out)
    {
        if (hdr_.size - hdr_.hdr_size < sizeof(B))
            return fail(DecodeError::body_too_small);
        out = load<B>(rec_ + hdr_.hdr_size);
        body_end_ = static_cast<uint64_t>(hdr_.hdr_size) + sizeof(B);
        return true;
    }

    bool str(const procsentry_str& s, OptString& out)
    {
        if (s.off == 0) {
            if (s.len != 0)
                return fail(DecodeError::string_absent_with_len);
            out.reset();
            return true;
        }
        if (s.off < body_end_)
            return fail(DecodeError::string_overlaps_body);
        if (static_cast<uint64_t>(s.off) + s.len > hdr_.size)
            return fail(DecodeError::string_out_of_bounds);
        out.emplace(reinterpret_cast<const char*>(rec_ + s.off), s.len);
        return true;
    }

    bool fail(DecodeError e)
    {
        if (error_ == DecodeError::none)
            error_ = e;
        return false;
    }

    DecodeError error() const { return error_; }

private:
    const uint8_t* rec_;
    const Header& hdr_;
    uint64_t body_end_ = 0;
    DecodeError error_ = DecodeError::none;
};

bool decode_exec(RecordView& v, Body& out)
{
    procsentry_exec b;
    if (!v.body(b))
        return false;
    Exec e;
    e.task = to_task(b.task);
    e.cred_before = to_creds(b.cred_before);
    e.flags = b.exec_flags;
    e.argc = b.argc;
    e.old_pid = b.old_pid;
    if (!v.str(b.path, e.path) || !v.str(b.filename, e.filename) || !v.str(b.interp, e.interp) ||
        !v.str(b.interp_path, e.interp_path) || !v.str(b.argv, e.argv))
        return false;
    out = std::move(e);
    return true;
}

bool decode_exec_failed(RecordView& v, Body& out)
{
    procsentry_exec_failed b;
    if (!v.body(b))
        return false;
    ExecFailed e;
    e.task = to_task(b.task);
    e.error = b.error;
    e.call = b.call;
    e.entry = b.entry;
    e.dirfd = b.dirfd;
    e.at_flags = b.at_flags;
    e.name_flags = b.name_flags;
    if (!v.str(b.filename, e.filename))
        return false;
    out = std::move(e);
    return true;
}

bool decode_cred_change(RecordView& v, Body& out)
{
    procsentry_cred_change b;
    if (!v.body(b))
        return false;
    if (b.nargs > 3)
        return v.fail(DecodeError::bad_nargs);
    CredChange c;
    c.task = to_task(b.task);
    c.cred_before = to_creds(b.cred_before);
    c.call = b.call;
    c.entry = b.entry;
    c.result = b.result;
    c.nargs = b.nargs;
    for (std::size_t i = 0; i < 3; ++i)
        c.args[i] = b.args[i];
    out = std::move(c);
    return true;
}

bool decode_exit(RecordView& v, Body& out)
{
    procsentry_exit b;
    if (!v.body(b))
        return false;
    out = Exit{to_task(b.task), b.exit_code, b.status, b.signal, b.core_dumped};
    return true;
}

bool decode_fork(RecordView& v, Body& out)
{
    procsentry_fork b;
    if (!v.body(b))
        return false;
    out = Fork{to_task(b.task), b.creator_tgid};
    return true;
}

bool decode_lost(RecordView& v, Body& out)
{
    procsentry_lost b;
    if (!v.body(b))
        return false;
    out = Lost{b.cause, b.cpu, b.count};
    return true;
}

bool decode_config(RecordView& v, Body& out)
{
    procsentry_config_change b;
    if (!v.body(b))
        return false;
    out = ConfigChange{to_task(b.task),
                       {b.old_config.event_mask, b.old_config.argv_max, b.old_config.flags},
                       {b.new_config.event_mask, b.new_config.argv_max, b.new_config.flags}};
    return true;
}

using BodyDecoder = bool (*)(RecordView&, Body&);

BodyDecoder body_decoder(uint16_t type)
{
    switch (type) {
    case PROCSENTRY_REC_EXEC: return decode_exec;
    case PROCSENTRY_REC_EXEC_FAILED: return decode_exec_failed;
    case PROCSENTRY_REC_CRED_CHANGE: return decode_cred_change;
    case PROCSENTRY_REC_EXIT: return decode_exit;
    case PROCSENTRY_REC_FORK: return decode_fork;
    case PROCSENTRY_REC_LOST: return decode_lost;
    case PROCSENTRY_REC_CONFIG: return decode_config;
    default: return nullptr;
    }
}

Header to_header(const procsentry_rec_hdr& h)
{
    return Header{h.size, h.type, h.abi_version, h.hdr_size, h.seq, h.ts_ns, h.cpu, h.flags};
}

DecodeError check_framing(const Header& h, std::size_t left)
{
    if (h.size < kHdrSize)
        return DecodeError::size_too_small;
    if (h.size % PROCSENTRY_REC_ALIGN != 0)
        return DecodeError::size_unaligned;
    if (h.size > left)
        return DecodeError::size_overrun;
    return DecodeError::none;
}

}  // namespace

DecodeResult Decoder::decode(std::span<const uint8_t> bytes, uint32_t cpu)
{
    DecodeResult res;
    // Records are rarely under 128 bytes: one allocation per message.
    res.records.reserve(bytes.size() / 128 + 1);
    auto note = [&res](DecodeError e, std::size_t off) {
        ++res.malformed;
        if (res.error == DecodeError::none) {
            res.error = e;
            res.error_offset = off;
        }
    };

    std::size_t off = 0;
    while (off < bytes.size()) {
        const std::size_t left = bytes.size() - off;
        if (left < kHdrSize) {
            note(DecodeError::truncated_header, off);
            res.stopped = true;
            break;
        }
        const uint8_t* rec = bytes.data() + off;
        const Header hdr = to_header(load<procsentry_rec_hdr>(rec));
        if (const DecodeError e = check_framing(hdr, left); e != DecodeError::none) {
            note(e, off);
            res.stopped = true;
            break;
        }

        if (hdr.hdr_size < kHdrSize) {
            note(DecodeError::hdr_size_too_small, off);
        } else if (hdr.hdr_size > hdr.size) {
            note(DecodeError::hdr_size_overrun, off);
        } else if (const BodyDecoder fn = body_decoder(hdr.type); fn == nullptr) {
            ++res.unknown;
        } else {
            RecordView view(rec, hdr);
            Body body;
            if (fn(view, body)) {
                if (hdr.type != PROCSENTRY_REC_LOST && hdr.cpu != cpu)
                    ++stats_.cpu_mismatch;
                res.records.push_back(Record{hdr, std::move(body)});
            } else {
                note(view.error(), off);
            }
        }
        off += hdr.size;
    }

    ++stats_.messages;
    stats_.records += res.records.size();
    stats_.unknown += res.unknown;
    stats_.malformed += res.malformed;
    stats_.stopped_messages += res.stopped ? 1 : 0;
    return res;
}

}  // namespace procsentry::abi
