// SPDX-License-Identifier: GPL-2.0
#include "api/json_text.hpp"

#include <json/reader.h>
#include <json/writer.h>

#include <memory>

namespace procsentry::console::api {

bool JsonText::valid_utf8(std::string_view s)
{
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (i < n) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len;
        uint32_t cp;
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (std::size_t k = 1; k < len; ++k) {
            unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3f);
        }
        // Overlong forms, surrogates and code points past U+10FFFF.
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += len;
    }
    return true;
}

std::optional<Json::Value> JsonText::parse(std::string_view text, std::string* error)
{
    if (!valid_utf8(text)) {
        if (error)
            *error = "not valid UTF-8";
        return std::nullopt;
    }
    Json::CharReaderBuilder b;
    Json::CharReaderBuilder::strictMode(&b.settings_);
    b.settings_["stackLimit"] = kMaxDepth;
    b.settings_["rejectDupKeys"] = true;
    b.settings_["failIfExtra"] = true;
    b.settings_["allowSpecialFloats"] = false;
    std::unique_ptr<Json::CharReader> reader(b.newCharReader());
    Json::Value v;
    std::string errs;
    try {
        if (!reader->parse(text.data(), text.data() + text.size(), &v, &errs)) {
            if (error) {
                // jsoncpp's message starts with "* Line 1, Column 3\n  ..."; one line is enough.
                for (auto& c : errs)
                    if (c == '\n')
                        c = ' ';
                *error = errs.substr(0, 200);
            }
            return std::nullopt;
        }
    } catch (const std::exception& e) {
        if (error)
            *error = e.what();
        return std::nullopt;
    }
    return v;
}

std::string JsonText::write(const Json::Value& value)
{
    Json::StreamWriterBuilder b;
    b["indentation"] = "";
    b["emitUTF8"] = true;
    return Json::writeString(b, value);
}

}  // namespace procsentry::console::api
