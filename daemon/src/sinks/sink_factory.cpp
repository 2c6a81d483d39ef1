// SPDX-License-Identifier: GPL-2.0
#include "sinks/sink_factory.hpp"

#include <stdexcept>

#include "sinks/file_sink.hpp"
#include "sinks/http_sink.hpp"
#include "sinks/queued_sink.hpp"
#include "sinks/stdout_sink.hpp"
#include "sinks/syslog_sink.hpp"

namespace procsentry::sinks {

std::unique_ptr<Sink> make_sink(const rules::SinkSpec& spec, const std::string& hostname)
{
    QueuedSink::Options o;
    o.queue_max = spec.queue_max;
    o.min_severity = spec.min_severity;
    if (spec.type == "stdout")
        return std::make_unique<StdoutSink>(spec.name, o);
    if (spec.type == "file")
        return std::make_unique<FileSink>(spec.name, o, spec.file);
    if (spec.type == "syslog")
        return std::make_unique<SyslogSink>(spec.name, o, spec.syslog, hostname);
    if (spec.type == "http")
        return make_http_sink(spec);
    throw std::runtime_error("sink '" + spec.name + "': type: unknown sink type '" + spec.type +
                             "' (expected stdout, file, syslog or http)");
}

}  // namespace procsentry::sinks
