// SPDX-License-Identifier: GPL-2.0
#include "format/names.hpp"

#include <gtest/gtest.h>

#include <procsentry/procsentry_abi.h>

namespace procsentry::format {
namespace {

TEST(Names, Errnos)
{
    EXPECT_EQ(errno_name(2), "ENOENT");
    EXPECT_EQ(errno_name(1), "EPERM");
    EXPECT_EQ(errno_name(13), "EACCES");
    EXPECT_EQ(errno_name(8), "ENOEXEC");
    EXPECT_EQ(errno_name(4095), "E4095");
}

TEST(Names, Enums)
{
    EXPECT_EQ(call_name(PROCSENTRY_CALL_SETFSGID), "setfsgid");
    EXPECT_EQ(call_name(PROCSENTRY_CALL_CAPSET), "capset");
    EXPECT_EQ(call_name(12), "commit_creds");  // PROCSENTRY_CALL_COMMIT_CREDS
    EXPECT_EQ(entry_name(3), "kernel");         // PROCSENTRY_ENTRY_KERNEL
    EXPECT_EQ(entry_name(4), "unknown:4");
    EXPECT_EQ(call_name(0), "unknown:0");
    EXPECT_EQ(call_name(99), "unknown:99");
    EXPECT_EQ(call_name(0xffffffffU), "unknown:4294967295");
    EXPECT_EQ(entry_name(PROCSENTRY_ENTRY_IA32_UID16), "ia32_uid16");
    EXPECT_EQ(lost_cause_name(PROCSENTRY_LOST_NO_LISTENER), "no_listener");
    EXPECT_STREQ(record_type_name(PROCSENTRY_REC_CRED_CHANGE), "cred_change");
    EXPECT_STREQ(record_type_name(0), "unknown");
}

TEST(Names, Flags)
{
    EXPECT_EQ(exec_flag_names(PROCSENTRY_EXEC_MEMFD | PROCSENTRY_EXEC_SCRIPT),
              (std::vector<std::string>{"memfd", "script"}));
    EXPECT_EQ(exec_flag_names(1U << 8), (std::vector<std::string>{"chroot"}));
    EXPECT_EQ(exec_flag_names(PROCSENTRY_EXEC_SCRIPT | PROCSENTRY_EXEC_INTERPRETED),
              (std::vector<std::string>{"script", "interpreted"}));
    EXPECT_EQ(exec_flag_names(1U << 10), (std::vector<std::string>{"0x400"}));
    EXPECT_EQ(name_flag_names(3), (std::vector<std::string>{"trunc", "err"}));
}

TEST(Names, EventMask)
{
    uint32_t m = 0;
    std::string err;
    ASSERT_TRUE(parse_event_mask("exec,fork", m, err));
    EXPECT_EQ(m, (1U << PROCSENTRY_REC_EXEC) | (1U << PROCSENTRY_REC_FORK));
    ASSERT_TRUE(parse_event_mask("all", m, err));
    EXPECT_EQ(m, uint32_t{PROCSENTRY_MASK_ALL});
    EXPECT_FALSE(parse_event_mask("exec,bogus", m, err));
    EXPECT_NE(err.find("bogus"), std::string::npos);
    EXPECT_FALSE(parse_event_mask("", m, err));
}

}  // namespace
}  // namespace procsentry::format
