// SPDX-License-Identifier: GPL-2.0
// Ingest threads and list threads at once: nothing lost, nothing duplicated, lists always see a
// consistent, ordered page, no store error.
#include <atomic>
#include <set>
#include <thread>

#include "store/store_fixture.hpp"

namespace procsentry::console::store::test {
namespace {

class ConcurrentStoreTest : public StoreTest {};
PROCSENTRY_STORE_BACKENDS(ConcurrentStoreTest);

TEST_P(ConcurrentStoreTest, IngestAndListInParallel) {
    constexpr int kWriters = 3;
    constexpr int kBatches = 30;
    constexpr int kBatch = 40;
    std::vector<int64_t> hosts;
    for (int i = 0; i < kWriters; ++i) {
        hosts.push_back(host("h" + std::to_string(i)));
    }
    std::atomic<bool> done{false};
    std::atomic<int> errors{0};
    std::atomic<int> lists{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w) {
        threads.emplace_back([&, w] {
            try {
                for (int b = 0; b < kBatches; ++b) {
                    std::vector<IncidentRow> rows;
                    for (int i = 0; i < kBatch; ++i) {
                        int n = b * kBatch + i;
                        rows.push_back(incident(hosts[static_cast<size_t>(w)], "a" + std::to_string(n), n));
                    }
                    // Every batch twice: the at-least-once retry of an agent.
                    auto r1 = store_->ingest(rows);
                    auto r2 = store_->ingest(rows);
                    if (r1.accepted != kBatch || r2.duplicates != kBatch) {
                        ++errors;
                    }
                }
            } catch (const std::exception& e) {
                ADD_FAILURE() << e.what();
                ++errors;
            }
        });
    }
    for (int l = 0; l < 3; ++l) {
        threads.emplace_back([&, l] {
            try {
                while (!done) {
                    IncidentFilter f;
                    if (l == 1) {
                        f.host_ids = {hosts[0], hosts[2]};
                    } else if (l == 2) {
                        f.text = "bash";
                    }
                    auto page = store_->list_incidents(f, std::nullopt, 50);
                    for (size_t i = 1; i < page.items.size(); ++i) {
                        const auto& a = page.items[i - 1];
                        const auto& b = page.items[i];
                        if (!(a.time > b.time || (a.time == b.time && a.id > b.id))) {
                            ++errors;
                        }
                    }
                    store_->count_incidents();
                    ++lists;
                }
            } catch (const std::exception& e) {
                ADD_FAILURE() << e.what();
                ++errors;
            }
        });
    }
    for (int w = 0; w < kWriters; ++w) {
        threads[static_cast<size_t>(w)].join();
    }
    done = true;
    for (size_t i = kWriters; i < threads.size(); ++i) {
        threads[i].join();
    }
    EXPECT_EQ(errors.load(), 0);
    EXPECT_GT(lists.load(), 0);
    EXPECT_EQ(store_->count_incidents(), kWriters * kBatches * kBatch);
    std::set<int64_t> ids;
    std::optional<IncidentCursor> cur;
    do {
        auto page = store_->list_incidents({}, cur, 500);
        for (const auto& r : page.items) {
            ids.insert(r.id);
        }
        cur = page.next;
    } while (cur);
    EXPECT_EQ(ids.size(), static_cast<size_t>(kWriters * kBatches * kBatch));
}

}  // namespace
}  // namespace procsentry::console::store::test
