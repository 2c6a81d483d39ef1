// SPDX-License-Identifier: GPL-2.0
// libFuzzer: the string escaper must always produce a valid JSON string body
// that is valid UTF-8, and leave clean valid UTF-8 unchanged.
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "format/json_writer.hpp"

namespace {

bool valid_json_string_body(std::string_view s)
{
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == '"')
            return false;
        if (c != '\\')
            continue;
        if (++i >= s.size())
            return false;
        switch (s[i]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            break;
        case 'u':
            if (s.size() - i <= 4)
                return false;
            for (int k = 1; k <= 4; ++k)
                if (!std::isxdigit(static_cast<unsigned char>(s[i + k])))
                    return false;
            i += 4;
            break;
        default:
            return false;
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace procsentry::format;
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    std::string out;
    escape_json_string(in, out);
    if (!is_valid_utf8(out) || !valid_json_string_body(out))
        std::abort();
    bool clean = is_valid_utf8(in);
    for (char c : in)
        if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\')
            clean = false;
    if (clean && out != in)
        std::abort();
    return 0;
}
