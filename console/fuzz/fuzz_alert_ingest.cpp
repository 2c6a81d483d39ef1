// SPDX-License-Identifier: GPL-2.0
// libFuzzer: an agent's NDJSON batch, line by line, through the alert → incident extraction.
// Accepted rows keep their bounds whatever the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/alert_extractor.hpp"
#include "api/json_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using procsentry::console::api::AlertExtractor;
    using procsentry::console::api::JsonText;
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    while (!rest.empty()) {
        std::size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        std::string err;
        auto row = AlertExtractor::extract(line, 1, "fuzz", 0, &err);
        if (!row) {
            if (err.empty())
                std::abort();
            continue;
        }
        if (row->command.size() > AlertExtractor::kMaxCommandBytes || row->severity < 0 || row->severity > 4 ||
            row->alert_id.empty() || row->raw_json != line || !JsonText::valid_utf8(row->command) ||
            !JsonText::valid_utf8(row->summary))
            std::abort();
    }
    return 0;
}
