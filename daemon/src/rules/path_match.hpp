// SPDX-License-Identifier: GPL-2.0
// Path primitives for skips and filters.  Paths from the kernel are resolved
// already (d_path), but configuration and "filename as given" are not, so
// both go through normalize_path(): collapse "//", drop ".", resolve ".."
// lexically (never above "/"); a relative path stays relative and never
// matches an absolute prefix.
#pragma once

#include <string>
#include <string_view>

namespace procsentry::rules {

std::string normalize_path(std::string_view p);
// True if path equals dir or lies below it on a component boundary:
// "/usr/bin" covers "/usr/bin/x" but not "/usr/binx".  Both normalised.
bool path_under(std::string_view path, std::string_view dir);
std::string_view path_basename(std::string_view path);
// fnmatch(3) with FNM_PATHNAME.
bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace procsentry::rules
