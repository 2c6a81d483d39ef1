// SPDX-License-Identifier: GPL-2.0
// Throughput of the userspace hot path: decode a RECORDS payload, format JSON.
#include <benchmark/benchmark.h>

#include "abi/decoder.hpp"
#include "format/json_writer.hpp"
#include "format/record_formatter.hpp"
#include "support/record_builder.hpp"

namespace {

using namespace procsentry;

std::vector<uint8_t> batch(std::size_t n)
{
    std::vector<uint8_t> out;
    for (std::size_t i = 0; i < n; ++i)
        test::append(out, i % 3 == 0 ? test::sample_exec(i + 1) : test::sample_fork(i + 1));
    return out;
}

void BM_Decode(benchmark::State& st)
{
    const auto b = batch(static_cast<std::size_t>(st.range(0)));
    abi::Decoder d;
    for (auto _ : st)
        benchmark::DoNotOptimize(d.decode(b, 0));
    st.SetItemsProcessed(st.iterations() * st.range(0));
    st.SetBytesProcessed(st.iterations() * static_cast<int64_t>(b.size()));
}
BENCHMARK(BM_Decode)->Arg(1)->Arg(64);

void BM_DecodeAndFormat(benchmark::State& st)
{
    const auto b = batch(static_cast<std::size_t>(st.range(0)));
    abi::Decoder d;
    std::string out;
    for (auto _ : st) {
        out.clear();
        for (const auto& r : d.decode(b, 0).records) {
            format::RecordFormatter::append(r, out);
            out += '\n';
        }
        benchmark::DoNotOptimize(out.data());
    }
    st.SetItemsProcessed(st.iterations() * st.range(0));
}
BENCHMARK(BM_DecodeAndFormat)->Arg(64);

void BM_Escape(benchmark::State& st)
{
    std::string in(4096, 'a');
    if (st.range(0))
        for (std::size_t i = 0; i < in.size(); i += 7)
            in[i] = static_cast<char>(0x80 + i % 64);  // invalid UTF-8 and controls mixed in
    std::string out;
    for (auto _ : st) {
        out.clear();
        format::escape_json_string(in, out);
        benchmark::DoNotOptimize(out.data());
    }
    st.SetBytesProcessed(st.iterations() * static_cast<int64_t>(in.size()));
}
BENCHMARK(BM_Escape)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
