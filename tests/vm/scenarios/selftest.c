// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side self-test (no procsentry module needed): generic netlink family resolution and
 * extended acks against nlctrl, and the record parser on synthetic and random input.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scen.h"

#define FAKE_FAMILY 0x55

struct builder {
	unsigned char buf[16384];
	size_t len;
};

static size_t put_rec(struct builder *b, uint16_t type, uint64_t seq, uint32_t cpu, const void *body, size_t blen,
		      const char *const strs[], size_t nstr, struct procsentry_str *slots[])
{
	struct procsentry_rec_hdr h;
	size_t start = b->len, off = sizeof(h) + blen;
	unsigned char *rec = b->buf + start;

	memcpy(rec + sizeof(h), body, blen);
	for (size_t i = 0; i < nstr; i++) {
		size_t l = strlen(strs[i]);
		struct procsentry_str s = { (uint32_t)off, (uint32_t)l };
		/* slots point into the caller's body: patch the copy inside the record */
		size_t slot_off = (size_t)((unsigned char *)slots[i] - (unsigned char *)body);

		memcpy(rec + off, strs[i], l);
		memcpy(rec + sizeof(h) + slot_off, &s, sizeof(s));
		off += l;
	}
	off = (off + 7) & ~(size_t)7;
	memset(&h, 0, sizeof(h));
	h.size = (uint32_t)off;
	h.type = type;
	h.abi_version = PROCSENTRY_ABI_VERSION;
	h.hdr_size = sizeof(h);
	h.seq = seq;
	h.ts_ns = 1000 + seq;
	h.cpu = cpu;
	h.flags = type == PROCSENTRY_REC_LOST ? PROCSENTRY_RF_SYNTHETIC : 0;
	memcpy(rec, &h, sizeof(h));
	b->len += off;
	return start;
}

/* wrap records into an EVENTS netlink message */
static size_t wrap(unsigned char *out, size_t cap, uint32_t cpu, const struct builder *b)
{
	struct nlmsghdr *h = (struct nlmsghdr *)out;
	struct genlmsghdr *g = NLMSG_DATA(h);
	struct nlattr *a;
	size_t off = NLMSG_LENGTH(GENL_HDRLEN);

	memset(out, 0, cap);
	h->nlmsg_type = FAKE_FAMILY;
	g->cmd = PROCSENTRY_CMD_EVENTS;
	a = (struct nlattr *)(out + off);
	a->nla_type = PROCSENTRY_A_CPU;
	a->nla_len = NLA_HDRLEN + 4;
	memcpy((char *)a + NLA_HDRLEN, &cpu, 4);
	off += NLA_ALIGN(a->nla_len);
	a = (struct nlattr *)(out + off);
	a->nla_type = PROCSENTRY_A_RECORDS;
	a->nla_len = (uint16_t)(NLA_HDRLEN + b->len);
	memcpy((char *)a + NLA_HDRLEN, b->buf, b->len);
	off += NLA_ALIGN(a->nla_len);
	h->nlmsg_len = (uint32_t)off;
	return off;
}

static int t_fail;
#define T(cond, ...) do { if (!(cond)) { printf("selftest FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); t_fail++; } } while (0)

static void test_parser(void)
{
	static struct builder b;
	static unsigned char msg[20000];
	struct coll c;
	struct procsentry_exec ex;
	struct procsentry_exit xt;
	struct procsentry_lost lo;
	const char *strs[] = { "/tmp/ps-true", "/tmp/ps-true", "ps-true\0a" };
	struct procsentry_str *slots[] = { &ex.path, &ex.filename, &ex.argv };
	struct rec *r;
	uint32_t l;
	const char *s;

	/* good stream: EXEC seq 1, EXIT seq 2, LOST, then a gap to seq 5 */
	memset(&b, 0, sizeof(b));
	memset(&ex, 0, sizeof(ex));
	ex.task.pid = ex.task.tgid = 4242;
	ex.task.ppid = 1;
	memcpy(ex.task.comm, "ps-true", 7);
	ex.argc = 2;
	put_rec(&b, PROCSENTRY_REC_EXEC, 1, 3, &ex, sizeof(ex), strs, 2, slots);
	memset(&xt, 0, sizeof(xt));
	xt.task.tgid = 4242;
	xt.exit_code = 0x300;
	xt.status = 3;
	put_rec(&b, PROCSENTRY_REC_EXIT, 2, 3, &xt, sizeof(xt), NULL, 0, NULL);
	memset(&lo, 0, sizeof(lo));
	lo.cause = PROCSENTRY_LOST_READER;
	lo.cpu = 3;
	lo.count = 2;
	put_rec(&b, PROCSENTRY_REC_LOST, 0, 3, &lo, sizeof(lo), NULL, 0, NULL);
	put_rec(&b, PROCSENTRY_REC_EXIT, 5, 3, &xt, sizeof(xt), NULL, 0, NULL);
	wrap(msg, sizeof(msg), 3, &b);
	coll_init(&c);
	coll_feed_msg(&c, FAKE_FAMILY, (struct nlmsghdr *)msg);
	T(c.proto_errors == 0, "good stream: %u protocol errors (%s)", c.proto_errors, c.first_error);
	T(c.n == 4, "good stream: %zu records", c.n);
	T(c.gap_records == 2 && c.gap_events == 1, "gap: %llu/%llu", (unsigned long long)c.gap_records,
	  (unsigned long long)c.gap_events);
	T(c.lost_recs == 1 && c.lost_count[PROCSENTRY_LOST_READER] == 2, "lost accounting");
	r = coll_first(&c, PROCSENTRY_REC_EXEC, 4242);
	T(r != NULL, "EXEC lookup");
	if (r) {
		s = rec_str(r, r->b.exec.path, &l);
		T(l == 12 && !memcmp(s, "/tmp/ps-true", 12), "path string");
		T(r->b.exec.argc == 2, "argc");
	}
	T(coll_count(&c, PROCSENTRY_REC_EXIT, 4242) == 2, "EXIT count");
	T(coll_count(&c, 0, 4242) == 3, "all records about 4242 (LOST has no task)");
	coll_free(&c);

	/* the same stream again: seq continuity across messages (1 after 5 -> reorder error) */
	coll_init(&c);
	c.quiet = 1;
	coll_feed_msg(&c, FAKE_FAMILY, (struct nlmsghdr *)msg);
	coll_feed_msg(&c, FAKE_FAMILY, (struct nlmsghdr *)msg);
	T(c.proto_errors >= 1, "repeated seq must be a protocol error");
	coll_free(&c);

	/* a LOST-only message for CPU (u32)-1 is accepted; an EXIT in one is not */
	{
		static struct builder lb;

		memset(&lb, 0, sizeof(lb));
		lo.cpu = 0xffffffffu;
		put_rec(&lb, PROCSENTRY_REC_LOST, 0, 0xffffffffu, &lo, sizeof(lo), NULL, 0, NULL);
		wrap(msg, sizeof(msg), 0xffffffffu, &lb);
		coll_init(&c);
		c.quiet = 1;
		coll_feed_msg(&c, FAKE_FAMILY, (struct nlmsghdr *)msg);
		T(c.proto_errors == 0 && c.lost_recs == 1, "LOST for CPU -1: errors %u lost %llu", c.proto_errors,
		  (unsigned long long)c.lost_recs);
		coll_free(&c);
		put_rec(&lb, PROCSENTRY_REC_EXIT, 9, 0, &xt, sizeof(xt), NULL, 0, NULL);
		wrap(msg, sizeof(msg), 0xffffffffu, &lb);
		coll_init(&c);
		c.quiet = 1;
		coll_feed_msg(&c, FAKE_FAMILY, (struct nlmsghdr *)msg);
		T(c.proto_errors == 1, "EXIT in a CPU -1 message: errors %u", c.proto_errors);
		coll_free(&c);
	}

	/* malformed: string out of bounds */
	{
		struct builder bb;
		struct procsentry_rec_hdr *h;
		struct procsentry_exec *pe;

		memset(&bb, 0, sizeof(bb));
		put_rec(&bb, PROCSENTRY_REC_EXEC, 1, 0, &ex, sizeof(ex), strs, 3, slots);
		pe = (struct procsentry_exec *)(bb.buf + sizeof(*h));
		pe->argv.len = 100000;
		coll_init(&c);
		c.quiet = 1;
		coll_feed_records(&c, 0, bb.buf, bb.len);
		T(c.proto_errors == 1 && c.n == 0, "string out of bounds: errors %u n %zu", c.proto_errors, c.n);
		coll_free(&c);
		pe->argv.len = 1;
		pe->argv.off = 4; /* overlaps the header */
		coll_init(&c);
		c.quiet = 1;
		coll_feed_records(&c, 0, bb.buf, bb.len);
		T(c.proto_errors == 1, "string overlapping header: errors %u", c.proto_errors);
		coll_free(&c);

		h = (struct procsentry_rec_hdr *)bb.buf;
		pe->argv.off = 0;
		pe->argv.len = 0;
		h->size = 16; /* smaller than a header */
		coll_init(&c);
		c.quiet = 1;
		coll_feed_records(&c, 0, bb.buf, bb.len);
		T(c.proto_errors >= 1 && c.n == 0, "tiny size");
		coll_free(&c);
		h->size = (uint32_t)bb.len + 8; /* beyond the attribute */
		coll_init(&c);
		c.quiet = 1;
		coll_feed_records(&c, 0, bb.buf, bb.len);
		T(c.proto_errors >= 1 && c.n == 0, "size beyond the buffer");
		coll_free(&c);
		h->size = sizeof(*h) + 8; /* body too short for EXEC */
		coll_init(&c);
		c.quiet = 1;
		coll_feed_records(&c, 0, bb.buf, sizeof(*h) + 8);
		T(c.proto_errors >= 1 && c.n == 0, "short body");
		coll_free(&c);
		/* larger header (future ABI): body at hdr_size */
		{
			struct builder g;
			struct procsentry_rec_hdr nh;

			memset(&g, 0, sizeof(g));
			memset(&nh, 0, sizeof(nh));
			nh.size = sizeof(nh) + 8 + sizeof(xt);
			nh.type = PROCSENTRY_REC_EXIT;
			nh.abi_version = PROCSENTRY_ABI_VERSION;
			nh.hdr_size = sizeof(nh) + 8;
			nh.seq = 7;
			nh.cpu = 1;
			memcpy(g.buf, &nh, sizeof(nh));
			memcpy(g.buf + sizeof(nh) + 8, &xt, sizeof(xt));
			coll_init(&c);
			c.quiet = 1;
			coll_feed_records(&c, 1, g.buf, nh.size);
			T(c.proto_errors == 0 && c.n == 1 && c.v[0].b.ex.exit_code == 0x300, "grown header");
			coll_free(&c);
		}
		/* unknown type is skipped */
		h->size = (uint32_t)bb.len;
		h->type = 99;
		coll_init(&c);
		c.quiet = 1;
		coll_feed_records(&c, 0, bb.buf, bb.len);
		T(c.proto_errors == 0 && c.n == 0 && c.unknown_types == 1, "unknown type");
		coll_free(&c);
	}

	/* random input must never crash */
	srand(1);
	for (int it = 0; it < 200000; it++) {
		unsigned char rnd[512];
		size_t len = (size_t)(rand() % (int)sizeof(rnd));

		for (size_t i = 0; i < len; i++)
			rnd[i] = (unsigned char)rand();
		if (len >= sizeof(struct procsentry_rec_hdr) && (it & 1)) {
			struct procsentry_rec_hdr *h = (struct procsentry_rec_hdr *)rnd;

			h->size = (uint32_t)(rand() % (int)(len + 16));
			h->hdr_size = (uint8_t)(rand() % 48);
			h->type = (uint16_t)(rand() % 8);
		}
		coll_init(&c);
		c.quiet = 1;
		c.silent = 1;
		coll_feed_records(&c, 0, rnd, len);
		for (size_t i = 0; i < c.n; i++) {
			const struct rec *x = &c.v[i];

			if (x->hdr.type == PROCSENTRY_REC_EXEC) {
				rec_str(x, x->b.exec.argv, &l);
				rec_str(x, x->b.exec.path, &l);
			}
		}
		coll_free(&c);
	}
}

static void test_netlink(void)
{
	struct nl nl;
	struct nlreq r;
	int id, err;

	err = nl_open(&nl);
	T(err == 0, "nl_open: %s", strerror(-err));
	if (err)
		return;
	id = nl_resolve(&nl, "nlctrl");
	T(id == GENL_ID_CTRL, "resolve nlctrl: %d (expected %d)", id, GENL_ID_CTRL);
	printf("nlctrl family id %d (portid %u)\n", id, nl.portid);
	err = nl_resolve(&nl, "ps-nosuch");
	printf("resolve of a missing family: %d (%s) extack \"%s\"\n", err, strerror(-err), nl.extack);
	T(err == -ENOENT, "missing family: %d", err);
	/* a name longer than GENL_NAMSIZ fails policy validation: -EINVAL with an extack message */
	err = nl_resolve(&nl, "procsentry-no-such-family");
	printf("resolve with a too-long name: %d (%s) extack \"%s\" offs %d\n", err, strerror(-err), nl.extack,
	       nl.ext_offs);
	T(err == -EINVAL, "too-long name: %d", err);
	T(nl.extack[0] != 0, "extack message missing");
	T(nl.ext_offs > 0, "extack offset missing");
	nlreq_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	err = nl_transact(&nl, &r, NULL, 2000);
	printf("GETFAMILY without attributes: %d (%s) extack \"%s\"\n", err, strerror(-err), nl.extack);
	T(err < 0, "GETFAMILY without attributes accepted?");
	/* events arriving on the socket while waiting for an ack go to the sink: none here */
	T(nl.stray == 0, "stray messages: %llu", (unsigned long long)nl.stray);
	id = nl_resolve(&nl, PROCSENTRY_GENL_NAME);
	printf("procsentry family on this host: %d (%s)\n", id, id < 0 ? strerror(-id) : "present");
	nl_close(&nl);
}

int selftest(void)
{
	test_netlink();
	test_parser();
	if (t_fail) {
		printf("FAIL: selftest: %d checks failed\n", t_fail);
		return 1;
	}
	printf("selftest: all checks passed\n");
	return 0;
}
