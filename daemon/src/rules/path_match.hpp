// SPDX-License-Identifier: GPL-2.0
// Path primitives for skips and filters.  Paths from the kernel are resolved
// already (d_path), but configuration and "filename as given" are not, so
// both go through normalize_path(): collapse "//", drop ".", resolve ".."
// lexically (never above "/"); a relative path stays relative and never
// matches an absolute prefix.
//
// Skips open holes, so every predicate here fails closed: a path that is
// empty, relative, not in normal form or holds a NUL byte never lies under a
// directory and never matches a glob.
#pragma once

#include <string>
#include <string_view>

namespace procsentry::rules {

// "" stays "", an absolute path becomes "/" at least, a relative one "." at
// least; ".." that would climb above "/" is dropped, a leading ".." of a
// relative path is kept.  No trailing "/" except for "/" itself.
std::string normalize_path(std::string_view p);
// True if p is what normalize_path(p) returns (no allocation).
bool is_normalized_path(std::string_view p);
// True if path equals dir or lies below it on a component boundary:
// "/usr/bin" covers "/usr/bin/x" but not "/usr/binx"; "/" covers every
// absolute path.  Both must be absolute and normalised, without NUL bytes;
// anything else is false.
bool path_under(std::string_view path, std::string_view dir);
// The text after the last '/': "" for "/", for "" and for "/usr/bin/".
std::string_view path_basename(std::string_view path);
// fnmatch(3) with FNM_PATHNAME on the normalised path; false if either
// holds a NUL byte (fnmatch would see a shorter string).  Since '*' stops at
// '/', a final "/**" means "anything below": "/tmp/**" matches "/tmp/a" and
// "/tmp/a/b/c" but not "/tmp" itself.  No heap allocation for paths in
// normal form shorter than 512 bytes: callers need no fnmatch fast path.
bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace procsentry::rules
