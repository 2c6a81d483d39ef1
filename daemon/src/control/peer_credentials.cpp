// SPDX-License-Identifier: GPL-2.0
#include "control/peer_credentials.hpp"

#include <sys/socket.h>

namespace procsentry::control {

PeerCredentials PeerCredentials::of(int fd)
{
    PeerCredentials p;
    ucred cred{};
    socklen_t len = sizeof(cred);
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof(cred))
        return p;
    p.valid = true;
    p.pid = cred.pid;
    p.uid = cred.uid;
    p.gid = cred.gid;
    return p;
}

}  // namespace procsentry::control
