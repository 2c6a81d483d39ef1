// SPDX-License-Identifier: GPL-2.0
// Builds the sink a specification describes (not started yet).
#pragma once

#include <memory>
#include <string>

#include "rules/config.hpp"
#include "sinks/sink.hpp"

namespace procsentry::sinks {

// spec.type: "stdout", "file", "syslog" or "http".  hostname goes into
// syslog headers.  Throws std::runtime_error naming the sink, the key and
// the value when the specification cannot be honoured (unknown type or
// facility, unusable address, file that cannot be opened).
std::unique_ptr<Sink> make_sink(const rules::SinkSpec& spec, const std::string& hostname);

}  // namespace procsentry::sinks
