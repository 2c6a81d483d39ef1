// SPDX-License-Identifier: GPL-2.0
/* CRED_CHANGE scenarios: native set*id calls, refused calls, capset, int $0x80 (IA32 / IA32_UID16). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "scen.h"

/* i386 syscall numbers */
#define I386_SETUID16		23
#define I386_SETRESUID16	164
#define I386_SETREUID32		203
#define I386_SETRESUID32	208
#define I386_SETRESGID32	210
#define I386_SETUID32		213
#define I386_SETGID32		214

#define M1 0xffffffffu

struct step {
	unsigned call, entry;
	int nargs;
	uint32_t args[3];
	long ret;		/* raw kernel return */
	int noop;		/* succeeds and changes nothing: reported only with PROCSENTRY_CFG_CRED_NOOP */
	int done;
	struct procsentry_creds before, after;
};

struct plan {
	int n;
	struct step s[12];
	int no_ia32;		/* int $0x80 returned -ENOSYS */
	int report_noop;	/* PROCSENTRY_CFG_CRED_NOOP was set for this plan */
};

static size_t expected_records(const struct plan *p)
{
	size_t n = 0;

	for (int i = 0; i < p->n; i++)
		n += !p->s[i].noop || p->report_noop;
	return n;
}

static long int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "cc", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15");
	return ret;
}

static long raw_native(long nr, long a, long b, long c)
{
	long r = syscall(nr, a, b, c);

	return r == -1 ? -errno : r;
}

static long do_step(const struct step *s)
{
	long a = (long)s->args[0], b = (long)s->args[1], c = (long)s->args[2];

	if (s->entry == PROCSENTRY_ENTRY_NATIVE) {
		/* 32-bit ids: pass -1 as (uid_t)-1 */
		a = (long)(uint32_t)a;
		b = (long)(uint32_t)b;
		c = (long)(uint32_t)c;
		switch (s->call) {
		case PROCSENTRY_CALL_SETUID: return raw_native(SYS_setuid, a, 0, 0);
		case PROCSENTRY_CALL_SETREUID: return raw_native(SYS_setreuid, a, b, 0);
		case PROCSENTRY_CALL_SETRESUID: return raw_native(SYS_setresuid, a, b, c);
		case PROCSENTRY_CALL_SETFSUID: return raw_native(SYS_setfsuid, a, 0, 0);
		case PROCSENTRY_CALL_SETGID: return raw_native(SYS_setgid, a, 0, 0);
		case PROCSENTRY_CALL_SETREGID: return raw_native(SYS_setregid, a, b, 0);
		case PROCSENTRY_CALL_SETRESGID: return raw_native(SYS_setresgid, a, b, c);
		case PROCSENTRY_CALL_SETFSGID: return raw_native(SYS_setfsgid, a, 0, 0);
		case PROCSENTRY_CALL_CAPSET: {
			struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
			struct __user_cap_data_struct d[2];

			memset(d, 0, sizeof(d));
			d[0].effective = d[0].permitted = (uint32_t)a;
			return raw_native(SYS_capset, (long)&h, (long)d, 0);
		}
		}
		return -ENOSYS;
	}
	if (s->entry == PROCSENTRY_ENTRY_IA32) {
		switch (s->call) {
		case PROCSENTRY_CALL_SETUID: return int80(I386_SETUID32, a, 0, 0);
		case PROCSENTRY_CALL_SETREUID: return int80(I386_SETREUID32, a, b, 0);
		case PROCSENTRY_CALL_SETRESUID: return int80(I386_SETRESUID32, a, b, c);
		case PROCSENTRY_CALL_SETGID: return int80(I386_SETGID32, a, 0, 0);
		case PROCSENTRY_CALL_SETRESGID: return int80(I386_SETRESGID32, a, b, c);
		}
		return -ENOSYS;
	}
	/* UID16: 16-bit ids, 0xffff = unchanged */
	switch (s->call) {
	case PROCSENTRY_CALL_SETUID: return int80(I386_SETUID16, a & 0xffff, 0, 0);
	case PROCSENTRY_CALL_SETRESUID: return int80(I386_SETRESUID16, a & 0xffff, b & 0xffff, c & 0xffff);
	}
	return -ENOSYS;
}

static void add(struct plan *p, unsigned call, unsigned entry, int nargs, uint32_t a, uint32_t b, uint32_t c)
{
	struct step *s = &p->s[p->n++];

	memset(s, 0, sizeof(*s));
	s->call = call;
	s->entry = entry;
	s->nargs = nargs;
	s->args[0] = a;
	s->args[1] = nargs > 1 ? b : 0;
	s->args[2] = nargs > 2 ? c : 0;
}

/* Run the plan in a forked child; returns the child pid and its wait status. */
static pid_t run_plan(struct plan *p, int *status)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (int i = 0; i < p->n; i++) {
			struct step *s = &p->s[i];

			read_creds(0, &s->before);
			s->ret = do_step(s);
			read_creds(0, &s->after);
			s->done = 1;
			if (s->entry != PROCSENTRY_ENTRY_NATIVE && s->ret == -ENOSYS) {
				p->no_ia32 = 1;
				_exit(3);
			}
		}
		_exit(0);
	}
	*status = wait_pid(pid, 5000);
	return pid;
}

static uint32_t widened(const struct step *s, int i)
{
	if (s->entry == PROCSENTRY_ENTRY_IA32_UID16 && (s->args[i] & 0xffff) == 0xffff)
		return M1;
	if (s->entry == PROCSENTRY_ENTRY_IA32_UID16)
		return s->args[i] & 0xffff;
	return s->args[i];
}

/* Compare the child's CRED_CHANGE records (by time) with the plan. */
static void check_plan(const struct coll *c, pid_t pid, const struct plan *p, const char *label)
{
	struct rec **v;
	size_t n = coll_find(c, PROCSENTRY_REC_CRED_CHANGE, (uint32_t)pid, &v);
	char w[160];

	printf("%s: %d calls made, %zu CRED_CHANGE records\n", label, p->n, n);
	for (int i = 0; i < p->n; i++)
		printf("  call #%d %s entry %s args [%d %d %d] -> %ld\n", i, call_name(p->s[i].call),
		       entry_name(p->s[i].entry), (int)p->s[i].args[0], (int)p->s[i].args[1], (int)p->s[i].args[2],
		       p->s[i].ret);
	snprintf(w, sizeof(w), "%s: number of CRED_CHANGE records (CRED_NOOP %s)", label, p->report_noop ? "on" : "off");
	expect_u64(w, expected_records(p), n);
	/* align records to calls in order: a missing record is reported as such, not as a mismatch of the rest */
	int k = 0;

	for (int i = 0; i < p->n; i++) {
		const struct step *s = &p->s[i];
		const struct procsentry_cred_change *cc;
		size_t m = (size_t)k;

		if (!s->done)
			break;
		if (s->noop && !p->report_noop)
			continue;	/* a record for it shows up below as unexpected */
		while (m < n && !(v[m]->b.cc.call == s->call &&
				   (s->call == PROCSENTRY_CALL_CAPSET || v[m]->b.cc.args[0] == widened(s, 0))))
			m++;
		if (m >= n) {
			failf("%s #%d %s(%d, %d, %d) entry %s -> %ld: no CRED_CHANGE record", label, i, call_name(s->call),
			      (int)s->args[0], (int)s->args[1], (int)s->args[2], entry_name(s->entry), s->ret);
			continue;
		}
		for (size_t x = (size_t)k; x < m; x++) {
			failf("%s: unexpected CRED_CHANGE record before call #%d:", label, i);
			rec_print(v[x]);
		}
		k = (int)m + 1;
		cc = &v[m]->b.cc;
#define W(fmt) (snprintf(w, sizeof(w), "%s #%d %s: " fmt, label, i, call_name(s->call)), w)
		expect_task(W("CRED_CHANGE"), &cc->task, (uint32_t)pid, (uint32_t)pid, (uint32_t)getpid(), g_self_comm);
		expect_s64(W("call (enum procsentry_call)"), s->call, cc->call);
		expect_s64(W("entry (0 NATIVE, 1 IA32, 2 IA32_UID16)"), s->entry, cc->entry);
		expect_s64(W("result"), s->ret, cc->result);
		if (s->call != PROCSENTRY_CALL_CAPSET) {
			expect_u64(W("nargs"), (uint64_t)s->nargs, cc->nargs);
			for (int a = 0; a < s->nargs; a++) {
				snprintf(w, sizeof(w), "%s #%d %s: args[%d]", label, i, call_name(s->call), a);
				expect_hex(w, widened(s, a), cc->args[a]);
			}
		} else {
			printf("  capset: nargs %u args [%x %x %x] (not asserted)\n", cc->nargs, cc->args[0], cc->args[1],
			       cc->args[2]);
		}
		expect_creds(W("cred_before"), &s->before, &cc->cred_before);
		expect_creds(W("task.cred (after)"), &s->after, &cc->task.cred);
#undef W
	}
	for (size_t x = (size_t)k; x < n; x++) {
		failf("%s: unexpected CRED_CHANGE record after the last matched call:", label);
		rec_print(v[x]);
	}
	free(v);
}

static int plan_scenario(struct plan **plans, int nplans, const char **labels, int ia32)
{
	struct nl nl;
	struct coll c;
	pid_t pids[8];
	int st[8];
	int tp = hook_mode_is_tp();

	struct procsentry_config cfg0, cfg;
	int have0 = 0, have, err;

	if (reader_open(&nl, &c))
		return 1;
	/* report every call, no-ops included, so each call maps to one record */
	err = ps_set_config(&nl, -1, -1, &cfg0, &have0);
	expect_s64("SET_CONFIG (read config) error", 0, err);
	err = ps_set_config3(&nl, -1, -1, PROCSENTRY_CFG_CRED_NOOP, &cfg, &have);
	expect_s64("SET_CONFIG CONFIG_FLAGS=CRED_NOOP error", 0, err);
	if (have)
		expect_hex("SET_CONFIG reply flags", PROCSENTRY_CFG_CRED_NOOP, cfg.flags);
	for (int i = 0; i < nplans; i++) {
		plans[i]->report_noop = 1;
		pids[i] = run_plan(plans[i], &st[i]);
	}
	err = ps_set_config3(&nl, -1, -1, have0 ? cfg0.flags : 0, &cfg, &have);
	expect_s64("SET_CONFIG restore CONFIG_FLAGS error", 0, err);
	{
		struct want w[16];
		int nw = 0;

		for (int i = 0; i < nplans; i++) {
			w[nw++] = (struct want){ PROCSENTRY_REC_EXIT, (uint32_t)pids[i], 1 };
			if (!ia32 || !tp)
				w[nw++] = (struct want){ PROCSENTRY_REC_CRED_CHANGE, (uint32_t)pids[i],
							 expected_records(plans[i]) };
		}
		collect_wants(&nl, &c, w, nw, 3000, 300);
	}
	for (int i = 0; i < nplans; i++) {
		dump_tgid(&c, (uint32_t)pids[i]);
		if (ia32 && (plans[i]->no_ia32 || WIFSIGNALED(st[i]))) {
			printf("SKIP %s: 32-bit syscalls unavailable in this kernel (int $0x80 -> %s)\n", labels[i],
			       plans[i]->no_ia32 ? "ENOSYS" : "signal");
			continue;
		}
		expect_u64("child wait status", 0, (uint32_t)st[i]);
		if (ia32 && tp && coll_count(&c, PROCSENTRY_REC_CRED_CHANGE, (uint32_t)pids[i]) == 0) {
			notef("%s: hook_mode=syscall_tp and no CRED_CHANGE for the int $0x80 calls: accepted", labels[i]);
			continue;
		}
		check_plan(&c, pids[i], plans[i], labels[i]);
	}
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

int sc_cred_refused(void)
{
	struct plan *a = shared_alloc(sizeof(*a));
	const char *labels[] = { "uid1000-refused" };

	add(a, PROCSENTRY_CALL_SETGID, PROCSENTRY_ENTRY_NATIVE, 1, 1000, 0, 0);
	add(a, PROCSENTRY_CALL_SETUID, PROCSENTRY_ENTRY_NATIVE, 1, 1000, 0, 0);
	add(a, PROCSENTRY_CALL_SETUID, PROCSENTRY_ENTRY_NATIVE, 1, 0, 0, 0);		/* refused: -EPERM */
	add(a, PROCSENTRY_CALL_SETRESUID, PROCSENTRY_ENTRY_NATIVE, 3, M1, 0, M1);	/* refused: -EPERM */
	plan_scenario(&a, 1, labels, 0);
	/* analytic expectations on top of the snapshots */
	expect_s64("setuid(0) by uid 1000: return", -EPERM, a->s[2].ret);
	expect_u64("setuid(0) by uid 1000: uid after", 1000, a->s[2].after.uid);
	expect_u64("setuid(0) by uid 1000: euid after", 1000, a->s[2].after.euid);
	expect_s64("setresuid(-1,0,-1) by uid 1000: return", -EPERM, a->s[3].ret);
	return g_failures ? 1 : 0;
}

int sc_cred_native(void)
{
	struct plan *a = shared_alloc(sizeof(*a)), *b = shared_alloc(sizeof(*b)), *c = shared_alloc(sizeof(*c));
	struct plan *plans[] = { a, b, c };
	const char *labels[] = { "root-setresuid", "root-setreuid", "root-capset" };

	add(a, PROCSENTRY_CALL_SETRESUID, PROCSENTRY_ENTRY_NATIVE, 3, 1, 2, 3);
	add(a, PROCSENTRY_CALL_SETFSUID, PROCSENTRY_ENTRY_NATIVE, 1, 1, 0, 0);	/* allowed: returns old fsuid 2 */
	add(a, PROCSENTRY_CALL_SETFSUID, PROCSENTRY_ENTRY_NATIVE, 1, 0, 0, 0);	/* refused: returns old fsuid 1 */

	add(b, PROCSENTRY_CALL_SETREUID, PROCSENTRY_ENTRY_NATIVE, 2, M1, 1000, 0);
	add(b, PROCSENTRY_CALL_SETRESGID, PROCSENTRY_ENTRY_NATIVE, 3, M1, M1, M1);
	b->s[b->n - 1].noop = 1;
	add(b, PROCSENTRY_CALL_SETREGID, PROCSENTRY_ENTRY_NATIVE, 2, 5, 6, 0);	/* no caps: -EPERM */
	add(b, PROCSENTRY_CALL_SETFSGID, PROCSENTRY_ENTRY_NATIVE, 1, 7, 0, 0);	/* refused: returns old 0 */
	add(b, PROCSENTRY_CALL_SETGID, PROCSENTRY_ENTRY_NATIVE, 1, 0, 0, 0);		/* gid == rgid: ok */

	add(c, PROCSENTRY_CALL_CAPSET, PROCSENTRY_ENTRY_NATIVE, 0, 1u << CAP_SETUID, 0, 0);
	add(c, PROCSENTRY_CALL_SETUID, PROCSENTRY_ENTRY_NATIVE, 1, 1000, 0, 0);

	plan_scenario(plans, 3, labels, 0);
	expect_s64("setresuid(1,2,3) return", 0, a->s[0].ret);
	expect_u64("after setresuid(1,2,3): uid", 1, a->s[0].after.uid);
	expect_u64("after setresuid(1,2,3): euid", 2, a->s[0].after.euid);
	expect_u64("after setresuid(1,2,3): suid", 3, a->s[0].after.suid);
	expect_s64("setfsuid(1) return (old fsuid)", 2, a->s[1].ret);
	expect_s64("setfsuid(0) refused return (old fsuid)", 1, a->s[2].ret);
	expect_u64("after setfsuid(0) refused: fsuid", 1, a->s[2].after.fsuid);
	expect_s64("setreuid(-1,1000) return", 0, b->s[0].ret);
	expect_u64("after setreuid(-1,1000): suid", 1000, b->s[0].after.suid);
	expect_s64("setregid(5,6) without caps return", -EPERM, b->s[2].ret);
	expect_s64("setfsgid(7) refused return (old fsgid)", 0, b->s[3].ret);
	expect_s64("capset return", 0, c->s[0].ret);
	expect_hex("after capset: cap_effective", 1u << CAP_SETUID, c->s[0].after.cap_effective);
	expect_s64("setuid(1000) with only CAP_SETUID return", 0, c->s[1].ret);
	return g_failures ? 1 : 0;
}

int sc_cred_ia32(void)
{
	struct plan *a = shared_alloc(sizeof(*a)), *b = shared_alloc(sizeof(*b));
	struct plan *plans[] = { a, b };
	const char *labels[] = { "ia32", "ia32-uid16" };

	if (hook_mode_is_tp())
		notef("hook_mode=syscall_tp: int $0x80 calls may go unreported; reported ones must be exact");
	add(a, PROCSENTRY_CALL_SETGID, PROCSENTRY_ENTRY_IA32, 1, 5, 0, 0);
	add(a, PROCSENTRY_CALL_SETRESGID, PROCSENTRY_ENTRY_IA32, 3, 6, 7, 8);
	add(a, PROCSENTRY_CALL_SETREUID, PROCSENTRY_ENTRY_IA32, 2, M1, 0, 0);
	add(a, PROCSENTRY_CALL_SETRESUID, PROCSENTRY_ENTRY_IA32, 3, 1, 2, 3);
	add(a, PROCSENTRY_CALL_SETUID, PROCSENTRY_ENTRY_IA32, 1, 0, 0, 0);		/* refused: -EPERM */

	add(b, PROCSENTRY_CALL_SETRESUID, PROCSENTRY_ENTRY_IA32_UID16, 3, 10, 0xffff, 0xffff);
	add(b, PROCSENTRY_CALL_SETUID, PROCSENTRY_ENTRY_IA32_UID16, 1, 0, 0, 0);	/* euid 0: ok */
	add(b, PROCSENTRY_CALL_SETRESUID, PROCSENTRY_ENTRY_IA32_UID16, 3, 20, 20, 20);
	add(b, PROCSENTRY_CALL_SETUID, PROCSENTRY_ENTRY_IA32_UID16, 1, 0, 0, 0);	/* refused: -EPERM */

	plan_scenario(plans, 2, labels, 1);
	if (!a->no_ia32 && a->s[4].done) {
		expect_s64("int80 setresuid32(1,2,3) return", 0, a->s[3].ret);
		expect_u64("after setresuid32(1,2,3): euid", 2, a->s[3].after.euid);
		expect_s64("int80 setuid32(0) refused return", -EPERM, a->s[4].ret);
	}
	if (!b->no_ia32 && b->s[3].done) {
		expect_s64("int80 setresuid16(10,-1,-1) return", 0, b->s[0].ret);
		expect_u64("after setresuid16(10,-1,-1): uid", 10, b->s[0].after.uid);
		expect_u64("after setresuid16(10,-1,-1): euid (unchanged)", 0, b->s[0].after.euid);
		expect_s64("int80 setuid16(0) refused return", -EPERM, b->s[3].ret);
	}
	return g_failures ? 1 : 0;
}

/* Default config: set*id calls that succeed and change nothing are not reported; with CRED_NOOP they are. */
int sc_cred_noop(void)
{
	struct nl nl;
	struct coll c;
	struct plan *pl[2] = { shared_alloc(sizeof(struct plan)), shared_alloc(sizeof(struct plan)) };
	struct procsentry_config cfg0, cfg;
	int have0 = 0, have, err, st[2];
	pid_t pids[2];

	for (int k = 0; k < 2; k++) {
		struct plan *a = pl[k];

		add(a, PROCSENTRY_CALL_SETRESUID, PROCSENTRY_ENTRY_NATIVE, 3, M1, M1, M1);
		a->s[a->n - 1].noop = 1;
		add(a, PROCSENTRY_CALL_SETUID, PROCSENTRY_ENTRY_NATIVE, 1, 0, 0, 0);	/* root, all uids 0 */
		a->s[a->n - 1].noop = 1;
		add(a, PROCSENTRY_CALL_SETFSUID, PROCSENTRY_ENTRY_NATIVE, 1, M1, 0, 0);	/* query */
		a->s[a->n - 1].noop = 1;
		add(a, PROCSENTRY_CALL_SETGID, PROCSENTRY_ENTRY_NATIVE, 1, 0, 0, 0);
		a->s[a->n - 1].noop = 1;
		add(a, PROCSENTRY_CALL_SETRESGID, PROCSENTRY_ENTRY_NATIVE, 3, M1, 7, M1);	/* changes egid */
		add(a, PROCSENTRY_CALL_SETUID, PROCSENTRY_ENTRY_NATIVE, 1, 1000, 0, 0);	/* changes */
		add(a, PROCSENTRY_CALL_SETUID, PROCSENTRY_ENTRY_NATIVE, 1, 0, 0, 0);		/* refused */
		add(a, PROCSENTRY_CALL_SETRESUID, PROCSENTRY_ENTRY_NATIVE, 3, M1, M1, M1);	/* no-op as 1000 */
		a->s[a->n - 1].noop = 1;
	}
	if (reader_open(&nl, &c))
		return 1;
	err = ps_set_config(&nl, -1, -1, &cfg0, &have0);
	expect_s64("SET_CONFIG (read config) error", 0, err);
	if (have0)
		printf("config flags before: 0x%x\n", cfg0.flags);
	err = ps_set_config3(&nl, -1, -1, 0, &cfg, &have);
	expect_s64("SET_CONFIG CONFIG_FLAGS=0 error", 0, err);
	pl[0]->report_noop = 0;
	pids[0] = run_plan(pl[0], &st[0]);
	err = ps_set_config3(&nl, -1, -1, PROCSENTRY_CFG_CRED_NOOP, &cfg, &have);
	expect_s64("SET_CONFIG CONFIG_FLAGS=CRED_NOOP error", 0, err);
	pl[1]->report_noop = 1;
	pids[1] = run_plan(pl[1], &st[1]);
	err = ps_set_config3(&nl, -1, -1, 0x80000000LL, &cfg, &have);
	printf("SET_CONFIG CONFIG_FLAGS=0x80000000: error %d (%s) extack \"%s\"\n", err, strerror(-err), nl.extack);
	if (err != -EINVAL && err != -ERANGE)
		failf("SET_CONFIG with an unknown CONFIG_FLAGS bit: expected -EINVAL or -ERANGE, got %d", err);
	err = ps_set_config3(&nl, -1, -1, have0 ? cfg0.flags : 0, &cfg, &have);
	expect_s64("SET_CONFIG restore CONFIG_FLAGS error", 0, err);
	collect_wants(&nl, &c,
		      (struct want[]){ { PROCSENTRY_REC_EXIT, (uint32_t)pids[0], 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)pids[1], 1 },
				       { PROCSENTRY_REC_CRED_CHANGE, (uint32_t)pids[0], expected_records(pl[0]) },
				       { PROCSENTRY_REC_CRED_CHANGE, (uint32_t)pids[1], expected_records(pl[1]) } },
		      4, 3000, 500);
	for (int k = 0; k < 2; k++) {
		expect_u64("child wait status", 0, (uint32_t)st[k]);
		dump_tgid(&c, (uint32_t)pids[k]);
		check_plan(&c, pids[k], pl[k], k == 0 ? "CRED_NOOP off (default)" : "CRED_NOOP on");
	}
	expect_s64("setfsuid(-1) query returns the fsuid", 0, pl[0]->s[2].ret);
	expect_s64("setuid(0) by uid 1000 refused", -EPERM, pl[0]->s[6].ret);
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

/* execve through int $0x80 (i386 execve = 11): EXEC_FAILED with entry IA32. */
int sc_exec_failed_ia32(void)
{
	static const char name[] = "/tmp/ps-missing-ia32";
	struct nl nl;
	struct coll c;
	long *ret = shared_alloc(sizeof(long));
	int tp = hook_mode_is_tp(), st;
	pid_t p;
	struct rec *r;

	if ((uintptr_t)name > 0xffffffffu) {
		printf("SKIP: the binary is not mapped below 4 GiB\n");
		return 0;
	}
	unlink(name);
	if (reader_open(&nl, &c))
		return 1;
	p = fork();
	if (p == 0) {
		volatile char sink = 0;

		for (size_t i = 0; i < sizeof(name); i++)	/* fault the page in: not the no-fault read issue */
			sink ^= name[i];
		(void)sink;
		static uint32_t argv32[2], envp32[1];	/* i386 pointer arrays, in .bss below 4 GiB */

		argv32[0] = (uint32_t)(uintptr_t)name;
		*ret = int80(11, (long)(uintptr_t)name, (long)(uintptr_t)argv32, (long)(uintptr_t)envp32);
		_exit(0);
	}
	st = wait_pid(p, 5000);
	if (WIFSIGNALED(st) || *ret == -ENOSYS) {
		printf("SKIP: 32-bit syscalls unavailable (status 0x%x, ret %ld)\n", st, *ret);
		nl_close(&nl);
		return 0;
	}
	printf("int $0x80 execve(\"%s\") -> %ld\n", name, *ret);
	expect_s64("int $0x80 execve of a missing file", -ENOENT, *ret);
	collect_wants(&nl, &c,
		      (struct want[]){ { PROCSENTRY_REC_EXIT, (uint32_t)p, 1 },
				       { PROCSENTRY_REC_EXEC_FAILED, (uint32_t)p, tp ? 0 : 1 } },
		      2, 3000, 300);
	dump_tgid(&c, (uint32_t)p);
	r = coll_first(&c, PROCSENTRY_REC_EXEC_FAILED, (uint32_t)p);
	if (!r && tp) {
		notef("hook_mode=syscall_tp: no EXEC_FAILED for the int $0x80 execve: accepted");
	} else if (r) {
		uint32_t l;
		const char *s = rec_str(r, r->b.ef.filename, &l);

		expect_u64("EXEC_FAILED count", 1, coll_count(&c, PROCSENTRY_REC_EXEC_FAILED, (uint32_t)p));
		expect_s64("EXEC_FAILED error", -ENOENT, r->b.ef.error);
		expect_u64("EXEC_FAILED call (EXECVE)", PROCSENTRY_CALL_EXECVE, r->b.ef.call);
		expect_u64("EXEC_FAILED entry (1 = IA32)", PROCSENTRY_ENTRY_IA32, r->b.ef.entry);
		expect_bytes("EXEC_FAILED filename", name, sizeof(name) - 1, s, l);
		expect_hex("EXEC_FAILED name_flags", 0, r->b.ef.name_flags);
	}
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

struct commit_shared {
	struct procsentry_creds before, after;
	int write_err, unshare_err, ready;
};

static void check_commit(const struct coll *c, pid_t pid, const struct commit_shared *sh, const char *label, int tp)
{
	struct rec **v;
	size_t n = coll_find(c, PROCSENTRY_REC_CRED_CHANGE, (uint32_t)pid, &v), found = 0, groups = 0;
	char w[160];

	for (size_t i = 0; i < n; i++) {
		const struct procsentry_cred_change *cc = &v[i]->b.cc;

		if (cc->call != PROCSENTRY_CALL_COMMIT_CREDS)
			continue;
		/* setgroups() in drop_to_uid: only the supplementary groups change, which the
		 * record does not carry (ids and capabilities equal before and after) */
		if (!memcmp(&cc->cred_before, &cc->task.cred, sizeof(cc->cred_before))) {
			groups++;
			continue;
		}
		found++;
		printf("%s: COMMIT_CREDS record: result %d nargs %u args [%d %d %d]\n", label, cc->result, cc->nargs,
		       (int)cc->args[0], (int)cc->args[1], (int)cc->args[2]);
		snprintf(w, sizeof(w), "%s: COMMIT_CREDS entry (3 = KERNEL)", label);
		expect_u64(w, PROCSENTRY_ENTRY_KERNEL, cc->entry);
		snprintf(w, sizeof(w), "%s: COMMIT_CREDS nargs", label);
		expect_u64(w, 0, cc->nargs);
		snprintf(w, sizeof(w), "%s: COMMIT_CREDS cred_before", label);
		expect_creds(w, &sh->before, &cc->cred_before);
		snprintf(w, sizeof(w), "%s: COMMIT_CREDS task.cred", label);
		expect_creds(w, &sh->after, &cc->task.cred);
		expect_task(label, &cc->task, (uint32_t)pid, (uint32_t)pid, (uint32_t)getpid(), g_self_comm);
	}
	free(v);
	if (tp && !found) {
		notef("%s: hook_mode=syscall_tp has no COMMIT_CREDS records (docs/DESIGN.md)", label);
		return;
	}
	snprintf(w, sizeof(w), "%s: CRED_CHANGE records with call COMMIT_CREDS", label);
	expect_u64(w, 1, found);
	snprintf(w, sizeof(w), "%s: COMMIT_CREDS records for setgroups() (groups only)", label);
	expect_u64(w, 1, groups);
}

/* Credentials changed outside every hooked call: commit_creds(prepare_kernel_cred()) from the
 * procsentry_test_escalate module, and unshare(CLONE_NEWUSER) by uid 1000. */
int sc_cred_commit_creds(void)
{
	static const char *ko = "/lib/modules/procsentry_test_escalate.ko";
	struct nl nl;
	struct coll c;
	struct commit_shared *sh = shared_alloc(2 * sizeof(*sh));
	int tp = hook_mode_is_tp(), have_esc = 0, st[2] = { 0, 0 }, fd;
	pid_t p[2] = { 0, 0 };

	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		long r = syscall(SYS_finit_module, fd, "", 0);

		if (r == 0 || errno == EEXIST)
			have_esc = 1;
		else
			failf("insmod %s: %s", ko, strerror(errno));
		close(fd);
	} else {
		notef("%s absent: the escalation half is skipped", ko);
	}
	if (reader_open(&nl, &c))
		return 1;
	if (have_esc) {
		p[0] = fork();
		if (p[0] == 0) {
			int f;

			if (drop_to_uid(1000, 1000) < 0)
				_exit(125);
			read_creds(0, &sh[0].before);
			f = open("/proc/procsentry_test_escalate", O_WRONLY);
			if (f < 0 || write(f, "1", 1) != 1)
				sh[0].write_err = errno;
			read_creds(0, &sh[0].after);
			_exit(0);
		}
		st[0] = wait_pid(p[0], 5000);
		expect_u64("escalating child wait status", 0, (uint32_t)st[0]);
		if (sh[0].write_err)
			failf("write /proc/procsentry_test_escalate: %s", strerror(sh[0].write_err));
		print_creds("escalation: before", &sh[0].before);
		print_creds("escalation: after", &sh[0].after);
		expect_u64("uid after the simulated exploit", 0, sh[0].after.uid);
	}
	p[1] = fork();
	if (p[1] == 0) {
		if (drop_to_uid(1000, 1000) < 0)
			_exit(125);
		read_creds(0, &sh[1].before);
		if (unshare(CLONE_NEWUSER) < 0)
			sh[1].unshare_err = errno;
		{
			struct procsentry_creds t;

			/* /proc shows ids in the reader's (new, unmapped) namespace: keep the global ids */
			read_creds(0, &t);
			sh[1].after = sh[1].before;
			sh[1].after.cap_effective = t.cap_effective;
			sh[1].after.cap_permitted = t.cap_permitted;
			sh[1].after.userns = t.userns;
			sh[1].after.securebits = t.securebits;
		}
		_exit(0);
	}
	st[1] = wait_pid(p[1], 5000);
	expect_u64("unsharing child wait status", 0, (uint32_t)st[1]);
	if (!sh[1].unshare_err) {
		print_creds("unshare(CLONE_NEWUSER) by uid 1000: before", &sh[1].before);
		print_creds("unshare(CLONE_NEWUSER) by uid 1000: after", &sh[1].after);
	} else {
		notef("unshare(CLONE_NEWUSER) as uid 1000: %s: that half is skipped", strerror(sh[1].unshare_err));
	}
	{
		struct want w[4];
		int nw = 0;

		for (int i = 0; i < 2; i++)
			if (p[i] > 0)
				w[nw++] = (struct want){ PROCSENTRY_REC_EXIT, (uint32_t)p[i], 1 };
		/* drop_to_uid: setgid + setuid records, then COMMIT_CREDS */
		if (!tp && p[0] > 0)
			w[nw++] = (struct want){ PROCSENTRY_REC_CRED_CHANGE, (uint32_t)p[0], 3 };
		if (!tp && !sh[1].unshare_err)
			w[nw++] = (struct want){ PROCSENTRY_REC_CRED_CHANGE, (uint32_t)p[1], 3 };
		collect_wants(&nl, &c, w, nw, 3000, 300);
	}
	if (p[0] > 0) {
		dump_tgid(&c, (uint32_t)p[0]);
		check_commit(&c, p[0], &sh[0], "escalation via commit_creds(prepare_kernel_cred())", tp);
	}
	if (!sh[1].unshare_err) {
		dump_tgid(&c, (uint32_t)p[1]);
		check_commit(&c, p[1], &sh[1], "unshare(CLONE_NEWUSER) by uid 1000", tp);
	}
	coll_expect_clean(&c);
	nl_close(&nl);
	if (have_esc && syscall(SYS_delete_module, "procsentry_test_escalate", O_NONBLOCK) < 0)
		notef("rmmod procsentry_test_escalate: %s", strerror(errno));
	return g_failures ? 1 : 0;
}
