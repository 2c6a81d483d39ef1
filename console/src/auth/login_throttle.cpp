// SPDX-License-Identifier: GPL-2.0
#include "auth/login_throttle.hpp"

#include <algorithm>

namespace procsentry::console::auth {
namespace {

constexpr int64_t kNsPerS = 1000000000;

int64_t seconds_until(store::TimeNs until, store::TimeNs now)
{
    if (until <= now)
        return 0;
    return (until - now + kNsPerS - 1) / kNsPerS;
}

}  // namespace

int64_t LoginThrottle::lock_seconds(int failures)
{
    if (failures <= 0 || failures % kFailuresPerLock != 0)
        return 0;
    int doublings = failures / kFailuresPerLock - 1;
    int64_t s = kFirstLockS;
    for (int i = 0; i < doublings && s < kMaxLockS; ++i)
        s *= 2;
    return std::min(s, kMaxLockS);
}

int64_t LoginThrottle::retry_after(const store::UserRow& user, store::TimeNs now)
{
    return seconds_until(user.locked_until, now);
}

void LoginThrottle::record_failure(store::UserRow& user, store::TimeNs now)
{
    if (user.failed_logins < 1000000)
        ++user.failed_logins;
    if (int64_t s = lock_seconds(user.failed_logins))
        user.locked_until = now + s * kNsPerS;
}

void LoginThrottle::record_success(store::UserRow& user)
{
    user.failed_logins = 0;
    user.locked_until = 0;
}

int64_t LoginThrottle::retry_after_unknown(const std::string& name, store::TimeNs now)
{
    std::lock_guard lock(mu_);
    auto it = unknown_.find(name);
    return it == unknown_.end() ? 0 : seconds_until(it->second.locked_until, now);
}

void LoginThrottle::record_failure_unknown(const std::string& name, store::TimeNs now)
{
    std::lock_guard lock(mu_);
    if (unknown_.size() >= kMaxUnknownNames && unknown_.find(name) == unknown_.end()) {
        // A flood of made-up names: forget the unlocked ones rather than grow without bound.
        for (auto it = unknown_.begin(); it != unknown_.end();)
            it = it->second.locked_until <= now ? unknown_.erase(it) : std::next(it);
        if (unknown_.size() >= kMaxUnknownNames)
            unknown_.erase(unknown_.begin());
    }
    Entry& e = unknown_[name];
    if (e.failures < 1000000)
        ++e.failures;
    if (int64_t s = lock_seconds(e.failures))
        e.locked_until = now + s * kNsPerS;
}

}  // namespace procsentry::console::auth
