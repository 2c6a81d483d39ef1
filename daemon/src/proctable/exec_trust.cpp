// SPDX-License-Identifier: GPL-2.0
#include "proctable/exec_trust.hpp"

#include <procsentry/procsentry_abi.h>

namespace procsentry::proctable {

bool has_deleted_suffix(std::string_view path)
{
    constexpr std::string_view suffix = " (deleted)";
    return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
}

bool exec_path_trusted(uint32_t exec_flags, bool has_path, std::string_view path)
{
    constexpr uint32_t never = PROCSENTRY_EXEC_MEMFD | PROCSENTRY_EXEC_DELETED | PROCSENTRY_EXEC_CHROOT |
                               PROCSENTRY_EXEC_PATH_ERR;
    if (!has_path || path.empty() || path.front() != '/' || (exec_flags & never) || has_deleted_suffix(path))
        return false;
    if ((exec_flags & PROCSENTRY_EXEC_INTERPRETED) && !(exec_flags & PROCSENTRY_EXEC_SCRIPT))
        return false;
    return true;
}

}  // namespace procsentry::proctable
