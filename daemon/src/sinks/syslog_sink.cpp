// SPDX-License-Identifier: GPL-2.0
#include "sinks/syslog_sink.hpp"

#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <utility>

#include "sinks/tcp_transport.hpp"
#include "sinks/unix_datagram_transport.hpp"

namespace procsentry::sinks {

namespace {
constexpr std::chrono::milliseconds send_timeout{5000};
constexpr std::size_t rfc5424_min = 480;
}  // namespace

std::unique_ptr<SyslogFormatter> SyslogSink::make_formatter(const std::string& sink,
                                                            const rules::SyslogSinkSpec& spec,
                                                            const std::string& hostname)
{
    const auto facility = SyslogFormatter::parse_facility(spec.facility);
    if (!facility)
        throw std::runtime_error("syslog sink '" + sink + "': syslog.facility: unknown facility '" + spec.facility +
                                 "' (expected one of " + std::string(SyslogFormatter::facility_names()) + ")");
    return std::make_unique<SyslogFormatter>(
        *facility, hostname, static_cast<int>(getpid()), "procsentryd",
        spec.resolved_format() == "rfc5424" ? SyslogFormatter::Style::rfc5424 : SyslogFormatter::Style::rfc3164);
}

SyslogSink::SyslogSink(std::string name, Options opts, const rules::SyslogSinkSpec& spec,
                       const std::string& hostname, std::size_t datagram_max)
    : QueuedSink(std::move(name), "syslog", opts),
      formatter_(make_formatter(this->name(), spec, hostname)),
      max_bytes_(spec.transport == "unix" ? datagram_max : 0)
{
    try {
        if (spec.transport == "unix")
            transport_ = std::make_unique<UnixDatagramTransport>(spec.address);
        else if (spec.transport == "tcp")
            transport_ = std::make_unique<TcpTransport>(spec.address);
        else
            throw std::invalid_argument("syslog.transport: unknown transport '" + spec.transport +
                                        "' (expected unix or tcp)");
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error("syslog sink '" + this->name() + "': " + e.what());
    }
}

SyslogSink::~SyslogSink()
{
    halt();
}

QueuedSink::DeliverResult SyslogSink::deliver(std::vector<alert::SerializedPtr>& batch)
{
    for (std::size_t i = 0; i < batch.size(); ++i) {
        auto r = transport_->send(formatter_->format(*batch[i], max_bytes_), budget(send_timeout));
        if (r.too_big && max_bytes_ > min_datagram_max) {
            // The socket's limit is below ours: use the size every receiver
            // should accept from now on.
            max_bytes_ = min_datagram_max;
            r = transport_->send(formatter_->format(*batch[i], max_bytes_), budget(send_timeout));
        }
        if (r.too_big)  // last resort for this one message: what RFC 5424 says all must take
            r = transport_->send(formatter_->format(*batch[i], rfc5424_min), budget(send_timeout));
        if (!r.error.empty())
            return DeliverResult::failed(i, std::move(r.error), r.too_big);
    }
    return DeliverResult::ok(batch.size());
}

}  // namespace procsentry::sinks
