// SPDX-License-Identifier: GPL-2.0
// Compile-time checks of the properties of the ABI header this reader relies
// on.  Body sizes themselves are taken with sizeof() where they are used, so
// growing a struct at its end needs no change here.
#pragma once

#include <cstddef>

#include <procsentry/procsentry_abi.h>

namespace procsentry::abi {

inline constexpr std::size_t kHdrSize = sizeof(procsentry_rec_hdr);

// hdr.size >= hdr_size >= 32 is the framing rule of the ABI.
static_assert(sizeof(procsentry_rec_hdr) == 32);
static_assert(offsetof(procsentry_rec_hdr, size) == 0);
static_assert(offsetof(procsentry_rec_hdr, hdr_size) == 7);
static_assert(sizeof(procsentry_str) == 8);
// Records are padded to 8; bodies hold u64s, so keep them 8-multiples.
static_assert(sizeof(procsentry_exec) % 8 == 0);
static_assert(sizeof(procsentry_exec_failed) % 8 == 0);
static_assert(sizeof(procsentry_cred_change) % 8 == 0);
static_assert(sizeof(procsentry_exit) % 8 == 0);
static_assert(sizeof(procsentry_fork) % 8 == 0);
static_assert(sizeof(procsentry_lost) % 8 == 0);
static_assert(sizeof(procsentry_config) >= 8);

}  // namespace procsentry::abi
