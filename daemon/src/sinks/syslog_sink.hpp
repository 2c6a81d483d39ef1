// SPDX-License-Identifier: GPL-2.0
// Alerts to syslog as RFC 5424 messages (syslog_formatter.hpp), over the
// local datagram socket or TCP (syslog_transport.hpp).  A failed send
// closes the connection; the retry, after the sink's backoff, reconnects.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "rules/config.hpp"
#include "sinks/queued_sink.hpp"
#include "sinks/syslog_formatter.hpp"
#include "sinks/syslog_transport.hpp"

namespace procsentry::sinks {

class SyslogSink final : public QueuedSink {
public:
    // rsyslog's default message size limit; journald takes more, but a
    // message cut by us is marked, one cut by the receiver is not.
    static constexpr std::size_t default_datagram_max = 8192;
    // What every RFC 5424 receiver must accept: the fallback when the
    // socket refuses a datagram as too big.
    static constexpr std::size_t min_datagram_max = 2048;

    // Validates transport, address and facility; throws std::runtime_error
    // naming the sink, the key and the value.  Does not connect yet.
    SyslogSink(std::string name, Options opts, const rules::SyslogSinkSpec& spec, const std::string& hostname,
               std::size_t datagram_max = default_datagram_max);
    ~SyslogSink() override;

protected:
    DeliverResult deliver(std::vector<alert::SerializedPtr>& batch) override;

private:
    static std::unique_ptr<SyslogFormatter> make_formatter(const std::string& sink,
                                                           const rules::SyslogSinkSpec& spec,
                                                           const std::string& hostname);

    std::unique_ptr<SyslogFormatter> formatter_;
    std::unique_ptr<SyslogTransport> transport_;
    std::size_t max_bytes_;  // 0 for TCP (octet counting has no limit)
};

}  // namespace procsentry::sinks
