// SPDX-License-Identifier: GPL-2.0
#include "format/json_writer.hpp"

#include <charconv>
#include <cstdio>

namespace procsentry::format {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence at s[i], or 0 if s[i] does not start one.
std::size_t utf8_sequence(std::string_view s, std::size_t i)
{
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80)
        return 1;
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        n = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        n = 3;
        if (b0 == 0xe0)
            lo = 0xa0;  // overlong
        else if (b0 == 0xed)
            hi = 0x9f;  // surrogates
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        n = 4;
        if (b0 == 0xf0)
            lo = 0x90;  // overlong
        else if (b0 == 0xf4)
            hi = 0x8f;  // > U+10FFFF
    } else {
        return 0;
    }
    if (s.size() - i < n)
        return 0;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b1 < lo || b1 > hi)
        return 0;
    for (std::size_t k = 2; k < n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if (b < 0x80 || b > 0xbf)
            return 0;
    }
    return n;
}

}  // namespace

bool is_valid_utf8(std::string_view s)
{
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_sequence(s, i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

void escape_json_string(std::string_view s, std::string& out)
{
    out.reserve(out.size() + s.size());
    for (std::size_t i = 0; i < s.size();) {
        // Most of a path or argument is printable ASCII: copy such runs whole.
        std::size_t run = i;
        while (run < s.size()) {
            const auto b = static_cast<unsigned char>(s[run]);
            if (b < 0x20 || b >= 0x7f || b == '"' || b == '\\')
                break;
            ++run;
        }
        if (run > i) {
            out.append(s.data() + i, run - i);
            i = run;
            continue;
        }
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = utf8_sequence(s, i);
        if (n == 0) {
            out += "\\\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
            ++i;
        } else if (n > 1) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += static_cast<char>(c);
            } else if (c < 0x20) {
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 0xf];
            } else {
                out += static_cast<char>(c);
            }
            ++i;
        }
    }
}

void JsonWriter::separator()
{
    if (need_comma_)
        out_ += ',';
    need_comma_ = true;
}

JsonWriter& JsonWriter::begin_object()
{
    separator();
    out_ += '{';
    need_comma_ = false;
    return *this;
}

JsonWriter& JsonWriter::end_object()
{
    out_ += '}';
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::begin_array()
{
    separator();
    out_ += '[';
    need_comma_ = false;
    return *this;
}

JsonWriter& JsonWriter::end_array()
{
    out_ += ']';
    need_comma_ = true;
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view k)
{
    separator();
    out_ += '"';
    escape_json_string(k, out_);
    out_ += "\":";
    need_comma_ = false;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view s)
{
    separator();
    out_ += '"';
    escape_json_string(s, out_);
    out_ += '"';
    return *this;
}

JsonWriter& JsonWriter::value(const std::optional<std::string>& s)
{
    return s ? value(std::string_view(*s)) : null();
}

JsonWriter& JsonWriter::value(uint64_t v)
{
    separator();
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
    return *this;
}

JsonWriter& JsonWriter::value(int64_t v)
{
    separator();
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
    return *this;
}

JsonWriter& JsonWriter::value(bool b)
{
    separator();
    out_ += b ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::null()
{
    separator();
    out_ += "null";
    return *this;
}

JsonWriter& JsonWriter::hex(uint64_t v)
{
    separator();
    char buf[24];
    buf[0] = '0';
    buf[1] = 'x';
    const auto r = std::to_chars(buf + 2, buf + sizeof buf, v, 16);
    out_ += '"';
    out_.append(buf, r.ptr);
    out_ += '"';
    return *this;
}

}  // namespace procsentry::format
