// SPDX-License-Identifier: GPL-2.0
// The random half of alert ids ("3f2a9c0d1e4b5a67-42"): drawn once per daemon
// start so that ids never repeat across restarts, hosts or replays, while the
// counter half keeps them cheap and ordered within one run.
#pragma once

#include <string>

namespace procsentry::alert {

// 16 lowercase hex digits from getrandom(); if the kernel's pool cannot
// answer, /dev/urandom; failing both, clocks, pid and an address mixed
// (unique enough for ids, not for secrets).
std::string random_id_prefix();

}  // namespace procsentry::alert
