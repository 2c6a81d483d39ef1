// SPDX-License-Identifier: GPL-2.0
#include "abi/record.hpp"

namespace procsentry::abi {

std::vector<std::string> split_argv(const std::string& raw, uint32_t argc, bool truncated)
{
    std::vector<std::string> out;
    if (raw.empty())
        return out;
    std::string::size_type start = 0;
    for (;;) {
        const auto nul = raw.find('\0', start);
        if (nul == std::string::npos) {
            out.emplace_back(raw.substr(start));
            break;
        }
        out.emplace_back(raw.substr(start, nul - start));
        start = nul + 1;
        if (start == raw.size()) {
            // "a\0": terminator, or separator before an empty last argument?
            if (!truncated && out.size() + 1 == argc)
                out.emplace_back();
            break;
        }
    }
    return out;
}

}  // namespace procsentry::abi
