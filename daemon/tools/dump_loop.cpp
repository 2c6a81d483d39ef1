// SPDX-License-Identifier: GPL-2.0
#include "dump_loop.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <procsentry/procsentry_abi.h>

#include "format/record_formatter.hpp"

namespace procsentry::dump {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

DumpLoop::DumpLoop(source::RecordSource& src, std::FILE* out, source::ReplayWriter* recorder,
                   const Limits& limits, bool count_initial_gap)
    : src_(src), out_(out), recorder_(recorder), limits_(limits), sequences_(count_initial_gap)
{
}

void DumpLoop::write_out(const std::string& s)
{
    if (s.empty())
        return;
    if (std::fwrite(s.data(), 1, s.size(), out_) != s.size() || std::fflush(out_) != 0)
        throw std::runtime_error(std::string("cannot write output: ") + std::strerror(errno));
}

bool DumpLoop::process(const source::Message& m)
{
    if (recorder_) {
        recorder_->write(m);
        recorder_->flush();
    }
    const auto res = decoder_.decode(m.records, m.cpu);
    line_buf_.clear();
    bool more = true;
    for (const auto& r : res.records) {
        if (limits_.count && summary_.total() >= *limits_.count) {
            more = false;
            break;
        }
        if (r.hdr.type != PROCSENTRY_REC_LOST)
            sequences_.observe(r.hdr.cpu, r.hdr.seq);
        summary_.count(r);
        format::RecordFormatter::append(r, line_buf_);
        line_buf_ += '\n';
    }
    write_out(line_buf_);
    if (limits_.count && summary_.total() >= *limits_.count)
        more = false;
    return more;
}

DumpLoop::Stop DumpLoop::run(const volatile std::sig_atomic_t* stop)
{
    const auto start = Clock::now();
    auto last_record = start;
    // Short waits so a signal that lands outside poll() is still seen soon.
    constexpr milliseconds kSlice{200};
    source::Message msg;

    for (;;) {
        if (stop && *stop)
            return Stop::signal;
        const auto now = Clock::now();
        milliseconds wait = kSlice;
        if (limits_.total) {
            const auto left = std::chrono::duration_cast<milliseconds>(start + *limits_.total - now);
            if (left.count() <= 0)
                return Stop::timeout;
            wait = std::min(wait, left);
        }
        if (limits_.idle) {
            const auto left = std::chrono::duration_cast<milliseconds>(last_record + *limits_.idle - now);
            if (left.count() <= 0)
                return Stop::idle;
            wait = std::min(wait, left);
        }
        switch (src_.read(msg, wait)) {
        case source::RecordSource::Status::message:
            last_record = Clock::now();
            if (!process(msg))
                return Stop::count;
            break;
        case source::RecordSource::Status::end:
            return Stop::end;
        case source::RecordSource::Status::timeout:
        case source::RecordSource::Status::interrupted:
            break;
        }
    }
}

void DumpLoop::print_summary()
{
    write_out(summary_.to_json(sequences_, decoder_.stats(), src_.counters()) + "\n");
}

}  // namespace procsentry::dump
