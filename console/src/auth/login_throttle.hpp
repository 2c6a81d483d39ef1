// SPDX-License-Identifier: GPL-2.0
// Login throttling: 5 consecutive failures lock a name for 60 s, each further 5 double the lock
// up to an hour.  Kept in memory for every name alike, existing or not: a store write on the
// failure path of real users only would make their failures measurably slower and reveal which
// names exist.  Bounded: a flood of invented names forgets unlocked entries first.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "store/store.hpp"

namespace procsentry::console::auth {

class LoginThrottle {
public:
    static constexpr int kFailuresPerLock = 5;
    static constexpr int64_t kFirstLockS = 60;
    static constexpr int64_t kMaxLockS = 3600;
    static constexpr std::size_t kMaxNames = 10000;

    // Lock length after `failures` consecutive failures (0 unless a multiple of 5).
    static int64_t lock_seconds(int failures);

    // Seconds until `name` may try again, 0 when it may.
    int64_t retry_after(const std::string& name, store::TimeNs now);
    void record_failure(const std::string& name, store::TimeNs now);
    void record_success(const std::string& name);

private:
    struct Entry {
        int failures = 0;
        store::TimeNs locked_until = 0;
    };
    std::mutex mu_;
    std::map<std::string, Entry> names_;
};

}  // namespace procsentry::console::auth
