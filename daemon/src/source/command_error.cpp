// SPDX-License-Identifier: GPL-2.0
#include "source/command_error.hpp"

#include <cerrno>
#include <cstring>

#include <procsentry/procsentry_abi.h>

namespace procsentry::source {

namespace {

// The module's version, if its extended ACK names it: the first number after
// the last "module" ("... module ABI 2", "module speaks 2").
std::string module_version_from(const std::string& extack)
{
    const auto at = extack.rfind("module");
    if (at == std::string::npos)
        return {};
    const auto d = extack.find_first_of("0123456789", at);
    if (d == std::string::npos)
        return {};
    const auto e = extack.find_first_not_of("0123456789", d);
    return extack.substr(d, e == std::string::npos ? std::string::npos : e - d);
}

}  // namespace

SourceError command_error(uint8_t cmd, const std::string& what, int error, const std::string& extack)
{
    using Kind = SourceError::Kind;
    const std::string ext = extack.empty() ? "" : " (kernel: " + extack + ")";
    if (error == -EPERM)
        return SourceError(Kind::permission, "permission denied: " +
                                                 (cmd == PROCSENTRY_CMD_REGISTER ? std::string("registering") : what) +
                                                 " needs CAP_NET_ADMIN" + ext);
    if (error == -EPROTO && cmd == PROCSENTRY_CMD_REGISTER) {
        const std::string m = module_version_from(extack);
        return SourceError(Kind::abi_mismatch, "ABI version mismatch: reader " +
                                                   std::to_string(PROCSENTRY_ABI_VERSION) +
                                                   (m.empty() ? ", module refused it" : ", module says " + m) + ext);
    }
    return SourceError(Kind::other, what + " failed: " + std::strerror(-error) + ext);
}

}  // namespace procsentry::source
