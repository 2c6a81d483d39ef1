// SPDX-License-Identifier: GPL-2.0
#include "api/policy.hpp"

#include <stdexcept>

#include "api/alert_extractor.hpp"
#include "api/json_text.hpp"
#include "default_daemon_config.h"
#include "rules/config_loader.hpp"

namespace procsentry::console::api {
namespace {

Json::Value detail(const std::string& key, const std::string& message, const std::string& value)
{
    Json::Value d(Json::objectValue);
    d["key"] = key;
    d["message"] = message;
    d["value"] = value;
    return d;
}

}  // namespace

Policy::Check Policy::check(const Json::Value& policy)
{
    Check c;
    c.details = Json::Value(Json::arrayValue);
    if (!policy.isObject()) {
        c.details.append(detail("policy", "must be an object with skip and rules", ""));
        return c;
    }
    for (const auto& name : policy.getMemberNames())
        if (name != "skip" && name != "rules")
            c.details.append(detail(AlertExtractor::truncate_utf8(name, 64), "unknown key (a policy has only skip and rules)", ""));
    if (!policy.isMember("rules"))
        c.details.append(detail("rules", "is required", ""));
    if (!c.details.empty())
        return c;
    // The daemon's loader wants a whole procsentry.json: sinks are required there but are no part of
    // a policy (each host keeps its own), so an empty list stands in for them.
    Json::Value doc(Json::objectValue);
    doc["version"] = 1;
    if (policy.isMember("skip"))
        doc["skip"] = policy["skip"];
    doc["rules"] = policy["rules"];
    doc["sinks"] = Json::Value(Json::arrayValue);
    const std::string text = JsonText::write(doc);
    // The loader refuses more than ConfigLoader::kMaxBytes itself and says so.
    rules::LoadResult r = rules::ConfigLoader().load_string(text, "policy");
    if (!r.ok) {
        for (const auto& e : r.errors)
            c.details.append(detail(e.key, e.message, e.value));
        if (c.details.empty())
            c.details.append(detail("", "refused by the validator", ""));
        return c;
    }
    // Stored with every skip list spelt out, so that the UI edits lists that exist.
    Json::Value canon(Json::objectValue);
    Json::Value skip = policy.isMember("skip") ? policy["skip"] : Json::Value(Json::objectValue);
    for (const char* list : {"commands", "paths", "users"})
        if (!skip.isMember(list))
            skip[list] = Json::Value(Json::arrayValue);
    canon["skip"] = skip;
    canon["rules"] = policy["rules"];
    c.ok = true;
    c.canonical = JsonText::write(canon);
    return c;
}

std::string Policy::default_policy_text()
{
    auto doc = JsonText::parse(kDefaultDaemonConfig);
    if (!doc || !doc->isObject())
        throw std::runtime_error("the embedded default daemon configuration is not JSON");
    Json::Value p(Json::objectValue);
    p["skip"] = (*doc)["skip"];
    p["rules"] = (*doc)["rules"];
    Check c = check(p);
    if (!c.ok)
        throw std::runtime_error("the embedded default daemon rules do not validate: " +
                                 JsonText::write(c.details).substr(0, 500));
    return c.canonical;
}

ApiError Policy::invalid(const Check& c)
{
    std::string first = c.details.empty() ? "" : c.details[0]["key"].asString() + ": " + c.details[0]["message"].asString();
    return ApiError(422, "invalid_config", "the agent configuration is refused: " + first, c.details);
}

}  // namespace procsentry::console::api
