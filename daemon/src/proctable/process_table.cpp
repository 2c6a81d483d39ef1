// SPDX-License-Identifier: GPL-2.0
#include "proctable/process_table.hpp"

#include <procsentry/procsentry_abi.h>

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "proctable/argv_bounds.hpp"
#include "proctable/cgroup_resolver.hpp"
#include "proctable/exec_trust.hpp"
#include "proctable/proc_scanner.hpp"

namespace procsentry::proctable {

namespace {

constexpr std::size_t max_path = 4096;

// A table entry: the process and its place in the recency list (intrusive,
// so moving an entry to the front is O(1) and allocates nothing; map nodes
// never move, so the pointers stay valid until the entry is erased).
struct Node {
    Process p;
    Node* prev = nullptr;  // towards the most recent
    Node* next = nullptr;  // towards the least recent
};

// What a child inherits from the process that forked it.
struct Image {
    std::string exe, interp_path, filename;
    std::vector<std::string> argv;
    bool exe_trusted = false, argv_truncated = false, seeded = false;
    uint64_t last_exec_ns = 0;
    uint64_t cgroup_id = 0;  // a child starts in its creator's cgroup: no new lookup
    std::string container_id;
};

std::size_t heap_of(const std::string& s)
{
    return s.capacity() > 15 ? s.capacity() + 1 : 0;  // beyond the small-string buffer
}

// Long paths are cut, and a cut path is not the file's path any more.
void bound_path(std::string& s, bool* trusted)
{
    if (s.size() <= max_path)
        return;
    s.resize(max_path);
    if (trusted)
        *trusted = false;
}

}  // namespace

struct ProcessTable::Impl {
    Options opts;
    std::shared_ptr<CgroupResolver> resolver;
    ProcScanner scanner;
    std::unordered_map<uint32_t, Node> map;
    Node* head = nullptr;
    Node* tail = nullptr;
    TableStats stats;

    Impl(const Options& o, std::shared_ptr<CgroupResolver> r)
        : opts(o), resolver(std::move(r)), scanner(o.proc_root, o.cgroup_root, o.max_argv_bytes)
    {
        opts.max_processes = std::max<std::size_t>(1, opts.max_processes);
        map.reserve(std::min<std::size_t>(opts.max_processes, 65536));
    }

    void unlink(Node* n)
    {
        (n->prev ? n->prev->next : head) = n->next;
        (n->next ? n->next->prev : tail) = n->prev;
        n->prev = n->next = nullptr;
    }

    void link_front(Node* n)
    {
        n->prev = nullptr;
        n->next = head;
        (head ? head->prev : tail) = n;
        head = n;
    }

    void touch(Node* n)
    {
        if (head == n)
            return;
        unlink(n);
        link_front(n);
    }

    void erase(Node* n)
    {
        unlink(n);
        map.erase(n->p.tgid);
    }

    void shrink_to(std::size_t limit)
    {
        while (map.size() > limit && tail) {
            erase(tail);
            ++stats.evicted;
        }
    }

    Node* lookup(uint32_t tgid)
    {
        const auto it = map.find(tgid);
        return it == map.end() ? nullptr : &it->second;
    }

    // (tgid, start_ns) identity.  A seeded start is only known to a tick:
    // an exact value within that tick is the same start.  0 is unknown.
    bool same_start(uint64_t a, bool a_approx, uint64_t b, bool b_approx) const
    {
        if (!a || !b || a == b)
            return true;
        if (a_approx == b_approx)
            return false;
        const uint64_t approx = a_approx ? a : b, exact = a_approx ? b : a;
        return exact > approx && exact - approx < scanner.tick_ns();
    }

    bool same(const Process& p, uint64_t start_ns) const
    {
        return same_start(p.start_ns, p.start_ns_approx, start_ns, false);
    }

    Node* insert(uint32_t tgid)
    {
        shrink_to(opts.max_processes - 1);
        Node* n = &map.try_emplace(tgid).first->second;
        n->p.tgid = tgid;
        link_front(n);
        return n;
    }

    // The entry for this task, made fresh (default Process) when there was
    // none or it belonged to an earlier process with the same tgid.
    Node* upsert(const abi::Task& t, bool& fresh, uint64_t& replaced_counter)
    {
        Node* n = lookup(t.tgid);
        fresh = !n;
        if (!n)
            return insert(t.tgid);
        if (!same(n->p, t.start_ns)) {
            ++replaced_counter;
            n->p = Process{};
            n->p.tgid = t.tgid;
            fresh = true;
        }
        touch(n);
        return n;
    }

    void apply_task(Process& p, const abi::Task& t)
    {
        p.ppid = t.ppid;
        if (t.start_ns) {
            p.start_ns = t.start_ns;
            p.start_ns_approx = false;
        }
        p.comm = t.comm;
        p.uid = t.cred.uid;
        p.euid = t.cred.euid;
        p.gid = t.cred.gid;
        p.egid = t.cred.egid;
        p.loginuid = t.loginuid;
        if (t.cgroup_id != p.cgroup_id) {
            p.cgroup_id = t.cgroup_id;
            p.container_id = resolver && t.cgroup_id ? resolver->container_id(t.cgroup_id) : std::string();
        }
    }
};

ProcessTable::ProcessTable(const Options& opts, std::shared_ptr<CgroupResolver> resolver)
    : impl_(std::make_unique<Impl>(opts, std::move(resolver)))
{
}

ProcessTable::~ProcessTable() = default;

std::size_t ProcessTable::seed_from_proc()
{
    Impl& m = *impl_;
    std::size_t added = 0;
    for (const uint32_t pid : m.scanner.list_pids()) {
        auto s = m.scanner.scan(pid);
        if (!s) {
            ++m.stats.seed_skipped;  // gone mid-scan, or unreadable
            continue;
        }
        Node* n = m.lookup(pid);
        // Known already (records describe it better than /proc can).
        if (n && m.same_start(n->p.start_ns, n->p.start_ns_approx, s->proc.start_ns, s->proc.start_ns_approx))
            continue;
        if (n) {
            ++m.stats.stale_replaced;
            m.touch(n);
        } else {
            n = m.insert(pid);
        }
        if (m.resolver && s->proc.cgroup_id)
            m.resolver->note_path(s->proc.cgroup_id, s->cgroup_path);
        s->proc.container_id = CgroupResolver::container_id_from_path(s->cgroup_path);
        n->p = std::move(s->proc);
        ++m.stats.seeded;
        ++added;
    }
    return added;
}

void ProcessTable::on_fork(const abi::Fork& f)
{
    Impl& m = *impl_;
    ++m.stats.forks;
    // The creator's image, copied before the child's insert may evict it.
    // With CLONE_PARENT the creator is not task.ppid: the image is the creator's.
    Image img;
    const uint32_t creator = f.creator_tgid ? f.creator_tgid : f.task.ppid;
    if (Node* c = creator != f.task.tgid ? m.lookup(creator) : nullptr) {
        const Process& cp = c->p;
        img = Image{cp.exe, cp.interp_path, cp.filename, cp.argv, cp.exe_trusted, cp.argv_truncated,
                    cp.seeded, cp.last_exec_ns, cp.cgroup_id, cp.container_id};
        m.touch(c);
    }
    bool fresh = false;
    Node* n = m.upsert(f.task, fresh, m.stats.pid_reuse);
    Process& p = n->p;
    if (fresh) {
        p.exe = std::move(img.exe);
        p.interp_path = std::move(img.interp_path);
        p.filename = std::move(img.filename);
        p.argv = std::move(img.argv);
        p.exe_trusted = img.exe_trusted;
        p.argv_truncated = img.argv_truncated;
        p.seeded = img.seeded;
        p.last_exec_ns = img.last_exec_ns;
        p.cgroup_id = img.cgroup_id;
        p.container_id = std::move(img.container_id);
    }
    m.apply_task(p, f.task);
}

void ProcessTable::on_exec(const abi::Exec& e, uint64_t ts_ns)
{
    Impl& m = *impl_;
    ++m.stats.execs;
    bool fresh = false;
    Process& p = m.upsert(e.task, fresh, m.stats.pid_reuse)->p;
    m.apply_task(p, e.task);
    p.exe = e.path.value_or(std::string());
    p.exe_trusted = exec_path_trusted(e.flags, e.path.has_value(), p.exe);
    bound_path(p.exe, &p.exe_trusted);
    if ((e.flags & PROCSENTRY_EXEC_SCRIPT) && e.interp_path)
        p.interp_path = *e.interp_path;
    else
        p.interp_path.clear();
    bound_path(p.interp_path, nullptr);
    p.filename = e.filename.value_or(std::string());
    bound_path(p.filename, nullptr);
    p.argv_truncated = split_argv_bounded(e.argv ? std::string_view(*e.argv) : std::string_view(), e.argc,
                                          (e.flags & PROCSENTRY_EXEC_ARGV_TRUNC) != 0, m.opts.max_argv_bytes,
                                          p.argv) ||
                       (e.flags & PROCSENTRY_EXEC_ARGV_ERR) != 0;
    p.seeded = false;
    p.last_exec_ns = ts_ns;
}

void ProcessTable::on_cred(const abi::CredChange& c)
{
    Impl& m = *impl_;
    ++m.stats.creds;
    bool fresh = false;
    Process& p = m.upsert(c.task, fresh, m.stats.stale_replaced)->p;
    m.apply_task(p, c.task);
}

void ProcessTable::on_exit(const abi::Exit& x)
{
    Impl& m = *impl_;
    ++m.stats.exits;
    Node* n = m.lookup(x.task.tgid);
    if (!n || !m.same(n->p, x.task.start_ns))
        ++m.stats.unknown_exits;
    // A stale entry (an earlier process with this tgid whose EXIT was lost)
    // goes as well: the tgid is dead now.
    if (n)
        m.erase(n);
}

void ProcessTable::apply(const abi::Record& rec)
{
    if (const auto* e = std::get_if<abi::Exec>(&rec.body))
        on_exec(*e, rec.hdr.ts_ns);
    else if (const auto* f = std::get_if<abi::Fork>(&rec.body))
        on_fork(*f);
    else if (const auto* x = std::get_if<abi::Exit>(&rec.body))
        on_exit(*x);
    else if (const auto* c = std::get_if<abi::CredChange>(&rec.body))
        on_cred(*c);
}

const Process* ProcessTable::find(uint32_t tgid, uint64_t start_ns) const
{
    const auto it = impl_->map.find(tgid);
    if (it == impl_->map.end() || !impl_->same(it->second.p, start_ns))
        return nullptr;
    return &it->second.p;
}

std::vector<const Process*> ProcessTable::ancestry(uint32_t tgid, std::size_t depth) const
{
    std::vector<const Process*> out;
    const Process* cur = find(tgid);
    const uint64_t tick = impl_->scanner.tick_ns();
    while (cur && out.size() < depth && cur->ppid != 0 && cur->ppid != cur->tgid) {
        const Process* parent = find(cur->ppid);
        if (!parent)
            break;
        // A parent starts before its child; one that started later is a
        // newer process that reused the parent's pid.  This also ends any
        // cycle a corrupted chain could form.
        const uint64_t slack = cur->start_ns_approx || parent->start_ns_approx ? tick : 0;
        if (parent->start_ns && cur->start_ns && parent->start_ns > cur->start_ns + slack)
            break;
        if (parent->tgid == tgid ||
            std::any_of(out.begin(), out.end(), [&](const Process* q) { return q == parent; }))
            break;
        out.push_back(parent);
        cur = parent;
    }
    return out;
}

std::size_t ProcessTable::size() const
{
    return impl_->map.size();
}

const TableStats& ProcessTable::stats() const
{
    return impl_->stats;
}

void ProcessTable::set_max_processes(std::size_t n)
{
    impl_->opts.max_processes = std::max<std::size_t>(1, n);
    impl_->shrink_to(impl_->opts.max_processes);
}

std::size_t ProcessTable::memory_estimate() const
{
    const auto& map = impl_->map;
    // Per entry: the node with its hash-node links, plus a bucket pointer.
    std::size_t bytes = map.bucket_count() * sizeof(void*) + map.size() * (sizeof(Node) + 2 * sizeof(void*));
    for (const auto& [tgid, n] : map) {
        const Process& p = n.p;
        bytes += heap_of(p.exe) + heap_of(p.interp_path) + heap_of(p.filename) + heap_of(p.comm) +
                 heap_of(p.container_id) + p.argv.capacity() * sizeof(std::string);
        for (const auto& a : p.argv)
            bytes += heap_of(a);
    }
    return bytes;
}

}  // namespace procsentry::proctable
