// SPDX-License-Identifier: GPL-2.0
// JSON views of the daemon's parts for `procsentryctl status` / `stats`.
#pragma once

#include <json/value.h>
#include <vector>

#include "abi/stats.hpp"
#include "app/loss_reporter.hpp"
#include "app/pipeline.hpp"
#include "sinks/sink.hpp"
#include "source/record_source.hpp"

namespace procsentry::app {

Json::Value sinks_json(const std::vector<sinks::SinkHealth>& h);
Json::Value alerts_json(const PipelineCounters& c);
Json::Value loss_json(const LossReporter& l);
Json::Value module_stats_json(const abi::Stats& s);
Json::Value pipeline_json(const Pipeline& p);
Json::Value source_json(const source::SourceCounters& c);

}  // namespace procsentry::app
