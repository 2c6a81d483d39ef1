// SPDX-License-Identifier: GPL-2.0
// Set-user-ID root programs started by a normal user whose outcome is not
// known yet.  Starting sudo, su or pkexec is not yet root for the user: the
// program may refuse.  It counts as success once the program (or a
// descendant, under credentials other than the caller's) runs something
// else, once it exits with status 0, or once the window passes while it
// still runs; as failure when it exits non-zero or is killed first.
// A program resolved by the window stays watched: if it then exits non-zero
// or is killed without having run anything (a password prompt left open
// past the window, then refused), a failure follows the success.
// Bounded: past max_pending the oldest is resolved as success at once (and
// the oldest watched program is forgotten).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <unordered_map>
#include <vector>

#include "abi/record.hpp"
#include "rules/event.hpp"

namespace procsentry::rules {

// (tgid, start_ns) names a process across PID reuse.
struct ProcessKey {
    uint32_t tgid = 0;
    uint64_t start_ns = 0;
    bool operator==(const ProcessKey&) const = default;
};

struct EscalationStats {
    uint64_t started = 0;
    uint64_t succeeded = 0;   // by exec, exit 0, window or overflow
    uint64_t failed = 0;
    uint64_t expired = 0;     // of succeeded: the window passed
    uint64_t overflowed = 0;  // of succeeded: resolved early to stay within max_pending
    uint64_t failed_late = 0; // of failed: refused after the window had resolved it as success
};

class EscalationTracker {
public:
    void set_limits(uint64_t window_ns, std::size_t max_pending);

    // ev: the root-escalation event of the exec (outcome filled on
    // resolution); invoker: credentials before the exec.
    void add(const ProcessKey& k, Event ev, const abi::Creds& invoker, std::vector<Event>& out);
    // k ran a new program (self) or is an ancestor of a process that did
    // (pid: that process, cred: its credentials after the exec).
    void on_exec(const ProcessKey& k, bool self, uint32_t pid, const abi::Creds& cred, std::vector<Event>& out);
    void on_exit(const ProcessKey& k, const abi::Exit& x, std::vector<Event>& out);
    // Resolves as success everything started at or before now_ns - window.
    void expire(uint64_t now_ns, std::vector<Event>& out);

    bool empty() const { return order_.empty() && watched_.empty(); }
    std::size_t size() const { return order_.size(); }
    bool contains(const ProcessKey& k) const { return index_.count(k) != 0; }
    const EscalationStats& stats() const { return stats_; }

private:
    struct Pending {
        ProcessKey key;
        Event ev;
        abi::Creds invoker;
    };
    struct KeyHash {
        std::size_t operator()(const ProcessKey& k) const noexcept
        {
            return std::hash<uint64_t>()(k.start_ns * 0x9e3779b97f4a7c15ull ^ k.tgid);
        }
    };
    using List = std::list<Pending>;

    void resolve(List::iterator it, Outcome o, std::string reason, std::vector<Event>& out);
    // Programs the window resolved, still awaited for a refusal.
    void watch(Pending p);
    void unwatch(List::iterator it);

    uint64_t window_ns_ = 10'000'000'000ull;
    std::size_t max_pending_ = 4096;
    List order_;  // oldest first
    std::unordered_map<ProcessKey, List::iterator, KeyHash> index_;
    List watched_;  // oldest first
    std::unordered_map<ProcessKey, List::iterator, KeyHash> watched_index_;
    EscalationStats stats_;
};

}  // namespace procsentry::rules
