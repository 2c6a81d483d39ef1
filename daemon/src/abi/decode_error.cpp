// SPDX-License-Identifier: GPL-2.0
#include "abi/decode_error.hpp"

namespace procsentry::abi {

const char* to_string(DecodeError e)
{
    switch (e) {
    case DecodeError::none: return "none";
    case DecodeError::truncated_header: return "truncated_header";
    case DecodeError::size_too_small: return "size_too_small";
    case DecodeError::size_unaligned: return "size_unaligned";
    case DecodeError::size_overrun: return "size_overrun";
    case DecodeError::hdr_size_too_small: return "hdr_size_too_small";
    case DecodeError::hdr_size_overrun: return "hdr_size_overrun";
    case DecodeError::body_too_small: return "body_too_small";
    case DecodeError::string_absent_with_len: return "string_absent_with_len";
    case DecodeError::string_overlaps_body: return "string_overlaps_body";
    case DecodeError::string_out_of_bounds: return "string_out_of_bounds";
    case DecodeError::bad_nargs: return "bad_nargs";
    }
    return "unknown";
}

}  // namespace procsentry::abi
