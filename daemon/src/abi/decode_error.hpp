// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <cstdint>

namespace procsentry::abi {

enum class DecodeError : uint8_t {
    none,
    // framing: decoding of the message stops
    truncated_header,   // fewer than 32 bytes left
    size_too_small,     // hdr.size < 32
    size_unaligned,     // hdr.size % 8 != 0
    size_overrun,       // hdr.size > bytes left
    // content: the record is skipped
    hdr_size_too_small,     // hdr.hdr_size < 32
    hdr_size_overrun,       // hdr.hdr_size > hdr.size
    body_too_small,         // hdr.size - hdr.hdr_size < known body size
    string_absent_with_len, // off == 0 but len != 0
    string_overlaps_body,   // off < hdr_size + known body size
    string_out_of_bounds,   // off + len > hdr.size
    bad_nargs,              // CRED_CHANGE nargs > 3
};

const char* to_string(DecodeError e);

constexpr bool is_framing_error(DecodeError e)
{
    return e == DecodeError::truncated_header || e == DecodeError::size_too_small ||
           e == DecodeError::size_unaligned || e == DecodeError::size_overrun;
}

}  // namespace procsentry::abi
