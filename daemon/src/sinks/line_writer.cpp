// SPDX-License-Identifier: GPL-2.0
#include "sinks/line_writer.hpp"

#include <string>

#include "sinks/fd_write.hpp"

namespace procsentry::sinks {

LineWriter::Result LineWriter::write(int fd, const std::vector<alert::SerializedPtr>& batch, std::size_t first,
                                     std::size_t last, const TimeLeft& left)
{
    Result res;
    if (first >= last || last > batch.size())
        return res;

    std::size_t skip = 0;
    if (head_ && batch[first] == head_)
        skip = head_done_;
    else if (head_)
        cut_pending_ = true;  // the cut line was given up: terminate it

    std::string buf;
    const std::size_t prefix = cut_pending_ ? 1 : 0;
    if (cut_pending_)
        buf.push_back('\n');
    std::vector<std::size_t> ends;  // offset in buf just after each line's '\n'
    ends.reserve(last - first);
    for (std::size_t i = first; i < last; ++i) {
        const std::string& json = batch[i]->json;
        buf.append(json, i == first ? std::min(skip, json.size()) : 0);
        buf.push_back('\n');
        ends.push_back(buf.size());
    }

    const WriteOutcome w = write_all(fd, buf, left);
    res.bytes = w.written;
    res.err = w.err;
    if (w.written >= prefix)
        cut_pending_ = false;
    while (res.lines < ends.size() && ends[res.lines] <= w.written)
        ++res.lines;

    head_.reset();
    head_done_ = 0;
    if (w.err != 0 && res.lines < ends.size()) {
        const std::size_t k = res.lines;
        const std::size_t start = k == 0 ? prefix : ends[k - 1];
        const std::size_t part = w.written > start ? w.written - start : 0;
        const std::size_t done = (k == 0 ? skip : 0) + part;
        if (done > 0) {
            head_ = batch[first + k];
            head_done_ = done;
        }
    }
    return res;
}

void LineWriter::reset()
{
    head_.reset();
    head_done_ = 0;
    cut_pending_ = false;
}

}  // namespace procsentry::sinks
