// SPDX-License-Identifier: GPL-2.0
/* Control-plane scenarios: ABI checks, GET_STATS, privilege checks, unicast only to readers. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "scen.h"

static void print_stats(const char *label, const struct ps_stats *s)
{
	printf("%s: nr_cpus %u entries %u | sum produced %llu delivered %llu full %llu nomem %llu reader %llu "
	       "no_listener %llu pending %llu messages %llu | probe_missed %llu no_slot %llu listeners %u "
	       "hook_mode %u hooks_attached %u probes_active %u\n",
	       label, s->nr_cpus, s->n_entries, (unsigned long long)s->sum.produced,
	       (unsigned long long)s->sum.delivered, (unsigned long long)s->sum.dropped_full,
	       (unsigned long long)s->sum.dropped_nomem, (unsigned long long)s->sum.dropped_reader,
	       (unsigned long long)s->sum.dropped_no_listener, (unsigned long long)s->sum.pending,
	       (unsigned long long)s->sum.messages, (unsigned long long)s->global.probe_missed,
	       (unsigned long long)s->global.no_slot, s->global.listeners, s->global.hook_mode,
	       s->global.hooks_attached, s->global.probes_active);
}

/* produced == delivered + dropped_* + pending, per CPU and summed. */
static void expect_identity(const struct ps_stats *s, const char *label)
{
	char w[160];

	for (uint32_t i = 0; i < s->n_entries; i++) {
		const struct procsentry_cpu_stats *c = &s->cpu[i];
		uint64_t rhs = c->delivered + c->dropped_full + c->dropped_nomem + c->dropped_reader +
			       c->dropped_no_listener + c->pending;

		snprintf(w, sizeof(w), "%s: cpu %u produced == delivered + dropped_* + pending", label, i);
		expect_u64(w, rhs, c->produced);
	}
	snprintf(w, sizeof(w), "%s: sum produced == delivered + dropped_* + pending", label);
	expect_u64(w,
		   s->sum.delivered + s->sum.dropped_full + s->sum.dropped_nomem + s->sum.dropped_reader +
			   s->sum.dropped_no_listener + s->sum.pending,
		   s->sum.produced);
}

int sc_abi(void)
{
	struct nl nl;
	struct coll c;
	struct ps_reg_reply rr;
	struct nlreq r;
	int err;

	coll_init(&c);
	if (ps_open(&nl) < 0) {
		failf("cannot open the procsentry family");
		return 1;
	}
	nl.sink = &c;
	printf("family id %u, portid %u\n", nl.family, nl.portid);

	err = ps_register(&nl, 999, -1, NULL);
	printf("REGISTER abi=999: error %d (%s), extack \"%s\"\n", err, strerror(-err), nl.extack);
	expect_s64("REGISTER with ABI version 999: error (-EPROTO)", -EPROTO, err);
	expect_true("REGISTER with ABI version 999: extack message present", nl.extack[0] != 0);

	err = ps_register(&nl, -1, -1, NULL);
	printf("REGISTER without ABI attr: error %d (%s), extack \"%s\"\n", err, strerror(-err), nl.extack);
	expect_s64("REGISTER without PROCSENTRY_A_ABI_VERSION: error (-EINVAL)", -EINVAL, err);

	err = ps_register(&nl, PROCSENTRY_ABI_VERSION, 0x80000000LL, NULL);
	printf("REGISTER flags=0x80000000: error %d (%s), extack \"%s\"\n", err, strerror(-err), nl.extack);
	expect_s64("REGISTER with an unknown REG_FLAGS bit: error (-EINVAL)", -EINVAL, err);

	nlreq_init(&r, nl.family, 200, PROCSENTRY_GENL_VERSION, 0);
	err = nl_transact(&nl, &r, NULL, 2000);
	printf("unknown command 200: error %d (%s)\n", err, strerror(-err));
	expect_s64("unknown genl command: error (-EOPNOTSUPP)", -EOPNOTSUPP, err);

	nlreq_init(&r, nl.family, PROCSENTRY_CMD_EVENTS, PROCSENTRY_GENL_VERSION, 0);
	err = nl_transact(&nl, &r, NULL, 2000);
	printf("EVENTS sent by userspace: error %d (%s)\n", err, strerror(-err));
	expect_true("EVENTS sent by userspace is rejected", err < 0);

	err = ps_register(&nl, PROCSENTRY_ABI_VERSION, 0, &rr);
	printf("REGISTER abi=1 flags=0: error %d (%s) reply: abi %s%u ncpus %s%u config %s(mask 0x%x argv_max %u)\n",
	       err, strerror(-err), rr.have_abi ? "" : "(absent) ", rr.abi, rr.have_ncpus ? "" : "(absent) ",
	       rr.ncpus, rr.have_config ? "" : "(absent) ", rr.config.event_mask, rr.config.argv_max);
	expect_s64("REGISTER abi=1 flags=0: error", 0, err);
	if (!err) {
		struct ps_stats st;

		expect_true("REGISTER reply has PROCSENTRY_A_ABI_VERSION", rr.have_abi);
		expect_u64("REGISTER reply ABI version", PROCSENTRY_ABI_VERSION, rr.abi);
		expect_true("REGISTER reply has PROCSENTRY_A_NR_CPUS", rr.have_ncpus);
		expect_true("REGISTER reply has PROCSENTRY_A_CONFIG", rr.have_config);
		expect_u64("REGISTER reply config.argv_max", PROCSENTRY_ARGV_DEFAULT, rr.config.argv_max);
		expect_hex("REGISTER reply config.event_mask", PROCSENTRY_MASK_ALL, rr.config.event_mask);
		err = ps_get_stats(&nl, &st);
		expect_s64("GET_STATS error", 0, err);
		if (!err) {
			print_stats("registered", &st);
			expect_u64("REGISTER reply NR_CPUS == GET_STATS NR_CPUS", st.nr_cpus, rr.ncpus);
			expect_true("listeners >= 1 while registered", st.global.listeners >= 1);
			expect_u64("hooks_attached while registered", 1, st.global.hooks_attached);
		}
		err = ps_register(&nl, PROCSENTRY_ABI_VERSION, 0, NULL);
		printf("second REGISTER on the same socket: error %d (%s) extack \"%s\" (not asserted)\n", err,
		       strerror(-err), nl.extack);
		err = ps_unregister(&nl);
		expect_s64("UNREGISTER error", 0, err);
		err = ps_unregister(&nl);
		printf("UNREGISTER when not registered: error %d (%s) (not asserted)\n", err, strerror(-err));
	}
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

int sc_stats_basic(void)
{
	struct nl q, nl;
	struct coll c;
	struct ps_stats s0, s1, s2;
	char *argv[] = { "ps-true", NULL };
	int err, tp = hook_mode_is_tp(), pc = possible_cpus();
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	pid_t p;

	if (ensure_ps_true())
		return 1;
	if (ps_open(&q) < 0) {
		failf("cannot open the procsentry family");
		return 1;
	}
	err = ps_get_stats(&q, &s0);
	if (!expect_s64("GET_STATS (unregistered root socket) error", 0, err))
		return 1;
	print_stats("before", &s0);
	printf("possible CPUs %d, online %ld, hook_mode param %s\n", pc, online, tp ? "syscall_tp" : "kprobe");
	expect_u64("GET_STATS NR_CPUS == entries in CPU_STATS", s0.nr_cpus, s0.n_entries);
	expect_true("GET_STATS NR_CPUS >= online CPUs", (long)s0.nr_cpus >= online);
	if (pc > 0)
		expect_true("GET_STATS NR_CPUS <= possible CPUs", (int)s0.nr_cpus <= pc);
	expect_u64("global.hook_mode matches the hook_mode parameter", tp ? 1 : 0, s0.global.hook_mode);
	expect_u64("hooks_attached == (listeners > 0)", s0.global.listeners > 0, s0.global.hooks_attached);
	if (s0.global.listeners)
		notef("%u reader(s) already registered by someone else", s0.global.listeners);
	expect_identity(&s0, "before");
	if (reader_open(&nl, &c))
		return 1;
	err = ps_get_stats(&q, &s1);
	expect_s64("GET_STATS error", 0, err);
	print_stats("registered", &s1);
	expect_u64("listeners after one REGISTER", s0.global.listeners + 1, s1.global.listeners);
	expect_u64("hooks_attached with a reader", 1, s1.global.hooks_attached);
	if (!tp)
		expect_true("probes_active > 0 in kprobe mode with a reader", s1.global.probes_active > 0);
	p = spawn_exec(PS_TRUE, argv);
	wait_pid(p, 5000);
	collect_wants(&nl, &c,
		      (struct want[]){ { PROCSENTRY_REC_FORK, (uint32_t)p, 1 },
				       { PROCSENTRY_REC_EXEC, (uint32_t)p, 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)p, 1 } },
		      3, 3000, 200);
	err = ps_get_stats(&q, &s2);
	expect_s64("GET_STATS error", 0, err);
	print_stats("after exec", &s2);
	expect_true("produced grew by >= 3 (FORK, EXEC, EXIT)", s2.sum.produced >= s1.sum.produced + 3);
	expect_true("delivered grew by >= 3", s2.sum.delivered >= s1.sum.delivered + 3);
	expect_true("messages grew", s2.sum.messages > s1.sum.messages);
	expect_identity(&s2, "after exec");
	{
		uint64_t real = 0;

		for (size_t i = 0; i < c.n; i++)
			real += c.v[i].hdr.type != PROCSENTRY_REC_LOST;
		/* informational: other guest activity can land on either side of the GET_STATS calls */
		printf("records (not LOST) the reader got: %llu; delivered grew by %llu\n", (unsigned long long)real,
		       (unsigned long long)(s2.sum.delivered - s1.sum.delivered));
	}
	coll_expect_clean(&c);
	nl_close(&nl);
	nl_close(&q);
	return g_failures ? 1 : 0;
}

struct priv_shared {
	int ready;
	int err_reg_late, err_reg_early, err_stats, err_config, err_resolve;
	long msgs;
	char extack[512];
	int done;
};

int sc_priv_unprivileged(void)
{
	struct nl nl;
	struct coll c;
	struct priv_shared *sh = shared_alloc(sizeof(*sh));
	char *argv[] = { "ps-true", NULL };
	pid_t child, execs[5];
	int st;
	long long deadline;

	if (ensure_ps_true())
		return 1;
	if (reader_open(&nl, &c))
		return 1;
	child = fork();
	if (child == 0) {
		struct nl early, late;
		struct coll cc;
		int e;

		coll_init(&cc);
		cc.quiet = 1;
		/* opened as root, used after dropping privileges */
		if (ps_open(&early) < 0)
			_exit(10);
		early.sink = &cc;
		if (drop_to_uid(1000, 1000) < 0)
			_exit(11);
		e = ps_open(&late);
		sh->err_resolve = e;
		if (e < 0)
			_exit(12);
		late.sink = &cc;
		sh->err_reg_late = ps_register(&late, PROCSENTRY_ABI_VERSION, -1, NULL);
		snprintf(sh->extack, sizeof(sh->extack), "%s", late.extack);
		sh->err_reg_early = ps_register(&early, PROCSENTRY_ABI_VERSION, -1, NULL);
		{
			struct ps_stats *s = malloc(sizeof(*s));

			sh->err_stats = ps_get_stats(&late, s);
		}
		sh->err_config = ps_set_config(&late, -1, 100, NULL, NULL);
		__atomic_store_n(&sh->ready, 1, __ATOMIC_SEQ_CST);
		/* listen on both sockets for 1 s */
		{
			long long end = now_ms() + 1000;

			while (now_ms() < end) {
				coll_poll(&late, &cc, 20);
				coll_poll(&early, &cc, 20);
			}
		}
		sh->msgs = (long)(cc.msgs + early.stray + late.stray + cc.proto_errors);
		_exit(0);
	}
	deadline = now_ms() + 3000;
	while (!__atomic_load_n(&sh->ready, __ATOMIC_SEQ_CST) && now_ms() < deadline)
		sleep_ms(5);
	for (int i = 0; i < 5; i++)
		execs[i] = spawn_exec(PS_TRUE, argv);
	for (int i = 0; i < 5; i++)
		wait_pid(execs[i], 5000);
	st = wait_pid(child, 5000);
	expect_u64("unprivileged child wait status", 0, (uint32_t)st);
	printf("uid 1000: REGISTER %d (extack \"%s\"), REGISTER on a socket opened as root %d, GET_STATS %d, "
	       "SET_CONFIG %d, messages received %ld\n",
	       sh->err_reg_late, sh->extack, sh->err_reg_early, sh->err_stats, sh->err_config, sh->msgs);
	expect_s64("REGISTER by uid 1000 (no caps)", -EPERM, sh->err_reg_late);
	expect_s64("REGISTER by uid 1000 on a socket opened while root", -EPERM, sh->err_reg_early);
	expect_s64("GET_STATS by uid 1000", -EPERM, sh->err_stats);
	expect_s64("SET_CONFIG by uid 1000", -EPERM, sh->err_config);
	expect_u64("messages received by the unprivileged sockets within 1 s", 0, (uint64_t)sh->msgs);
	{
		struct want w[5];

		for (int i = 0; i < 5; i++)
			w[i] = (struct want){ PROCSENTRY_REC_EXEC, (uint32_t)execs[i], 1 };
		collect_wants(&nl, &c, w, 5, 3000, 200);
	}
	/* the root reader did see the activity, and argv_max was not changed by the refused SET_CONFIG */
	for (int i = 0; i < 5; i++) {
		struct rec *r = coll_first(&c, PROCSENTRY_REC_EXEC, (uint32_t)execs[i]);

		if (r)
			expect_hex("EXEC flags (no ARGV_TRUNC: refused SET_CONFIG had no effect)", 0, r->b.exec.exec_flags);
	}
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

int sc_unregistered_silent(void)
{
	struct nl nl, quiet;
	struct coll c, qc;
	char *argv[] = { "ps-true", NULL };
	pid_t p;
	long long end;

	if (ensure_ps_true())
		return 1;
	if (reader_open(&nl, &c))
		return 1;
	coll_init(&qc);
	if (ps_open(&quiet) < 0) {
		failf("cannot open a second socket");
		return 1;
	}
	quiet.sink = &qc;
	p = spawn_exec(PS_TRUE, argv);
	wait_pid(p, 5000);
	collect_wants(&nl, &c, (struct want[]){ { PROCSENTRY_REC_EXEC, (uint32_t)p, 1 } }, 1, 3000, 0);
	end = now_ms() + 1000;
	while (now_ms() < end)
		coll_poll(&quiet, &qc, 50);
	expect_u64("EVENTS messages on an unregistered root socket", 0, qc.msgs);
	expect_u64("stray messages on an unregistered root socket", 0, quiet.stray + qc.proto_errors);
	coll_expect_clean(&c);
	nl_close(&quiet);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

/* PROCSENTRY_REG_EXCLUDE_SELF: per reader, only the registering process is left out. */
static void self_changes(void)
{
	long r1 = syscall(SYS_setfsgid, 1234), r2 = syscall(SYS_setfsgid, 0);

	/* two real changes (fsgid 0 -> 1234 -> 0) */
	printf("self %d: setfsgid(1234) -> %ld, setfsgid(0) -> %ld\n", (int)getpid(), r1, r2);
}

static pid_t child_change(void)
{
	pid_t p = fork();

	if (p == 0) {
		syscall(SYS_setfsgid, 1234);
		_exit(0);
	}
	wait_pid(p, 5000);
	return p;
}

int sc_reg_exclude_self(void)
{
	struct nl a, b;
	struct coll ca, cb;
	struct ps_reg_reply rr;
	pid_t me = getpid(), p1, p2, t;
	int err;
	struct rec **v;
	size_t n, before;
	volatile int *sh = shared_alloc(sizeof(int) * 4);

	coll_init(&ca);
	if (ps_open(&a) < 0) {
		failf("cannot open the procsentry family");
		return 1;
	}
	a.sink = &ca;
	err = ps_register(&a, PROCSENTRY_ABI_VERSION, PROCSENTRY_REG_EXCLUDE_SELF, &rr);
	if (!expect_s64("REGISTER with REG_EXCLUDE_SELF", 0, err))
		return 1;

	printf("-- phase 1: the EXCLUDE_SELF reader is the only reader: nothing about this process\n");
	self_changes();
	p1 = child_change();
	collect_wants(&a, &ca,
		      (struct want[]){ { PROCSENTRY_REC_CRED_CHANGE, (uint32_t)p1, 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)p1, 1 } },
		      2, 3000, 300);
	n = coll_find(&ca, 0, (uint32_t)me, &v);
	for (size_t i = 0; i < n; i++)
		rec_print(v[i]);
	free(v);
	expect_u64("phase 1: EXCLUDE_SELF reader: records with task.tgid == the registering process", 0, n);
	expect_u64("phase 1: EXCLUDE_SELF reader: CRED_CHANGE about the child", 1,
		   coll_count(&ca, PROCSENTRY_REC_CRED_CHANGE, (uint32_t)p1));
	expect_u64("phase 1: EXCLUDE_SELF reader: EXIT of the child", 1, coll_count(&ca, PROCSENTRY_REC_EXIT, (uint32_t)p1));
	/* FORK's task is the child: the child's EXEC/EXIT are delivered, so its FORK should be too */
	if (!coll_count(&ca, PROCSENTRY_REC_FORK, (uint32_t)p1))
		printf("FAIL-HINT: the child's CRED_CHANGE and EXIT arrived but not its FORK: FORK is filtered by the "
		       "creator, not by task (the child)\n");
	expect_u64("phase 1: EXCLUDE_SELF reader: FORK of the child (task = child)", 1,
		   coll_count(&ca, PROCSENTRY_REC_FORK, (uint32_t)p1));

	printf("-- phase 2: a plain reader in the same process: exclusion off (not every reader asked)\n");
	if (reader_open(&b, &cb))
		return 1;
	before = coll_count(&ca, PROCSENTRY_REC_CRED_CHANGE, (uint32_t)me);
	self_changes();
	p2 = child_change();
	collect_wants(&b, &cb,
		      (struct want[]){ { PROCSENTRY_REC_CRED_CHANGE, (uint32_t)me, 2 },
				       { PROCSENTRY_REC_CRED_CHANGE, (uint32_t)p2, 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)p2, 1 } },
		      3, 3000, 300);
	collect_wants(&a, &ca,
		      (struct want[]){ { PROCSENTRY_REC_CRED_CHANGE, (uint32_t)me, before + 2 },
				       { PROCSENTRY_REC_CRED_CHANGE, (uint32_t)p2, 1 } },
		      2, 3000, 300);
	expect_u64("phase 2: plain reader: CRED_CHANGE about the registering process", 2,
		   coll_count(&cb, PROCSENTRY_REC_CRED_CHANGE, (uint32_t)me));
	expect_u64("phase 2: plain reader: FORK of the child", 1, coll_count(&cb, PROCSENTRY_REC_FORK, (uint32_t)p2));
	expect_u64("phase 2: EXCLUDE_SELF reader: CRED_CHANGE about the registering process (exclusion is off)", 2,
		   coll_count(&ca, PROCSENTRY_REC_CRED_CHANGE, (uint32_t)me) - before);
	coll_expect_clean(&cb);
	nl_close(&b);

	printf("-- phase 3: another process registers with EXCLUDE_SELF: it cannot hide from us, nor we from it\n");
	t = fork();
	if (t == 0) {
		struct nl c3;
		struct coll cc;

		coll_init(&cc);
		cc.quiet = 1;
		cc.keep = 0;
		if (ps_open(&c3) < 0)
			_exit(10);
		c3.sink = &cc;
		sh[1] = ps_register(&c3, PROCSENTRY_ABI_VERSION, PROCSENTRY_REG_EXCLUDE_SELF, NULL);
		sh[0] = 1;
		while (!sh[2])
			coll_poll(&c3, &cc, 10);
		syscall(SYS_setfsgid, 4321);
		syscall(SYS_setfsgid, 0);
		sh[3] = 1;
		while (sh[2] != 2)
			coll_poll(&c3, &cc, 10);
		_exit(0);
	}
	{
		long long end = now_ms() + 3000;

		while (!sh[0] && now_ms() < end)
			sleep_ms(5);
	}
	expect_s64("phase 3: the other process's REGISTER with EXCLUDE_SELF", 0, sh[1]);
	coll_poll(&a, &ca, 200);
	before = coll_count(&ca, PROCSENTRY_REC_CRED_CHANGE, (uint32_t)me);
	self_changes();
	sh[2] = 1;
	{
		long long end = now_ms() + 3000;

		while (!sh[3] && now_ms() < end)
			sleep_ms(5);
	}
	collect_wants(&a, &ca,
		      (struct want[]){ { PROCSENTRY_REC_CRED_CHANGE, (uint32_t)me, before + 2 },
				       { PROCSENTRY_REC_CRED_CHANGE, (uint32_t)t, 2 } },
		      2, 3000, 300);
	sh[2] = 2;
	wait_pid(t, 5000);
	expect_u64("phase 3: our CRED_CHANGE records (readers of two processes: no exclusion)", 2,
		   coll_count(&ca, PROCSENTRY_REC_CRED_CHANGE, (uint32_t)me) - before);
	expect_u64("phase 3: the other EXCLUDE_SELF process's CRED_CHANGE records (it cannot hide)", 2,
		   coll_count(&ca, PROCSENTRY_REC_CRED_CHANGE, (uint32_t)t));
	if (ca.proto_errors)
		failf("EXCLUDE_SELF reader: %u protocol errors, first: %s", ca.proto_errors, ca.first_error);
	expect_u64("EXCLUDE_SELF reader: LOST records", 0, ca.lost_recs);
	expect_u64("EXCLUDE_SELF reader: sequence holes (excluded records are not produced)", 0, ca.gap_records);
	nl_close(&a);
	return g_failures ? 1 : 0;
}
