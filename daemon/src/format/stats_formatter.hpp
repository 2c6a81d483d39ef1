// SPDX-License-Identifier: GPL-2.0
// GET_STATS reply as one JSON object:
// {"type":"stats","nr_cpus":N,"cpus":[{"cpu":0,...}],"totals":{...},"global":{...},"config":{...}}
#pragma once

#include <string>

#include "abi/stats.hpp"

namespace procsentry::format {

class StatsFormatter {
public:
    static std::string to_json(const abi::Stats& s);
};

}  // namespace procsentry::format
