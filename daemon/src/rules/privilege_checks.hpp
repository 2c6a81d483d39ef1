// SPDX-License-Identifier: GPL-2.0
// Does a record show a process gaining root, or trying to?  Pure functions
// of the record (and, for execs whose prior credentials the kernel could not
// capture, what the process table knew), so each case is testable alone.
#pragma once

#include <cstdint>

#include "abi/record.hpp"

namespace procsentry::rules {

// Capabilities that make a process root-equivalent: each gives a known way
// to full root (own any file, read or write any file, set ids, load a
// module, ptrace root, raw I/O, grant itself file capabilities).
inline constexpr uint64_t kRootEquivalentCaps =
    (1ull << 0) |   // CAP_CHOWN
    (1ull << 1) |   // CAP_DAC_OVERRIDE
    (1ull << 2) |   // CAP_DAC_READ_SEARCH
    (1ull << 3) |   // CAP_FOWNER
    (1ull << 6) |   // CAP_SETGID
    (1ull << 7) |   // CAP_SETUID
    (1ull << 16) |  // CAP_SYS_MODULE
    (1ull << 17) |  // CAP_SYS_RAWIO
    (1ull << 19) |  // CAP_SYS_PTRACE
    (1ull << 21) |  // CAP_SYS_ADMIN
    (1ull << 31);   // CAP_SETFCAP

// Credentials before an exec.  From the record unless it carries
// NO_CRED_BEFORE; then from the process table (ids only) or unknown.
struct PriorCreds {
    bool known = false;
    uint32_t uid = 0;
    uint32_t euid = 0;
    bool caps_known = false;
    uint64_t cap_permitted = 0;
};

enum class ExecGain : uint8_t {
    none,
    setuid_root,  // euid 0 from a non-zero euid: a set-user-ID root program
    file_caps,    // euid stays non-zero, root-equivalent capabilities gained
};

enum class CredVerdict : uint8_t {
    none,
    gained_root,         // a set*id call granted euid 0 to a process that held no root id
    gained_root_kernel,  // euid 0 outside every hooked call (COMMIT_CREDS)
    refused_root,        // a set*id call naming uid 0 refused to a non-root process
};

// host_userns: inode of the initial user namespace, 0 if unknown.
// Capabilities held in another user namespace are not root on the host.
ExecGain classify_exec_gain(const abi::Exec& e, const PriorCreds& before, uint32_t host_userns);
CredVerdict classify_cred_change(const abi::CredChange& c);
// As above; with host_userns known, COMMIT_CREDS granting root-equivalent
// capabilities on the host (or fsuid 0) to a non-root process is also
// gained_root_kernel.
CredVerdict classify_cred_change(const abi::CredChange& c, uint32_t host_userns);

}  // namespace procsentry::rules
