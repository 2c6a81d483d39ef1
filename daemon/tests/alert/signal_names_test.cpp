// SPDX-License-Identifier: GPL-2.0
#include "alert/signal_names.hpp"

#include <gtest/gtest.h>
#include <signal.h>

namespace procsentry::alert {
namespace {

TEST(SignalNames, MatchTheSystemNumbers)
{
    EXPECT_EQ(signal_name(SIGHUP), "SIGHUP");
    EXPECT_EQ(signal_name(SIGKILL), "SIGKILL");
    EXPECT_EQ(signal_name(SIGSEGV), "SIGSEGV");
    EXPECT_EQ(signal_name(SIGABRT), "SIGABRT");
    EXPECT_EQ(signal_name(SIGBUS), "SIGBUS");
    EXPECT_EQ(signal_name(SIGSYS), "SIGSYS");
    EXPECT_EQ(signal_name(SIGCHLD), "SIGCHLD");
}

TEST(SignalNames, RealTimeAndUnknown)
{
    EXPECT_EQ(signal_name(32), "SIGRTMIN");
    EXPECT_EQ(signal_name(35), "SIGRTMIN+3");
    EXPECT_EQ(signal_name(64), "SIGRTMIN+32");
    EXPECT_EQ(signal_name(65), "SIG65");
    EXPECT_EQ(signal_name(0), "SIG0");
}

TEST(SignalNames, EveryClassicSignalHasAName)
{
    for (uint32_t s = 1; s < 32; ++s) {
        const auto n = signal_name(s);
        EXPECT_EQ(n.rfind("SIG", 0), 0u);
        EXPECT_GT(n.size(), 3u);
        EXPECT_NE(n, "SIG" + std::to_string(s)) << "no name for " << s;
    }
}

}  // namespace
}  // namespace procsentry::alert
