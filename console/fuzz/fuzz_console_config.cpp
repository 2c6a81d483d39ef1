// SPDX-License-Identifier: GPL-2.0
// libFuzzer: console.json loading never crashes, and refusals always say why.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "app/console_config_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using procsentry::console::app::ConsoleConfigLoader;
    auto r = ConsoleConfigLoader::load_string(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
    if (r.ok != r.errors.empty())
        std::abort();
    if (r.ok && (r.config.threads < 1 || r.config.listen_port == 0))
        std::abort();
    return 0;
}
