// SPDX-License-Identifier: GPL-2.0
#include "abi/stats.hpp"

#include <algorithm>
#include <cstring>

namespace procsentry::abi {

template <typename T>
T parse_struct_prefix(std::span<const uint8_t> payload)
{
    T v;
    std::memset(&v, 0, sizeof v);
    if (!payload.empty())
        std::memcpy(&v, payload.data(), std::min(payload.size(), sizeof v));
    return v;
}

procsentry_global_stats parse_global_stats(std::span<const uint8_t> payload)
{
    return parse_struct_prefix<procsentry_global_stats>(payload);
}

procsentry_config parse_config(std::span<const uint8_t> payload)
{
    return parse_struct_prefix<procsentry_config>(payload);
}

bool parse_cpu_stats(std::span<const uint8_t> payload, uint32_t nr_cpus,
                     std::vector<procsentry_cpu_stats>& out, std::string& err)
{
    out.clear();
    if (nr_cpus == 0) {
        if (!payload.empty()) {
            err = "CPU_STATS present but NR_CPUS is 0";
            return false;
        }
        return true;
    }
    if (payload.size() % nr_cpus != 0 || payload.empty()) {
        err = "CPU_STATS length " + std::to_string(payload.size()) + " is not " +
              std::to_string(nr_cpus) + " equal elements";
        return false;
    }
    const std::size_t elem = payload.size() / nr_cpus;
    out.reserve(nr_cpus);
    for (uint32_t i = 0; i < nr_cpus; ++i)
        out.push_back(parse_struct_prefix<procsentry_cpu_stats>(payload.subspan(i * elem, elem)));
    return true;
}

procsentry_cpu_stats sum_cpu_stats(const std::vector<procsentry_cpu_stats>& cpus)
{
    procsentry_cpu_stats t{};
    for (const auto& c : cpus) {
        t.produced += c.produced;
        t.delivered += c.delivered;
        t.dropped_full += c.dropped_full;
        t.dropped_nomem += c.dropped_nomem;
        t.dropped_reader += c.dropped_reader;
        t.dropped_no_listener += c.dropped_no_listener;
        t.pending += c.pending;
        t.messages += c.messages;
    }
    return t;
}

template procsentry_cpu_stats parse_struct_prefix<procsentry_cpu_stats>(std::span<const uint8_t>);

}  // namespace procsentry::abi
