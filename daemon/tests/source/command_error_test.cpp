// SPDX-License-Identifier: GPL-2.0
#include "source/command_error.hpp"

#include <gtest/gtest.h>

#include <cerrno>

#include <procsentry/procsentry_abi.h>

namespace procsentry::source {
namespace {

TEST(CommandError, PermissionOnRegister)
{
    const auto e = command_error(PROCSENTRY_CMD_REGISTER, "REGISTER", -EPERM, "");
    EXPECT_EQ(e.kind(), SourceError::Kind::permission);
    EXPECT_STREQ(e.what(), "permission denied: registering needs CAP_NET_ADMIN");
}

TEST(CommandError, PermissionOnOtherCommands)
{
    const auto e = command_error(PROCSENTRY_CMD_GET_STATS, "GET_STATS", -EPERM, "");
    EXPECT_STREQ(e.what(), "permission denied: GET_STATS needs CAP_NET_ADMIN");
}

TEST(CommandError, AbiMismatchNamesBothVersions)
{
    const auto e = command_error(PROCSENTRY_CMD_REGISTER, "REGISTER", -EPROTO, "reader ABI 1, module ABI 3");
    EXPECT_EQ(e.kind(), SourceError::Kind::abi_mismatch);
    EXPECT_STREQ(e.what(), "ABI version mismatch: reader 1, module says 3 (kernel: reader ABI 1, module ABI 3)");
    // What kmod/netlink.c sends today: no number to report.
    const auto today = command_error(PROCSENTRY_CMD_REGISTER, "REGISTER", -EPROTO,
                                     "procsentry: ABI version mismatch between reader and module");
    EXPECT_EQ(today.kind(), SourceError::Kind::abi_mismatch);
    EXPECT_STREQ(today.what(), "ABI version mismatch: reader 1, module refused it (kernel: procsentry: ABI version "
                               "mismatch between reader and module)");
    const auto bare = command_error(PROCSENTRY_CMD_REGISTER, "REGISTER", -EPROTO, "");
    EXPECT_STREQ(bare.what(), "ABI version mismatch: reader 1, module refused it");
}

TEST(CommandError, OtherErrorsCarryTheCommandAndKernelMessage)
{
    const auto e = command_error(PROCSENTRY_CMD_SET_CONFIG, "SET_CONFIG", -EINVAL, "argv_max too large");
    EXPECT_EQ(e.kind(), SourceError::Kind::other);
    EXPECT_STREQ(e.what(), "SET_CONFIG failed: Invalid argument (kernel: argv_max too large)");
}

}  // namespace
}  // namespace procsentry::source
