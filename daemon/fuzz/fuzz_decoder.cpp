// SPDX-License-Identifier: GPL-2.0
// libFuzzer: decode arbitrary RECORDS payloads and format every record; the
// output must be valid UTF-8 and one line per record.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>

#include "abi/decoder.hpp"
#include "abi/sequence_tracker.hpp"
#include "format/json_writer.hpp"
#include "format/record_formatter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace procsentry;
    uint32_t cpu = 0;
    if (size >= 4) {
        std::memcpy(&cpu, data, 4);
        data += 4;
        size -= 4;
    }
    abi::Decoder dec;
    abi::SequenceTracker seq;
    const auto res = dec.decode(std::span<const uint8_t>(data, size), cpu);
    // Stopping needs a framing error; the first error may be an earlier skipped record.
    if (res.stopped && res.malformed == 0)
        std::abort();
    if (!res.stopped && abi::is_framing_error(res.error))
        std::abort();
    if ((res.error == abi::DecodeError::none) != (res.malformed == 0))
        std::abort();
    for (const auto& r : res.records) {
        if (r.hdr.size < 32 || r.hdr.size % 8 != 0 || r.hdr.size > size)
            std::abort();
        seq.observe(r.hdr.cpu, r.hdr.seq);
        const std::string line = format::RecordFormatter::to_json(r);
        if (line.find('\n') != std::string::npos || !format::is_valid_utf8(line))
            std::abort();
    }
    return 0;
}
