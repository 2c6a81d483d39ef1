// SPDX-License-Identifier: GPL-2.0
#include "control/command_dispatcher.hpp"

#include <json/reader.h>
#include <json/writer.h>

#include <exception>
#include <memory>

#include "format/json_writer.hpp"

namespace procsentry::control {

namespace {

// Client bytes quoted back in an error are cut so a reply stays short.
constexpr std::size_t kQuoteMax = 64;

std::string to_line(const Json::Value& v)
{
    Json::StreamWriterBuilder b;
    b["indentation"] = "";
    b["emitUTF8"] = true;
    return Json::writeString(b, v);
}

std::string ok_with(std::string_view key, const Json::Value& payload)
{
    std::string out = "{\"ok\":true,\"";
    out += key;
    out += "\":";
    out += to_line(payload);
    out += '}';
    return out;
}

std::string outcome_line(bool ok, const std::string& message)
{
    std::string out;
    format::JsonWriter w(out);
    w.begin_object().field("ok", ok);
    if (ok) {
        if (!message.empty())
            w.field("message", message);
    } else {
        w.field("error", message.empty() ? std::string("failed (no reason given)") : message);
    }
    w.end_object();
    return out;
}

}  // namespace

std::string CommandDispatcher::error_line(std::string_view message)
{
    std::string out;
    format::JsonWriter w(out);
    w.begin_object().field("ok", false).field("error", message).end_object();
    return out;
}

CommandDispatcher::Reply CommandDispatcher::handle(std::string_view line)
{
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);

    Json::CharReaderBuilder rb;
    Json::CharReaderBuilder::strictMode(&rb.settings_);
    // Requests are flat objects; a deep nesting is an attack on the parser's stack.
    rb["stackLimit"] = 16;
    const std::unique_ptr<Json::CharReader> reader(rb.newCharReader());
    Json::Value req;
    std::string perr;
    bool parsed = false;
    try {
        parsed = reader->parse(line.data(), line.data() + line.size(), &req, &perr);
    } catch (const std::exception& e) {
        // jsoncpp throws rather than fails past its stack limit.
        perr = e.what();
    }
    if (!parsed) {
        std::string msg = "bad request: not a JSON object: ";
        const auto nl = perr.find('\n');
        msg += perr.substr(0, nl == std::string::npos ? perr.size() : nl);
        return {error_line(msg)};
    }
    if (!req.isObject())
        return {error_line("bad request: not a JSON object")};
    const Json::Value& cmd_v = req["cmd"];
    if (!cmd_v.isString())
        return {error_line("bad request: missing string key \"cmd\"")};
    const std::string cmd = cmd_v.asString();

    try {
        std::string message;
        if (cmd == "status")
            return {ok_with("status", handler_.status())};
        if (cmd == "stats")
            return {ok_with("stats", handler_.stats())};
        if (cmd == "enable" || cmd == "disable") {
            const bool ok = handler_.set_enabled(cmd == "enable", message);
            return {outcome_line(ok, message)};
        }
        if (cmd == "reload") {
            const bool ok = handler_.reload(message);
            return {outcome_line(ok, message)};
        }
        if (cmd == "tail")
            return {"{\"ok\":true,\"tail\":true}", true};
    } catch (const std::exception& e) {
        // The daemon must outlive a failing handler; the client learns why.
        return {error_line("command " + cmd + " failed: " + e.what())};
    }
    std::string shown = cmd.substr(0, kQuoteMax);
    if (cmd.size() > kQuoteMax)
        shown += "...";
    return {error_line("unknown command \"" + shown + "\" (status, stats, enable, disable, reload, tail)")};
}

}  // namespace procsentry::control
