// SPDX-License-Identifier: GPL-2.0
#include "abi/sequence_tracker.hpp"

#include <gtest/gtest.h>

namespace procsentry::abi {
namespace {

using V = SequenceTracker::Verdict;

TEST(SequenceTracker, ContiguousSequenceHasNoGaps)
{
    SequenceTracker t;
    EXPECT_EQ(t.observe(0, 1).verdict, V::first);
    for (uint64_t s = 2; s <= 100; ++s)
        EXPECT_EQ(t.observe(0, s).verdict, V::ok);
    EXPECT_EQ(t.total_missing(), 0U);
    EXPECT_EQ(t.cpus().at(0).records, 100U);
    EXPECT_EQ(t.cpus().at(0).last_seq, 100U);
}

TEST(SequenceTracker, HoleCountsMissingRecords)
{
    SequenceTracker t;
    t.observe(0, 1);
    t.observe(0, 2);
    const auto o = t.observe(0, 10);
    EXPECT_EQ(o.verdict, V::gap);
    EXPECT_EQ(o.missing, 7U);
    t.observe(0, 11);
    t.observe(0, 13);
    EXPECT_EQ(t.cpus().at(0).missing, 8U);
    EXPECT_EQ(t.cpus().at(0).gaps, 2U);
}

TEST(SequenceTracker, CpusAreIndependent)
{
    SequenceTracker t;
    t.observe(0, 1);
    t.observe(1, 1);
    t.observe(1, 2);
    t.observe(0, 2);
    t.observe(1, 5);
    EXPECT_EQ(t.cpus().at(0).missing, 0U);
    EXPECT_EQ(t.cpus().at(1).missing, 2U);
    EXPECT_EQ(t.total_missing(), 2U);
}

TEST(SequenceTracker, LateStartIsNotLossByDefault)
{
    SequenceTracker t;
    EXPECT_EQ(t.observe(3, 500).verdict, V::first);
    EXPECT_EQ(t.total_missing(), 0U);
    EXPECT_EQ(t.cpus().at(3).first_seq, 500U);
}

TEST(SequenceTracker, LateStartIsLossWhenAsked)
{
    SequenceTracker t(true);
    const auto o = t.observe(3, 500);
    EXPECT_EQ(o.verdict, V::first);
    EXPECT_EQ(o.missing, 499U);
    EXPECT_EQ(t.total_missing(), 499U);
    SequenceTracker u(true);
    EXPECT_EQ(u.observe(0, 1).missing, 0U);
}

TEST(SequenceTracker, DuplicateAndBackwardsAreAnomalies)
{
    SequenceTracker t;
    t.observe(0, 5);
    t.observe(0, 6);
    EXPECT_EQ(t.observe(0, 6).verdict, V::anomaly);
    EXPECT_EQ(t.observe(0, 3).verdict, V::anomaly);
    // The high-water mark stays: 7 follows 6 without a gap.
    EXPECT_EQ(t.observe(0, 7).verdict, V::ok);
    EXPECT_EQ(t.total_anomalies(), 2U);
    EXPECT_EQ(t.total_missing(), 0U);
}

TEST(SequenceTracker, ZeroSeqIsAnAnomalyNotABaseline)
{
    SequenceTracker t;
    EXPECT_EQ(t.observe(0, 0).verdict, V::anomaly);
    EXPECT_EQ(t.observe(0, 1).verdict, V::first);
    EXPECT_EQ(t.observe(0, 2).verdict, V::ok);
    EXPECT_EQ(t.total_anomalies(), 1U);
}

TEST(SequenceTracker, HugeJumpDoesNotOverflow)
{
    SequenceTracker t;
    t.observe(0, 1);
    const auto o = t.observe(0, UINT64_MAX);
    EXPECT_EQ(o.missing, UINT64_MAX - 2);
}

}  // namespace
}  // namespace procsentry::abi
