// SPDX-License-Identifier: GPL-2.0
#include "format/record_formatter.hpp"

#include <procsentry/procsentry_abi.h>

#include "format/json_writer.hpp"
#include "format/names.hpp"

namespace procsentry::format {

namespace {

constexpr uint32_t kUnset = 0xffffffffU;

void write_id_or_minus1(JsonWriter& w, const char* k, uint32_t v)
{
    if (v == kUnset)
        w.field(k, int64_t{-1});
    else
        w.field(k, v);
}

void write_creds(JsonWriter& w, const abi::Creds& c)
{
    w.begin_object()
        .field("uid", c.uid)
        .field("gid", c.gid)
        .field("suid", c.suid)
        .field("sgid", c.sgid)
        .field("euid", c.euid)
        .field("egid", c.egid)
        .field("fsuid", c.fsuid)
        .field("fsgid", c.fsgid);
    w.key("cap_eff").hex(c.cap_effective);
    w.key("cap_prm").hex(c.cap_permitted);
    w.field("userns", c.userns).field("securebits", c.securebits);
    w.end_object();
}

void write_task(JsonWriter& w, const abi::Task& t)
{
    w.field("pid", t.pid).field("tgid", t.tgid).field("ppid", t.ppid);
    w.field("comm", std::string_view(t.comm));
    write_id_or_minus1(w, "loginuid", t.loginuid);
    write_id_or_minus1(w, "sessionid", t.sessionid);
    w.field("pid_ns", t.pid_ns).field("mnt_ns", t.mnt_ns);
    w.field("cgroup_id", t.cgroup_id).field("start_ns", t.start_ns);
    w.key("cred");
    write_creds(w, t.cred);
}

void write_strings(JsonWriter& w, const std::vector<std::string>& v)
{
    w.begin_array();
    for (const auto& s : v)
        w.value(std::string_view(s));
    w.end_array();
}

void write_body(JsonWriter& w, const abi::Exec& e)
{
    write_task(w, e.task);
    w.key("cred_before");
    if (e.flags & PROCSENTRY_EXEC_NO_CRED_BEFORE)
        w.null();
    else
        write_creds(w, e.cred_before);
    w.key("flags");
    write_strings(w, exec_flag_names(e.flags));
    w.field("argc", e.argc).field("old_pid", e.old_pid);
    w.field("path", std::string_view(e.path.value_or("")));
    w.field("filename", std::string_view(e.filename.value_or("")));
    w.field("interp", e.interp).field("interp_path", e.interp_path);
    w.key("argv");
    write_strings(w, abi::split_argv(e.argv.value_or(""), e.argc, e.flags & PROCSENTRY_EXEC_ARGV_TRUNC));
}

void write_body(JsonWriter& w, const abi::ExecFailed& e)
{
    write_task(w, e.task);
    w.field("error", e.error);
    w.field("errno", errno_name(-static_cast<int64_t>(e.error)));
    w.field("call", call_name(e.call)).field("entry", entry_name(e.entry));
    w.field("dirfd", e.dirfd).field("at_flags", e.at_flags);
    w.key("name_flags");
    write_strings(w, name_flag_names(e.name_flags));
    w.field("filename", std::string_view(e.filename.value_or("")));
}

void write_body(JsonWriter& w, const abi::CredChange& c)
{
    write_task(w, c.task);
    w.key("cred_before");
    write_creds(w, c.cred_before);
    w.field("call", call_name(c.call)).field("entry", entry_name(c.entry));
    w.field("result", c.result);
    // set*fsid return the previous id, never an error.
    const bool fs = c.call == PROCSENTRY_CALL_SETFSUID || c.call == PROCSENTRY_CALL_SETFSGID;
    if (c.result < 0 && !fs)
        w.field("errno", errno_name(-static_cast<int64_t>(c.result)));
    else
        w.key("errno").null();
    w.key("args").begin_array();
    for (uint32_t i = 0; i < c.nargs && i < c.args.size(); ++i)
        w.value(static_cast<int32_t>(c.args[i]));
    w.end_array();
}

void write_body(JsonWriter& w, const abi::Exit& e)
{
    write_task(w, e.task);
    w.field("exit_code", e.exit_code).field("status", e.status).field("signal", e.signal);
    w.field("core_dumped", e.core_dumped != 0);
}

void write_body(JsonWriter& w, const abi::Fork& f)
{
    write_task(w, f.task);
    w.field("creator_tgid", f.creator_tgid);
}

void write_body(JsonWriter& w, const abi::Lost& l)
{
    w.field("cause", lost_cause_name(l.cause));
    write_id_or_minus1(w, "lost_cpu", l.cpu);
    w.field("count", l.count);
}

void write_config(JsonWriter& w, const char* key, const abi::Config& c)
{
    w.key(key).begin_object();
    w.field("event_mask", c.event_mask).field("argv_max", c.argv_max).field("flags", c.flags);
    w.end_object();
}

void write_body(JsonWriter& w, const abi::ConfigChange& c)
{
    write_task(w, c.task);
    write_config(w, "old_config", c.old_config);
    write_config(w, "new_config", c.new_config);
}

const char* type_of(const abi::Body& b)
{
    static constexpr const char* kNames[] = {"exec", "exec_failed", "cred_change", "exit", "fork", "lost",
                                             "config"};
    static_assert(std::variant_size_v<abi::Body> == std::size(kNames));
    return kNames[b.index()];
}

}  // namespace

void RecordFormatter::append(const abi::Record& r, std::string& out)
{
    JsonWriter w(out);
    w.begin_object();
    w.field("type", type_of(r.body));
    w.field("cpu", r.hdr.cpu).field("seq", r.hdr.seq).field("ts_ns", r.hdr.ts_ns);
    std::visit([&w](const auto& body) { write_body(w, body); }, r.body);
    w.end_object();
}

std::string RecordFormatter::to_json(const abi::Record& r)
{
    std::string out;
    append(r, out);
    return out;
}

}  // namespace procsentry::format
