// SPDX-License-Identifier: GPL-2.0
// Bounds how many password checks (scrypt: ~32 MiB and tens of milliseconds each) run at once.
// Handlers run on the server's I/O threads, so without a bound a few unauthenticated login
// requests per second could occupy every thread and stall agent heartbeats and alert ingest.
// A request that finds every slot taken is refused at once (503), not queued.
#pragma once

#include <atomic>
#include <optional>

namespace procsentry::console::auth {

class KdfGate {
public:
    // slots >= 1; the console uses its thread count minus one, so one thread always stays free.
    explicit KdfGate(int slots);

    class Ticket {
    public:
        explicit Ticket(KdfGate* gate) : gate_(gate) {}
        Ticket(Ticket&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
        Ticket(const Ticket&) = delete;
        Ticket& operator=(const Ticket&) = delete;
        Ticket& operator=(Ticket&&) = delete;
        ~Ticket();

    private:
        KdfGate* gate_;
    };

    std::optional<Ticket> try_enter();
    int in_use() const { return in_use_.load(); }

private:
    const int slots_;
    std::atomic<int> in_use_{0};
};

}  // namespace procsentry::console::auth
