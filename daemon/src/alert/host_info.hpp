// SPDX-License-Identifier: GPL-2.0
// Who this host is, for every alert: name, machine id and boot id.  Read
// once at start; a missing file leaves the field empty (null in the JSON)
// rather than stopping the daemon, and says why in `problems`.
#pragma once

#include <string>
#include <vector>

namespace procsentry::alert {

struct HostInfo {
    std::string hostname;
    std::string machine_id;  // 32 lowercase hex digits, or ""
    std::string boot_id;     // 8-4-4-4-12 UUID, or ""
};

// The files read; tests point them elsewhere.
struct HostInfoPaths {
    std::string hostname = "/proc/sys/kernel/hostname";  // gethostname() if unreadable
    std::vector<std::string> machine_id = {"/etc/machine-id", "/var/lib/dbus/machine-id"};
    std::string boot_id = "/proc/sys/kernel/random/boot_id";
};

// Each entry of `problems` names the file and the reason ("/etc/machine-id:
// No such file or directory", "/etc/machine-id: not 32 hex digits").
HostInfo read_host_info(const HostInfoPaths& paths, std::vector<std::string>* problems = nullptr);
inline HostInfo read_host_info() { return read_host_info(HostInfoPaths{}); }

}  // namespace procsentry::alert
