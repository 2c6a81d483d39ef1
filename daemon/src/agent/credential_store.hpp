// SPDX-License-Identifier: GPL-2.0
// The agent's enrolment result, <state dir>/console-agent.json (0600):
// {"url", "host_id", "agent_token"}.  Kept for the console it was made for:
// a credential for another URL means this host enrols again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace procsentry::agent {

struct Credential {
    std::string url;
    int64_t host_id = 0;
    std::string agent_token;
};

class CredentialStore {
public:
    explicit CredentialStore(const std::string& state_dir) : path_(state_dir + "/console-agent.json") {}
    // The credential for url, or nullopt (none, another console's, or
    // unusable: error says why).
    std::optional<Credential> load(const std::string& url, std::string& error) const;
    bool save(const Credential& c, std::string& error) const;
    const std::string& path() const { return path_; }

    // A token goes into an Authorization header: printable ASCII, no
    // spaces, bounded.
    static bool valid_token(const std::string& t);

private:
    std::string path_;
};

}  // namespace procsentry::agent
