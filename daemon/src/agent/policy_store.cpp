// SPDX-License-Identifier: GPL-2.0
#include "agent/policy_store.hpp"

#include "agent/json_text.hpp"
#include "agent/private_file.hpp"

namespace procsentry::agent {

namespace {

// A configuration is at most 1 MiB (ConfigLoader::kMaxBytes); some room for
// the wrapping.
constexpr std::size_t kMaxFile = (1u << 20) + 4096;

}  // namespace

std::optional<SavedPolicy> PolicyStore::load(const std::string& url, std::string& error) const
{
    std::string text;
    if (!PrivateFile::read(path_, kMaxFile, text, error))
        return std::nullopt;
    Json::Value v;
    if (!JsonText::parse(text, v, error)) {
        error = path_ + ": " + error;
        return std::nullopt;
    }
    if (!v.isObject() || !v["version"].isUInt64() || !v["url"].isString() || !v["policy"].isObject()) {
        error = path_ + ": not a saved policy (version, url, policy)";
        return std::nullopt;
    }
    if (v["url"].asString() != url)
        return std::nullopt;
    SavedPolicy p;
    p.version = v["version"].asUInt64();
    p.policy = v["policy"];
    return p;
}

bool PolicyStore::save(const std::string& url, const SavedPolicy& p, std::string& error) const
{
    Json::Value v;
    v["version"] = Json::UInt64(p.version);
    v["url"] = url;
    v["policy"] = p.policy;
    return PrivateFile::write(path_, JsonText::write(v) + "\n", error);
}

}  // namespace procsentry::agent
