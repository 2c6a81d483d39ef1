// SPDX-License-Identifier: GPL-2.0
// GET_STATS / CONFIG attribute payloads.  Structures only grow at their end,
// so a larger element than this reader knows is accepted (the known prefix is
// copied) and a smaller one is zero-extended.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <procsentry/procsentry_abi.h>

namespace procsentry::abi {

struct Stats {
    uint32_t nr_cpus = 0;
    std::vector<procsentry_cpu_stats> cpus;
    std::optional<procsentry_global_stats> global;
    std::optional<procsentry_config> config;
};

// Splits a CPU_STATS payload into nr_cpus elements of equal size.  Returns
// false (and sets err) when the payload is not nr_cpus equal elements.
bool parse_cpu_stats(std::span<const uint8_t> payload, uint32_t nr_cpus,
                     std::vector<procsentry_cpu_stats>& out, std::string& err);

// Copies min(payload, sizeof(T)) bytes into a zeroed T.
template <typename T>
T parse_struct_prefix(std::span<const uint8_t> payload);

procsentry_global_stats parse_global_stats(std::span<const uint8_t> payload);
procsentry_config parse_config(std::span<const uint8_t> payload);

procsentry_cpu_stats sum_cpu_stats(const std::vector<procsentry_cpu_stats>& cpus);

}  // namespace procsentry::abi
