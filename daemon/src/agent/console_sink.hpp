// SPDX-License-Identifier: GPL-2.0
// The `console` sink: the spool-backed HTTP sink posting NDJSON batches to
// <url>/api/agent/v1/alerts with the agent token, which it asks for before
// every POST (alerts wait in the spool until the agent is enrolled).
#pragma once

#include <memory>
#include <string>

#include "agent/token_box.hpp"
#include "rules/config.hpp"
#include "sinks/sink.hpp"

namespace procsentry::agent {

class ConsoleSink {
public:
    static constexpr const char* kName = "console";
    // The spec it runs with: compared on reload like any sink's, so an
    // unchanged console section keeps its sink and queue.
    static rules::SinkSpec spec(const rules::ConsoleSpec& console, const std::string& state_dir);
    static std::unique_ptr<sinks::Sink> make(const rules::SinkSpec& spec, std::shared_ptr<TokenBox> token);
};

}  // namespace procsentry::agent
