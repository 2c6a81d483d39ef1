// SPDX-License-Identifier: GPL-2.0
// Strict decoder for the payload of one PROCSENTRY_A_RECORDS attribute.
//
// Policy: a framing error (fewer than 32 bytes left, hdr.size < 32, not a
// multiple of 8, or past the end of the attribute) stops decoding of the
// message, since the position of the next record is unknown.  A record whose
// framing is sound but whose content is not (hdr_size out of range, body
// shorter than the known struct, a string out of bounds or overlapping the
// header/body, nargs > 3) is skipped and counted; decoding goes on with the
// next record.  Unknown types are skipped and counted.  Records decoded before
// a framing error are kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "abi/decode_error.hpp"
#include "abi/record.hpp"

namespace procsentry::abi {

struct DecodeResult {
    std::vector<Record> records;
    uint32_t unknown = 0;          // records of types this reader does not know
    uint32_t malformed = 0;        // records skipped or framing errors
    bool stopped = false;          // a framing error ended decoding
    DecodeError error = DecodeError::none;  // the first error seen
    std::size_t error_offset = 0;  // byte offset of the record with that error
};

struct DecodeStats {
    uint64_t messages = 0;
    uint64_t records = 0;
    uint64_t unknown = 0;
    uint64_t malformed = 0;
    uint64_t stopped_messages = 0;
    uint64_t cpu_mismatch = 0;  // hdr.cpu differs from PROCSENTRY_A_CPU (not LOST)
};

class Decoder {
public:
    // bytes: the attribute payload; cpu: PROCSENTRY_A_CPU of the message.
    DecodeResult decode(std::span<const uint8_t> bytes, uint32_t cpu);

    const DecodeStats& stats() const { return stats_; }

private:
    DecodeStats stats_;
};

}  // namespace procsentry::abi
