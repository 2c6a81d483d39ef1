// SPDX-License-Identifier: GPL-2.0
#include "app/loss_reporter.hpp"

#include <gtest/gtest.h>

namespace procsentry::app {
namespace {

TEST(LossReporter, FirstLossIsDueAtOnceThenOncePerInterval)
{
    LossReporter l(10);
    EXPECT_FALSE(l.due(0));
    l.add("sequence_gap", 5);
    EXPECT_TRUE(l.due(100));
    auto r = l.take(100);
    EXPECT_EQ(r.records, 5u);
    EXPECT_EQ(r.detail, "sequence_gap=5");
    l.add("sequence_gap", 1);
    EXPECT_FALSE(l.due(105));
    EXPECT_TRUE(l.due(110));
    EXPECT_EQ(l.totals().at("sequence_gap"), 6u);
}

TEST(LossReporter, KernelCountsAndHolesOverlapOtherLossAdds)
{
    LossReporter l(1);
    l.add("kernel_buffer_full", 10);
    l.add("sequence_gap", 8);
    l.add("malformed", 2);
    l.add("socket_overflow", 3);  // messages, not records
    const auto r = l.take(5);
    EXPECT_EQ(r.records, 12u);
    EXPECT_NE(r.detail.find("socket_overflow=3"), std::string::npos);
}

TEST(LossReporter, ZeroIsNotLoss)
{
    LossReporter l;
    l.add("sequence_gap", 0);
    EXPECT_FALSE(l.due(1));
    EXPECT_TRUE(l.totals().empty());
}

}  // namespace
}  // namespace procsentry::app
