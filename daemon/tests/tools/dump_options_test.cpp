// SPDX-License-Identifier: GPL-2.0
#include "dump_options.hpp"

#include <gtest/gtest.h>

#include <procsentry/procsentry_abi.h>

namespace procsentry::dump {
namespace {

using Kind = ParseOutcome::Kind;

ParseOutcome parse(std::vector<std::string> args, DumpOptions& o) { return parse_dump_options(args, o); }

TEST(DumpOptions, Defaults)
{
    DumpOptions o;
    EXPECT_EQ(parse({}, o).kind, Kind::run);
    EXPECT_FALSE(o.exclude_self);
    EXPECT_EQ(o.rcvbuf, 8 << 20);
    EXPECT_FALSE(o.count);
}

TEST(DumpOptions, AllOptions)
{
    DumpOptions o;
    const auto r = parse({"--exclude-self", "--mask", "exec,exit", "--argv-max=1024", "--count", "10", "--timeout",
                          "2.5", "--idle=1", "--rcvbuf", "1048576", "--record", "/tmp/x", "--strict-seq"},
                         o);
    ASSERT_EQ(r.kind, Kind::run) << r.message;
    EXPECT_TRUE(o.exclude_self);
    EXPECT_EQ(o.event_mask, (1U << PROCSENTRY_REC_EXEC) | (1U << PROCSENTRY_REC_EXIT));
    EXPECT_EQ(o.argv_max, 1024U);
    EXPECT_EQ(o.count, 10U);
    EXPECT_EQ(o.timeout->count(), 2500);
    EXPECT_EQ(o.idle->count(), 1000);
    EXPECT_EQ(o.rcvbuf, 1048576);
    EXPECT_EQ(o.record_file, "/tmp/x");
    EXPECT_TRUE(o.count_initial_gap);
}

TEST(DumpOptions, Errors)
{
    const std::vector<std::vector<std::string>> bad{
        {"--bogus"},          {"--count"},         {"--count", "0"},        {"--count", "-3"},
        {"--count", "1x"},    {"--mask", "nope"},  {"--argv-max", "99999"}, {"--timeout", "soon"},
        {"--rcvbuf", "12"},   {"--replay", "f", "--stats"},                 {"--replay", "f", "--record", "g"},
        {"--exclude-self=1"}, {"--record"},
    };
    for (const auto& args : bad) {
        DumpOptions o;
        const auto r = parse(args, o);
        EXPECT_EQ(r.kind, Kind::error) << args[0];
        EXPECT_FALSE(r.message.empty());
    }
}

TEST(DumpOptions, CredNoop)
{
    DumpOptions o;
    ASSERT_EQ(parse({"--cred-noop"}, o).kind, Kind::run);
    EXPECT_EQ(o.config_flags, uint32_t{PROCSENTRY_CFG_CRED_NOOP});
    DumpOptions r;
    EXPECT_EQ(parse({"--replay", "f", "--cred-noop"}, r).kind, Kind::error);
}

TEST(DumpOptions, Help)
{
    DumpOptions o;
    EXPECT_EQ(parse({"--count", "1", "-h"}, o).kind, Kind::help);
}

}  // namespace
}  // namespace procsentry::dump
