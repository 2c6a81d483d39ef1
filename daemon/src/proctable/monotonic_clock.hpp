// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <time.h>

#include <cstdint>

namespace procsentry::proctable {

// For rate limits: CLOCK_MONOTONIC ns (vDSO, no syscall).
inline uint64_t monotonic_ns()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace procsentry::proctable
