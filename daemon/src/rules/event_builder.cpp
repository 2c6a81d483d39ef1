// SPDX-License-Identifier: GPL-2.0
#include "rules/event_builder.hpp"

#include <procsentry/procsentry_abi.h>

#include "format/names.hpp"
#include "proctable/exec_trust.hpp"
#include "rules/path_match.hpp"

namespace procsentry::rules {

EventBuilder::EventBuilder(const proctable::ProcessTable& table, proctable::UserDb& users, std::size_t ancestry_depth)
    : table_(table), users_(users), depth_(ancestry_depth)
{
}

const proctable::Process* EventBuilder::lookup(const abi::Task& t) const
{
    return table_.find(t.tgid, t.start_ns);
}

void EventBuilder::fill_task(ProcessInfo& p, const abi::Task& t) const
{
    p.pid = t.pid;
    p.tgid = t.tgid;
    p.ppid = t.ppid;
    p.start_ns = t.start_ns;
    p.comm = t.comm;
    p.cred = t.cred;
    p.user = users_.user_name(t.cred.uid);
    p.euser = t.cred.euid == t.cred.uid ? p.user : users_.user_name(t.cred.euid);
    p.group = users_.group_name(t.cred.gid);
    p.loginuid = t.loginuid;
    p.cgroup_id = t.cgroup_id;
}

void EventBuilder::fill_parent(Event& ev, uint32_t ppid, bool ancestry) const
{
    if (depth_ == 0 || ppid == 0)
        return;
    const auto* parent = table_.find(ppid);
    if (!parent)
        return;
    ev.parent_exe = parent->exe;
    if (!ancestry)
        return;
    ev.ancestry.reserve(depth_);
    // A chain mostly shares a few uids: one lookup per change of uid.
    uint32_t last_uid = 0;
    std::string last_name;
    bool have_last = false;
    auto add = [&](const proctable::Process& a) {
        AncestorInfo info;
        info.pid = a.tgid;
        info.exe = a.exe;
        info.comm = a.comm;
        info.uid = a.uid;
        if (!have_last || a.uid != last_uid) {
            last_uid = a.uid;
            last_name = users_.user_name(a.uid);
            have_last = true;
        }
        info.user = last_name;
        ev.ancestry.push_back(std::move(info));
    };
    add(*parent);
    if (depth_ > 1)
        for (const auto* a : table_.ancestry(parent->tgid, depth_ - 1))
            add(*a);
}

Event EventBuilder::for_task(RuleType type, Outcome o, uint64_t ts_ns, const abi::Task& t) const
{
    Event ev;
    ev.type = type;
    ev.outcome = o;
    ev.ts_ns = ts_ns;
    fill_task(ev.proc, t);
    if (const auto* p = lookup(t)) {
        ev.proc.exe = p->exe;
        ev.proc.exe_trusted = p->exe_trusted && !p->exe.empty();
        ev.proc.filename = p->filename;
        ev.proc.argv = p->argv;
        ev.proc.argv_truncated = p->argv_truncated;
        ev.proc.container_id = p->container_id;
    }
    fill_parent(ev, t.ppid);
    return ev;
}

Event EventBuilder::for_exec(RuleType type, uint64_t ts_ns, const abi::Exec& e, bool light) const
{
    Event ev;
    ev.type = type;
    ev.outcome = Outcome::success;
    ev.ts_ns = ts_ns;
    fill_task(ev.proc, e.task);
    ev.proc.exe = e.path.value_or(std::string());
    ev.proc.exe_trusted = proctable::exec_path_trusted(e.flags, e.path.has_value(), ev.proc.exe);
    ev.proc.exe_unresolvable = ev.proc.exe.empty() && (e.flags & PROCSENTRY_EXEC_PATH_ERR) != 0;
    ev.proc.filename = e.filename.value_or(std::string());
    if (const auto* p = lookup(e.task))
        ev.proc.container_id = p->container_id;
    fill_parent(ev, e.task.ppid, !light);
    if (!(e.flags & PROCSENTRY_EXEC_NO_CRED_BEFORE))
        ev.cred_before = e.cred_before;
    ev.cred_after = e.task.cred;
    ev.call = "execve";
    ev.detail_pending = light;
    if (!light)
        complete_exec(ev, e);
    return ev;
}

void EventBuilder::complete_exec(Event& ev, const abi::Exec& e) const
{
    const bool trunc = (e.flags & PROCSENTRY_EXEC_ARGV_TRUNC) != 0;
    if (e.argv)
        ev.proc.argv = abi::split_argv(*e.argv, e.argc, trunc);
    ev.proc.argv_truncated = trunc || (e.flags & PROCSENTRY_EXEC_ARGV_ERR) != 0;
    if (ev.detail_pending) {
        const std::string parent_exe = std::move(ev.parent_exe);
        fill_parent(ev, e.task.ppid, true);
        if (ev.parent_exe.empty())
            ev.parent_exe = parent_exe;
    }
    ev.exec_flags = format::exec_flag_names(e.flags);
    ev.detail_pending = false;
}

Event EventBuilder::for_exec_failed(uint64_t ts_ns, const abi::ExecFailed& f) const
{
    Event ev;
    ev.type = RuleType::bin_execution;
    ev.outcome = Outcome::failure;
    ev.ts_ns = ts_ns;
    fill_task(ev.proc, f.task);
    ev.proc.filename = f.filename.value_or(std::string());
    // Nothing was resolved: the name as given stands in for the path when
    // it is absolute and complete, never trusted for a skip.
    const bool whole = !(f.name_flags & (PROCSENTRY_NAME_TRUNC | PROCSENTRY_NAME_ERR));
    if (whole && !ev.proc.filename.empty() && ev.proc.filename.front() == '/')
        ev.proc.exe = normalize_path(ev.proc.filename);
    ev.proc.exe_trusted = false;
    if (const auto* p = lookup(f.task))
        ev.proc.container_id = p->container_id;
    fill_parent(ev, f.task.ppid);
    ev.error = f.error < 0 ? -f.error : f.error;
    ev.call = format::call_name(f.call);
    return ev;
}

}  // namespace procsentry::rules
