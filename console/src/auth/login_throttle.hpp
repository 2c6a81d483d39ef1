// SPDX-License-Identifier: GPL-2.0
// Login throttling: 5 consecutive failures lock a name for 60 s, each further 5 double the lock
// up to an hour.  Known users keep their count in the store (it survives restarts); names that
// do not exist are counted here in memory, so that a locked answer does not reveal whether a
// name exists.
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
    static constexpr std::size_t kMaxUnknownNames = 10000;

    // Lock length after `failures` consecutive failures (0 unless a multiple of 5).
    static int64_t lock_seconds(int failures);
    // Seconds until `user` may try again, 0 when it may.
    static int64_t retry_after(const store::UserRow& user, store::TimeNs now);
    // Counts a failure on the row (the caller saves it).
    static void record_failure(store::UserRow& user, store::TimeNs now);
    static void record_success(store::UserRow& user);

    // The same for names without a user.
    int64_t retry_after_unknown(const std::string& name, store::TimeNs now);
    void record_failure_unknown(const std::string& name, store::TimeNs now);

private:
    struct Entry {
        int failures = 0;
        store::TimeNs locked_until = 0;
    };
    std::mutex mu_;
    std::map<std::string, Entry> unknown_;
};

}  // namespace procsentry::console::auth
