// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <cstdint>
#include <string>

#include "source/source_error.hpp"

namespace procsentry::source {

// The SourceError for a command the module answered with a negative errno;
// extack is the kernel's extended-ACK message (may be empty).
//   EPERM  -> permission: "permission denied: registering needs CAP_NET_ADMIN"
//   EPROTO on REGISTER -> abi_mismatch: "ABI version mismatch: reader N, module says M"
SourceError command_error(uint8_t cmd, const std::string& what, int error, const std::string& extack);

}  // namespace procsentry::source
