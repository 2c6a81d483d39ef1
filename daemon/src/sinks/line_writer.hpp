// SPDX-License-Identifier: GPL-2.0
// Writes alerts as JSON lines to a descriptor and remembers a line that a
// failed write cut short, so that the retry finishes that line instead of
// writing it twice, and a line abandoned for good is at least terminated so
// that the next one does not run into it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "alert/alert.hpp"
#include "sinks/fd_write.hpp"

namespace procsentry::sinks {

class LineWriter {
public:
    struct Result {
        std::size_t lines = 0;  // complete lines written, from `first`
        uint64_t bytes = 0;     // bytes that reached the descriptor
        int err = 0;            // errno of the failure, 0 if all written
    };

    // Writes batch[first, last) (each json + '\n') within the budget
    // (nullptr: the descriptor blocks as it likes, as files do).
    Result write(int fd, const std::vector<alert::SerializedPtr>& batch, std::size_t first, std::size_t last,
                 const TimeLeft& left);

    // The descriptor changed (reopened, rotated): a cut line stays in the
    // old file as it is, and is written whole to the new one.
    void reset();

private:
    alert::SerializedPtr head_;  // line cut short by the last failure (kept alive: identity)
    std::size_t head_done_ = 0;  // bytes of it already written
    bool cut_pending_ = false;   // a cut line was abandoned: start with '\n'
};

}  // namespace procsentry::sinks
