// SPDX-License-Identifier: GPL-2.0
// Recorded message files: a sequence of frames, each
//   u32 cpu, u32 length (little endian), then length bytes of RECORDS payload.
// No file header.  A frame longer than kMaxFrame is taken as corruption.
#pragma once

#include <cstddef>
#include <cstdint>

namespace procsentry::source {

inline constexpr std::size_t kFrameHeader = 8;
inline constexpr uint32_t kMaxFrame = 16U << 20;

}  // namespace procsentry::source
