// SPDX-License-Identifier: GPL-2.0
#include "alert/alert_factory.hpp"

#include "abi/clock.hpp"
#include "alert/alert_serializer.hpp"
#include "alert/id_prefix.hpp"
#include "alert/summary_line.hpp"

namespace procsentry::alert {

AlertFactory::AlertFactory(HostInfo host) : host_(std::move(host)), id_prefix_(random_id_prefix()) {}

int64_t AlertFactory::boottime_to_realtime(uint64_t boot_ns)
{
    // Sampled on every call: the offset moves whenever the wall clock is set
    // or slewed, and three vDSO reads cost less than keeping it right.
    // Bracketing the BOOTTIME read halves the error of a preemption between.
    const int64_t r1 = abi::realtime_ns();
    const int64_t b = static_cast<int64_t>(abi::boottime_ns());
    const int64_t r2 = abi::realtime_ns();
    const int64_t offset = r1 + (r2 - r1) / 2 - b;
    return static_cast<int64_t>(boot_ns) + offset;
}

std::string AlertFactory::next_id()
{
    return id_prefix_ + '-' + std::to_string(++next_);
}

Alert AlertFactory::from_event(const rules::Event& ev, const rules::Rule& rule, rules::Severity sev)
{
    Alert a;
    a.kind = Kind::rule;
    a.id = next_id();
    a.time_ns = ev.ts_ns ? boottime_to_realtime(ev.ts_ns) : abi::realtime_ns();
    a.rule = rule.name;
    a.type = rule.type;
    a.severity = sev;
    a.outcome = ev.outcome;
    a.summary = SummaryLine::for_event(ev);
    a.event = ev;
    a.first_ns = a.last_ns = a.time_ns;
    return a;
}

Alert AlertFactory::sensor(std::string what, rules::Severity sev, std::string summary, uint64_t count,
                           uint64_t ts_ns)
{
    Alert a;
    a.kind = Kind::sensor;
    a.id = next_id();
    a.time_ns = ts_ns ? boottime_to_realtime(ts_ns) : abi::realtime_ns();
    a.severity = sev;
    a.sensor_what = std::move(what);
    a.sensor_count = count;
    a.detail = summary;
    a.summary = "sensor: " + std::move(summary);
    SummaryLine::make_safe(a.summary);
    a.first_ns = a.last_ns = a.time_ns;
    return a;
}

Alert AlertFactory::summary(uint64_t suppressed, int64_t first_ns, int64_t last_ns, std::string detail)
{
    Alert a;
    a.kind = Kind::summary;
    a.id = next_id();
    a.time_ns = abi::realtime_ns();
    a.severity = rules::Severity::info;
    a.sensor_count = suppressed;
    a.first_ns = first_ns;
    a.last_ns = last_ns;
    a.summary = std::move(detail);
    SummaryLine::make_safe(a.summary);
    return a;
}

SerializedPtr AlertFactory::serialize(const Alert& a)
{
    auto s = std::make_shared<Serialized>();
    s->id = a.id.empty() ? next_id() : a.id;
    s->severity = a.severity;
    s->time_ns = a.time_ns;
    s->summary = a.summary;
    // A caller's own line may not have been made safe; a safe one is unchanged.
    SummaryLine::make_safe(s->summary);
    s->json.reserve(1024);
    AlertSerializer::append(a, host_, s->id, s->summary, s->json);
    return s;
}

}  // namespace procsentry::alert
