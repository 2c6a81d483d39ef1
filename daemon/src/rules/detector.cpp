// SPDX-License-Identifier: GPL-2.0
#include "rules/detector.hpp"

#include <type_traits>
#include <utility>
#include <variant>

#include <procsentry/procsentry_abi.h>

#include "format/names.hpp"
#include "rules/event_builder.hpp"
#include "rules/mitre.hpp"
#include "rules/path_match.hpp"
#include "rules/privilege_checks.hpp"

namespace procsentry::rules {

namespace {

// Deep enough for sudo -> monitor -> command -> shell -> ...; the walk only
// happens while an escalation is pending.
constexpr std::size_t kPendingWalkDepth = 32;

// Who started the set-user-ID program: its real uid survives the exec.
abi::Creds invoker(const abi::Exec& e, const PriorCreds& prior)
{
    if (!(e.flags & PROCSENTRY_EXEC_NO_CRED_BEFORE))
        return e.cred_before;
    abi::Creds c;
    c.uid = prior.known ? prior.uid : e.task.cred.uid;
    c.euid = prior.known ? prior.euid : e.task.cred.uid;
    // A helper run under the caller's ids has these after its exec; the
    // real gid survives a set-user-ID exec.
    c.suid = c.fsuid = c.euid;
    c.gid = c.egid = c.sgid = c.fsgid = e.task.cred.gid;
    return c;
}

void add_interpreter_technique(Event& ev, std::string_view exe)
{
    const auto t = mitre::interpreter_technique(path_basename(exe));
    if (!t.empty())
        ev.techniques.emplace_back(t);
}

}  // namespace

struct Detector::Impl {
    Impl(const DetectorOptions& o, const proctable::ProcessTable& t, proctable::UserDb& u)
        : opts(o), table(t), builder(t, u, o.ancestry_depth)
    {
        tracker.set_limits(o.escalation_window_ns, o.max_pending);
    }

    bool wants(RuleType t) const { return (opts.types & rule_type_bit(t)) != 0; }

    void on_exec(const abi::Header& h, const abi::Exec& e, std::vector<Event>& out);
    void on_exec_failed(const abi::Header& h, const abi::ExecFailed& f, std::vector<Event>& out);
    void on_cred(const abi::Header& h, const abi::CredChange& c, std::vector<Event>& out);
    void on_exit(const abi::Header& h, const abi::Exit& x, std::vector<Event>& out);
    void resolve_by_exec(const abi::Exec& e, std::vector<Event>& out);
    PriorCreds prior_creds(const abi::Exec& e) const;

    DetectorOptions opts;
    const proctable::ProcessTable& table;
    EventBuilder builder;
    EscalationTracker tracker;
};

PriorCreds Detector::Impl::prior_creds(const abi::Exec& e) const
{
    PriorCreds p;
    if (!(e.flags & PROCSENTRY_EXEC_NO_CRED_BEFORE)) {
        p.known = p.caps_known = true;
        p.uid = e.cred_before.uid;
        p.euid = e.cred_before.euid;
        p.cap_permitted = e.cred_before.cap_permitted;
    } else if (const auto* proc = builder.lookup(e.task)) {
        // The kernel lost the prior credentials (no in-flight slot, which
        // an unprivileged user can force): the table's last view stands in.
        p.known = true;
        p.uid = proc->uid;
        p.euid = proc->euid;
    }
    return p;
}

void Detector::Impl::resolve_by_exec(const abi::Exec& e, std::vector<Event>& out)
{
    tracker.on_exec(ProcessKey{e.task.tgid, e.task.start_ns}, true, e.task.tgid, e.task.cred, out);
    // A descendant's own set-user-ID (or file capability) exec is its own
    // escalation, tracked by itself: pkexec's password agent running
    // polkit-agent-helper-1 says nothing about whether pkexec succeeded.
    // Judge the ancestors by what the descendant held before that exec.
    const bool own_gain = (e.flags & PROCSENTRY_EXEC_SECURE) && !(e.flags & PROCSENTRY_EXEC_NO_CRED_BEFORE);
    const abi::Creds& held = own_gain ? e.cred_before : e.task.cred;
    if (tracker.empty())
        return;
    // Ancestors from the table (which checks parents started before their
    // children, so a reused pid is not taken for an ancestor).
    std::vector<const proctable::Process*> chain;
    if (builder.lookup(e.task)) {
        chain = table.ancestry(e.task.tgid, kPendingWalkDepth);
    } else if (const auto* parent = table.find(e.task.ppid)) {
        chain.push_back(parent);
        for (const auto* a : table.ancestry(parent->tgid, kPendingWalkDepth - 1))
            chain.push_back(a);
    }
    for (const auto* a : chain) {
        if (tracker.empty())
            break;
        tracker.on_exec(ProcessKey{a->tgid, a->start_ns}, false, e.task.tgid, held, out);
    }
}

void Detector::Impl::on_exec(const abi::Header& h, const abi::Exec& e, std::vector<Event>& out)
{
    const bool bin = wants(RuleType::bin_execution);
    const bool esc = wants(RuleType::root_escalation);
    if (esc && !tracker.empty())
        resolve_by_exec(e, out);
    const PriorCreds prior = esc ? prior_creds(e) : PriorCreds{};
    const ExecGain gain = esc ? classify_exec_gain(e, prior, opts.host_userns) : ExecGain::none;
    if (!bin && gain == ExecGain::none)
        return;

    // Escalation events may wait in the tracker past this record: they are
    // made whole now.  A plain exec's details wait for a rule to match it.
    Event ev = builder.for_exec(RuleType::bin_execution, h.ts_ns, e, gain == ExecGain::none);
    if (gain != ExecGain::none) {
        Event esc_ev = bin ? ev : std::move(ev);
        esc_ev.type = RuleType::root_escalation;
        if (gain == ExecGain::setuid_root) {
            esc_ev.techniques.emplace_back(mitre::kSetuidSetgid);
            esc_ev.reason = "set-user-ID root program started";
            tracker.add(ProcessKey{e.task.tgid, e.task.start_ns}, std::move(esc_ev), invoker(e, prior), out);
        } else {
            esc_ev.techniques.emplace_back(mitre::kAbuseElevation);
            esc_ev.reason = "root-equivalent file capabilities gained";
            out.push_back(std::move(esc_ev));
        }
        if (!bin)
            return;
    }
    if (e.flags & PROCSENTRY_EXEC_MEMFD)
        ev.techniques.emplace_back(mitre::kReflectiveLoading);
    add_interpreter_technique(ev, ev.proc.exe);
    if ((e.flags & PROCSENTRY_EXEC_SCRIPT) && e.interp_path)
        add_interpreter_technique(ev, *e.interp_path);
    out.push_back(std::move(ev));
}

void Detector::Impl::on_exec_failed(const abi::Header& h, const abi::ExecFailed& f, std::vector<Event>& out)
{
    if (!wants(RuleType::bin_execution))
        return;
    Event ev = builder.for_exec_failed(h.ts_ns, f);
    add_interpreter_technique(ev, ev.proc.exe);
    out.push_back(std::move(ev));
}

void Detector::Impl::on_cred(const abi::Header& h, const abi::CredChange& c, std::vector<Event>& out)
{
    if (!wants(RuleType::root_escalation))
        return;
    const CredVerdict v = classify_cred_change(c, opts.host_userns);
    if (v == CredVerdict::none)
        return;
    Event ev = builder.for_task(RuleType::root_escalation,
                                v == CredVerdict::refused_root ? Outcome::failure : Outcome::success, h.ts_ns,
                                c.task);
    ev.cred_before = c.cred_before;
    ev.cred_after = c.task.cred;
    ev.call = format::call_name(c.call);
    for (uint32_t i = 0; i < c.nargs && i < c.args.size(); i++)
        ev.call_args.push_back(c.args[i]);
    switch (v) {
    case CredVerdict::gained_root_kernel:
        ev.techniques.emplace_back(mitre::kExploitation);
        ev.reason = c.task.cred.euid == 0 ? "uid 0 gained outside any set*id call or exec (kernel exploit?)"
                                          : "root capabilities or fsuid 0 gained outside any set*id call or exec "
                                            "(kernel exploit?)";
        break;
    case CredVerdict::gained_root:
        ev.techniques.emplace_back(mitre::kAbuseElevation);
        ev.reason = "set*id call granted uid 0 to a process holding no root id";
        break;
    default:
        ev.techniques.emplace_back(mitre::kAbuseElevation);
        ev.reason = "set*id call towards uid 0 refused";
        if (c.result < 0)
            ev.error = -c.result;
        break;
    }
    out.push_back(std::move(ev));
}

void Detector::Impl::on_exit(const abi::Header& h, const abi::Exit& x, std::vector<Event>& out)
{
    if (wants(RuleType::root_escalation) && !tracker.empty())
        tracker.on_exit(ProcessKey{x.task.tgid, x.task.start_ns}, x, out);
    if (!wants(RuleType::termination_failure))
        return;
    if (x.signal == 0 && x.status <= 0)
        return;  // status 0, or nothing to tell (status -1 needs a signal)
    Event ev = builder.for_task(RuleType::termination_failure, x.signal != 0 ? Outcome::failure : Outcome::success,
                                h.ts_ns, x.task);
    if (x.signal == 0)
        ev.exit_status = x.status;
    ev.signal = x.signal;
    ev.core_dumped = x.core_dumped != 0;
    out.push_back(std::move(ev));
}

Detector::Detector(const DetectorOptions& opts, const proctable::ProcessTable& table, proctable::UserDb& users)
    : impl_(std::make_unique<Impl>(opts, table, users))
{
}

Detector::~Detector() = default;

void Detector::set_options(const DetectorOptions& opts)
{
    impl_->opts = opts;
    impl_->builder.set_ancestry_depth(opts.ancestry_depth);
    impl_->tracker.set_limits(opts.escalation_window_ns, opts.max_pending);
}

void Detector::detect(const abi::Record& rec, std::vector<Event>& out)
{
    auto& d = *impl_;
    // Records carry CLOCK_BOOTTIME too: expiring on them keeps the window
    // exact between timer ticks (and meaningful when replaying a file).
    if (!d.tracker.empty() && rec.hdr.ts_ns != 0)
        d.tracker.expire(rec.hdr.ts_ns, out);
    std::visit(
        [&](const auto& b) {
            using T = std::decay_t<decltype(b)>;
            if constexpr (std::is_same_v<T, abi::Exec>)
                d.on_exec(rec.hdr, b, out);
            else if constexpr (std::is_same_v<T, abi::ExecFailed>)
                d.on_exec_failed(rec.hdr, b, out);
            else if constexpr (std::is_same_v<T, abi::CredChange>)
                d.on_cred(rec.hdr, b, out);
            else if constexpr (std::is_same_v<T, abi::Exit>)
                d.on_exit(rec.hdr, b, out);
        },
        rec.body);
}

void Detector::complete(Event& ev, const abi::Record& rec) const
{
    if (!ev.detail_pending)
        return;
    if (const auto* e = std::get_if<abi::Exec>(&rec.body))
        impl_->builder.complete_exec(ev, *e);
}

void Detector::expire(uint64_t now_ns, std::vector<Event>& out) { impl_->tracker.expire(now_ns, out); }

std::size_t Detector::pending() const { return impl_->tracker.size(); }

const EscalationStats& Detector::escalation_stats() const { return impl_->tracker.stats(); }

}  // namespace procsentry::rules
