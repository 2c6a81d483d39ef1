// SPDX-License-Identifier: GPL-2.0
#include "abi/decoder.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "support/record_builder.hpp"

namespace procsentry::abi {
namespace {

using test::RecordBuilder;

std::vector<uint8_t> all_types()
{
    std::vector<uint8_t> m;
    test::append(m, test::sample_exec(1));
    test::append(m, test::sample_exec_failed(2));
    test::append(m, test::sample_cred_change(3));
    test::append(m, test::sample_exit(4));
    test::append(m, test::sample_fork(5));
    test::append(m, test::sample_lost(PROCSENTRY_LOST_BUFFER_FULL, 17, 0));
    return m;
}

void set_u32(std::vector<uint8_t>& b, std::size_t off, uint32_t v) { std::memcpy(b.data() + off, &v, 4); }

TEST(Decoder, DecodesEveryTypeWithAllFields)
{
    Decoder d;
    const auto bytes = all_types();
    const auto res = d.decode(bytes, 0);
    ASSERT_EQ(res.records.size(), 6U);
    EXPECT_EQ(res.malformed, 0U);
    EXPECT_EQ(res.unknown, 0U);
    EXPECT_FALSE(res.stopped);

    const auto& ex = std::get<Exec>(res.records[0].body);
    EXPECT_EQ(res.records[0].hdr.type, PROCSENTRY_REC_EXEC);
    EXPECT_EQ(res.records[0].hdr.seq, 1U);
    EXPECT_EQ(res.records[0].hdr.ts_ns, 1001U);
    EXPECT_EQ(res.records[0].hdr.hdr_size, 32U);
    EXPECT_EQ(res.records[0].hdr.size % 8, 0U);
    EXPECT_EQ(ex.task.pid, 4242U);
    EXPECT_EQ(ex.task.comm, "bash");
    EXPECT_EQ(ex.task.sessionid, 0xffffffffU);
    EXPECT_EQ(ex.task.cgroup_id, 1234567890123ULL);
    EXPECT_EQ(ex.task.cred.euid, 1004U);
    EXPECT_EQ(ex.task.cred.cap_effective, 0x1ffffffffffULL);
    EXPECT_EQ(ex.cred_before.fsgid, 1007U);
    EXPECT_EQ(ex.flags, PROCSENTRY_EXEC_SCRIPT);
    EXPECT_EQ(ex.argc, 3U);
    EXPECT_EQ(ex.path, "/tmp/x.sh");
    EXPECT_EQ(ex.filename, "./x.sh");
    EXPECT_EQ(ex.interp, "/bin/sh");
    EXPECT_EQ(ex.interp_path, "/usr/bin/dash");
    EXPECT_EQ(ex.argv, std::string("./x.sh\0-c\0echo hi", 17));

    const auto& ef = std::get<ExecFailed>(res.records[1].body);
    EXPECT_EQ(ef.error, -2);
    EXPECT_EQ(ef.call, uint32_t{PROCSENTRY_CALL_EXECVEAT});
    EXPECT_EQ(ef.entry, uint32_t{PROCSENTRY_ENTRY_IA32});
    EXPECT_EQ(ef.dirfd, -100);
    EXPECT_EQ(ef.at_flags, 0x1000U);
    EXPECT_EQ(ef.name_flags, PROCSENTRY_NAME_TRUNC);
    EXPECT_EQ(ef.filename, "/nonexistent");

    const auto& cc = std::get<CredChange>(res.records[2].body);
    EXPECT_EQ(cc.call, uint32_t{PROCSENTRY_CALL_SETRESUID});
    EXPECT_EQ(cc.result, -1);
    EXPECT_EQ(cc.nargs, 3U);
    EXPECT_EQ(cc.args[0], 0xffffffffU);
    EXPECT_EQ(cc.args[2], 1000U);
    EXPECT_EQ(cc.cred_before.uid, 0U);

    const auto& ek = std::get<Exit>(res.records[3].body);
    EXPECT_EQ(ek.exit_code, 0x86U);
    EXPECT_EQ(ek.status, -1);
    EXPECT_EQ(ek.signal, 6U);
    EXPECT_EQ(ek.core_dumped, 1U);

    const auto& fk = std::get<Fork>(res.records[4].body);
    EXPECT_EQ(fk.task.pid, 99U);
    EXPECT_EQ(fk.creator_tgid, 98U);

    const auto& lo = std::get<Lost>(res.records[5].body);
    EXPECT_EQ(res.records[5].hdr.seq, 0U);
    EXPECT_EQ(res.records[5].hdr.flags, PROCSENTRY_RF_SYNTHETIC);
    EXPECT_EQ(lo.cause, uint32_t{PROCSENTRY_LOST_BUFFER_FULL});
    EXPECT_EQ(lo.count, 17U);

    EXPECT_EQ(d.stats().records, 6U);
    EXPECT_EQ(d.stats().messages, 1U);
}

TEST(Decoder, EmptyPayloadIsNoRecords)
{
    Decoder d;
    const auto res = d.decode({}, 0);
    EXPECT_TRUE(res.records.empty());
    EXPECT_EQ(res.malformed, 0U);
    EXPECT_FALSE(res.stopped);
}

TEST(Decoder, CommWithoutNulIsSixteenBytes)
{
    RecordBuilder<procsentry_fork> b(PROCSENTRY_REC_FORK, 1);
    std::memcpy(b.body.task.comm, "0123456789abcdef", 16);
    Decoder d;
    const auto res = d.decode(b.bytes(), 0);
    ASSERT_EQ(res.records.size(), 1U);
    EXPECT_EQ(std::get<Fork>(res.records[0].body).task.comm, "0123456789abcdef");
}

TEST(Decoder, EveryTruncationIsRejectedWithoutCrash)
{
    const auto full = all_types();
    // Record boundaries: a cut exactly there leaves fewer but whole records.
    std::vector<std::size_t> bounds{0};
    for (std::size_t off = 0; off < full.size();) {
        uint32_t size;
        std::memcpy(&size, full.data() + off, 4);
        off += size;
        bounds.push_back(off);
    }
    for (std::size_t cut = 0; cut < full.size(); ++cut) {
        Decoder d;
        const std::vector<uint8_t> part(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(cut));
        const auto res = d.decode(part, 0);
        std::size_t whole = 0;
        while (whole + 1 < bounds.size() && bounds[whole + 1] <= cut)
            ++whole;
        EXPECT_EQ(res.records.size(), whole) << "cut at " << cut;
        const bool on_boundary = bounds[whole] == cut;
        EXPECT_EQ(res.stopped, !on_boundary) << "cut at " << cut;
        EXPECT_EQ(res.malformed, on_boundary ? 0U : 1U) << "cut at " << cut;
        if (!on_boundary) {
            EXPECT_TRUE(is_framing_error(res.error));
            EXPECT_EQ(res.error_offset, bounds[whole]);
            EXPECT_EQ(res.error, cut - bounds[whole] < 32 ? DecodeError::truncated_header
                                                           : DecodeError::size_overrun);
        }
    }
}

TEST(Decoder, OversizedSizeStopsTheMessage)
{
    auto m = test::sample_fork(1);
    test::append(m, test::sample_fork(2));
    set_u32(m, 0, static_cast<uint32_t>(m.size() + 8));
    Decoder d;
    const auto res = d.decode(m, 0);
    EXPECT_TRUE(res.records.empty());
    EXPECT_TRUE(res.stopped);
    EXPECT_EQ(res.error, DecodeError::size_overrun);
    EXPECT_EQ(d.stats().stopped_messages, 1U);
}

TEST(Decoder, HugeSizeDoesNotOverflow)
{
    auto m = test::sample_fork(1);
    set_u32(m, 0, 0xfffffff8U);
    Decoder d;
    const auto res = d.decode(m, 0);
    EXPECT_EQ(res.error, DecodeError::size_overrun);
}

TEST(Decoder, SizeNotMultipleOfEightStops)
{
    auto m = test::sample_fork(1);
    test::append(m, test::sample_fork(2));
    set_u32(m, 0, static_cast<uint32_t>(m.size() / 2 + 4));  // first record + 4
    Decoder d;
    const auto res = d.decode(m, 0);
    EXPECT_TRUE(res.records.empty());
    EXPECT_EQ(res.error, DecodeError::size_unaligned);
    EXPECT_TRUE(res.stopped);
}

TEST(Decoder, SizeSmallerThanHeaderStops)
{
    for (uint32_t size : {0U, 8U, 24U}) {
        auto m = test::sample_fork(1);
        set_u32(m, 0, size);
        Decoder d;
        const auto res = d.decode(m, 0);
        EXPECT_EQ(res.error, DecodeError::size_too_small) << size;
        EXPECT_TRUE(res.stopped);
    }
}

TEST(Decoder, RecordsBeforeAFramingErrorAreKept)
{
    auto m = test::sample_fork(1);
    const std::size_t first = m.size();
    auto bad = test::sample_fork(2);
    set_u32(bad, 0, 12);
    test::append(m, bad);
    Decoder d;
    const auto res = d.decode(m, 0);
    ASSERT_EQ(res.records.size(), 1U);
    EXPECT_EQ(res.error_offset, first);
}

TEST(Decoder, BodyTooSmallIsSkippedAndDecodingContinues)
{
    // A FORK record whose size only holds an EXIT-sized... smaller body.
    RecordBuilder<procsentry_lost> small(PROCSENTRY_REC_FORK, 1);  // 16-byte body for a 120-byte type
    auto m = small.bytes();
    test::append(m, test::sample_fork(2));
    Decoder d;
    const auto res = d.decode(m, 0);
    ASSERT_EQ(res.records.size(), 1U);
    EXPECT_EQ(res.records[0].hdr.seq, 2U);
    EXPECT_EQ(res.malformed, 1U);
    EXPECT_FALSE(res.stopped);
    EXPECT_EQ(res.error, DecodeError::body_too_small);
}

TEST(Decoder, HdrSizeOutOfRangeIsSkipped)
{
    for (uint8_t hs : {uint8_t{0}, uint8_t{31}, uint8_t{255}}) {
        auto m = test::sample_lost(1, 1, 0);  // 48 bytes
        m[7] = hs;
        test::append(m, test::sample_fork(2));
        Decoder d;
        const auto res = d.decode(m, 0);
        ASSERT_EQ(res.records.size(), 1U) << int(hs);
        EXPECT_EQ(res.malformed, 1U);
        EXPECT_EQ(res.error, hs < 32 ? DecodeError::hdr_size_too_small : DecodeError::hdr_size_overrun);
    }
}

TEST(Decoder, LargerHeaderAndBodyFromANewerWriterAreAccepted)
{
    RecordBuilder<procsentry_exec_failed> b(PROCSENTRY_REC_EXEC_FAILED, 7);
    b.grow(8, 24);
    b.body.task = test::sample_task(1);
    b.body.error = -13;
    b.body.filename = b.str("/etc/shadow");
    Decoder d;
    const auto res = d.decode(b.bytes(), 0);
    ASSERT_EQ(res.records.size(), 1U);
    EXPECT_EQ(res.records[0].hdr.hdr_size, 40U);
    const auto& ef = std::get<ExecFailed>(res.records[0].body);
    EXPECT_EQ(ef.error, -13);
    EXPECT_EQ(ef.filename, "/etc/shadow");
}

TEST(Decoder, StringOutOfBoundsIsSkipped)
{
    RecordBuilder<procsentry_exec_failed> b(PROCSENTRY_REC_EXEC_FAILED, 1);
    b.body.filename = b.str("abcdef");
    b.body.filename.len = 100;
    auto m = b.bytes();
    test::append(m, test::sample_fork(2));
    Decoder d;
    const auto res = d.decode(m, 0);
    ASSERT_EQ(res.records.size(), 1U);
    EXPECT_EQ(res.error, DecodeError::string_out_of_bounds);
}

TEST(Decoder, StringReachingExactlyTheEndIsAccepted)
{
    RecordBuilder<procsentry_exec_failed> b(PROCSENTRY_REC_EXEC_FAILED, 1);
    b.body.filename = b.str("12345678");  // bodies are 8-multiples: no padding after this
    Decoder d;
    const auto bytes = b.bytes();
    ASSERT_EQ(bytes.size(), 32 + sizeof(procsentry_exec_failed) + 8);
    const auto res = d.decode(bytes, 0);
    ASSERT_EQ(res.records.size(), 1U);
    EXPECT_EQ(std::get<ExecFailed>(res.records[0].body).filename, "12345678");
}

TEST(Decoder, StringOffsetPlusLengthOverflowIsRejected)
{
    RecordBuilder<procsentry_exec_failed> b(PROCSENTRY_REC_EXEC_FAILED, 1);
    b.body.filename = b.str("abc");
    b.body.filename.len = 0xffffffffU;
    Decoder d;
    const auto res = d.decode(b.bytes(), 0);
    EXPECT_TRUE(res.records.empty());
    EXPECT_EQ(res.error, DecodeError::string_out_of_bounds);
}

TEST(Decoder, StringInsideHeaderOrBodyIsRejected)
{
    constexpr uint32_t body_end = 32 + sizeof(procsentry_exec_failed);
    for (uint32_t off : {1U, 8U, 32U, body_end - 1}) {
        RecordBuilder<procsentry_exec_failed> b(PROCSENTRY_REC_EXEC_FAILED, 1);
        b.body.filename = b.str("abc");
        b.body.filename.off = off;
        Decoder d;
        const auto res = d.decode(b.bytes(), 0);
        EXPECT_TRUE(res.records.empty()) << off;
        EXPECT_EQ(res.error, DecodeError::string_overlaps_body) << off;
    }
}

TEST(Decoder, AbsentStringsAreNullopt)
{
    RecordBuilder<procsentry_exec> b(PROCSENTRY_REC_EXEC, 1);
    b.body.path = b.str("/bin/true");
    Decoder d;
    const auto res = d.decode(b.bytes(), 0);
    ASSERT_EQ(res.records.size(), 1U);
    const auto& e = std::get<Exec>(res.records[0].body);
    EXPECT_EQ(e.path, "/bin/true");
    EXPECT_FALSE(e.interp.has_value());
    EXPECT_FALSE(e.argv.has_value());
}

TEST(Decoder, PresentEmptyStringIsEmptyNotAbsent)
{
    RecordBuilder<procsentry_exec> b(PROCSENTRY_REC_EXEC, 1);
    b.body.interp = b.str("");
    Decoder d;
    const auto res = d.decode(b.bytes(), 0);
    ASSERT_EQ(res.records.size(), 1U);
    EXPECT_EQ(std::get<Exec>(res.records[0].body).interp, "");
}

TEST(Decoder, AbsentStringWithLengthIsRejected)
{
    RecordBuilder<procsentry_exec> b(PROCSENTRY_REC_EXEC, 1);
    b.body.argv.off = 0;
    b.body.argv.len = 5;
    Decoder d;
    const auto res = d.decode(b.bytes(), 0);
    EXPECT_TRUE(res.records.empty());
    EXPECT_EQ(res.error, DecodeError::string_absent_with_len);
}

TEST(Decoder, StringsMayHoldAnyByte)
{
    RecordBuilder<procsentry_exec_failed> b(PROCSENTRY_REC_EXEC_FAILED, 1);
    const std::string raw("\0\xff\n\"", 4);
    b.body.filename = b.str(raw);
    Decoder d;
    const auto res = d.decode(b.bytes(), 0);
    ASSERT_EQ(res.records.size(), 1U);
    EXPECT_EQ(std::get<ExecFailed>(res.records[0].body).filename, raw);
}

TEST(Decoder, CredChangeWithTooManyArgsIsRejected)
{
    RecordBuilder<procsentry_cred_change> b(PROCSENTRY_REC_CRED_CHANGE, 1);
    b.body.nargs = 4;
    Decoder d;
    const auto res = d.decode(b.bytes(), 0);
    EXPECT_TRUE(res.records.empty());
    EXPECT_EQ(res.error, DecodeError::bad_nargs);
}

TEST(Decoder, UnknownTypesAreSkippedAndCounted)
{
    std::vector<uint8_t> m;
    RecordBuilder<procsentry_lost> unknown(__PROCSENTRY_REC_MAX, 1);
    RecordBuilder<procsentry_lost> unspec(PROCSENTRY_REC_UNSPEC, 2);
    RecordBuilder<procsentry_lost> big(0xffff, 3);
    test::append(m, unknown.bytes());
    test::append(m, test::sample_fork(4));
    test::append(m, unspec.bytes());
    test::append(m, big.bytes());
    test::append(m, test::sample_exit(5));
    Decoder d;
    const auto res = d.decode(m, 0);
    ASSERT_EQ(res.records.size(), 2U);
    EXPECT_EQ(res.records[0].hdr.seq, 4U);
    EXPECT_EQ(res.records[1].hdr.seq, 5U);
    EXPECT_EQ(res.unknown, 3U);
    EXPECT_EQ(res.malformed, 0U);
    EXPECT_EQ(d.stats().unknown, 3U);
}

TEST(Decoder, UnknownTypeOnlyNeedsValidFraming)
{
    // An unknown type with a tiny body is fine: this reader cannot judge it.
    RecordBuilder<uint64_t> b(99, 1);
    Decoder d;
    const auto res = d.decode(b.bytes(), 0);
    EXPECT_EQ(res.unknown, 1U);
    EXPECT_EQ(res.malformed, 0U);
}

TEST(Decoder, CpuMismatchIsCountedButNotForLost)
{
    std::vector<uint8_t> m;
    test::append(m, test::sample_fork(1, 3));
    test::append(m, test::sample_lost(PROCSENTRY_LOST_NOMEM, 2, 0xffffffffU, 5));
    Decoder d;
    const auto res = d.decode(m, 1);
    EXPECT_EQ(res.records.size(), 2U);
    EXPECT_EQ(d.stats().cpu_mismatch, 1U);
}

TEST(Decoder, UnalignedInputBufferIsFine)
{
    const auto rec = all_types();
    std::vector<uint8_t> shifted(rec.size() + 3);
    std::memcpy(shifted.data() + 3, rec.data(), rec.size());
    Decoder d;
    const auto res = d.decode(std::span<const uint8_t>(shifted).subspan(3), 0);
    EXPECT_EQ(res.records.size(), 6U);
}

}  // namespace
}  // namespace procsentry::abi
