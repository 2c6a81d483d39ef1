// SPDX-License-Identifier: GPL-2.0
// The read-decode-print loop of procsentry-dump, independent of where the
// messages come from.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>

#include "abi/decoder.hpp"
#include "abi/sequence_tracker.hpp"
#include "dump_summary.hpp"
#include "source/record_source.hpp"
#include "source/replay_writer.hpp"

namespace procsentry::dump {

class DumpLoop {
public:
    struct Limits {
        std::optional<uint64_t> count;
        std::optional<std::chrono::milliseconds> total;
        std::optional<std::chrono::milliseconds> idle;
    };
    enum class Stop { end, count, timeout, idle, signal };

    // out: where JSON lines go; recorder: optional copy of every message.
    DumpLoop(source::RecordSource& src, std::FILE* out, source::ReplayWriter* recorder, const Limits& limits,
             bool count_initial_gap);

    // Runs until the source ends, a limit is reached or *stop becomes
    // non-zero.  Throws SourceError from the source, std::runtime_error when
    // the output cannot be written.
    Stop run(const volatile std::sig_atomic_t* stop);

    // Decodes one message and prints its records; false once count is reached.
    bool process(const source::Message& m);

    void print_summary();

    const abi::Decoder& decoder() const { return decoder_; }
    const abi::SequenceTracker& sequences() const { return sequences_; }
    const DumpSummary& summary() const { return summary_; }

private:
    void write_out(const std::string& s);

    source::RecordSource& src_;
    std::FILE* out_;
    source::ReplayWriter* recorder_;
    Limits limits_;
    abi::Decoder decoder_;
    abi::SequenceTracker sequences_;
    DumpSummary summary_;
    std::string line_buf_;
};

}  // namespace procsentry::dump
