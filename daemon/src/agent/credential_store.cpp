// SPDX-License-Identifier: GPL-2.0
#include "agent/credential_store.hpp"

#include "agent/json_text.hpp"
#include "agent/private_file.hpp"

namespace procsentry::agent {

namespace {

constexpr std::size_t kMaxFile = 16 * 1024;
constexpr std::size_t kMaxToken = 1024;

}  // namespace

bool CredentialStore::valid_token(const std::string& t)
{
    if (t.empty() || t.size() > kMaxToken)
        return false;
    for (unsigned char c : t)
        if (c <= 0x20 || c >= 0x7f)
            return false;
    return true;
}

std::optional<Credential> CredentialStore::load(const std::string& url, std::string& error) const
{
    std::string text;
    if (!PrivateFile::read(path_, kMaxFile, text, error))
        return std::nullopt;
    Json::Value v;
    if (!JsonText::parse(text, v, error)) {
        error = path_ + ": " + error;
        return std::nullopt;
    }
    if (!v.isObject() || !v["url"].isString() || !v["host_id"].isInt64() || !v["agent_token"].isString() ||
        !valid_token(v["agent_token"].asString())) {
        error = path_ + ": not a credential (url, host_id, agent_token)";
        return std::nullopt;
    }
    if (v["url"].asString() != url)
        return std::nullopt;  // made for another console: enrol with this one
    Credential c;
    c.url = url;
    c.host_id = v["host_id"].asInt64();
    c.agent_token = v["agent_token"].asString();
    return c;
}

bool CredentialStore::save(const Credential& c, std::string& error) const
{
    Json::Value v;
    v["url"] = c.url;
    v["host_id"] = Json::Int64(c.host_id);
    v["agent_token"] = c.agent_token;
    return PrivateFile::write(path_, JsonText::write(v) + "\n", error);
}

}  // namespace procsentry::agent
