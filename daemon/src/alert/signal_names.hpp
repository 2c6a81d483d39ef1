// SPDX-License-Identifier: GPL-2.0
// Names of Linux signals as the alert JSON shows them ("SIGSEGV").
#pragma once

#include <cstdint>
#include <string>

namespace procsentry::alert {

// "SIGSEGV"; real-time signals as "SIGRTMIN+3" (counting from the kernel's
// 32, which glibc's own SIGRTMIN hides); anything else "SIG<n>".
std::string signal_name(uint32_t sig);

}  // namespace procsentry::alert
