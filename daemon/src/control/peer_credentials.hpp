// SPDX-License-Identifier: GPL-2.0
// Who is at the other end of a connected unix socket (SO_PEERCRED: the
// credentials at connect() time, which the client cannot forge).
#pragma once

#include <sys/types.h>

namespace procsentry::control {

struct PeerCredentials {
    bool valid = false;
    pid_t pid = 0;
    uid_t uid = static_cast<uid_t>(-1);
    gid_t gid = static_cast<gid_t>(-1);

    static PeerCredentials of(int fd);
};

}  // namespace procsentry::control
