// SPDX-License-Identifier: GPL-2.0
// libFuzzer: arbitrary bytes as procsentry.json.  The loader must never
// crash, must report errors exactly when it refuses, must render every
// error as one printable line, and must hand out only normalised skips.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "format/json_writer.hpp"
#include "rules/config_loader.hpp"
#include "rules/path_match.hpp"

namespace {

void check(bool cond)
{
    if (!cond)
        std::abort();
}

void check_skip(const procsentry::rules::SkipSpec& s)
{
    using namespace procsentry::rules;
    for (const auto& p : s.paths)
        check(!p.empty() && p.front() == '/' && p != "/" && is_normalized_path(p) && p.find('\0') == std::string::npos);
    for (const auto& c : s.commands) {
        check(!c.empty() && c.find('\0') == std::string::npos);
        check(c.front() == '/' ? is_normalized_path(c) && c != "/" : c.find('/') == std::string::npos);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace procsentry;
    const rules::ConfigLoader loader("/var/lib/procsentry");
    const auto res = loader.load_string(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
    check(res.ok == res.errors.empty());
    check(res.errors.size() <= 101);
    for (const auto& e : res.errors) {
        const std::string line = e.to_string();
        check(format::is_valid_utf8(line));
        for (const char c : line)
            check(static_cast<unsigned char>(c) >= 0x20);
        check(e.value.size() <= 100);
    }
    if (!res.ok) {
        check(res.config.rules.empty() && res.config.sinks.empty());
        return 0;
    }
    check(res.config.version == 1);
    check_skip(res.config.skip);
    for (const auto& r : res.config.rules) {
        check_skip(r.skip);
        for (const auto& g : r.match.exe)
            check(!g.empty() && g.front() == '/');
    }
    return 0;
}
