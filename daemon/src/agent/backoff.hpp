// SPDX-License-Identifier: GPL-2.0
// Waits between failed exchanges with the console: 1 s doubling up to 60 s,
// each wait cut to a random 50-100 % so that a fleet that lost its console
// at the same moment does not come back in step.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace procsentry::agent {

class Backoff {
public:
    using ms = std::chrono::milliseconds;
    explicit Backoff(ms first = std::chrono::seconds(1), ms cap = std::chrono::seconds(60),
                     uint32_t seed = std::random_device{}());
    // The next wait (the ceiling doubles each time, up to cap).
    ms next();
    // After a success: the next failure waits `first` again.
    void reset() { ceiling_ = ms(0); }
    ms ceiling() const { return ceiling_; }

private:
    ms first_, cap_, ceiling_{0};
    std::mt19937 rng_;
};

}  // namespace procsentry::agent
