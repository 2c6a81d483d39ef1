// SPDX-License-Identifier: GPL-2.0
#include "auth/kdf_gate.hpp"

#include <algorithm>

namespace procsentry::console::auth {

KdfGate::KdfGate(int slots) : slots_(std::max(1, slots)) {}

KdfGate::Ticket::~Ticket()
{
    if (gate_)
        gate_->in_use_.fetch_sub(1);
}

std::optional<KdfGate::Ticket> KdfGate::try_enter()
{
    int n = in_use_.load();
    do {
        if (n >= slots_)
            return std::nullopt;
    } while (!in_use_.compare_exchange_weak(n, n + 1));
    return Ticket(this);
}

}  // namespace procsentry::console::auth
