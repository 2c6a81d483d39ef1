// SPDX-License-Identifier: GPL-2.0
#include "proctable/argv_bounds.hpp"

#include <algorithm>

namespace procsentry::proctable {

bool split_argv_bounded(std::string_view raw, uint32_t argc, bool source_truncated, std::size_t max_bytes,
                        std::vector<std::string>& out)
{
    out.clear();
    if (raw.empty())
        return source_truncated;
    const std::size_t max_args = std::max(std::min<std::size_t>(max_bytes, 16), max_bytes / min_arg_cost);
    std::size_t left = max_bytes;
    // Adds one argument within the budget; false once the budget is spent.
    const auto add = [&](std::string_view arg) {
        if (out.size() == max_args || left == 0)
            return false;
        const std::size_t take = std::min(arg.size(), left - 1);
        out.emplace_back(arg.substr(0, take));
        left -= take + 1;
        return take == arg.size();
    };
    std::size_t start = 0;
    for (;;) {
        const auto nul = raw.find('\0', start);
        if (nul == std::string_view::npos)
            return !add(raw.substr(start)) || source_truncated;
        if (!add(raw.substr(start, nul - start)))
            return true;
        start = nul + 1;
        if (start == raw.size()) {
            // "a\0": terminator, or separator before an empty last argument?
            if (!source_truncated && out.size() + 1 == argc && !add({}))
                return true;
            return source_truncated;
        }
    }
}

}  // namespace procsentry::proctable
