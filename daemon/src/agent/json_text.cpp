// SPDX-License-Identifier: GPL-2.0
#include "agent/json_text.hpp"

#include <memory>

#include <json/reader.h>
#include <json/writer.h>

namespace procsentry::agent {

namespace {

// A policy nests 5 deep; jsoncpp recurses per level.
constexpr int kStackLimit = 64;

}  // namespace

bool JsonText::parse(const std::string& text, Json::Value& out, std::string& error)
{
    Json::CharReaderBuilder b;
    Json::CharReaderBuilder::strictMode(&b.settings_);
    b["stackLimit"] = kStackLimit;
    const std::unique_ptr<Json::CharReader> reader(b.newCharReader());
    std::string errs;
    try {
        if (reader->parse(text.data(), text.data() + text.size(), &out, &errs))
            return true;
    } catch (const std::exception& e) {
        errs = e.what();
    }
    error = "not valid JSON";
    if (const auto nl = errs.find('\n'); !errs.empty())
        error += " (" + errs.substr(errs.starts_with("* ") ? 2 : 0, std::min<std::size_t>(nl, 120)) + ")";
    return false;
}

std::string JsonText::write(const Json::Value& v)
{
    Json::StreamWriterBuilder w;
    w["indentation"] = "";
    // ASCII with \u escapes: invalid UTF-8 (a kernel string) becomes U+FFFD
    // instead of a body the console refuses.
    w["emitUTF8"] = false;
    return Json::writeString(w, v);
}

}  // namespace procsentry::agent
