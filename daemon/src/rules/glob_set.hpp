// SPDX-License-Identifier: GPL-2.0
// A list of globs prepared for matching every event: each pattern's literal
// prefix (up to its first wildcard) is checked with one compare before
// fnmatch runs, so a path that cannot match costs a few bytes of compare.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace procsentry::rules {

class GlobSet {
public:
    explicit GlobSet(const std::vector<std::string>& patterns);
    bool empty() const { return globs_.empty(); }
    // glob_match() semantics (including the "/**" suffix) for any pattern.
    bool any(std::string_view path) const;

private:
    struct Glob {
        std::string pattern;
        std::string prefix;  // literal characters before the first wildcard
    };
    std::vector<Glob> globs_;
};

}  // namespace procsentry::rules
