// SPDX-License-Identifier: GPL-2.0
// libFuzzer: arbitrary replay files must end in clean errors, and every
// message they yield must decode safely.
#include <cstdint>
#include <vector>

#include "abi/decoder.hpp"
#include "format/record_formatter.hpp"
#include "source/replay_source.hpp"
#include "source/source_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace procsentry;
    source::ReplaySource src(std::vector<uint8_t>(data, data + size));
    abi::Decoder dec;
    source::Message m;
    try {
        while (src.read(m, std::chrono::milliseconds(0)) == source::RecordSource::Status::message)
            for (const auto& r : dec.decode(m.records, m.cpu).records)
                (void)format::RecordFormatter::to_json(r);
    } catch (const source::SourceError&) {
    }
    return 0;
}
