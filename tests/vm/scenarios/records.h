/* SPDX-License-Identifier: GPL-2.0 */
/* procsentry record parsing and collection with per-CPU sequence checks. */
#ifndef PS_SCEN_RECORDS_H
#define PS_SCEN_RECORDS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "../../../include/procsentry/procsentry_abi.h"

struct nl;

#define COLL_MAX_CPUS 1024

union rec_body {
	struct procsentry_exec exec;
	struct procsentry_exec_failed ef;
	struct procsentry_cred_change cc;
	struct procsentry_exit ex;
	struct procsentry_fork fk;
	struct procsentry_lost lost;
	struct procsentry_config_change cfg;
	unsigned char raw[512];
};

struct rec {
	struct procsentry_rec_hdr hdr;
	union rec_body b;	/* copy of the known part of the body, zero-filled */
	unsigned char *raw;	/* whole record (malloc'd), hdr.size bytes */
	uint32_t msg_cpu;	/* PROCSENTRY_A_CPU of the message */
	uint64_t order;		/* arrival order */
};

struct coll {
	struct rec *v;
	size_t n, cap;
	uint64_t msgs;
	uint64_t last_seq[COLL_MAX_CPUS];
	unsigned char seen[COLL_MAX_CPUS];
	uint64_t gap_records;	/* sum of missing sequence numbers */
	uint64_t gap_events;	/* number of holes */
	uint64_t lost_count[__PROCSENTRY_LOST_MAX + 1];	/* sum of LOST.count by cause */
	uint64_t lost_recs;	/* number of LOST records */
	uint64_t unknown_types;
	uint64_t enobufs;	/* recv() reported ENOBUFS */
	unsigned proto_errors;
	char first_error[512];
	int quiet;		/* do not print every record */
	int keep;		/* store records (default 1) */
	int silent;		/* do not print protocol errors (self-test fuzzing) */
};

void coll_init(struct coll *c);
void coll_free(struct coll *c);
void coll_note_enobufs(struct coll *c);

/* Feed one netlink message (from nl_recv) to the collector. */
void coll_feed_msg(struct coll *c, uint16_t family, const struct nlmsghdr *h);
/* Parse a PROCSENTRY_A_RECORDS payload (exposed for the self-test). */
void coll_feed_records(struct coll *c, uint32_t cpu, const unsigned char *p, size_t len);

/* Receive for up to ms; returns number of EVENTS messages handled or -errno. */
int coll_poll(struct nl *nl, struct coll *c, int ms);
/* Receive until done(c, ctx) returns nonzero or ms pass; returns 1 if done. */
int coll_until(struct nl *nl, struct coll *c, int ms, int (*done)(struct coll *, void *), void *ctx);
/* Receive until nothing arrives for quiet_ms (at most max_ms). */
void coll_drain(struct nl *nl, struct coll *c, int quiet_ms, int max_ms);

/* The task of a record (NULL for LOST). */
const struct procsentry_task *rec_task(const struct rec *r);
/* String of a record; validated at parse time. */
const char *rec_str(const struct rec *r, struct procsentry_str s, uint32_t *len);

/* Records of a type about tgid (type 0: any type; tgid 0: any), sorted by ts_ns. Caller frees. */
size_t coll_find(const struct coll *c, uint16_t type, uint32_t tgid, struct rec ***out);
size_t coll_count(const struct coll *c, uint16_t type, uint32_t tgid);
struct rec *coll_first(const struct coll *c, uint16_t type, uint32_t tgid);

/* Printing */
const char *rec_type_name(unsigned t);
const char *call_name(unsigned c);
const char *entry_name(unsigned e);
const char *lost_cause_name(unsigned c);
void rec_print(const struct rec *r);
void print_escaped(const char *p, size_t len, size_t max);
void coll_summary(const struct coll *c, const char *name);

/* Fail (via expect) if the collector saw protocol errors, gaps or LOST records. */
void coll_expect_clean(const struct coll *c);

#endif
