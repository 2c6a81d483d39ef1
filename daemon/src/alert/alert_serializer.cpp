// SPDX-License-Identifier: GPL-2.0
#include "alert/alert_serializer.hpp"

#include "alert/rfc3339.hpp"
#include "alert/signal_names.hpp"
#include "format/json_writer.hpp"
#include "format/names.hpp"

namespace procsentry::alert {

namespace {

using format::JsonWriter;

constexpr uint32_t kUnsetId = 0xffffffffu;

// Empty strings mean "unknown" in rules::Event; the schema says null.
JsonWriter& str_or_null(JsonWriter& w, std::string_view k, const std::string& v)
{
    w.key(k);
    return v.empty() ? w.null() : w.value(v);
}

JsonWriter& time_field(JsonWriter& w, std::string_view k, int64_t ns)
{
    std::string t;
    append_rfc3339(ns, t);
    return w.field(k, t);
}

void strings(JsonWriter& w, std::string_view k, const std::vector<std::string>& v)
{
    w.key(k).begin_array();
    for (const auto& s : v)
        w.value(s);
    w.end_array();
}

void creds(JsonWriter& w, std::string_view k, const std::optional<abi::Creds>& c)
{
    w.key(k);
    if (!c) {
        w.null();
        return;
    }
    w.begin_object()
        .field("uid", c->uid)
        .field("gid", c->gid)
        .field("suid", c->suid)
        .field("sgid", c->sgid)
        .field("euid", c->euid)
        .field("egid", c->egid)
        .field("fsuid", c->fsuid)
        .field("fsgid", c->fsgid);
    w.key("cap_eff").hex(c->cap_effective);
    w.key("cap_prm").hex(c->cap_permitted);
    w.end_object();
}

void process(JsonWriter& w, const rules::ProcessInfo& p)
{
    w.key("process").begin_object().field("pid", p.tgid).field("tid", p.pid).field("ppid", p.ppid);
    str_or_null(w, "exe", p.exe).field("exe_trusted", p.exe_trusted);
    str_or_null(w, "filename", p.filename);
    strings(w, "args", p.argv);
    w.field("args_truncated", p.argv_truncated).field("comm", p.comm);
    w.field("uid", p.cred.uid);
    str_or_null(w, "user", p.user).field("euid", p.cred.euid);
    str_or_null(w, "euser", p.euser).field("gid", p.cred.gid);
    str_or_null(w, "group", p.group).key("loginuid");
    if (p.loginuid == kUnsetId)
        w.null();
    else
        w.value(p.loginuid);
    str_or_null(w, "container", p.container_id);
    w.field("cgroup_id", p.cgroup_id).field("start_ns", p.start_ns);
    w.end_object();
}

void ancestry(JsonWriter& w, const std::vector<rules::AncestorInfo>& chain)
{
    w.key("ancestry").begin_array();
    for (const auto& a : chain) {
        w.begin_object().field("pid", a.pid);
        str_or_null(w, "exe", a.exe).field("comm", a.comm).field("uid", a.uid);
        str_or_null(w, "user", a.user);
        w.end_object();
    }
    w.end_array();
}

void call(JsonWriter& w, const rules::Event& ev)
{
    w.key("call");
    if (ev.call.empty() && ev.error == 0) {
        w.null();
        return;
    }
    w.begin_object();
    str_or_null(w, "name", ev.call).key("args").begin_array();
    for (uint32_t v : ev.call_args)
        w.value(v);
    w.end_array().key("errno");
    if (ev.error > 0)
        w.value(format::errno_name(ev.error));
    else
        w.null();
    w.end_object();
}

void exit_info(JsonWriter& w, const rules::Event& ev)
{
    w.key("exit");
    if (!ev.exit_status && ev.signal == 0) {
        w.null();
        return;
    }
    w.begin_object().key("status");
    if (ev.exit_status)
        w.value(*ev.exit_status);
    else
        w.null();
    w.key("signal");
    if (ev.signal)
        w.value(signal_name(ev.signal)).field("signal_number", ev.signal);
    else
        w.null().key("signal_number").null();
    w.field("core_dumped", ev.core_dumped).end_object();
}

void rule_body(JsonWriter& w, const Alert& a)
{
    const rules::Event& ev = a.event;
    w.key("rule").begin_object().field("name", a.rule).field("type", rules::to_string(a.type)).end_object();
    w.field("outcome", rules::to_string(a.outcome));
    process(w, ev.proc);
    ancestry(w, ev.ancestry);
    w.key("credentials").begin_object();
    creds(w, "before", ev.cred_before);
    creds(w, "after", ev.cred_after ? ev.cred_after : std::optional<abi::Creds>(ev.proc.cred));
    w.end_object();
    call(w, ev);
    exit_info(w, ev);
    strings(w, "techniques", ev.techniques);
    str_or_null(w, "reason", ev.reason);
    strings(w, "exec_flags", ev.exec_flags);
    w.field("count", a.count);
    time_field(w, "first_time", a.first_ns ? a.first_ns : a.time_ns);
    time_field(w, "last_time", a.last_ns ? a.last_ns : a.time_ns);
    str_or_null(w, "first_id", a.first_id);
}

void sensor_body(JsonWriter& w, const Alert& a)
{
    w.key("sensor").begin_object().field("what", a.sensor_what).field("count", a.sensor_count);
    str_or_null(w, "detail", a.detail);
    w.end_object();
}

void summary_body(JsonWriter& w, const Alert& a)
{
    w.key("suppressed").begin_object().field("count", a.sensor_count);
    time_field(w, "first_time", a.first_ns ? a.first_ns : a.time_ns);
    time_field(w, "last_time", a.last_ns ? a.last_ns : a.time_ns);
    w.key("rules").begin_array();
    for (const auto& r : a.suppressed)
        w.begin_object()
            .field("name", r.rule)
            .field("type", rules::to_string(r.type))
            .field("count", r.count)
            .field("max_severity", rules::to_string(r.max_severity))
            .end_object();
    w.end_array().end_object();
}

std::string_view kind_name(Kind k)
{
    switch (k) {
    case Kind::rule:
        return "rule";
    case Kind::sensor:
        return "sensor";
    case Kind::summary:
        return "summary";
    }
    return "unknown";
}

}  // namespace

void AlertSerializer::append(const Alert& a, const HostInfo& host, std::string_view id, std::string_view summary,
                             std::string& out)
{
    JsonWriter w(out);
    w.begin_object().field("schema", kSchema).field("id", id);
    time_field(w, "time", a.time_ns);
    w.key("host").begin_object();
    str_or_null(w, "name", host.hostname);
    str_or_null(w, "machine_id", host.machine_id);
    str_or_null(w, "boot_id", host.boot_id);
    w.end_object();
    w.field("kind", kind_name(a.kind)).field("severity", rules::to_string(a.severity)).field("summary", summary);
    switch (a.kind) {
    case Kind::rule:
        rule_body(w, a);
        break;
    case Kind::sensor:
        sensor_body(w, a);
        break;
    case Kind::summary:
        summary_body(w, a);
        break;
    }
    w.end_object();
}

}  // namespace procsentry::alert
