// SPDX-License-Identifier: GPL-2.0
// The clocks the daemon reads, in ns (vDSO, no syscall).  Records carry
// CLOCK_BOOTTIME; alerts carry CLOCK_REALTIME; rate limits use
// CLOCK_MONOTONIC.
#pragma once

#include <time.h>

#include <cstdint>

namespace procsentry::abi {

inline int64_t clock_ns(clockid_t id)
{
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

inline uint64_t boottime_ns() { return static_cast<uint64_t>(clock_ns(CLOCK_BOOTTIME)); }
inline int64_t realtime_ns() { return clock_ns(CLOCK_REALTIME); }
inline uint64_t monotonic_ns() { return static_cast<uint64_t>(clock_ns(CLOCK_MONOTONIC)); }

}  // namespace procsentry::abi
