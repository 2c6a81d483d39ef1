// SPDX-License-Identifier: GPL-2.0
#include "auth/kdf_gate.hpp"

#include <gtest/gtest.h>

namespace procsentry::console::auth {
namespace {

TEST(KdfGate, RefusesWhenEverySlotIsTakenAndFreesOnRelease)
{
    KdfGate gate(2);
    auto a = gate.try_enter();
    auto b = gate.try_enter();
    ASSERT_TRUE(a && b);
    EXPECT_FALSE(gate.try_enter());
    EXPECT_EQ(gate.in_use(), 2);
    a.reset();
    EXPECT_EQ(gate.in_use(), 1);
    auto c = gate.try_enter();
    EXPECT_TRUE(c);
}

TEST(KdfGate, AtLeastOneSlot)
{
    KdfGate gate(0);
    auto a = gate.try_enter();
    EXPECT_TRUE(a);
    EXPECT_FALSE(gate.try_enter());
}

}  // namespace
}  // namespace procsentry::console::auth
