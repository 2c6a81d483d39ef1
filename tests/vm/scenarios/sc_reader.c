// SPDX-License-Identifier: GPL-2.0
/* Reader lifecycle scenarios: killed reader, UNREGISTER/close, listener limit, overflow storm. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "scen.h"

static int stats_or_fail(struct nl *q, struct ps_stats *s, const char *label)
{
	int err = ps_get_stats(q, s);

	if (err) {
		failf("%s: GET_STATS error %d (%s)", label, err, strerror(-err));
		return -1;
	}
	return 0;
}

/* Poll GET_STATS until listeners == want (and hooks_attached == hooks if hooks >= 0). Returns ms or -1. */
static int wait_listeners(struct nl *q, uint32_t want, int hooks, int ms, struct ps_stats *s)
{
	long long start = now_ms(), end = start + ms;

	for (;;) {
		if (ps_get_stats(q, s) == 0 && s->global.listeners == want &&
		    (hooks < 0 || s->global.hooks_attached == (uint32_t)hooks))
			return (int)(now_ms() - start);
		if (now_ms() > end)
			return -1;
		sleep_ms(10);
	}
}

int sc_reader_killed(void)
{
	struct nl q;
	struct ps_stats s0, s;
	volatile int *ready = shared_alloc(sizeof(int) * 2);
	char *argv[] = { "ps-true", NULL };
	pid_t reader;
	int ms;

	if (ensure_ps_true())
		return 1;
	if (ps_open(&q) < 0) {
		failf("cannot open the procsentry family");
		return 1;
	}
	if (stats_or_fail(&q, &s0, "baseline"))
		return 1;
	printf("baseline: listeners %u hooks_attached %u\n", s0.global.listeners, s0.global.hooks_attached);
	reader = fork();
	if (reader == 0) {
		struct nl nl;
		struct coll c;

		coll_init(&c);
		c.quiet = 1;
		c.keep = 0;
		if (ps_open(&nl) < 0)
			_exit(10);
		nl.sink = &c;
		ready[1] = ps_register(&nl, PROCSENTRY_ABI_VERSION, -1, NULL);
		ready[0] = 1;
		for (;;)
			coll_poll(&nl, &c, 1000);
	}
	{
		long long end = now_ms() + 3000;

		while (!ready[0] && now_ms() < end)
			sleep_ms(5);
	}
	expect_s64("reader child REGISTER", 0, ready[1]);
	if (stats_or_fail(&q, &s, "with reader"))
		goto out;
	expect_u64("listeners with the reader child", s0.global.listeners + 1, s.global.listeners);
	expect_u64("hooks_attached with the reader child", 1, s.global.hooks_attached);
	/* records in flight when it dies */
	for (int i = 0; i < 3; i++) {
		pid_t p = spawn_exec(PS_TRUE, argv);

		if (i == 2) {
			kill(reader, SIGKILL);
			printf("reader %d killed while exec %d runs\n", (int)reader, (int)p);
		}
		wait_pid(p, 5000);
	}
	wait_pid(reader, 5000);
	ms = wait_listeners(&q, s0.global.listeners, -1, 1000, &s);
	if (ms < 0)
		failf("listeners after the reader was SIGKILLed: expected %u within 1000 ms, got %u", s0.global.listeners,
		      s.global.listeners);
	else
		printf("listeners back to %u after %d ms\n", s.global.listeners, ms);
	if (s0.global.listeners == 0) {
		ms = wait_listeners(&q, 0, 0, 1000, &s);
		if (ms < 0)
			failf("hooks_attached with no reader left: expected 0 within 1000 ms, got %u (listeners %u)",
			      s.global.hooks_attached, s.global.listeners);
		else
			printf("hooks_attached 0 after %d ms\n", ms);
		expect_u64("probes_active with no reader", 0, s.global.probes_active);
	} else {
		notef("other readers are registered: hooks_attached == 0 not checked");
	}
out:
	nl_close(&q);
	return g_failures ? 1 : 0;
}

int sc_reader_unregister(void)
{
	struct nl q, a, b;
	struct coll ca, cb;
	struct ps_stats s0, s;
	char *argv[] = { "ps-true", NULL };
	pid_t p;
	int err, ms;

	if (ensure_ps_true())
		return 1;
	if (ps_open(&q) < 0) {
		failf("cannot open the procsentry family");
		return 1;
	}
	if (stats_or_fail(&q, &s0, "baseline"))
		return 1;
	if (reader_open(&a, &ca))
		return 1;
	if (reader_open(&b, &cb))
		return 1;
	stats_or_fail(&q, &s, "two readers");
	expect_u64("listeners with two more readers", s0.global.listeners + 2, s.global.listeners);
	err = ps_unregister(&a);
	expect_s64("UNREGISTER error", 0, err);
	stats_or_fail(&q, &s, "after UNREGISTER");
	expect_u64("listeners right after UNREGISTER's ack", s0.global.listeners + 1, s.global.listeners);
	coll_poll(&a, &ca, 200);	/* whatever was in flight */
	{
		uint64_t before = ca.msgs;

		p = spawn_exec(PS_TRUE, argv);
		wait_pid(p, 5000);
		collect_wants(&b, &cb, (struct want[]){ { PROCSENTRY_REC_EXEC, (uint32_t)p, 1 } }, 1, 3000, 0);
		coll_poll(&a, &ca, 500);
		expect_u64("EVENTS messages to the unregistered socket after UNREGISTER", before, ca.msgs);
		expect_u64("EXEC records for the new exec on the unregistered socket", 0,
			   coll_count(&ca, PROCSENTRY_REC_EXEC, (uint32_t)p));
	}
	/* close without UNREGISTER */
	nl_close(&b);
	ms = wait_listeners(&q, s0.global.listeners, s0.global.listeners ? -1 : 0, 1000, &s);
	if (ms < 0)
		failf("after close() of the last reader: expected listeners %u hooks_attached %d within 1000 ms, "
		      "got listeners %u hooks_attached %u",
		      s0.global.listeners, s0.global.listeners ? 1 : 0, s.global.listeners, s.global.hooks_attached);
	else
		printf("listeners back to %u after close(), %d ms\n", s.global.listeners, ms);
	coll_expect_clean(&cb);
	nl_close(&a);
	nl_close(&q);
	return g_failures ? 1 : 0;
}

int sc_max_listeners(void)
{
	struct nl q, s[PROCSENTRY_MAX_LISTENERS + 1];
	struct coll *c = calloc(PROCSENTRY_MAX_LISTENERS + 1, sizeof(struct coll));
	struct ps_stats st0, st;
	char *argv[] = { "ps-true", NULL };
	int n, err, ms;
	pid_t p;

	if (ensure_ps_true())
		return 1;
	if (ps_open(&q) < 0) {
		failf("cannot open the procsentry family");
		return 1;
	}
	if (stats_or_fail(&q, &st0, "baseline"))
		return 1;
	n = PROCSENTRY_MAX_LISTENERS - (int)st0.global.listeners;
	printf("baseline listeners %u: registering %d readers up to the limit %d\n", st0.global.listeners, n,
	       PROCSENTRY_MAX_LISTENERS);
	for (int i = 0; i <= n; i++) {
		coll_init(&c[i]);
		c[i].quiet = 1;
		if (ps_open(&s[i]) < 0) {
			failf("socket %d", i);
			return 1;
		}
		s[i].sink = &c[i];
		err = ps_register(&s[i], PROCSENTRY_ABI_VERSION, -1, NULL);
		if (i < n) {
			char w[64];

			snprintf(w, sizeof(w), "REGISTER of reader %d", i + 1);
			expect_s64(w, 0, err);
		} else {
			printf("REGISTER beyond PROCSENTRY_MAX_LISTENERS: error %d (%s) extack \"%s\"\n", err,
			       strerror(-err), s[i].extack);
			expect_true("REGISTER beyond PROCSENTRY_MAX_LISTENERS is refused", err < 0);
		}
	}
	stats_or_fail(&q, &st, "at the limit");
	expect_u64("listeners at the limit", PROCSENTRY_MAX_LISTENERS, st.global.listeners);
	p = spawn_exec(PS_TRUE, argv);
	wait_pid(p, 5000);
	for (int i = 0; i < n; i++) {
		char w[96];

		collect_wants(&s[i], &c[i], (struct want[]){ { PROCSENTRY_REC_EXEC, (uint32_t)p, 1 } }, 1, 3000, 0);
		snprintf(w, sizeof(w), "reader %d: EXEC records for the exec", i + 1);
		expect_u64(w, 1, coll_count(&c[i], PROCSENTRY_REC_EXEC, (uint32_t)p));
		if (i > 0 && coll_first(&c[i], PROCSENTRY_REC_EXEC, (uint32_t)p) &&
		    coll_first(&c[0], PROCSENTRY_REC_EXEC, (uint32_t)p)) {
			const struct rec *x = coll_first(&c[i], PROCSENTRY_REC_EXEC, (uint32_t)p);
			const struct rec *y = coll_first(&c[0], PROCSENTRY_REC_EXEC, (uint32_t)p);

			snprintf(w, sizeof(w), "reader %d: the EXEC record is byte-identical to reader 1's", i + 1);
			expect_true(w, x->hdr.size == y->hdr.size && memcmp(x->raw, y->raw, x->hdr.size) == 0);
		}
	}
	coll_poll(&s[n], &c[n], 300);
	expect_u64("EVENTS to the refused socket", 0, c[n].msgs);
	for (int i = 0; i <= n; i++)
		nl_close(&s[i]);
	ms = wait_listeners(&q, st0.global.listeners, -1, 1000, &st);
	if (ms < 0)
		failf("listeners after closing all: expected %u within 1000 ms, got %u", st0.global.listeners,
		      st.global.listeners);
	nl_close(&q);
	return g_failures ? 1 : 0;
}

int sc_storm_small_rcvbuf(void)
{
	struct nl a, q;
	struct coll c;
	struct ps_stats s0, s1;
	char *argv[] = { "ps-true", NULL };
	int err, done = 0, nstorm = 2000;
	long long t0, spent;
	uint64_t lost_rf, received = 0;
	pid_t extra[3];

	if (ensure_ps_true())
		return 1;
	coll_init(&c);
	c.quiet = 1;
	if (ps_open(&a) < 0 || ps_open(&q) < 0) {
		failf("cannot open the procsentry family");
		return 1;
	}
	a.sink = &c;
	err = nl_set_rcvbuf(&a, 4096);
	printf("SO_RCVBUF 4096: %d, effective %d\n", err, nl_get_rcvbuf(&a));
	if (stats_or_fail(&q, &s0, "before"))
		return 1;
	err = ps_register(&a, PROCSENTRY_ABI_VERSION, -1, NULL);
	if (!expect_s64("REGISTER (small buffer)", 0, err))
		return 1;
	t0 = now_ms();
	for (int i = 0; i < nstorm; i++) {
		pid_t p = spawn_exec(PS_TRUE, argv);

		if (p < 0 || wait_pid(p, 10000) != 0) {
			failf("storm exec %d failed", i);
			break;
		}
		done++;
		if (now_ms() - t0 > 60000) {
			notef("storm stopped after %d execs (60 s budget)", done);
			break;
		}
	}
	spent = now_ms() - t0;
	printf("storm: %d fork+exec+exit in %lld ms\n", done, spent);
	coll_drain(&a, &c, 500, 20000);
	/* give pending LOST reports a chance to go out now that there is room */
	for (int i = 0; i < 3; i++) {
		extra[i] = spawn_exec(PS_TRUE, argv);
		wait_pid(extra[i], 5000);
	}
	/* not asserted: a 4 KB socket may drop these too */
	coll_drain(&a, &c, 500, 5000);
	printf("after the storm: EXEC records for the 3 extra execs: %zu %zu %zu\n",
	       coll_count(&c, PROCSENTRY_REC_EXEC, (uint32_t)extra[0]),
	       coll_count(&c, PROCSENTRY_REC_EXEC, (uint32_t)extra[1]),
	       coll_count(&c, PROCSENTRY_REC_EXEC, (uint32_t)extra[2]));
	if (stats_or_fail(&q, &s1, "after"))
		return 1;
	for (size_t i = 0; i < c.n; i++)
		if (c.v[i].hdr.type != PROCSENTRY_REC_LOST)
			received++;
		else
			rec_print(&c.v[i]);
	coll_summary(&c, "small-buffer reader");
	lost_rf = c.lost_count[PROCSENTRY_LOST_READER] + c.lost_count[PROCSENTRY_LOST_BUFFER_FULL];
	printf("produced during the run %llu, reader received %llu records, missing by seq %llu, LOST(reader+full) "
	       "reported %llu, dropped_reader delta %llu, dropped_full delta %llu\n",
	       (unsigned long long)(s1.sum.produced - s0.sum.produced), (unsigned long long)received,
	       (unsigned long long)c.gap_records, (unsigned long long)lost_rf,
	       (unsigned long long)(s1.sum.dropped_reader - s0.sum.dropped_reader),
	       (unsigned long long)(s1.sum.dropped_full - s0.sum.dropped_full));
	printf("stats after: produced %llu delivered %llu full %llu nomem %llu reader %llu no_listener %llu pending %llu\n",
	       (unsigned long long)s1.sum.produced, (unsigned long long)s1.sum.delivered,
	       (unsigned long long)s1.sum.dropped_full, (unsigned long long)s1.sum.dropped_nomem,
	       (unsigned long long)s1.sum.dropped_reader, (unsigned long long)s1.sum.dropped_no_listener,
	       (unsigned long long)s1.sum.pending);
	if (c.proto_errors)
		failf("record stream: %u protocol errors, first: %s", c.proto_errors, c.first_error);
	expect_true("the small-buffer reader saw a sequence gap (gap >= 1)", c.gap_records >= 1);
	expect_true("the small-buffer reader got LOST records with cause READER or BUFFER_FULL (lost_reported >= 1)",
		    lost_rf >= 1);
	expect_true("GET_STATS dropped_reader grew", s1.sum.dropped_reader > s0.sum.dropped_reader);
	expect_true("the reader received some records", received > 0);
	expect_true("records received + missing <= produced during the run",
		    received + c.gap_records <= s1.sum.produced - s0.sum.produced + 64);
	{
		uint64_t rhs = s1.sum.delivered + s1.sum.dropped_full + s1.sum.dropped_nomem + s1.sum.dropped_reader +
			       s1.sum.dropped_no_listener + s1.sum.pending;

		expect_u64("GET_STATS sum: produced == delivered + dropped_* + pending", rhs, s1.sum.produced);
		for (uint32_t i = 0; i < s1.n_entries; i++) {
			const struct procsentry_cpu_stats *x = &s1.cpu[i];
			char w[96];

			snprintf(w, sizeof(w), "GET_STATS cpu %u: produced == delivered + dropped_* + pending", i);
			expect_u64(w,
				   x->delivered + x->dropped_full + x->dropped_nomem + x->dropped_reader +
					   x->dropped_no_listener + x->pending,
				   x->produced);
		}
	}
	nl_close(&a);
	nl_close(&q);
	return g_failures ? 1 : 0;
}
