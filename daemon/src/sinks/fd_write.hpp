// SPDX-License-Identifier: GPL-2.0
// Blocking steps of a sink worker (waiting to write, to connect) that
// never block past a bound which may shrink while they wait: the bound is
// asked again at least every poll_slice, so a stop() arriving meanwhile
// takes effect within that slice.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace procsentry::sinks {

// How long the caller may still wait (<= 0: not at all).
using TimeLeft = std::function<std::chrono::milliseconds()>;

inline constexpr std::chrono::milliseconds poll_slice{50};

// A fixed budget starting now.
TimeLeft fixed_budget(std::chrono::milliseconds total);

// poll() on one descriptor until an event or the budget runs out.  Returns
// the revents (0 = timed out), or -errno.
int poll_for(int fd, short events, const TimeLeft& left);

struct WriteOutcome {
    std::size_t written = 0;  // bytes that left, even when err != 0
    int err = 0;              // 0 = all written; errno otherwise (ETIMEDOUT: no room in time)
};

// Writes all of data, retrying EINTR and short writes.  With a budget it
// polls for POLLOUT before each chunk, so a stuck pipe or socket costs at
// most the budget instead of blocking the worker forever; a chunk is then
// at most PIPE_BUF so that a blocking pipe made writable does not block
// again.  Without one (nullptr) it simply writes (regular files).  On
// sockets it uses send(MSG_NOSIGNAL): a vanished peer is EPIPE, not SIGPIPE.
WriteOutcome write_all(int fd, std::string_view data, const TimeLeft& left, bool is_socket = false);

// "what: strerror(err)"
std::string errno_text(const std::string& what, int err);

}  // namespace procsentry::sinks
