// SPDX-License-Identifier: GPL-2.0
// The last policy from the console that this host applied,
// <state dir>/console-policy.json (0600): {"version", "url", "policy"}.
// Read at every start and reload, so a restart and a local SIGHUP keep the
// console's skip and rules (merged into the local file the same way).
// A policy saved for another console URL is not used.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <json/value.h>

namespace procsentry::agent {

struct SavedPolicy {
    uint64_t version = 0;
    Json::Value policy;  // {"skip": ..., "rules": [...]}
};

class PolicyStore {
public:
    explicit PolicyStore(const std::string& state_dir) : path_(state_dir + "/console-policy.json") {}
    std::optional<SavedPolicy> load(const std::string& url, std::string& error) const;
    bool save(const std::string& url, const SavedPolicy& p, std::string& error) const;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace procsentry::agent
