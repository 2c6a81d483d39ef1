// SPDX-License-Identifier: GPL-2.0
#include "auth/login_throttle.hpp"

#include <algorithm>

namespace procsentry::console::auth {
namespace {

constexpr int64_t kNsPerS = 1000000000;

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

int64_t LoginThrottle::retry_after(const std::string& name, store::TimeNs now)
{
    std::lock_guard lock(mu_);
    auto it = names_.find(name);
    if (it == names_.end() || it->second.locked_until <= now)
        return 0;
    return (it->second.locked_until - now + kNsPerS - 1) / kNsPerS;
}

void LoginThrottle::record_failure(const std::string& name, store::TimeNs now)
{
    std::lock_guard lock(mu_);
    if (names_.size() >= kMaxNames && names_.find(name) == names_.end()) {
        for (auto it = names_.begin(); it != names_.end();)
            it = it->second.locked_until <= now ? names_.erase(it) : std::next(it);
        if (names_.size() >= kMaxNames)
            names_.erase(names_.begin());
    }
    Entry& e = names_[name];
    if (e.failures < 1000000)
        ++e.failures;
    if (int64_t s = lock_seconds(e.failures))
        e.locked_until = now + s * kNsPerS;
}

void LoginThrottle::record_success(const std::string& name)
{
    std::lock_guard lock(mu_);
    names_.erase(name);
}

}  // namespace procsentry::console::auth
