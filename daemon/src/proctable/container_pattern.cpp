// SPDX-License-Identifier: GPL-2.0
#include "proctable/container_pattern.hpp"

namespace procsentry::proctable {

namespace {

constexpr std::size_t id_len = 64;

bool is_hex_id(std::string_view s)
{
    if (s.size() != id_len)
        return false;
    for (const char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

// prefix + 64 hex + optional ".scope", nothing else.
std::string prefixed_id(std::string_view comp, std::string_view prefix)
{
    if (comp.substr(0, prefix.size()) != prefix)
        return {};
    comp.remove_prefix(prefix.size());
    constexpr std::string_view scope = ".scope";
    if (comp.size() == id_len + scope.size() && comp.substr(id_len) == scope)
        comp = comp.substr(0, id_len);
    return is_hex_id(comp) ? std::string(comp) : std::string();
}

bool is_lxc_name(std::string_view s)
{
    if (s.empty() || s.size() > 64 || s.front() == '.')
        return false;
    for (const char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '_' || c == '-' || c == '.';
        if (!ok)
            return false;
    }
    return true;
}

bool is_k8s_pod(std::string_view s)
{
    // pod<uid>: the uid is a UUID (dashes, or underscores with the systemd driver).
    if (s.size() < 4 || s.substr(0, 3) != "pod")
        return false;
    for (const char c : s.substr(3))
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-' || c == '_'))
            return false;
    return true;
}

}  // namespace

std::string container_id_of_component(std::string_view comp, std::string_view parent)
{
    for (const std::string_view prefix : {"docker-", "cri-containerd-", "crio-", "libpod-"}) {
        std::string id = prefixed_id(comp, prefix);
        if (!id.empty())
            return id;
    }
    if (is_hex_id(comp) && (parent == "docker" || is_k8s_pod(parent)))
        return std::string(comp);
    constexpr std::string_view lxc = "lxc.payload.";
    if (comp.substr(0, lxc.size()) == lxc && is_lxc_name(comp.substr(lxc.size())))
        return std::string(comp.substr(lxc.size()));
    return {};
}

}  // namespace procsentry::proctable
