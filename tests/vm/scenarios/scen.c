// SPDX-License-Identifier: GPL-2.0
/* Record-level assertion helpers shared by the scenario groups. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scen.h"

struct wants_ctx {
	const struct want *w;
	int n;
};

static int wants_met(struct coll *c, void *ctx)
{
	struct wants_ctx *x = ctx;

	for (int i = 0; i < x->n; i++)
		if (coll_count(c, x->w[i].type, x->w[i].tgid) < x->w[i].n)
			return 0;
	return 1;
}

int collect_wants(struct nl *nl, struct coll *c, const struct want *w, int nw, int ms, int extra_ms)
{
	struct wants_ctx x = { w, nw };
	int ok = coll_until(nl, c, ms, wants_met, &x);

	if (extra_ms > 0)
		coll_poll(nl, c, extra_ms);
	if (!ok) {
		for (int i = 0; i < nw; i++) {
			size_t got = coll_count(c, w[i].type, w[i].tgid);

			if (got < w[i].n)
				failf("within %d ms: expected %zu %s record(s) for tgid %u, got %zu", ms, w[i].n,
				      rec_type_name(w[i].type), w[i].tgid, got);
		}
	}
	return ok;
}

size_t expect_count(const struct coll *c, uint16_t type, uint32_t tgid, size_t n, const char *what)
{
	size_t got = coll_count(c, type, tgid);

	if (got != n)
		failf("%s: expected exactly %zu %s record(s) for tgid %u, got %zu", what, n, rec_type_name(type), tgid,
		      got);
	return got;
}

static void check_str_field(const struct rec *r, const char *what, struct procsentry_str s, const char *exp,
			    size_t elen)
{
	uint32_t l;
	const char *p = rec_str(r, s, &l);

	expect_bytes(what, exp, elen, p, l);
}

void check_exec(const struct rec *r, const struct exec_exp *e)
{
	const struct procsentry_exec *x;

	if (!r) {
		failf("no EXEC record");
		return;
	}
	x = &r->b.exec;
	expect_task("EXEC", &x->task, e->pid, e->pid, e->ppid, e->comm);
	expect_u64("EXEC old_pid", e->old_pid ? e->old_pid : e->pid, x->old_pid);
	expect_hex("EXEC exec_flags", e->flags, x->exec_flags);
	if (e->path)
		check_str_field(r, "EXEC path", x->path, e->path, strlen(e->path));
	if (e->filename)
		check_str_field(r, "EXEC filename", x->filename, e->filename, strlen(e->filename));
	if (e->argv) {
		uint32_t al;
		const char *ap = rec_str(r, x->argv, &al);

		check_str_field(r, "EXEC argv", x->argv, e->argv, e->argv_len);
		if (al == e->argv_len + 1 && ap[e->argv_len] == 0 && memcmp(ap, e->argv, e->argv_len) == 0)
			printf("FAIL-HINT: EXEC argv has an extra NUL after the last argument; the ABI says \"argv is the "
			       "argument strings joined by NUL bytes\" (separators, no terminator)\n");
		expect_u64("EXEC argc", e->argc, x->argc);
	}
	if (e->interp)
		check_str_field(r, "EXEC interp", x->interp, e->interp, strlen(e->interp));
	if (e->interp_path)
		check_str_field(r, "EXEC interp_path", x->interp_path, e->interp_path, strlen(e->interp_path));
	if (e->cred)
		expect_creds("EXEC task.cred (after)", e->cred, &x->task.cred);
	if (e->cred_before)
		expect_creds("EXEC cred_before", e->cred_before, &x->cred_before);
	expect_u64("EXEC reserved", 0, x->reserved);
	expect_u64("EXEC hdr.type", PROCSENTRY_REC_EXEC, r->hdr.type);
}

void check_fork(const struct rec *r, uint32_t child, uint32_t creator, uint32_t ppid, const char *comm)
{
	if (!r) {
		failf("no FORK record for %u", child);
		return;
	}
	expect_task("FORK", &r->b.fk.task, child, child, ppid, comm);
	expect_u64("FORK creator_tgid", creator, r->b.fk.creator_tgid);
}

void check_exit(const struct rec *r, uint32_t tgid, uint32_t ppid, int raw)
{
	char buf[128];

	if (!r) {
		failf("no EXIT record for %u", tgid);
		return;
	}
	snprintf(buf, sizeof(buf), "EXIT(%u) task.tgid", tgid);
	expect_u64(buf, tgid, r->b.ex.task.tgid);
	snprintf(buf, sizeof(buf), "EXIT(%u) task.ppid", tgid);
	expect_u64(buf, ppid, r->b.ex.task.ppid);
	snprintf(buf, sizeof(buf), "EXIT(%u) exit_code (raw wait status as waitpid saw it)", tgid);
	expect_hex(buf, (uint32_t)raw, r->b.ex.exit_code);
	snprintf(buf, sizeof(buf), "EXIT(%u) status", tgid);
	expect_s64(buf, (raw & 0x7f) == 0 ? ((raw >> 8) & 0xff) : -1, r->b.ex.status);
	snprintf(buf, sizeof(buf), "EXIT(%u) signal", tgid);
	expect_u64(buf, (raw & 0x7f) && (raw & 0x7f) != 0x7f ? (raw & 0x7f) : 0, r->b.ex.signal);
	snprintf(buf, sizeof(buf), "EXIT(%u) core_dumped", tgid);
	expect_u64(buf, (raw & 0x80) ? 1 : 0, r->b.ex.core_dumped);
}

void dump_tgid(const struct coll *c, uint32_t tgid)
{
	struct rec **v;
	size_t n = coll_find(c, 0, tgid, &v);

	printf("records about tgid %u (%zu, by ts):\n", tgid, n);
	for (size_t i = 0; i < n; i++)
		rec_print(v[i]);
	free(v);
}

size_t count_forks_by(const struct coll *c, uint32_t creator)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].hdr.type == PROCSENTRY_REC_FORK && c->v[i].b.fk.creator_tgid == creator)
			n++;
	return n;
}
