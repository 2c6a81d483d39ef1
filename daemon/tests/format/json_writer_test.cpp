// SPDX-License-Identifier: GPL-2.0
#include "format/json_writer.hpp"

#include <gtest/gtest.h>

#include "support/json.hpp"

namespace procsentry::format {
namespace {

std::string esc(std::string_view s)
{
    std::string out;
    escape_json_string(s, out);
    return out;
}

// Round trip through a real JSON parser.
std::string decoded(std::string_view s)
{
    return test::parse_json("[\"" + esc(s) + "\"]")[0].asString();
}

TEST(JsonEscape, PlainAsciiPassesThrough) { EXPECT_EQ(esc("/usr/bin/ls -la"), "/usr/bin/ls -la"); }

TEST(JsonEscape, QuoteAndBackslash)
{
    EXPECT_EQ(esc("a\"b\\c"), "a\\\"b\\\\c");
    EXPECT_EQ(decoded("a\"b\\c"), "a\"b\\c");
}

TEST(JsonEscape, ControlCharactersAsU00XX)
{
    EXPECT_EQ(esc("\n"), "\\u000a");
    EXPECT_EQ(esc("\t\r"), "\\u0009\\u000d");
    EXPECT_EQ(esc(std::string_view("\0", 1)), "\\u0000");
    EXPECT_EQ(esc("\x1f"), "\\u001f");
    EXPECT_EQ(esc("\x1b[31m"), "\\u001b[31m");
    EXPECT_EQ(decoded("a\nb"), "a\nb");
}

TEST(JsonEscape, DelIsNotEscaped) { EXPECT_EQ(esc("\x7f"), "\x7f"); }

TEST(JsonEscape, ValidUtf8PassesThrough)
{
    const std::string s = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x80\xa8";  // é € 😀 U+2028
    EXPECT_EQ(esc(s), s);
    EXPECT_EQ(decoded(s), s);
}

TEST(JsonEscape, InvalidBytesBecomeBackslashX)
{
    EXPECT_EQ(esc("\xff"), "\\\\xff");
    EXPECT_EQ(decoded("\xff"), "\\xff");
    EXPECT_EQ(esc("a\x80z"), "a\\\\x80z");
}

TEST(JsonEscape, MalformedSequences)
{
    EXPECT_EQ(esc("\xc0\xaf"), "\\\\xc0\\\\xaf");           // overlong '/'
    EXPECT_EQ(esc("\xe0\x80\xaf"), "\\\\xe0\\\\x80\\\\xaf");  // overlong
    EXPECT_EQ(esc("\xed\xa0\x80"), "\\\\xed\\\\xa0\\\\x80");  // surrogate U+D800
    EXPECT_EQ(esc("\xf4\x90\x80\x80"), "\\\\xf4\\\\x90\\\\x80\\\\x80");  // > U+10FFFF
    EXPECT_EQ(esc("\xf5"), "\\\\xf5");
    EXPECT_EQ(esc("\xc3"), "\\\\xc3");          // truncated at the end
    EXPECT_EQ(esc("\xe2\x82"), "\\\\xe2\\\\x82");
    EXPECT_EQ(esc("\xc3(\xc3\xa9"), "\\\\xc3(\xc3\xa9");  // resynchronises
}

TEST(JsonEscape, OutputIsAlwaysValidUtf8AndJson)
{
    std::string all;
    for (int i = 0; i < 256; ++i)
        all += static_cast<char>(i);
    for (int i = 0; i < 256; ++i)
        for (int j = 0x80; j < 0xc0; j += 0x11)
            all += {static_cast<char>(i), static_cast<char>(j)};
    const std::string out = esc(all);
    EXPECT_TRUE(is_valid_utf8(out));
    Json::Value v;
    ASSERT_NO_THROW(v = test::parse_json("[\"" + out + "\"]"));
    EXPECT_TRUE(is_valid_utf8(v[0].asString()));
}

TEST(Utf8, Validator)
{
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));
    EXPECT_FALSE(is_valid_utf8("\xf0\x9f\x98"));
    EXPECT_FALSE(is_valid_utf8("\xed\xbf\xbf"));
    EXPECT_TRUE(is_valid_utf8("\xee\x80\x80"));
}

TEST(JsonWriter, ObjectsArraysAndScalars)
{
    std::string out;
    JsonWriter w(out);
    w.begin_object()
        .field("s", "x")
        .field("u", uint64_t{18446744073709551615ULL})
        .field("i", int64_t{-5})
        .field("b", true)
        .field("o", std::optional<std::string>{})
        .key("h")
        .hex(0x1f);
    w.key("a").begin_array().value("p").value(uint32_t{1}).begin_object().end_object().end_array();
    w.end_object();
    EXPECT_EQ(out, "{\"s\":\"x\",\"u\":18446744073709551615,\"i\":-5,\"b\":true,\"o\":null,\"h\":\"0x1f\","
                   "\"a\":[\"p\",1,{}]}");
    EXPECT_NO_THROW(test::parse_json(out));
}

}  // namespace
}  // namespace procsentry::format
