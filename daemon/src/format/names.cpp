// SPDX-License-Identifier: GPL-2.0
#include "format/names.hpp"

#include <cerrno>
#include <cstdio>
#include <iterator>
#include <sstream>
#include <utility>

#include <procsentry/procsentry_abi.h>

namespace procsentry::format {

namespace {

template <std::size_t N>
std::string table_name(const char* const (&table)[N], uint32_t v)
{
    if (v < N && table[v] != nullptr)
        return table[v];
    return "unknown:" + std::to_string(v);
}

std::vector<std::string> flag_names(uint32_t flags, const char* const* names, std::size_t n)
{
    std::vector<std::string> out;
    for (std::size_t bit = 0; bit < 32; ++bit) {
        const uint32_t m = 1U << bit;
        if (!(flags & m))
            continue;
        if (bit < n) {
            out.emplace_back(names[bit]);
        } else {
            char buf[16];
            std::snprintf(buf, sizeof buf, "0x%x", m);
            out.emplace_back(buf);
        }
    }
    return out;
}

constexpr const char* kTypes[] = {nullptr, "exec", "exec_failed", "cred_change", "exit", "fork", "lost",
                                  "config"};
static_assert(std::size(kTypes) >= __PROCSENTRY_REC_MAX);

// Indexed by enum value.  A table may be longer than the header's enum (a
// name this header does not have yet); the asserts catch values added to the
// header without a name here.
constexpr const char* kCalls[] = {nullptr,  "execve",   "execveat", "setuid",    "setreuid", "setresuid",
                                  "setfsuid", "setgid", "setregid", "setresgid", "setfsgid", "capset",
                                  "commit_creds"};
static_assert(std::size(kCalls) >= __PROCSENTRY_CALL_MAX);

constexpr const char* kEntries[] = {"native", "ia32", "ia32_uid16", "kernel"};
static_assert(PROCSENTRY_ENTRY_IA32_UID16 == 2);

constexpr const char* kCauses[] = {nullptr, "buffer_full", "nomem", "reader", "probe_missed", "no_slot",
                                   "no_listener"};
static_assert(std::size(kCauses) >= __PROCSENTRY_LOST_MAX);

constexpr const char* kExecFlags[] = {"memfd",  "deleted",  "argv_trunc", "no_cred_before", "secure",
                                      "path_err", "argv_err", "script",     "chroot",
                                      "interpreted"};
static_assert(PROCSENTRY_EXEC_SCRIPT == 1U << 7);
static_assert(PROCSENTRY_EXEC_CHROOT == 1U << 8);
static_assert(PROCSENTRY_EXEC_INTERPRETED == 1U << 9);

constexpr const char* kNameFlags[] = {"trunc", "err"};
static_assert(PROCSENTRY_NAME_ERR == 1U << 1);

struct ErrnoName {
    int num;
    const char* name;
};

constexpr ErrnoName kErrnos[] = {
    {EPERM, "EPERM"},     {ENOENT, "ENOENT"},   {ESRCH, "ESRCH"},       {EINTR, "EINTR"},
    {EIO, "EIO"},         {ENXIO, "ENXIO"},     {E2BIG, "E2BIG"},       {ENOEXEC, "ENOEXEC"},
    {EBADF, "EBADF"},     {ECHILD, "ECHILD"},   {EAGAIN, "EAGAIN"},     {ENOMEM, "ENOMEM"},
    {EACCES, "EACCES"},   {EFAULT, "EFAULT"},   {EBUSY, "EBUSY"},       {EEXIST, "EEXIST"},
    {EXDEV, "EXDEV"},     {ENODEV, "ENODEV"},   {ENOTDIR, "ENOTDIR"},   {EISDIR, "EISDIR"},
    {EINVAL, "EINVAL"},   {ENFILE, "ENFILE"},   {EMFILE, "EMFILE"},     {ETXTBSY, "ETXTBSY"},
    {EFBIG, "EFBIG"},     {ENOSPC, "ENOSPC"},   {EROFS, "EROFS"},       {EMLINK, "EMLINK"},
    {ERANGE, "ERANGE"},   {ENAMETOOLONG, "ENAMETOOLONG"},               {ENOSYS, "ENOSYS"},
    {ELOOP, "ELOOP"},     {ELIBBAD, "ELIBBAD"}, {EOVERFLOW, "EOVERFLOW"}, {EOPNOTSUPP, "EOPNOTSUPP"},
    {ENOBUFS, "ENOBUFS"}, {ETIMEDOUT, "ETIMEDOUT"}, {ECONNREFUSED, "ECONNREFUSED"},
    {ESTALE, "ESTALE"},   {EDQUOT, "EDQUOT"},   {ECANCELED, "ECANCELED"}, {EKEYREJECTED, "EKEYREJECTED"},
    {ENOKEY, "ENOKEY"},   {ELIBACC, "ELIBACC"}, {EPROTO, "EPROTO"},     {EUCLEAN, "EUCLEAN"},
};

}  // namespace

const char* record_type_name(uint16_t type)
{
    if (type < std::size(kTypes) && kTypes[type] != nullptr)
        return kTypes[type];
    return "unknown";
}

std::string call_name(uint32_t call) { return table_name(kCalls, call); }
std::string entry_name(uint32_t entry) { return table_name(kEntries, entry); }
std::string lost_cause_name(uint32_t cause) { return table_name(kCauses, cause); }

std::string errno_name(int64_t err)
{
    for (const auto& e : kErrnos)
        if (e.num == err)
            return e.name;
    return "E" + std::to_string(err);
}

std::vector<std::string> exec_flag_names(uint32_t flags)
{
    return flag_names(flags, kExecFlags, std::size(kExecFlags));
}

std::vector<std::string> name_flag_names(uint32_t flags)
{
    return flag_names(flags, kNameFlags, std::size(kNameFlags));
}

bool parse_event_mask(const std::string& list, uint32_t& mask, std::string& err)
{
    mask = 0;
    std::istringstream in(list);
    std::string word;
    bool any = false;
    while (std::getline(in, word, ',')) {
        any = true;
        if (word == "all") {
            mask |= PROCSENTRY_MASK_ALL;
            continue;
        }
        bool found = false;
        for (uint32_t t = 1; t < std::size(kTypes); ++t) {
            // Only what SET_CONFIG accepts: LOST and CONFIG cannot be turned off.
            if (word == kTypes[t] && (PROCSENTRY_MASK_ALL & (1U << t))) {
                mask |= 1U << t;
                found = true;
            }
        }
        if (!found) {
            err = "unknown event type '" + word + "' (exec, exec_failed, cred_change, exit, fork, lost, all)";
            return false;
        }
    }
    if (!any) {
        err = "empty event mask";
        return false;
    }
    return true;
}

}  // namespace procsentry::format
