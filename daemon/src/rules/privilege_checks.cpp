// SPDX-License-Identifier: GPL-2.0
#include "rules/privilege_checks.hpp"

#include <procsentry/procsentry_abi.h>

namespace procsentry::rules {

namespace {

bool caps_count_on_host(const abi::Creds& c, uint32_t host_userns)
{
    return host_userns == 0 || c.userns == 0 || c.userns == host_userns;
}

bool names_uid0(const abi::CredChange& c)
{
    for (uint32_t i = 0; i < c.nargs && i < c.args.size(); i++)
        if (c.args[i] == 0)
            return true;
    return false;
}

}  // namespace

ExecGain classify_exec_gain(const abi::Exec& e, const PriorCreds& before, uint32_t host_userns)
{
    const abi::Creds& after = e.task.cred;
    const bool secure = (e.flags & PROCSENTRY_EXEC_SECURE) != 0;
    if (!before.known) {
        // Only the kernel's own AT_SECURE decision is left to go on; a
        // root process keeps uid 0, a set-user-ID exec keeps the caller's.
        if (!secure)
            return ExecGain::none;
        if (after.euid == 0)
            return after.uid != 0 ? ExecGain::setuid_root : ExecGain::none;
        if (caps_count_on_host(after, host_userns) && (after.cap_effective & kRootEquivalentCaps))
            return ExecGain::file_caps;
        return ExecGain::none;
    }
    if (before.euid == 0)
        return ExecGain::none;
    if (after.euid == 0)
        return ExecGain::setuid_root;
    if (!caps_count_on_host(after, host_userns))
        return ExecGain::none;
    const uint64_t prior = before.caps_known ? before.cap_permitted : 0;
    if (!(after.cap_effective & ~prior & kRootEquivalentCaps))
        return ExecGain::none;
    // Without the prior permitted set (ambient capabilities would carry
    // over), only a gain the kernel itself marked as secure counts.
    if (!before.caps_known && !secure)
        return ExecGain::none;
    return ExecGain::file_caps;
}

CredVerdict classify_cred_change(const abi::CredChange& c, uint32_t host_userns)
{
    const CredVerdict v = classify_cred_change(c);
    if (v != CredVerdict::none || c.call != PROCSENTRY_CALL_COMMIT_CREDS || host_userns == 0)
        return v;
    const abi::Creds& b = c.cred_before;
    const abi::Creds& a = c.task.cred;
    if (b.euid == 0)
        return v;
    // Nothing outside exec, set*id and capset grants a non-root process
    // new permitted capabilities in the host namespace, or fsuid 0: an
    // exploit that writes capabilities, not uids, must not pass unseen.
    if (b.fsuid != 0 && a.fsuid == 0)
        return CredVerdict::gained_root_kernel;
    if (a.userns != host_userns)
        return v;
    const uint64_t held = b.userns == a.userns ? b.cap_permitted : 0;
    if ((a.cap_effective | a.cap_permitted) & ~held & kRootEquivalentCaps)
        return CredVerdict::gained_root_kernel;
    return v;
}

CredVerdict classify_cred_change(const abi::CredChange& c)
{
    const abi::Creds& b = c.cred_before;
    const abi::Creds& a = c.task.cred;
    switch (c.call) {
    case PROCSENTRY_CALL_COMMIT_CREDS:
        return b.euid != 0 && a.euid == 0 ? CredVerdict::gained_root_kernel : CredVerdict::none;
    case PROCSENTRY_CALL_SETUID:
    case PROCSENTRY_CALL_SETREUID:
    case PROCSENTRY_CALL_SETRESUID:
        if (c.result == 0) {
            // Taking back a root id the process still held (real or saved
            // uid 0, e.g. a daemon's temporary seteuid drop) is no gain.
            if (b.euid != 0 && a.euid == 0 && b.uid != 0 && b.suid != 0)
                return CredVerdict::gained_root;
            return CredVerdict::none;
        }
        return c.result < 0 && b.euid != 0 && names_uid0(c) ? CredVerdict::refused_root : CredVerdict::none;
    case PROCSENTRY_CALL_SETFSUID:
        // setfsuid() never fails: a refusal leaves fsuid where it was.
        return b.euid != 0 && names_uid0(c) && a.fsuid != 0 ? CredVerdict::refused_root : CredVerdict::none;
    default:
        return CredVerdict::none;
    }
}

}  // namespace procsentry::rules
