// SPDX-License-Identifier: GPL-2.0
// Splits a NUL-joined argument area (an EXEC record's argv, /proc/<pid>/cmdline)
// into at most max_bytes of arguments, without building the parts it drops.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace procsentry::proctable {

// Each argument costs its length + 1 (its separator) of max_bytes, and at
// most max(16, max_bytes / min_arg_cost) arguments are kept, so a flood of
// empty arguments cannot cost much more memory than the byte budget.  The
// argument that crosses the budget is cut.  Semantics of a trailing NUL are
// those of abi::split_argv.  Returns true if anything was dropped or cut
// (also when the source says it was truncated already).
bool split_argv_bounded(std::string_view raw, uint32_t argc, bool source_truncated, std::size_t max_bytes,
                        std::vector<std::string>& out);

inline constexpr std::size_t min_arg_cost = 16;

}  // namespace procsentry::proctable
