// SPDX-License-Identifier: GPL-2.0
#include "format/record_formatter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "abi/decoder.hpp"
#include "format/json_writer.hpp"
#include "support/json.hpp"
#include "support/record_builder.hpp"

namespace procsentry::format {
namespace {

using test::parse_json;
using Keys = std::vector<std::string>;

abi::Record decode_one(const std::vector<uint8_t>& bytes)
{
    abi::Decoder d;
    auto res = d.decode(bytes, 0);
    if (res.records.size() != 1)
        throw std::runtime_error("expected one record");
    return std::move(res.records[0]);
}

Json::Value json_of(const std::vector<uint8_t>& bytes)
{
    const std::string s = RecordFormatter::to_json(decode_one(bytes));
    EXPECT_EQ(s.find('\n'), std::string::npos);
    EXPECT_TRUE(is_valid_utf8(s));
    return parse_json(s);
}

const Keys kCommon{"type", "cpu", "seq", "ts_ns"};
const Keys kTask{"pid",    "tgid",   "ppid",      "comm",     "loginuid", "sessionid",
                 "pid_ns", "mnt_ns", "cgroup_id", "start_ns", "cred"};
const Keys kCred{"uid",  "gid",   "suid",  "sgid",    "euid",    "egid",
                 "fsuid", "fsgid", "cap_eff", "cap_prm", "userns", "securebits"};

Keys concat(std::initializer_list<Keys> parts)
{
    Keys out;
    for (const auto& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

TEST(RecordFormatter, ExecKeysAndValues)
{
    const auto j = json_of(test::sample_exec(12, 0));
    Keys expected = concat({kCommon, kTask, {"cred_before", "flags", "argc", "old_pid", "path", "filename",
                                              "interp", "interp_path", "argv"}});
    std::sort(expected.begin(), expected.end());
    auto names = j.getMemberNames();
    EXPECT_EQ(names, expected);  // jsoncpp sorts member names

    EXPECT_EQ(j["type"].asString(), "exec");
    EXPECT_EQ(j["seq"].asUInt64(), 12U);
    EXPECT_EQ(j["ts_ns"].asUInt64(), 1012U);
    EXPECT_EQ(j["pid"].asUInt(), 4242U);
    EXPECT_EQ(j["comm"].asString(), "bash");
    EXPECT_EQ(j["loginuid"].asInt(), 1000);
    EXPECT_EQ(j["sessionid"].asInt(), -1);
    EXPECT_EQ(j["pid_ns"].asUInt(), 4026531836U);
    EXPECT_EQ(j["cgroup_id"].asUInt64(), 1234567890123ULL);
    auto cred_keys = j["cred"].getMemberNames();
    Keys sorted_cred = kCred;
    std::sort(sorted_cred.begin(), sorted_cred.end());
    EXPECT_EQ(cred_keys, sorted_cred);
    EXPECT_EQ(j["cred"]["euid"].asUInt(), 1004U);
    EXPECT_EQ(j["cred"]["cap_eff"].asString(), "0x1ffffffffff");
    EXPECT_EQ(j["cred"]["cap_prm"].asString(), "0x3");
    EXPECT_EQ(j["cred_before"]["uid"].asUInt(), 1000U);
    ASSERT_EQ(j["flags"].size(), 1U);
    EXPECT_EQ(j["flags"][0].asString(), "script");
    EXPECT_EQ(j["argc"].asUInt(), 3U);
    EXPECT_EQ(j["path"].asString(), "/tmp/x.sh");
    EXPECT_EQ(j["filename"].asString(), "./x.sh");
    EXPECT_EQ(j["interp"].asString(), "/bin/sh");
    EXPECT_EQ(j["interp_path"].asString(), "/usr/bin/dash");
    ASSERT_EQ(j["argv"].size(), 3U);
    EXPECT_EQ(j["argv"][0].asString(), "./x.sh");
    EXPECT_EQ(j["argv"][2].asString(), "echo hi");
}

TEST(RecordFormatter, ExecWithoutCredBeforeAndInterp)
{
    test::RecordBuilder<procsentry_exec> b(PROCSENTRY_REC_EXEC, 1);
    b.body.task = test::sample_task(1);
    b.body.exec_flags = PROCSENTRY_EXEC_NO_CRED_BEFORE | PROCSENTRY_EXEC_ARGV_TRUNC | PROCSENTRY_EXEC_MEMFD;
    b.body.argc = 3;
    b.body.path = b.str("/memfd:x (deleted)");
    b.body.argv = b.str(std::string("a\nb\0c\"d\0trunc", 13));
    const auto j = json_of(b.bytes());
    EXPECT_TRUE(j["cred_before"].isNull());
    EXPECT_TRUE(j["interp"].isNull());
    EXPECT_TRUE(j["interp_path"].isNull());
    EXPECT_EQ(j["filename"].asString(), "");
    ASSERT_EQ(j["flags"].size(), 3U);
    EXPECT_EQ(j["flags"][0].asString(), "memfd");
    EXPECT_EQ(j["flags"][1].asString(), "argv_trunc");
    EXPECT_EQ(j["flags"][2].asString(), "no_cred_before");
    ASSERT_EQ(j["argv"].size(), 3U);
    EXPECT_EQ(j["argv"][0].asString(), "a\nb");
    EXPECT_EQ(j["argv"][1].asString(), "c\"d");
    EXPECT_EQ(j["argv"][2].asString(), "trunc");
}

TEST(RecordFormatter, HostileCommAndPathStayValid)
{
    test::RecordBuilder<procsentry_exec> b(PROCSENTRY_REC_EXEC, 1);
    b.body.task = test::sample_task(1);
    std::memcpy(b.body.task.comm, "\x1b]0;x\x07\xff\"", 8);
    b.body.path = b.str("/tmp/\xc3\x28\n");
    const std::string s = RecordFormatter::to_json(decode_one(b.bytes()));
    EXPECT_NE(s.find("\"comm\":\"\\u001b]0;x\\u0007\\\\xff\\\"\""), std::string::npos) << s;
    EXPECT_NE(s.find("\"path\":\"/tmp/\\\\xc3(\\u000a\""), std::string::npos) << s;
    EXPECT_NO_THROW(parse_json(s));
}

TEST(RecordFormatter, ExecFailed)
{
    const auto j = json_of(test::sample_exec_failed(3));
    Keys expected = concat({kCommon, kTask, {"error", "errno", "call", "entry", "dirfd", "at_flags", "name_flags",
                                              "filename"}});
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(j.getMemberNames(), expected);
    EXPECT_EQ(j["type"].asString(), "exec_failed");
    EXPECT_EQ(j["error"].asInt(), -2);
    EXPECT_EQ(j["errno"].asString(), "ENOENT");
    EXPECT_EQ(j["call"].asString(), "execveat");
    EXPECT_EQ(j["entry"].asString(), "ia32");
    EXPECT_EQ(j["dirfd"].asInt(), -100);
    EXPECT_EQ(j["at_flags"].asUInt(), 0x1000U);
    ASSERT_EQ(j["name_flags"].size(), 1U);
    EXPECT_EQ(j["name_flags"][0].asString(), "trunc");
    EXPECT_EQ(j["filename"].asString(), "/nonexistent");
}

TEST(RecordFormatter, CredChange)
{
    const auto j = json_of(test::sample_cred_change(4));
    Keys expected = concat({kCommon, kTask, {"cred_before", "call", "entry", "result", "errno", "args"}});
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(j.getMemberNames(), expected);
    EXPECT_EQ(j["call"].asString(), "setresuid");
    EXPECT_EQ(j["entry"].asString(), "native");
    EXPECT_EQ(j["result"].asInt(), -1);
    EXPECT_EQ(j["errno"].asString(), "EPERM");
    ASSERT_EQ(j["args"].size(), 3U);
    EXPECT_EQ(j["args"][0].asInt(), -1);
    EXPECT_EQ(j["args"][1].asInt(), 0);
    EXPECT_EQ(j["args"][2].asInt(), 1000);
    EXPECT_EQ(j["cred_before"]["uid"].asUInt(), 0U);
}

TEST(RecordFormatter, CredChangeSuccessAndFsuid)
{
    test::RecordBuilder<procsentry_cred_change> b(PROCSENTRY_REC_CRED_CHANGE, 1);
    b.body.call = PROCSENTRY_CALL_SETUID;
    b.body.nargs = 1;
    b.body.args[0] = 1000;
    b.body.args[1] = 77;  // beyond nargs: not printed
    auto j = json_of(b.bytes());
    EXPECT_TRUE(j["errno"].isNull());
    ASSERT_EQ(j["args"].size(), 1U);
    EXPECT_EQ(j["args"][0].asInt(), 1000);

    // setfsuid returns the previous fsuid; a "negative" one is not an errno.
    test::RecordBuilder<procsentry_cred_change> f(PROCSENTRY_REC_CRED_CHANGE, 2);
    f.body.call = PROCSENTRY_CALL_SETFSUID;
    f.body.result = -1;
    f.body.nargs = 1;
    j = json_of(f.bytes());
    EXPECT_EQ(j["call"].asString(), "setfsuid");
    EXPECT_TRUE(j["errno"].isNull());
}

TEST(RecordFormatter, Exit)
{
    const auto j = json_of(test::sample_exit(5));
    Keys expected = concat({kCommon, kTask, {"exit_code", "status", "signal", "core_dumped"}});
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(j.getMemberNames(), expected);
    EXPECT_EQ(j["exit_code"].asUInt(), 0x86U);
    EXPECT_EQ(j["status"].asInt(), -1);
    EXPECT_EQ(j["signal"].asUInt(), 6U);
    EXPECT_TRUE(j["core_dumped"].isBool());
    EXPECT_TRUE(j["core_dumped"].asBool());
}

TEST(RecordFormatter, Fork)
{
    const auto j = json_of(test::sample_fork(6, 2));
    Keys expected = concat({kCommon, kTask, {"creator_tgid"}});
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(j.getMemberNames(), expected);
    EXPECT_EQ(j["cpu"].asUInt(), 2U);
    EXPECT_EQ(j["creator_tgid"].asUInt(), 98U);
}

TEST(RecordFormatter, ConfigChange)
{
    const auto j = json_of(test::sample_config(7, 1));
    Keys expected = concat({kCommon, kTask, {"old_config", "new_config"}});
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(j.getMemberNames(), expected);
    EXPECT_EQ(j["type"].asString(), "config");
    EXPECT_EQ(j["old_config"]["event_mask"].asUInt(), PROCSENTRY_MASK_ALL);
    EXPECT_EQ(j["new_config"]["event_mask"].asUInt(), 1U << PROCSENTRY_REC_EXEC);
    EXPECT_EQ(j["new_config"]["argv_max"].asUInt(), 100U);
    EXPECT_EQ(j["new_config"]["flags"].asUInt(), PROCSENTRY_CFG_CRED_NOOP);
}

TEST(RecordFormatter, Lost)
{
    auto j = json_of(test::sample_lost(PROCSENTRY_LOST_READER, 42, 0xffffffffU, 1));
    Keys expected = concat({kCommon, {"cause", "lost_cpu", "count"}});
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(j.getMemberNames(), expected);
    EXPECT_EQ(j["type"].asString(), "lost");
    EXPECT_EQ(j["seq"].asUInt(), 0U);
    EXPECT_EQ(j["cause"].asString(), "reader");
    EXPECT_EQ(j["lost_cpu"].asInt(), -1);
    EXPECT_EQ(j["count"].asUInt64(), 42U);
    j = json_of(test::sample_lost(PROCSENTRY_LOST_BUFFER_FULL, 1, 3));
    EXPECT_EQ(j["lost_cpu"].asInt(), 3);
    EXPECT_EQ(j["cause"].asString(), "buffer_full");
}

TEST(RecordFormatter, ExactLineForAFork)
{
    test::RecordBuilder<procsentry_fork> b(PROCSENTRY_REC_FORK, 9, 1);
    b.body.task.pid = 10;
    b.body.task.tgid = 10;
    b.body.task.ppid = 1;
    b.body.task.loginuid = 0xffffffffU;
    b.body.task.sessionid = 3;
    std::memcpy(b.body.task.comm, "sh", 2);
    b.body.task.cred.cap_effective = 0;
    b.body.creator_tgid = 1;
    EXPECT_EQ(RecordFormatter::to_json(decode_one(b.bytes())),
              "{\"type\":\"fork\",\"cpu\":1,\"seq\":9,\"ts_ns\":1009,\"pid\":10,\"tgid\":10,\"ppid\":1,"
              "\"comm\":\"sh\",\"loginuid\":-1,\"sessionid\":3,\"pid_ns\":0,\"mnt_ns\":0,\"cgroup_id\":0,"
              "\"start_ns\":0,\"cred\":{\"uid\":0,\"gid\":0,\"suid\":0,\"sgid\":0,\"euid\":0,\"egid\":0,"
              "\"fsuid\":0,\"fsgid\":0,\"cap_eff\":\"0x0\",\"cap_prm\":\"0x0\",\"userns\":0,\"securebits\":0},"
              "\"creator_tgid\":1}");
}

}  // namespace
}  // namespace procsentry::format
