// SPDX-License-Identifier: GPL-2.0
// The cgroup directory names container runtimes use, one component at a time.
// Matching is strict (exact prefixes, 64 lowercase hex digits, a short
// character set for lxc names) so that whatever is returned is safe to print
// and cannot be a crafted string.
#pragma once

#include <string>
#include <string_view>

namespace procsentry::proctable {

// The container id one path component names, given its parent component
// ("" at the top), or "" if it names none:
//   docker-<64hex>[.scope]          docker, systemd driver
//   <64hex> under "docker"          docker, cgroupfs driver
//   <64hex> under "pod<uid>"        kubernetes cgroupfs driver (any runtime)
//   cri-containerd-<64hex>[.scope]  containerd (CRI)
//   crio-<64hex>[.scope]            cri-o (crio-conmon-* is the monitor: no)
//   libpod-<64hex>[.scope]          podman (libpod-conmon-* is the monitor: no)
//   lxc.payload.<name>              lxc 4+ (name: [A-Za-z0-9_.-]{1,64}, not starting with '.')
std::string container_id_of_component(std::string_view comp, std::string_view parent);

}  // namespace procsentry::proctable
