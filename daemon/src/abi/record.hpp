// SPDX-License-Identifier: GPL-2.0
// Owning, typed copies of the records of include/procsentry/procsentry_abi.h.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace procsentry::abi {

struct Header {
    uint32_t size = 0;
    uint16_t type = 0;
    uint8_t abi_version = 0;
    uint8_t hdr_size = 0;
    uint64_t seq = 0;
    uint64_t ts_ns = 0;
    uint32_t cpu = 0;
    uint32_t flags = 0;
};

struct Creds {
    uint32_t uid = 0, gid = 0;
    uint32_t suid = 0, sgid = 0;
    uint32_t euid = 0, egid = 0;
    uint32_t fsuid = 0, fsgid = 0;
    uint64_t cap_effective = 0;
    uint64_t cap_permitted = 0;
    uint32_t userns = 0;      // when the ABI header has it, else 0
    uint32_t securebits = 0;  // when the ABI header has it, else 0
};

struct Task {
    uint32_t pid = 0;
    uint32_t tgid = 0;
    uint32_t ppid = 0;
    uint32_t loginuid = 0;
    uint32_t sessionid = 0;
    uint32_t pid_ns = 0;
    uint32_t mnt_ns = 0;
    uint64_t cgroup_id = 0;
    uint64_t start_ns = 0;
    std::string comm;  // bytes up to the first NUL, untrusted
    Creds cred;
};

// An absent string (off == 0) is std::nullopt.
using OptString = std::optional<std::string>;

struct Exec {
    Task task;
    Creds cred_before;
    uint32_t flags = 0;
    uint32_t argc = 0;
    uint32_t old_pid = 0;
    OptString path;
    OptString filename;
    OptString interp;
    OptString interp_path;
    OptString argv;  // raw, NUL-joined; see split_argv()
};

struct ExecFailed {
    Task task;
    int32_t error = 0;
    uint32_t call = 0;
    uint32_t entry = 0;
    int32_t dirfd = 0;
    uint32_t at_flags = 0;
    uint32_t name_flags = 0;
    OptString filename;
};

struct CredChange {
    Task task;
    Creds cred_before;
    uint32_t call = 0;
    uint32_t entry = 0;
    int32_t result = 0;
    uint32_t nargs = 0;  // <= 3, checked by the decoder
    std::array<uint32_t, 3> args{};
};

struct Exit {
    Task task;
    uint32_t exit_code = 0;
    int32_t status = 0;
    uint32_t signal = 0;
    uint32_t core_dumped = 0;
};

struct Fork {
    Task task;
    uint32_t creator_tgid = 0;
};

struct Lost {
    uint32_t cause = 0;
    uint32_t cpu = 0;
    uint64_t count = 0;
};

struct Config {
    uint32_t event_mask = 0;
    uint32_t argv_max = 0;
    uint32_t flags = 0;
};

// SET_CONFIG changed what the module reports (for every reader).
struct ConfigChange {
    Task task;  // who asked
    Config old_config;
    Config new_config;
};

using Body = std::variant<Exec, ExecFailed, CredChange, Exit, Fork, Lost, ConfigChange>;

struct Record {
    Header hdr;
    Body body;
};

// Splits a NUL-joined argv.  A single trailing NUL is taken as a terminator
// unless argc says it separates a final empty argument; a truncated argv
// keeps its trailing partial argument.
std::vector<std::string> split_argv(const std::string& raw, uint32_t argc, bool truncated);

}  // namespace procsentry::abi
