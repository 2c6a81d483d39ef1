// SPDX-License-Identifier: GPL-2.0
// What the host says about procsentry.ko outside the netlink link: the
// version of the loaded module (/sys/module/procsentry/version, from
// MODULE_VERSION) and why procsentry-load-module could not load it
// (/run/procsentry-module.error).  Both files are read with a size bound and
// made printable: a status line must not carry terminal escapes.
#pragma once

#include <optional>
#include <string>

namespace procsentry::app {

class ModuleInfo {
public:
    struct Paths {
        std::string sysfs_dir = "/sys/module/procsentry";
        std::string error_file = "/run/procsentry-module.error";
    };

    explicit ModuleInfo(Paths p) : paths_(std::move(p)) {}

    // The loaded module's version, or nullopt when it is not loaded or has none.
    std::optional<std::string> loaded_version() const;
    // The last "cause: ...; fix: ..." line of procsentry-load-module, if any.
    std::optional<std::string> load_error() const;
    // Empty when the versions agree; else what is wrong and what to do.
    static std::string mismatch(const std::string& module_version, const std::string& daemon_version);

    const Paths& paths() const { return paths_; }

private:
    Paths paths_;
};

}  // namespace procsentry::app
