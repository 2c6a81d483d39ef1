// SPDX-License-Identifier: GPL-2.0
// Minimal streaming writer for one JSON object per line.  Strings are
// untrusted bytes: valid UTF-8 passes through, '"' and '\\' are escaped,
// control characters become \u00XX and every byte that is not part of a valid
// UTF-8 sequence becomes the four characters \xNN (JSON text "\\xNN"), so the
// output is always valid JSON and valid UTF-8.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace procsentry::format {

// Appends the escaped form of s (without quotes) to out.
void escape_json_string(std::string_view s, std::string& out);

// True if s is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF).
bool is_valid_utf8(std::string_view s);

class JsonWriter {
public:
    explicit JsonWriter(std::string& out) : out_(out) {}

    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view k);  // k must be a plain ASCII key

    JsonWriter& value(std::string_view s);
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
    JsonWriter& value(const std::optional<std::string>& s);  // null when absent
    JsonWriter& value(uint64_t v);
    JsonWriter& value(int64_t v);
    JsonWriter& value(uint32_t v) { return value(static_cast<uint64_t>(v)); }
    JsonWriter& value(int32_t v) { return value(static_cast<int64_t>(v)); }
    JsonWriter& value(bool b);
    JsonWriter& null();
    JsonWriter& hex(uint64_t v);  // "0x..." string

    template <typename T>
    JsonWriter& field(std::string_view k, const T& v)
    {
        key(k);
        return value(v);
    }

private:
    void separator();

    std::string& out_;
    bool need_comma_ = false;
};

}  // namespace procsentry::format
