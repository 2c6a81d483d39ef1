// SPDX-License-Identifier: GPL-2.0
#include "alert/noise_filter.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "alert/rate_cap.hpp"
#include "alert/summary_line.hpp"

namespace procsentry::alert {

namespace {

// One open fold window.
struct FoldEntry {
    uint64_t seq = 0;        // opening order: fold alerts leave in this order
    int64_t opened_ns = 0;   // `now` when the alert emitted at once was offered
    std::string first_id;
    std::optional<Alert> held;  // the first duplicate, counting the others
    std::size_t bytes = 0;
};

std::size_t estimate_bytes(const Alert& a)
{
    const auto& ev = a.event;
    const auto& p = ev.proc;
    std::size_t n = sizeof(Alert) + a.id.size() + a.rule.size() + a.summary.size() + p.exe.size() +
                    p.filename.size() + p.comm.size() + p.user.size() + p.euser.size() + p.group.size() +
                    p.container_id.size() + ev.parent_exe.size() + ev.call.size() + ev.reason.size() +
                    ev.call_args.size() * sizeof(uint32_t);
    for (const auto& s : p.argv)
        n += sizeof(std::string) + s.size();
    for (const auto& x : ev.ancestry)
        n += sizeof(x) + x.exe.size() + x.comm.size() + x.user.size();
    for (const auto& s : ev.techniques)
        n += sizeof(std::string) + s.size();
    for (const auto& s : ev.exec_flags)
        n += sizeof(std::string) + s.size();
    return n;
}

}  // namespace

struct NoiseFilter::Impl {
    Impl(const rules::NoiseSpec& s, Emit e, const NoiseLimits& l)
        : spec(s), emit(std::move(e)), limits(l), cap(s.max_alerts_per_minute)
    {
    }

    int64_t window_ns() const { return static_cast<int64_t>(spec.fold_window_ms) * 1'000'000; }

    bool expired(const FoldEntry& f, int64_t now) const
    {
        // Also closed when the wall clock went back by more than a window,
        // rather than holding the alert until the clock catches up.
        return now - f.opened_ns >= window_ns() || now + window_ns() < f.opened_ns;
    }

    void key_of(const Alert& a)
    {
        const auto& p = a.event.proc;
        key.clear();
        key += a.rule;
        key += '\0';
        key += a.outcome == rules::Outcome::success ? 's' : 'f';
        key += p.exe.empty() ? p.filename : p.exe;
        key += '\0';
        key.append(reinterpret_cast<const char*>(&p.cred.uid), sizeof p.cred.uid);
        key += a.event.parent_exe;
    }

    void pass(Alert&& a, int64_t now)
    {
        if (cap.admit(a, now)) {
            emit(std::move(a));
        } else {
            stats.suppressed += a.count;
        }
    }

    void release(FoldEntry& f, int64_t now)
    {
        pending_bytes -= f.bytes;
        if (f.held) {
            const uint64_t n = f.held->count;
            const std::string note = n == 1 ? " (repeated once)" : " (repeated " + std::to_string(n) + " times)";
            SummaryLine::bound(f.held->summary, SummaryLine::kMaxBytes - note.size());
            f.held->summary += note;
            pass(std::move(*f.held), now);
        }
    }

    void offer(Alert&& a, int64_t now)
    {
        last_now = std::max(last_now, now);
        if (a.kind != Kind::rule) {
            emit(std::move(a));
            return;
        }
        // High and critical alerts are never folded: a decoy run first must
        // not turn the real incident into a count without its own details.
        // The rate cap (per severity) still bounds them.
        if (spec.fold_window_ms == 0 || a.severity >= rules::Severity::high) {
            pass(std::move(a), now);
            return;
        }
        key_of(a);
        auto it = folds.find(key);
        if (it != folds.end() && expired(it->second, now)) {
            release(it->second, now);
            folds.erase(it);
            it = folds.end();
        }
        if (it == folds.end())
            open(std::move(a), now);
        else
            fold(it->second, std::move(a), now);
    }

    void open(Alert&& a, int64_t now)
    {
        if (folds.size() >= limits.max_keys) {
            ++stats.unfolded;
            pass(std::move(a), now);
            return;
        }
        // A suppressed alert opens no window: its duplicates are tallied
        // by the cap one by one, so the summary counts all of them.
        if (!cap.admit(a, now)) {
            stats.suppressed += a.count;
            return;
        }
        FoldEntry& f = folds[key];
        f.seq = next_seq++;
        f.opened_ns = now;
        f.first_id = a.id;
        earliest = folds.size() == 1 ? now : std::min(earliest, now);
        latest = folds.size() == 1 ? now : std::max(latest, now);
        emit(std::move(a));
    }

    void fold(FoldEntry& f, Alert&& a, int64_t now)
    {
        const int64_t first = a.first_ns ? a.first_ns : a.time_ns;
        const int64_t last = a.last_ns ? a.last_ns : a.time_ns;
        if (f.held) {
            // The hot path of a storm: counters only.
            f.held->count += a.count;
            f.held->first_ns = std::min(f.held->first_ns, first);
            f.held->last_ns = std::max(f.held->last_ns, last);
            stats.folded += a.count;
            return;
        }
        const std::size_t bytes = estimate_bytes(a);
        if (pending_bytes + bytes > limits.max_pending_bytes) {
            ++stats.unfolded;
            pass(std::move(a), now);
            return;
        }
        stats.folded += a.count;
        pending_bytes += bytes;
        f.bytes = bytes;
        a.first_ns = first;
        a.last_ns = last;
        a.first_id = f.first_id;
        f.held = std::move(a);
    }

    void close_expired(int64_t now, bool all)
    {
        if (folds.empty())
            return;
        // Nothing can have expired: skip the scan (tick runs often).
        if (!all && now - earliest < window_ns() && now + window_ns() >= latest)
            return;
        std::vector<std::pair<uint64_t, FoldEntry>> closing;
        bool first = true;
        for (auto it = folds.begin(); it != folds.end();) {
            if (all || expired(it->second, now)) {
                closing.emplace_back(it->second.seq, std::move(it->second));
                it = folds.erase(it);
                continue;
            }
            earliest = first ? it->second.opened_ns : std::min(earliest, it->second.opened_ns);
            latest = first ? it->second.opened_ns : std::max(latest, it->second.opened_ns);
            first = false;
            ++it;
        }
        std::sort(closing.begin(), closing.end(),
                  [](const auto& x, const auto& y) { return x.first < y.first; });
        for (auto& [seq, f] : closing)
            release(f, now);
    }

    void emit_summary(std::optional<Alert> s)
    {
        if (!s)
            return;
        ++stats.summaries;
        emit(std::move(*s));
    }

    rules::NoiseSpec spec;
    Emit emit;
    NoiseLimits limits;
    RateCap cap;
    NoiseStats stats;
    std::unordered_map<std::string, FoldEntry> folds;
    std::string key;  // reused: looking up a duplicate allocates nothing
    uint64_t next_seq = 0;
    int64_t earliest = 0, latest = 0;  // range of opened_ns over folds
    int64_t last_now = 0;
    std::size_t pending_bytes = 0;
};

NoiseFilter::NoiseFilter(const rules::NoiseSpec& spec, Emit emit) : NoiseFilter(spec, std::move(emit), NoiseLimits{})
{
}

NoiseFilter::NoiseFilter(const rules::NoiseSpec& spec, Emit emit, const NoiseLimits& limits)
    : impl_(std::make_unique<Impl>(spec, std::move(emit), limits))
{
}

NoiseFilter::~NoiseFilter() = default;

void NoiseFilter::set_spec(const rules::NoiseSpec& spec)
{
    impl_->spec = spec;
    impl_->cap.set_limit(spec.max_alerts_per_minute);
}

void NoiseFilter::offer(Alert&& a, int64_t now_ns) { impl_->offer(std::move(a), now_ns); }

void NoiseFilter::tick(int64_t now_ns)
{
    impl_->last_now = std::max(impl_->last_now, now_ns);
    impl_->close_expired(now_ns, false);
    impl_->emit_summary(impl_->cap.due_summary(now_ns));
}

void NoiseFilter::flush()
{
    impl_->close_expired(impl_->last_now, true);
    impl_->emit_summary(impl_->cap.take_summary(impl_->last_now));
}

const NoiseStats& NoiseFilter::stats() const { return impl_->stats; }

std::size_t NoiseFilter::open_windows() const { return impl_->folds.size(); }

}  // namespace procsentry::alert
