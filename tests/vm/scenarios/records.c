// SPDX-License-Identifier: GPL-2.0
/* Record parsing with full bounds checks, per-CPU sequence tracking, lookup, printing. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"
#include "nl.h"
#include "util.h"

void coll_init(struct coll *c)
{
	memset(c, 0, sizeof(*c));
	c->keep = 1;
}

void coll_free(struct coll *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].raw);
	free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
}

void coll_note_enobufs(struct coll *c)
{
	c->enobufs++;
}

static void proto_err(struct coll *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void proto_err(struct coll *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!c->proto_errors)
		snprintf(c->first_error, sizeof(c->first_error), "%s", buf);
	c->proto_errors++;
	if (c->proto_errors <= 20 && !c->silent)
		printf("PROTOCOL ERROR: %s\n", buf);
}

static size_t body_size(unsigned type)
{
	switch (type) {
	case PROCSENTRY_REC_EXEC: return sizeof(struct procsentry_exec);
	case PROCSENTRY_REC_EXEC_FAILED: return sizeof(struct procsentry_exec_failed);
	case PROCSENTRY_REC_CRED_CHANGE: return sizeof(struct procsentry_cred_change);
	case PROCSENTRY_REC_EXIT: return sizeof(struct procsentry_exit);
	case PROCSENTRY_REC_FORK: return sizeof(struct procsentry_fork);
	case PROCSENTRY_REC_LOST: return sizeof(struct procsentry_lost);
	case PROCSENTRY_REC_CONFIG: return sizeof(struct procsentry_config_change);
	default: return 0;
	}
}

/* off + len inside the record and not overlapping header/body. */
static int check_str(struct coll *c, const struct procsentry_rec_hdr *h, size_t fixed,
		     struct procsentry_str s, const char *name)
{
	if (s.len == 0 && s.off == 0)
		return 0;
	if ((uint64_t)s.off + s.len > h->size) {
		proto_err(c, "%s seq %llu cpu %u: string %s off %u + len %u > record size %u",
			  rec_type_name(h->type), (unsigned long long)h->seq, h->cpu, name, s.off, s.len, h->size);
		return -1;
	}
	if (s.len && s.off < fixed) {
		proto_err(c, "%s seq %llu cpu %u: string %s off %u overlaps the fixed part (%zu bytes)",
			  rec_type_name(h->type), (unsigned long long)h->seq, h->cpu, name, s.off, fixed);
		return -1;
	}
	return 0;
}

static int check_strings(struct coll *c, const struct rec *r, size_t fixed)
{
	const struct procsentry_rec_hdr *h = &r->hdr;
	int bad = 0;

	switch (h->type) {
	case PROCSENTRY_REC_EXEC:
		bad |= check_str(c, h, fixed, r->b.exec.path, "path");
		bad |= check_str(c, h, fixed, r->b.exec.filename, "filename");
		bad |= check_str(c, h, fixed, r->b.exec.interp, "interp");
		bad |= check_str(c, h, fixed, r->b.exec.interp_path, "interp_path");
		bad |= check_str(c, h, fixed, r->b.exec.argv, "argv");
		break;
	case PROCSENTRY_REC_EXEC_FAILED:
		bad |= check_str(c, h, fixed, r->b.ef.filename, "filename");
		break;
	default:
		break;
	}
	return bad;
}

static void track_seq(struct coll *c, const struct procsentry_rec_hdr *h, uint32_t cpu)
{
	if (cpu >= COLL_MAX_CPUS)
		return;
	if (c->seen[cpu]) {
		uint64_t last = c->last_seq[cpu];

		if (h->seq == last + 1) {
			/* fine */
		} else if (h->seq > last + 1) {
			c->gap_events++;
			c->gap_records += h->seq - last - 1;
			if (!c->quiet || c->gap_events <= 5)
				printf("GAP cpu %u: after seq %llu came seq %llu (%llu missing)\n", cpu,
				       (unsigned long long)last, (unsigned long long)h->seq,
				       (unsigned long long)(h->seq - last - 1));
		} else {
			proto_err(c, "cpu %u: seq went from %llu to %llu (duplicate or reordered)", cpu,
				  (unsigned long long)last, (unsigned long long)h->seq);
		}
	}
	c->seen[cpu] = 1;
	c->last_seq[cpu] = h->seq;
}

void coll_feed_records(struct coll *c, uint32_t cpu, const unsigned char *p, size_t len)
{
	size_t off = 0;

	while (off < len) {
		struct rec r;
		size_t bs, fixed;

		memset(&r, 0, sizeof(r));
		if (len - off < sizeof(r.hdr)) {
			proto_err(c, "cpu %u: %zu trailing bytes, less than a record header (%zu)", cpu, len - off,
				  sizeof(r.hdr));
			return;
		}
		memcpy(&r.hdr, p + off, sizeof(r.hdr));
		if (r.hdr.size < sizeof(r.hdr) || r.hdr.size > len - off) {
			proto_err(c, "cpu %u: record at offset %zu has size %u (remaining %zu, header %zu)", cpu, off,
				  r.hdr.size, len - off, sizeof(r.hdr));
			return;
		}
		if (r.hdr.size % PROCSENTRY_REC_ALIGN)
			proto_err(c, "cpu %u: record size %u not a multiple of %d", cpu, r.hdr.size,
				  PROCSENTRY_REC_ALIGN);
		if (r.hdr.hdr_size < sizeof(r.hdr) || r.hdr.hdr_size > r.hdr.size) {
			proto_err(c, "cpu %u: hdr_size %u (record size %u, known header %zu)", cpu, r.hdr.hdr_size,
				  r.hdr.size, sizeof(r.hdr));
			off += r.hdr.size;
			continue;
		}
		if (r.hdr.abi_version != PROCSENTRY_ABI_VERSION)
			proto_err(c, "cpu %u seq %llu: abi_version %u, expected %d", cpu,
				  (unsigned long long)r.hdr.seq, r.hdr.abi_version, PROCSENTRY_ABI_VERSION);
		if (cpu == UINT32_MAX && r.hdr.type != PROCSENTRY_REC_LOST)
			proto_err(c, "%s seq %llu in an EVENTS message for CPU (u32)-1 (only LOST may be CPU-less)",
				  rec_type_name(r.hdr.type), (unsigned long long)r.hdr.seq);
		else if (r.hdr.cpu != cpu && r.hdr.type != PROCSENTRY_REC_LOST)
			proto_err(c, "record %s seq %llu: hdr.cpu %u but message PROCSENTRY_A_CPU %u",
				  rec_type_name(r.hdr.type), (unsigned long long)r.hdr.seq, r.hdr.cpu, cpu);
		bs = body_size(r.hdr.type);
		if (!bs) {
			c->unknown_types++;
			off += r.hdr.size;
			continue;
		}
		fixed = (size_t)r.hdr.hdr_size + bs;
		if (r.hdr.size < fixed) {
			proto_err(c, "%s seq %llu cpu %u: size %u < hdr_size %u + body %zu", rec_type_name(r.hdr.type),
				  (unsigned long long)r.hdr.seq, r.hdr.cpu, r.hdr.size, r.hdr.hdr_size, bs);
			off += r.hdr.size;
			continue;
		}
		memcpy(&r.b, p + off + r.hdr.hdr_size, bs);
		if (check_strings(c, &r, fixed)) {
			off += r.hdr.size;
			continue;
		}
		if (r.hdr.type == PROCSENTRY_REC_LOST) {
			if (r.hdr.seq != 0)
				proto_err(c, "LOST record with seq %llu (expected 0)", (unsigned long long)r.hdr.seq);
			if (!(r.hdr.flags & PROCSENTRY_RF_SYNTHETIC))
				proto_err(c, "LOST record without RF_SYNTHETIC (flags 0x%x)", r.hdr.flags);
			if (r.b.lost.count == 0 || r.b.lost.count > (1ULL << 48))
				proto_err(c, "LOST %s count %llu (as signed: %lld): implausible", lost_cause_name(r.b.lost.cause),
					  (unsigned long long)r.b.lost.count, (long long)r.b.lost.count);
			if (r.b.lost.cause == PROCSENTRY_LOST_UNSPEC || r.b.lost.cause >= __PROCSENTRY_LOST_MAX)
				proto_err(c, "LOST with cause %u", r.b.lost.cause);
			c->lost_recs++;
			c->lost_count[r.b.lost.cause <= __PROCSENTRY_LOST_MAX ? r.b.lost.cause : __PROCSENTRY_LOST_MAX] +=
				r.b.lost.count;
		} else {
			if (r.hdr.seq == 0)
				proto_err(c, "%s record with seq 0", rec_type_name(r.hdr.type));
			if (r.hdr.flags & PROCSENTRY_RF_SYNTHETIC)
				proto_err(c, "%s record seq %llu with RF_SYNTHETIC", rec_type_name(r.hdr.type),
					  (unsigned long long)r.hdr.seq);
			track_seq(c, &r.hdr, cpu);
		}
		r.msg_cpu = cpu;
		if (c->keep) {
			if (c->n == c->cap) {
				size_t ncap = c->cap ? c->cap * 2 : 256;
				struct rec *nv = realloc(c->v, ncap * sizeof(*nv));

				if (!nv) {
					proto_err(c, "out of memory");
					return;
				}
				c->v = nv;
				c->cap = ncap;
			}
			r.raw = malloc(r.hdr.size);
			if (!r.raw) {
				proto_err(c, "out of memory");
				return;
			}
			memcpy(r.raw, p + off, r.hdr.size);
			r.order = c->n;
			c->v[c->n++] = r;
			if (!c->quiet)
				rec_print(&c->v[c->n - 1]);
		} else if (!c->quiet) {
			rec_print(&r);
		}
		off += r.hdr.size;
	}
}

void coll_feed_msg(struct coll *c, uint16_t family, const struct nlmsghdr *h)
{
	const struct genlmsghdr *g;
	const struct nlattr *tb[PROCSENTRY_A_MAX + 1];
	uint32_t cpu;

	if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_NOOP)
		return;
	if (h->nlmsg_type != family) {
		proto_err(c, "message of type %u (family is %u)", h->nlmsg_type, family);
		return;
	}
	if (h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) {
		proto_err(c, "short genl message (%u bytes)", h->nlmsg_len);
		return;
	}
	g = NLMSG_DATA(h);
	if (g->cmd != PROCSENTRY_CMD_EVENTS) {
		proto_err(c, "unexpected genl cmd %u from the kernel (seq %u)", g->cmd, h->nlmsg_seq);
		return;
	}
	c->msgs++;
	if (nl_parse_attrs((const char *)g + GENL_HDRLEN, h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), tb,
			   PROCSENTRY_A_MAX) < 0) {
		proto_err(c, "EVENTS message with malformed attributes");
		return;
	}
	if (nla_u32(tb[PROCSENTRY_A_CPU], &cpu) < 0) {
		proto_err(c, "EVENTS message without PROCSENTRY_A_CPU (u32)");
		return;
	}
	if (cpu >= COLL_MAX_CPUS && cpu != UINT32_MAX) {
		proto_err(c, "EVENTS message with PROCSENTRY_A_CPU %u", cpu);
		return;
	}
	if (!tb[PROCSENTRY_A_RECORDS]) {
		proto_err(c, "EVENTS message without PROCSENTRY_A_RECORDS");
		return;
	}
	coll_feed_records(c, cpu, nla_data_c(tb[PROCSENTRY_A_RECORDS]), nla_len_c(tb[PROCSENTRY_A_RECORDS]));
}

static int handle_datagram(struct nl *nl, struct coll *c, int n)
{
	int cnt = 0;

	for (struct nlmsghdr *h = (struct nlmsghdr *)nl->rx; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
		coll_feed_msg(c, nl->family, h);
		cnt++;
	}
	if (n > 0)
		proto_err(c, "%d trailing bytes after the last netlink message", n);
	return cnt;
}

int coll_poll(struct nl *nl, struct coll *c, int ms)
{
	long long deadline = now_ms() + ms;
	int total = 0;

	for (;;) {
		long long left = deadline - now_ms();
		int n, trunc;

		if (left < 0)
			left = 0;
		n = nl_recv(nl, (int)left, &trunc);
		if (n == -ENOBUFS) {
			coll_note_enobufs(c);
			continue;
		}
		if (n < 0)
			return n;
		if (n > 0) {
			if (trunc)
				proto_err(c, "datagram truncated (larger than %d bytes)", NL_RXBUF);
			total += handle_datagram(nl, c, n);
			continue;
		}
		if (left == 0)
			return total;
	}
}

int coll_until(struct nl *nl, struct coll *c, int ms, int (*done)(struct coll *, void *), void *ctx)
{
	long long deadline = now_ms() + ms;

	if (done(c, ctx))
		return 1;
	for (;;) {
		long long left = deadline - now_ms();
		int n, trunc;

		if (left <= 0)
			return done(c, ctx);
		n = nl_recv(nl, left > 50 ? 50 : (int)left, &trunc);
		if (n == -ENOBUFS) {
			coll_note_enobufs(c);
			continue;
		}
		if (n < 0)
			return done(c, ctx);
		if (n > 0) {
			if (trunc)
				proto_err(c, "datagram truncated (larger than %d bytes)", NL_RXBUF);
			handle_datagram(nl, c, n);
			if (done(c, ctx))
				return 1;
		}
	}
}

void coll_drain(struct nl *nl, struct coll *c, int quiet_ms, int max_ms)
{
	long long deadline = now_ms() + max_ms;

	while (now_ms() < deadline) {
		int n = coll_poll(nl, c, quiet_ms);

		if (n <= 0)
			return;
	}
}

const struct procsentry_task *rec_task(const struct rec *r)
{
	if (r->hdr.type == PROCSENTRY_REC_LOST || !body_size(r->hdr.type))
		return NULL;
	return &r->b.exec.task;	/* task is the first member of every body */
}

const char *rec_str(const struct rec *r, struct procsentry_str s, uint32_t *len)
{
	*len = s.len;
	if (!r->raw || (uint64_t)s.off + s.len > r->hdr.size) {
		*len = 0;
		return "";
	}
	return (const char *)r->raw + s.off;
}

static int cmp_ts(const void *a, const void *b)
{
	const struct rec *x = *(struct rec *const *)a, *y = *(struct rec *const *)b;

	if (x->hdr.ts_ns != y->hdr.ts_ns)
		return x->hdr.ts_ns < y->hdr.ts_ns ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

size_t coll_find(const struct coll *c, uint16_t type, uint32_t tgid, struct rec ***out)
{
	size_t n = 0;
	struct rec **v = calloc(c->n + 1, sizeof(*v));

	for (size_t i = 0; v && i < c->n; i++) {
		const struct procsentry_task *t = rec_task(&c->v[i]);

		if (type && c->v[i].hdr.type != type)
			continue;
		if (tgid && (!t || t->tgid != tgid))
			continue;
		v[n++] = &c->v[i];
	}
	if (v)
		qsort(v, n, sizeof(*v), cmp_ts);
	*out = v;
	return n;
}

size_t coll_count(const struct coll *c, uint16_t type, uint32_t tgid)
{
	struct rec **v;
	size_t n = coll_find(c, type, tgid, &v);

	free(v);
	return n;
}

struct rec *coll_first(const struct coll *c, uint16_t type, uint32_t tgid)
{
	struct rec **v, *r = NULL;

	if (coll_find(c, type, tgid, &v))
		r = v[0];
	free(v);
	return r;
}

const char *rec_type_name(unsigned t)
{
	static const char *n[] = { "UNSPEC", "EXEC", "EXEC_FAILED", "CRED_CHANGE", "EXIT", "FORK", "LOST",
				   "CONFIG" };

	return t < sizeof(n) / sizeof(n[0]) ? n[t] : "UNKNOWN";
}

const char *call_name(unsigned c)
{
	static const char *n[] = { "UNSPEC", "EXECVE", "EXECVEAT", "SETUID", "SETREUID", "SETRESUID",
				   "SETFSUID", "SETGID", "SETREGID", "SETRESGID", "SETFSGID", "CAPSET",
				   "COMMIT_CREDS" };

	return c < sizeof(n) / sizeof(n[0]) ? n[c] : "UNKNOWN";
}

const char *entry_name(unsigned e)
{
	static const char *n[] = { "NATIVE", "IA32", "IA32_UID16", "KERNEL" };

	return e < 4 ? n[e] : "UNKNOWN";
}

const char *lost_cause_name(unsigned c)
{
	static const char *n[] = { "UNSPEC", "BUFFER_FULL", "NOMEM", "READER", "PROBE_MISSED", "NO_SLOT",
				   "NO_LISTENER" };

	return c < sizeof(n) / sizeof(n[0]) ? n[c] : "UNKNOWN";
}

void print_escaped(const char *p, size_t len, size_t max)
{
	size_t l = len > max ? max : len;

	putchar('"');
	for (size_t i = 0; i < l; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch == 0)
			fputs("\\0", stdout);
		else if (ch == '\n')
			fputs("\\n", stdout);
		else if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			printf("\\x%02x", ch);
		else
			putchar(ch);
	}
	putchar('"');
	if (len > max)
		printf("...(%zu bytes)", len);
}

static void print_str(const struct rec *r, const char *name, struct procsentry_str s)
{
	uint32_t l;
	const char *p = rec_str(r, s, &l);

	printf(" %s=", name);
	print_escaped(p, l, 120);
}

static void print_cred_short(const char *label, const struct procsentry_creds *c)
{
	printf(" %s=[u %u/%u/%u/%u g %u/%u/%u/%u capE %llx capP %llx ns %u sb %x]", label, c->uid, c->euid, c->suid,
	       c->fsuid, c->gid, c->egid, c->sgid, c->fsgid, (unsigned long long)c->cap_effective,
	       (unsigned long long)c->cap_permitted, c->userns, c->securebits);
}

void rec_print(const struct rec *r)
{
	const struct procsentry_task *t = rec_task(r);

	printf("  rec %s cpu %u seq %llu ts %llu flags 0x%x size %u:", rec_type_name(r->hdr.type), r->hdr.cpu,
	       (unsigned long long)r->hdr.seq, (unsigned long long)r->hdr.ts_ns, r->hdr.flags, r->hdr.size);
	if (t) {
		char comm[17];

		memcpy(comm, t->comm, 16);
		comm[16] = 0;
		printf(" pid %u tgid %u ppid %u comm \"%s\"", t->pid, t->tgid, t->ppid, comm);
	}
	switch (r->hdr.type) {
	case PROCSENTRY_REC_EXEC: {
		const struct procsentry_exec *e = &r->b.exec;

		printf(" exec_flags 0x%x argc %u old_pid %u", e->exec_flags, e->argc, e->old_pid);
		print_str(r, "path", e->path);
		print_str(r, "filename", e->filename);
		print_str(r, "interp", e->interp);
		print_str(r, "interp_path", e->interp_path);
		print_str(r, "argv", e->argv);
		print_cred_short("cred_before", &e->cred_before);
		print_cred_short("cred", &e->task.cred);
		break;
	}
	case PROCSENTRY_REC_EXEC_FAILED: {
		const struct procsentry_exec_failed *e = &r->b.ef;

		printf(" error %d call %s entry %s dirfd %d at_flags 0x%x name_flags 0x%x", e->error,
		       call_name(e->call), entry_name(e->entry), e->dirfd, e->at_flags, e->name_flags);
		print_str(r, "filename", e->filename);
		break;
	}
	case PROCSENTRY_REC_CRED_CHANGE: {
		const struct procsentry_cred_change *cc = &r->b.cc;

		printf(" call %s entry %s result %d nargs %u args [%d %d %d]", call_name(cc->call),
		       entry_name(cc->entry), cc->result, cc->nargs, (int)cc->args[0], (int)cc->args[1],
		       (int)cc->args[2]);
		print_cred_short("cred_before", &cc->cred_before);
		print_cred_short("cred", &cc->task.cred);
		break;
	}
	case PROCSENTRY_REC_EXIT:
		printf(" exit_code 0x%x status %d signal %u core_dumped %u", r->b.ex.exit_code, r->b.ex.status,
		       r->b.ex.signal, r->b.ex.core_dumped);
		break;
	case PROCSENTRY_REC_FORK:
		printf(" creator_tgid %u", r->b.fk.creator_tgid);
		break;
	case PROCSENTRY_REC_LOST:
		printf(" cause %s cpu %d count %llu", lost_cause_name(r->b.lost.cause), (int)r->b.lost.cpu,
		       (unsigned long long)r->b.lost.count);
		break;
	case PROCSENTRY_REC_CONFIG:
		printf(" old mask 0x%x argv %u flags 0x%x -> new mask 0x%x argv %u flags 0x%x",
		       r->b.cfg.old_config.event_mask, r->b.cfg.old_config.argv_max, r->b.cfg.old_config.flags,
		       r->b.cfg.new_config.event_mask, r->b.cfg.new_config.argv_max, r->b.cfg.new_config.flags);
		break;
	default:
		break;
	}
	putchar('\n');
}

void coll_summary(const struct coll *c, const char *name)
{
	printf("%s: %zu records in %llu messages, gaps %llu (%llu missing), LOST records %llu [", name, c->n,
	       (unsigned long long)c->msgs, (unsigned long long)c->gap_events, (unsigned long long)c->gap_records,
	       (unsigned long long)c->lost_recs);
	for (unsigned i = 1; i < __PROCSENTRY_LOST_MAX; i++)
		printf("%s%s=%llu", i > 1 ? " " : "", lost_cause_name(i), (unsigned long long)c->lost_count[i]);
	printf("], enobufs %llu, protocol errors %u\n", (unsigned long long)c->enobufs, c->proto_errors);
}

void coll_expect_clean(const struct coll *c)
{
	if (c->proto_errors)
		failf("record stream: %u protocol errors, first: %s", c->proto_errors, c->first_error);
	expect_u64("record stream: sequence gaps (missing records)", 0, c->gap_records);
	expect_u64("record stream: LOST records received", 0, c->lost_recs);
	expect_u64("record stream: ENOBUFS on the socket", 0, c->enobufs);
}
