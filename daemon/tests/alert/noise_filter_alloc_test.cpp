// SPDX-License-Identifier: GPL-2.0
// The duplicate path of NoiseFilter::offer must stay a hash lookup and a
// few counters: during an alert storm it runs for every alert.  Counting
// heap allocations proves it allocates nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "alert/noise_filter.hpp"
#include "alert/sample_event.hpp"

namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

// ASan brings its own operator new and checks that it pairs with its own
// delete: replacing them there breaks that check, so the sanitizer build
// skips this test (the plain build runs it).
#ifndef __SANITIZE_ADDRESS__
#define PROCSENTRY_COUNT_ALLOCATIONS 1
// GCC sees free() on what it believes came from operator new: these are
// that very operator new and delete, so the pairing is right.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n)
{
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1))
        return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

namespace procsentry::alert {
namespace {

TEST(NoiseFilterAlloc, FoldingADuplicateAllocatesNothing)
{
#ifndef PROCSENTRY_COUNT_ALLOCATIONS
    GTEST_SKIP() << "allocation counting is off under AddressSanitizer";
#endif
    constexpr int64_t kT0 = 1795839235'000'000'000;
    rules::NoiseSpec spec;
    spec.fold_window_ms = 60000;
    spec.max_alerts_per_minute = 600;
    std::vector<Alert> out;
    out.reserve(8);
    NoiseFilter f(spec, [&](Alert&& a) { out.push_back(std::move(a)); });

    Alert proto;
    proto.rule = "a-rule-name-long-enough-to-live-on-the-heap";
    proto.event = test::exec_event();
    proto.event.proc.exe = "/tmp/some/long/directory/name/for/the/executable";
    proto.event.parent_exe = "/usr/bin/some-parent-program-with-a-long-path";
    proto.time_ns = proto.first_ns = proto.last_ns = kT0;
    f.offer(Alert(proto), kT0);      // emitted, opens the window
    f.offer(Alert(proto), kT0 + 1);  // held as the fold alert
    ASSERT_EQ(out.size(), 1u);

    std::vector<Alert> dups(100, proto);
    const uint64_t before = g_allocations.load();
    for (auto& a : dups)
        f.offer(std::move(a), kT0 + 2);
    const uint64_t during = g_allocations.load() - before;
    EXPECT_EQ(during, 0u);
    EXPECT_EQ(f.stats().folded, 101u);
    f.flush();
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].count, 101u);
}

}  // namespace
}  // namespace procsentry::alert
