// SPDX-License-Identifier: GPL-2.0
#include "rules/mitre.hpp"

#include <gtest/gtest.h>

#include "rules/privilege_checks.hpp"

namespace procsentry::rules {
namespace {

TEST(MitreTest, InterpreterFamilies)
{
    EXPECT_EQ(mitre::interpreter_technique("sh"), "T1059.004");
    EXPECT_EQ(mitre::interpreter_technique("bash"), "T1059.004");
    EXPECT_EQ(mitre::interpreter_technique("python3"), "T1059.006");
    EXPECT_EQ(mitre::interpreter_technique("python3.11"), "T1059.006");
    EXPECT_EQ(mitre::interpreter_technique("python"), "T1059.006");
    EXPECT_EQ(mitre::interpreter_technique("perl5.36.0"), "T1059");
    EXPECT_EQ(mitre::interpreter_technique("node"), "T1059");
    EXPECT_EQ(mitre::interpreter_technique("shasum"), "");
    EXPECT_EQ(mitre::interpreter_technique("bashbug"), "");
    EXPECT_EQ(mitre::interpreter_technique("python-config"), "");
    EXPECT_EQ(mitre::interpreter_technique(""), "");
}

TEST(PrivilegeChecksTest, RootEquivalentCapabilities)
{
    for (int bit : {0, 1, 2, 3, 6, 7, 16, 17, 19, 21, 31})
        EXPECT_NE(kRootEquivalentCaps & (1ull << bit), 0u) << bit;
    for (int bit : {5, 10, 12, 13, 24, 36, 40})  // kill, net_bind, net_admin, net_raw, resource, block_suspend, ...
        EXPECT_EQ(kRootEquivalentCaps & (1ull << bit), 0u) << bit;
}

}  // namespace
}  // namespace procsentry::rules
