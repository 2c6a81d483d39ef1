// SPDX-License-Identifier: GPL-2.0
/* EXIT and FORK scenarios: exit codes, signals, core dumps, exit_group from a thread. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "scen.h"

static void check_child(const struct coll *c, pid_t p, int raw, const char *label)
{
	pid_t me = getpid();

	printf("-- %s: pid %d, wait status 0x%x\n", label, (int)p, raw);
	expect_count(c, PROCSENTRY_REC_FORK, (uint32_t)p, 1, label);
	expect_count(c, PROCSENTRY_REC_EXIT, (uint32_t)p, 1, label);
	check_fork(coll_first(c, PROCSENTRY_REC_FORK, (uint32_t)p), (uint32_t)p, (uint32_t)me, (uint32_t)me,
		   g_self_comm);
	check_exit(coll_first(c, PROCSENTRY_REC_EXIT, (uint32_t)p), (uint32_t)p, (uint32_t)me, raw);
}

int sc_exit_codes(void)
{
	struct nl nl;
	struct coll c;
	char oldpat[512] = "";
	pid_t p0, p3, pk, ps;
	int s0, s3, sk, ss;
	struct rec *r;

	if (read_file_str("/proc/sys/kernel/core_pattern", oldpat, sizeof(oldpat)) < 0)
		notef("cannot read core_pattern");
	ensure_dir("/tmp");
	{
		int e = write_proc("/proc/sys/kernel/core_pattern", "/tmp/core.%p");

		if (e < 0)
			notef("cannot write core_pattern: %s", strerror(-e));
		else
			printf("core_pattern /tmp/core.%%p (was \"%s\")\n", oldpat);
	}
	if (reader_open(&nl, &c))
		return 1;
	p0 = fork();
	if (p0 == 0)
		_exit(0);
	p3 = fork();
	if (p3 == 0)
		_exit(3);
	pk = fork();
	if (pk == 0) {
		for (;;)
			pause();
	}
	ps = fork();
	if (ps == 0) {
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

		setrlimit(RLIMIT_CORE, &rl);
		*(volatile int *)0 = 1;
		_exit(99);
	}
	s0 = wait_pid(p0, 5000);
	s3 = wait_pid(p3, 5000);
	sleep_ms(50);
	kill(pk, SIGKILL);
	sk = wait_pid(pk, 5000);
	ss = wait_pid(ps, 10000);
	expect_hex("wait status of _exit(0)", 0, (uint32_t)s0);
	expect_hex("wait status of _exit(3)", 0x300, (uint32_t)s3);
	expect_hex("wait status of SIGKILL", SIGKILL, (uint32_t)sk);
	expect_hex("wait status of SIGSEGV with core (core_pattern /tmp/core.%p, RLIMIT_CORE unlimited)",
		   0x80 | SIGSEGV, (uint32_t)ss);
	{
		char core[64];

		snprintf(core, sizeof(core), "/tmp/core.%d", (int)ps);
		if (access(core, F_OK) == 0)
			printf("core file %s written\n", core);
		unlink(core);
	}
	collect_wants(&nl, &c,
		      (struct want[]){ { PROCSENTRY_REC_EXIT, (uint32_t)p0, 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)p3, 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)pk, 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)ps, 1 },
				       { PROCSENTRY_REC_FORK, (uint32_t)ps, 1 } },
		      5, 3000, 500);
	dump_tgid(&c, (uint32_t)p0);
	dump_tgid(&c, (uint32_t)p3);
	dump_tgid(&c, (uint32_t)pk);
	dump_tgid(&c, (uint32_t)ps);
	check_child(&c, p0, s0, "exit(0)");
	check_child(&c, p3, s3, "exit(3)");
	check_child(&c, pk, sk, "SIGKILL");
	check_child(&c, ps, ss, "SIGSEGV+core");
	/* explicit constants, in case waitpid itself was odd */
	if ((r = coll_first(&c, PROCSENTRY_REC_EXIT, (uint32_t)p3))) {
		expect_s64("EXIT exit(3): status", 3, r->b.ex.status);
		expect_u64("EXIT exit(3): signal", 0, r->b.ex.signal);
	}
	if ((r = coll_first(&c, PROCSENTRY_REC_EXIT, (uint32_t)pk))) {
		expect_s64("EXIT SIGKILL: status", -1, r->b.ex.status);
		expect_u64("EXIT SIGKILL: signal", 9, r->b.ex.signal);
		expect_u64("EXIT SIGKILL: core_dumped", 0, r->b.ex.core_dumped);
	}
	if ((r = coll_first(&c, PROCSENTRY_REC_EXIT, (uint32_t)ps))) {
		expect_s64("EXIT SIGSEGV: status", -1, r->b.ex.status);
		expect_u64("EXIT SIGSEGV: signal", 11, r->b.ex.signal);
		expect_u64("EXIT SIGSEGV: core_dumped", 1, r->b.ex.core_dumped);
	}
	for (int i = 0; i < 4; i++) {
		pid_t p = i == 0 ? p0 : i == 1 ? p3 : i == 2 ? pk : ps;

		expect_count(&c, PROCSENTRY_REC_EXEC, (uint32_t)p, 0, "EXEC (none: children did not exec)");
	}
	coll_expect_clean(&c);
	nl_close(&nl);
	if (oldpat[0])
		write_proc("/proc/sys/kernel/core_pattern", oldpat);
	return g_failures ? 1 : 0;
}

#define NTHREADS 50

static pthread_barrier_t g_bar;

static void *thr_fn(void *arg)
{
	long idx = (long)arg;

	pthread_barrier_wait(&g_bar);
	if (idx == 25) {
		sleep_ms(100);
		exit(3);	/* exit_group from a non-main thread */
	}
	for (;;)
		pause();
	return NULL;
}

int sc_exit_threads(void)
{
	struct nl nl;
	struct coll c;
	pid_t p;
	int st;
	struct rec **v;
	size_t n;

	if (reader_open(&nl, &c))
		return 1;
	p = fork();
	if (p == 0) {
		pthread_attr_t a;
		pthread_t t[NTHREADS];

		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 65536);
		pthread_barrier_init(&g_bar, NULL, NTHREADS + 1);
		for (long i = 0; i < NTHREADS; i++)
			if (pthread_create(&t[i], &a, thr_fn, (void *)i))
				_exit(120);
		pthread_barrier_wait(&g_bar);
		for (;;)
			pause();
	}
	st = wait_pid(p, 10000);
	expect_hex("wait status (exit(3) from thread 25)", 0x300, (uint32_t)st);
	collect_wants(&nl, &c, (struct want[]){ { PROCSENTRY_REC_EXIT, (uint32_t)p, 1 } }, 1, 3000, 1000);
	n = coll_find(&c, PROCSENTRY_REC_EXIT, (uint32_t)p, &v);
	for (size_t i = 0; i < n; i++)
		rec_print(v[i]);
	expect_u64("EXIT records for the 51-thread process", 1, n);
	if (n)
		check_exit(v[0], (uint32_t)p, (uint32_t)getpid(), st);
	free(v);
	n = coll_find(&c, PROCSENTRY_REC_FORK, (uint32_t)p, &v);
	expect_u64("FORK records with task.tgid == the process (threads are not forks)", 1, n);
	if (n)
		check_fork(v[0], (uint32_t)p, (uint32_t)getpid(), (uint32_t)getpid(), g_self_comm);
	free(v);
	expect_u64("FORK records created by the threaded process", 0, count_forks_by(&c, (uint32_t)p));
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

/* FORK.creator_tgid vs task.ppid: clone(CLONE_PARENT) and vfork. */
int sc_fork_clone_parent(void)
{
	struct nl nl;
	struct coll c;
	volatile int *gpid = shared_alloc(sizeof(int));
	pid_t me = getpid(), a, g, vf;
	int st, sg, sv;

	if (reader_open(&nl, &c))
		return 1;
	a = fork();
	if (a == 0) {
		long r = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);

		if (r == 0)
			_exit(7);	/* grandchild, reparented at birth to the scenario */
		*gpid = (int)r;
		_exit(r > 0 ? 0 : 1);
	}
	st = wait_pid(a, 5000);
	expect_u64("intermediate child wait status", 0, (uint32_t)st);
	g = *gpid;
	sg = g > 0 ? wait_pid(g, 5000) : -1;	/* CLONE_PARENT: it is our child */
	expect_hex("CLONE_PARENT grandchild wait status (by the scenario)", 0x700, (uint32_t)sg);
	vf = vfork();
	if (vf == 0)
		_exit(5);
	sv = wait_pid(vf, 5000);
	printf("intermediate %d, CLONE_PARENT child %d, vfork child %d\n", (int)a, (int)g, (int)vf);
	collect_wants(&nl, &c,
		      (struct want[]){ { PROCSENTRY_REC_FORK, (uint32_t)g, 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)g, 1 },
				       { PROCSENTRY_REC_FORK, (uint32_t)vf, 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)vf, 1 } },
		      4, 3000, 300);
	dump_tgid(&c, (uint32_t)a);
	dump_tgid(&c, (uint32_t)g);
	dump_tgid(&c, (uint32_t)vf);
	expect_count(&c, PROCSENTRY_REC_FORK, (uint32_t)g, 1, "FORK of the CLONE_PARENT child");
	printf("-- CLONE_PARENT child: creator = intermediate %d, ppid = scenario %d\n", (int)a, (int)me);
	check_fork(coll_first(&c, PROCSENTRY_REC_FORK, (uint32_t)g), (uint32_t)g, (uint32_t)a, (uint32_t)me,
		   g_self_comm);
	check_exit(coll_first(&c, PROCSENTRY_REC_EXIT, (uint32_t)g), (uint32_t)g, (uint32_t)me, sg);
	printf("-- vfork child\n");
	expect_count(&c, PROCSENTRY_REC_FORK, (uint32_t)vf, 1, "FORK of the vfork child");
	check_fork(coll_first(&c, PROCSENTRY_REC_FORK, (uint32_t)vf), (uint32_t)vf, (uint32_t)me, (uint32_t)me,
		   g_self_comm);
	check_exit(coll_first(&c, PROCSENTRY_REC_EXIT, (uint32_t)vf), (uint32_t)vf, (uint32_t)me, sv);
	expect_u64("FORK records created by the intermediate child", 1, count_forks_by(&c, (uint32_t)a));
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}
