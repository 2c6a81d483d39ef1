// SPDX-License-Identifier: GPL-2.0
// The http sink's on-disk queue: alerts are appended here before any
// delivery attempt and removed only once the collector acknowledged them, so
// they survive the collector and the daemon being down.
//
// Layout of `dir`:
//   <16 decimal digits>.seg  segments, oldest = smallest number.  Each starts
//                            with the 8 bytes "PSPOOL1\n", then records:
//                              u32 le  body length
//                              u32 le  CRC-32 (zlib polynomial) of the body
//                              body:   u16 le id length, id, alert JSON line
//   cursor                   "<segment> <offset>\n": first record not yet
//                            acknowledged; replaced by rename after each ack.
//   lock                     flock(2)ed while a Spool owns the directory:
//                            during a reload the old sink still runs while
//                            the new one waits for its spool.
//
// Delivery is at least once: a crash between a POST and the cursor update
// sends that batch again (alert ids let the collector drop duplicates).
//
// Not thread-safe: one owner (the sink's worker thread) calls everything.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace procsentry::sinks {

class Spool {
public:
    struct Options {
        std::string dir;
        uint64_t max_bytes = 256ull << 20;  // all segment files together
        uint64_t segment_bytes = 0;         // 0: max_bytes / 8, at most 8 MiB
    };
    struct Record {
        std::string id;
        std::string json;
    };
    struct Batch {
        std::vector<Record> records;
        // Where the cursor goes when this batch is acknowledged.
        uint64_t end_seq = 0;
        uint64_t end_offset = 0;
        uint64_t end_index = 0;  // records of segment end_seq before end_offset
    };

    // Creates dir (mode 0700, with parents) if needed, locks it (throws if
    // another Spool holds it), then scans what an earlier run left:
    // segments with a bad header, and records after the first bad length or
    // checksum (a write cut short by a crash), are counted in corrupt() and
    // cut off.  Throws std::runtime_error naming the path and errno text.
    explicit Spool(Options options);
    ~Spool();
    // mkdir -p with mode 0700; throws std::runtime_error naming the path.
    static void make_dir(const std::string& dir);
    Spool(const Spool&) = delete;
    Spool& operator=(const Spool&) = delete;

    // Appends one record (written with write(2), readable by peek() at
    // once).  When the spool would pass max_bytes the OLDEST segments are
    // deleted and their undelivered records counted in dropped(): recent
    // alerts matter more to an incident responder than old ones that a
    // collector outage already delayed.  A record larger than the whole
    // spool is dropped itself.  Throws std::runtime_error on I/O errors.
    void append(std::string_view id, std::string_view json);
    // fsync of the segment being written (once per batch of appends).
    void sync();

    // Up to max records from the cursor on, oldest first; stops before
    // max_body_bytes of JSON when at least one record is in the batch.
    Batch peek(std::size_t max, std::size_t max_body_bytes = 8u << 20);
    // Moves the cursor past the batch, deletes segments it finished and
    // persists the cursor.  A batch whose segment was dropped meanwhile
    // (overflow) only moves the cursor forward, never back.
    void ack(const Batch& batch);

    uint64_t pending() const { return pending_; }   // records not yet acknowledged
    uint64_t dropped() const { return dropped_; }   // records lost to overflow
    uint64_t corrupt() const { return corrupt_; }   // damaged regions cut off
    uint64_t bytes() const { return total_bytes_; } // size of all segments
    const std::string& dir() const { return opt_.dir; }

private:
    struct Segment {
        uint64_t seq = 0;
        uint64_t bytes = 0;    // valid length of the file
        uint64_t records = 0;  // valid records in it
    };

    std::string path_of(uint64_t seq) const;
    void scan_existing();
    void load_cursor();
    void store_cursor();
    void open_new_segment();
    void close_write();
    void drop_head();
    void remove_head_file();
    void cut_at(Segment& seg, uint64_t index);
    void sync_dir();

    Options opt_;
    std::deque<Segment> segs_;
    int lock_fd_ = -1;
    int write_fd_ = -1;  // segs_.back(), when open
    uint64_t cursor_offset_ = 0;  // in segs_.front()
    uint64_t cursor_index_ = 0;   // records of segs_.front() already acknowledged
    uint64_t next_seq_ = 1;       // number of the next segment created
    uint64_t total_bytes_ = 0;
    uint64_t pending_ = 0;
    uint64_t dropped_ = 0;
    uint64_t corrupt_ = 0;
};

}  // namespace procsentry::sinks
