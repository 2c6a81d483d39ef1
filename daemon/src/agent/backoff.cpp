// SPDX-License-Identifier: GPL-2.0
#include "agent/backoff.hpp"

#include <algorithm>

namespace procsentry::agent {

Backoff::Backoff(ms first, ms cap, uint32_t seed) : first_(first), cap_(std::max(cap, first)), rng_(seed) {}

Backoff::ms Backoff::next()
{
    ceiling_ = ceiling_.count() == 0 ? first_ : std::min(ceiling_ * 2, cap_);
    std::uniform_int_distribution<ms::rep> jitter(ceiling_.count() / 2, ceiling_.count());
    return ms(jitter(rng_));
}

}  // namespace procsentry::agent
