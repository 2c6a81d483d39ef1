// SPDX-License-Identifier: GPL-2.0
#include "rules/escalation_tracker.hpp"

#include <string>
#include <utility>

namespace procsentry::rules {

namespace {

// Reasons hold no untrusted text: only fixed words and numbers.
constexpr const char* kPrefix = "set-user-ID root program ";

// cred keeps the caller's uid and euid; does it hold anything else the
// caller lacked?  Capabilities count in the caller's user namespace only (a
// child's own new namespace grants nothing on the host).
bool holds_more_than(const abi::Creds& cred, const abi::Creds& inv)
{
    if (cred.suid != inv.suid || cred.fsuid != inv.fsuid || cred.gid != inv.gid || cred.egid != inv.egid ||
        cred.sgid != inv.sgid || cred.fsgid != inv.fsgid)
        return true;
    const bool same_ns = cred.userns == inv.userns || cred.userns == 0 || inv.userns == 0;
    return same_ns && ((cred.cap_effective | cred.cap_permitted) & ~inv.cap_permitted) != 0;
}

}  // namespace

void EscalationTracker::set_limits(uint64_t window_ns, std::size_t max_pending)
{
    window_ns_ = window_ns;
    max_pending_ = max_pending == 0 ? 1 : max_pending;
}

void EscalationTracker::add(const ProcessKey& k, Event ev, const abi::Creds& invoker, std::vector<Event>& out)
{
    if (auto it = index_.find(k); it != index_.end())
        resolve(it->second, Outcome::success, std::string(kPrefix) + "was replaced by another set-user-ID exec",
                out);
    while (order_.size() >= max_pending_) {
        stats_.overflowed++;
        resolve(order_.begin(), Outcome::success,
                std::string(kPrefix) + "not awaited: too many pending escalations", out);
    }
    stats_.started++;
    order_.push_back(Pending{k, std::move(ev), invoker});
    index_.emplace(k, std::prev(order_.end()));
}

void EscalationTracker::on_exec(const ProcessKey& k, bool self, uint32_t pid, const abi::Creds& cred,
                                std::vector<Event>& out)
{
    if (auto w = watched_index_.find(k); w != watched_index_.end()) {
        // It acted after all: no refusal will follow.
        const abi::Creds& inv = w->second->invoker;
        if (self || cred.uid != inv.uid || cred.euid != inv.euid || holds_more_than(cred, inv))
            unwatch(w->second);
        return;
    }
    auto it = index_.find(k);
    if (it == index_.end())
        return;
    const abi::Creds& inv = it->second->invoker;
    if (self) {
        resolve(it->second, Outcome::success, std::string(kPrefix) + "ran another program", out);
        return;
    }
    // A helper run back under the caller's own ids (a password agent, a
    // mailer run as the user) shows no privilege: keep waiting.  Only if
    // nothing else came along: the caller's uid with a group of the
    // program's choosing (disk, shadow) or with ambient capabilities is
    // privilege the caller did not have.
    if (cred.uid == inv.uid && cred.euid == inv.euid) {
        if (!holds_more_than(cred, inv))
            return;
        resolve(it->second, Outcome::success,
                std::string(kPrefix) + "has a descendant (pid " + std::to_string(pid) +
                    ") with extra groups or caps",
                out);
        return;
    }
    resolve(it->second, Outcome::success,
            std::string(kPrefix) + "has a descendant (pid " + std::to_string(pid) + ") that ran a program as uid " +
                std::to_string(cred.euid),
            out);
}

void EscalationTracker::on_exit(const ProcessKey& k, const abi::Exit& x, std::vector<Event>& out)
{
    if (auto w = watched_index_.find(k); w != watched_index_.end()) {
        auto wit = w->second;
        if (x.signal != 0 || x.status != 0) {
            Event ev = std::move(wit->ev);
            ev.signal = x.signal;
            ev.core_dumped = x.core_dumped != 0;
            if (x.signal == 0 && x.status >= 0)
                ev.exit_status = x.status;
            ev.outcome = Outcome::failure;
            ev.reason = std::string(kPrefix) +
                        (x.signal != 0 ? "was killed by signal " + std::to_string(x.signal)
                                       : "exited with status " + std::to_string(x.status)) +
                        " after the window, without running anything";
            stats_.failed++;
            stats_.failed_late++;
            out.push_back(std::move(ev));
        }
        unwatch(wit);
        return;
    }
    auto it = index_.find(k);
    if (it == index_.end())
        return;
    Event& ev = it->second->ev;
    ev.signal = x.signal;
    ev.core_dumped = x.core_dumped != 0;
    if (x.signal == 0 && x.status >= 0)
        ev.exit_status = x.status;
    if (x.signal == 0 && x.status == 0) {
        resolve(it->second, Outcome::success, std::string(kPrefix) + "exited with status 0", out);
    } else if (x.signal != 0) {
        resolve(it->second, Outcome::failure,
                std::string(kPrefix) + "was killed by signal " + std::to_string(x.signal) +
                    " before running anything",
                out);
    } else {
        resolve(it->second, Outcome::failure,
                std::string(kPrefix) + "exited with status " + std::to_string(x.status) + " before running anything",
                out);
    }
}

void EscalationTracker::expire(uint64_t now_ns, std::vector<Event>& out)
{
    while (!order_.empty() && order_.front().ev.ts_ns + window_ns_ <= now_ns) {
        stats_.expired++;
        Pending copy = order_.front();
        resolve(order_.begin(), Outcome::success, std::string(kPrefix) + "still running after the window", out);
        watch(std::move(copy));
    }
}

void EscalationTracker::watch(Pending p)
{
    if (auto w = watched_index_.find(p.key); w != watched_index_.end())
        unwatch(w->second);
    while (watched_.size() >= max_pending_)
        unwatch(watched_.begin());
    watched_.push_back(std::move(p));
    watched_index_.emplace(watched_.back().key, std::prev(watched_.end()));
}

void EscalationTracker::unwatch(List::iterator it)
{
    watched_index_.erase(it->key);
    watched_.erase(it);
}

void EscalationTracker::resolve(List::iterator it, Outcome o, std::string reason, std::vector<Event>& out)
{
    (o == Outcome::success ? stats_.succeeded : stats_.failed)++;
    it->ev.outcome = o;
    it->ev.reason = std::move(reason);
    out.push_back(std::move(it->ev));
    index_.erase(it->key);
    order_.erase(it);
}

}  // namespace procsentry::rules
