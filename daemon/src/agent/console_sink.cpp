// SPDX-License-Identifier: GPL-2.0
#include "agent/console_sink.hpp"

#include "sinks/http_sink.hpp"

namespace procsentry::agent {

rules::SinkSpec ConsoleSink::spec(const rules::ConsoleSpec& console, const std::string& state_dir)
{
    rules::SinkSpec s;
    s.name = kName;
    s.type = "http";
    s.min_severity = console.min_severity;
    s.queue_max = console.queue_max;
    s.http.url = console.url + "/api/agent/v1/alerts";
    s.http.ca_file = console.ca_file;
    // Incidents should show up quickly; the console takes 8 MiB batches.
    s.http.batch_max = 500;
    s.http.batch_ms = 250;
    s.http.timeout_ms = 15000;
    s.http.retry_max_ms = 60000;
    s.http.spool_dir = state_dir + "/spool/console";
    s.http.spool_max_bytes = console.spool_max_bytes;
    return s;
}

std::unique_ptr<sinks::Sink> ConsoleSink::make(const rules::SinkSpec& spec, std::shared_ptr<TokenBox> token)
{
    return std::make_unique<sinks::HttpSink>(spec, [token] { return token->get(); });
}

}  // namespace procsentry::agent
