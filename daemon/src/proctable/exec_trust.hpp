// SPDX-License-Identifier: GPL-2.0
// Whether an EXEC record's path may be used for skip decisions.
#pragma once

#include <cstdint>
#include <string_view>

namespace procsentry::proctable {

// False when the path is absent or the kernel flagged it: MEMFD, DELETED,
// CHROOT (relative to a chroot), PATH_ERR, or INTERPRETED without SCRIPT
// (path is then the interpreter's and the script is unknown).  INTERPRETED
// with SCRIPT is a #! script whose resolved path the kernel reported, and
// counts as trusted, as the ABI header documents.  A path not starting with
// "/" or ending in
// " (deleted)" is never trusted whatever the flags say.
bool exec_path_trusted(uint32_t exec_flags, bool has_path, std::string_view path);

// The suffix d_path() and /proc/<pid>/exe give an unlinked file.
bool has_deleted_suffix(std::string_view path);

}  // namespace procsentry::proctable
