// SPDX-License-Identifier: GPL-2.0
#include "sinks/spool.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/crc.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace procsentry::sinks {

namespace {

constexpr char kMagic[8] = {'P', 'S', 'P', 'O', 'O', 'L', '1', '\n'};
constexpr uint64_t kHeader = sizeof kMagic;
constexpr uint64_t kRecordHeader = 8;
// Larger lengths can only come from damage: alerts are a few KiB.
constexpr uint32_t kMaxBody = 16u << 20;

std::runtime_error io_error(const std::string& what, const std::string& path, int err)
{
    return std::runtime_error("spool " + path + ": " + what + ": " + std::strerror(err));
}

uint32_t crc32_of(const char* data, std::size_t n)
{
    boost::crc_32_type crc;
    crc.process_bytes(data, n);
    return crc.checksum();
}

void put_u32(char* p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

uint32_t get_u32(const char* p)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    return v;
}

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

bool pread_all(int fd, char* buf, std::size_t n, uint64_t off)
{
    while (n > 0) {
        const ssize_t r = ::pread(fd, buf, n, static_cast<off_t>(off));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        buf += r;
        n -= static_cast<std::size_t>(r);
        off += static_cast<uint64_t>(r);
    }
    return true;
}

bool write_all(int fd, const char* buf, std::size_t n)
{
    while (n > 0) {
        const ssize_t r = ::write(fd, buf, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        buf += r;
        n -= static_cast<std::size_t>(r);
    }
    return true;
}

// One record at off, or nothing if it is cut short or damaged.
struct Read {
    bool ok = false;
    uint64_t size = 0;  // header + body
    std::string body;
};

Read read_record(int fd, uint64_t off)
{
    Read r;
    char hdr[kRecordHeader];
    if (!pread_all(fd, hdr, sizeof hdr, off))
        return r;
    const uint32_t len = get_u32(hdr);
    if (len < 2 || len > kMaxBody)
        return r;
    r.body.resize(len);
    if (!pread_all(fd, r.body.data(), len, off + kRecordHeader))
        return r;
    if (crc32_of(r.body.data(), len) != get_u32(hdr + 4))
        return r;
    const std::size_t id_len = static_cast<unsigned char>(r.body[0]) | (static_cast<unsigned char>(r.body[1]) << 8);
    if (id_len > len - 2)
        return r;
    r.ok = true;
    r.size = kRecordHeader + len;
    return r;
}

bool parse_seq(const char* name, uint64_t& seq)
{
    if (std::strlen(name) != 20 || std::strcmp(name + 16, ".seg") != 0)
        return false;
    seq = 0;
    for (int i = 0; i < 16; i++) {
        if (name[i] < '0' || name[i] > '9')
            return false;
        seq = seq * 10 + static_cast<uint64_t>(name[i] - '0');
    }
    return true;
}

}  // namespace

Spool::Spool(Options options) : opt_(std::move(options))
{
    if (opt_.dir.empty())
        throw std::runtime_error("spool: no directory configured");
    if (opt_.segment_bytes == 0)
        opt_.segment_bytes = std::min<uint64_t>(opt_.max_bytes / 8, 8u << 20);
    make_dir(opt_.dir);
    const std::string lock = opt_.dir + "/lock";
    lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock_fd_ < 0)
        throw io_error("open", lock, errno);
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(lock_fd_);
        if (err == EWOULDBLOCK)
            throw std::runtime_error("spool " + opt_.dir + ": in use by another sink or process");
        throw io_error("flock", lock, err);
    }
    cursor_offset_ = kHeader;
    try {
        scan_existing();
        load_cursor();
    } catch (...) {
        ::close(lock_fd_);
        throw;
    }
}

Spool::~Spool()
{
    close_write();
    ::close(lock_fd_);
}

void Spool::make_dir(const std::string& dir)
{
    if (dir.empty())
        throw std::runtime_error("spool: no directory configured");
    for (std::size_t pos = 1;; pos++) {
        pos = dir.find('/', pos);
        const std::string part = dir.substr(0, pos);
        if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
            throw io_error("mkdir", part, errno);
        if (pos == std::string::npos)
            break;
    }
    // The spool holds alerts on their way out: whoever can write the
    // directory can drop them unseen or slip in forged ones, whoever can
    // read it sees them.  Not a symlink, the daemon's own, 0700.
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0)
        throw io_error("stat", dir, errno);
    if (!S_ISDIR(st.st_mode))
        throw io_error("mkdir", dir, ENOTDIR);
    if (st.st_uid != ::geteuid())
        throw std::runtime_error("spool " + dir + ": owned by uid " + std::to_string(st.st_uid) +
                                 ", not by the daemon (uid " + std::to_string(::geteuid()) + ")");
    if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0)
        throw io_error("chmod 0700", dir, errno);
}

std::string Spool::path_of(uint64_t seq) const
{
    char name[32];
    std::snprintf(name, sizeof name, "%016llu.seg", static_cast<unsigned long long>(seq));
    return opt_.dir + "/" + name;
}

void Spool::scan_existing()
{
    std::vector<uint64_t> seqs;
    {
        std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(opt_.dir.c_str()), ::closedir);
        if (!d)
            throw io_error("opendir", opt_.dir, errno);
        while (const dirent* e = ::readdir(d.get())) {
            uint64_t seq = 0;
            if (parse_seq(e->d_name, seq))
                seqs.push_back(seq);
        }
    }
    std::sort(seqs.begin(), seqs.end());
    for (const uint64_t seq : seqs) {
        next_seq_ = std::max(next_seq_, seq + 1);
        const std::string path = path_of(seq);
        Fd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
        if (fd.get() < 0)
            throw io_error("open", path, errno);
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0)
            throw io_error("stat", path, errno);
        const auto size = static_cast<uint64_t>(st.st_size);
        char magic[kHeader];
        if (!pread_all(fd.get(), magic, kHeader, 0) || std::memcmp(magic, kMagic, kHeader) != 0) {
            // A crash right after creating the file leaves it shorter than
            // the header; that holds nothing and is not damage.
            if (size >= kHeader)
                corrupt_++;
            ::unlink(path.c_str());
            continue;
        }
        Segment seg{seq, kHeader, 0};
        for (;;) {
            const Read r = read_record(fd.get(), seg.bytes);
            if (!r.ok)
                break;
            seg.bytes += r.size;
            seg.records++;
        }
        if (seg.bytes < size) {
            // Cut what cannot be trusted so that reads and the byte budget
            // agree with what is counted.
            corrupt_++;
            if (::ftruncate(fd.get(), static_cast<off_t>(seg.bytes)) != 0)
                throw io_error("truncate", path, errno);
        }
        if (seg.records == 0) {
            ::unlink(path.c_str());
            continue;
        }
        segs_.push_back(seg);
        total_bytes_ += seg.bytes;
        pending_ += seg.records;
    }
}

void Spool::load_cursor()
{
    std::ifstream in(opt_.dir + "/cursor");
    unsigned long long seq = 0, offset = 0;
    if (!(in >> seq >> offset))
        return;
    next_seq_ = std::max<uint64_t>(next_seq_, seq);
    // Segments before the cursor were delivered; a crash came between the
    // cursor update and their deletion.
    while (!segs_.empty() && segs_.front().seq < seq)
        remove_head_file();
    if (segs_.empty() || segs_.front().seq != seq)
        return;
    // Accept the offset only on a record boundary; otherwise deliver the
    // segment again from its start (duplicates rather than loss).
    Fd fd(::open(path_of(seq).c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0)
        return;
    uint64_t off = kHeader, index = 0;
    while (off < offset && index < segs_.front().records) {
        const Read r = read_record(fd.get(), off);
        if (!r.ok)
            return;
        off += r.size;
        index++;
    }
    if (off != offset)
        return;
    cursor_offset_ = off;
    cursor_index_ = index;
    pending_ -= index;
    if (index == segs_.front().records)
        remove_head_file();
}

void Spool::store_cursor()
{
    const uint64_t seq = segs_.empty() ? next_seq_ : segs_.front().seq;
    const uint64_t off = segs_.empty() ? kHeader : std::max(cursor_offset_, kHeader);
    const std::string tmp = opt_.dir + "/cursor.tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << seq << ' ' << off << '\n';
        if (!out.flush())
            throw io_error("write", tmp, errno ? errno : EIO);
    }
    if (::rename(tmp.c_str(), (opt_.dir + "/cursor").c_str()) != 0)
        throw io_error("rename", tmp, errno);
}

void Spool::open_new_segment()
{
    const uint64_t seq = next_seq_++;
    const std::string path = path_of(seq);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        throw io_error("create", path, errno);
    if (!write_all(fd, kMagic, kHeader)) {
        const int err = errno ? errno : EIO;
        ::close(fd);
        ::unlink(path.c_str());
        throw io_error("write", path, err);
    }
    write_fd_ = fd;
    if (segs_.empty()) {
        cursor_offset_ = kHeader;
        cursor_index_ = 0;
    }
    segs_.push_back(Segment{seq, kHeader, 0});
    total_bytes_ += kHeader;
    sync_dir();
}

void Spool::close_write()
{
    if (write_fd_ < 0)
        return;
    ::fdatasync(write_fd_);
    ::close(write_fd_);
    write_fd_ = -1;
}

void Spool::remove_head_file()
{
    const Segment& head = segs_.front();
    if (write_fd_ >= 0 && segs_.size() == 1)
        close_write();
    ::unlink(path_of(head.seq).c_str());
    total_bytes_ -= head.bytes;
    segs_.pop_front();
    cursor_offset_ = kHeader;
    cursor_index_ = 0;
}

void Spool::drop_head()
{
    const uint64_t lost = segs_.front().records - cursor_index_;
    dropped_ += lost;
    pending_ -= lost;
    remove_head_file();
    store_cursor();
}

void Spool::sync_dir()
{
    Fd d(::open(opt_.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (d.get() >= 0)
        ::fsync(d.get());
}

void Spool::append(std::string_view id, std::string_view json)
{
    if (id.size() > 0xffff)
        id = id.substr(0, 0xffff);
    const uint64_t body = 2 + id.size() + json.size();
    const uint64_t size = kRecordHeader + body;
    if (body > kMaxBody || size + kHeader > opt_.max_bytes) {
        dropped_++;
        return;
    }
    if (write_fd_ >= 0 && segs_.back().records > 0 && segs_.back().bytes + size > opt_.segment_bytes)
        close_write();
    for (;;) {
        const uint64_t need = size + (write_fd_ < 0 ? kHeader : 0);
        if (total_bytes_ + need <= opt_.max_bytes || segs_.empty())
            break;
        if (segs_.size() == 1 && write_fd_ >= 0)
            close_write();  // the only segment is the one being filled
        drop_head();
    }
    if (write_fd_ < 0)
        open_new_segment();

    std::string rec(size, '\0');
    put_u32(rec.data(), static_cast<uint32_t>(body));
    rec[8] = static_cast<char>(id.size() & 0xff);
    rec[9] = static_cast<char>(id.size() >> 8);
    std::memcpy(rec.data() + 10, id.data(), id.size());
    std::memcpy(rec.data() + 10 + id.size(), json.data(), json.size());
    put_u32(rec.data() + 4, crc32_of(rec.data() + 8, body));

    Segment& seg = segs_.back();
    if (!write_all(write_fd_, rec.data(), rec.size())) {
        const int err = errno ? errno : EIO;
        // Leave no half record behind: the next append must start on a
        // record boundary.
        if (::ftruncate(write_fd_, static_cast<off_t>(seg.bytes)) != 0)
            close_write();
        throw io_error("write", path_of(seg.seq), err);
    }
    seg.bytes += size;
    seg.records++;
    total_bytes_ += size;
    pending_++;
}

void Spool::sync()
{
    if (write_fd_ >= 0 && ::fdatasync(write_fd_) != 0)
        throw io_error("fdatasync", path_of(segs_.back().seq), errno);
}

void Spool::cut_at(Segment& seg, uint64_t index)
{
    // Damage found after the scan (the disk changed under us): what follows
    // in this segment is lost, and nothing more may be appended after it.
    corrupt_++;
    const uint64_t lost = seg.records - index;
    dropped_ += lost;
    pending_ -= lost;
    seg.records = index;
    if (write_fd_ >= 0 && &seg == &segs_.back())
        close_write();
}

Spool::Batch Spool::peek(std::size_t max, std::size_t max_body_bytes)
{
    Batch b;
    std::size_t body_bytes = 0;
    for (std::size_t i = 0; i < segs_.size() && b.records.size() < max; i++) {
        Segment& seg = segs_[i];
        uint64_t off = i == 0 ? cursor_offset_ : kHeader;
        uint64_t index = i == 0 ? cursor_index_ : 0;
        if (index >= seg.records)
            continue;
        const std::string path = path_of(seg.seq);
        Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (fd.get() < 0)
            throw io_error("open", path, errno);
        while (index < seg.records && b.records.size() < max) {
            Read r = read_record(fd.get(), off);
            if (!r.ok) {
                cut_at(seg, index);
                break;
            }
            const std::size_t id_len =
                static_cast<unsigned char>(r.body[0]) | (static_cast<unsigned char>(r.body[1]) << 8);
            if (!b.records.empty() && body_bytes + r.body.size() > max_body_bytes)
                return b;
            body_bytes += r.body.size();
            b.records.push_back(Record{r.body.substr(2, id_len), r.body.substr(2 + id_len)});
            off += r.size;
            index++;
            b.end_seq = seg.seq;
            b.end_offset = off;
            b.end_index = index;
        }
    }
    return b;
}

void Spool::ack(const Batch& batch)
{
    if (batch.records.empty() || segs_.empty() || batch.end_seq < segs_.front().seq)
        return;
    while (!segs_.empty() && segs_.front().seq < batch.end_seq) {
        pending_ -= segs_.front().records - cursor_index_;
        remove_head_file();
    }
    if (segs_.empty() || segs_.front().seq != batch.end_seq)
        return;
    Segment& head = segs_.front();
    if (batch.end_index > cursor_index_) {
        pending_ -= std::min(batch.end_index, head.records) - cursor_index_;
        cursor_index_ = std::min(batch.end_index, head.records);
        cursor_offset_ = batch.end_offset;
    }
    if (cursor_index_ >= head.records)
        remove_head_file();
    store_cursor();
}

}  // namespace procsentry::sinks
