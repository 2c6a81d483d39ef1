// SPDX-License-Identifier: GPL-2.0
#include "rules/config_errors.hpp"

#include <json/writer.h>

#include "format/json_writer.hpp"

namespace procsentry::rules {

namespace {

constexpr std::string_view kEllipsis = "...";

// Length of the token at text[i] of escaped text: a whole escape sequence or
// a whole UTF-8 character, so that a cut never leaves broken JSON or UTF-8.
std::size_t token_length(std::string_view text, std::size_t i)
{
    const auto b = static_cast<unsigned char>(text[i]);
    if (b == '\\')
        return i + 1 < text.size() && text[i + 1] == 'u' ? 6 : 2;
    if (b >= 0xf0)
        return 4;
    if (b >= 0xe0)
        return 3;
    if (b >= 0xc0)
        return 2;
    return 1;
}

// Escaped text cut to at most max bytes, "..." marking a cut.
std::string bounded(std::string text, std::size_t max, bool already_cut = false)
{
    if (text.size() <= max && !already_cut)
        return text;
    std::size_t keep = 0;
    while (keep < text.size()) {
        const std::size_t n = token_length(text, keep);
        if (keep + n > max - kEllipsis.size())
            break;
        keep += n;
    }
    text.resize(keep);
    text += kEllipsis;
    return text;
}

std::string quoted(std::string_view s, std::size_t max)
{
    std::string esc;
    format::escape_json_string(s.substr(0, max), esc);
    return '"' + bounded(std::move(esc), max, s.size() > max) + '"';
}

}  // namespace

std::string ConfigErrors::render_value(const Json::Value& value)
{
    if (value.isString()) {
        const char* b = nullptr;
        const char* e = nullptr;
        value.getString(&b, &e);  // keeps embedded NUL bytes
        return quoted(std::string_view(b, static_cast<std::size_t>(e - b)), kMaxValueBytes);
    }
    Json::StreamWriterBuilder w;
    w["indentation"] = "";
    w["emitUTF8"] = false;  // non-ASCII as \u escapes: the text stays ASCII
    return bounded(Json::writeString(w, value), kMaxValueBytes);
}

std::string ConfigErrors::render_key(std::string_view name)
{
    std::string esc;
    format::escape_json_string(name.substr(0, kMaxValueBytes), esc);
    bool plain = !name.empty() && name.size() <= kMaxValueBytes && esc.size() == name.size();
    for (const char c : name)
        plain = plain && c != '.' && c != '[' && c != ']' && c != ' ';
    if (plain)
        return esc;
    // Quote names that would be ambiguous in a path ("a.b", "x[1]", "").
    return quoted(name, kMaxValueBytes);
}

void ConfigErrors::add(std::string key, const Json::Value& value, std::string message)
{
    push({file_, std::move(key), render_value(value), std::move(message)});
}

void ConfigErrors::add(std::string key, std::string message)
{
    push({file_, std::move(key), {}, std::move(message)});
}

void ConfigErrors::push(ConfigError e)
{
    if (errors_.size() >= kMaxErrors) {
        ++dropped_;
        return;
    }
    errors_.push_back(std::move(e));
}

std::vector<ConfigError> ConfigErrors::take()
{
    std::vector<ConfigError> out = std::move(errors_);
    if (dropped_ > 0)
        out.push_back({file_, {}, {}, std::to_string(dropped_) + " more errors not shown"});
    errors_.clear();
    dropped_ = 0;
    return out;
}

}  // namespace procsentry::rules
