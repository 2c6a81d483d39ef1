// SPDX-License-Identifier: GPL-2.0
/*
 * Process life cycle from the sched tracepoints (exec, fork, exit), looked
 * up by name, plus attach/detach of everything while readers exist.
 */
#include "procsentry.h"
#include <linux/tracepoint.h>
#include <linux/binfmts.h>
#include <linux/hash.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>

static void procsentry_tp_exec(void *data, struct task_struct *p,
			       pid_t old_pid, struct linux_binprm *bprm)
{
	if (procsentry_wanted(PROCSENTRY_REC_EXEC, p))
		procsentry_emit_exec(p, old_pid, bprm);
}

static void procsentry_tp_fork(void *data, struct task_struct *parent,
			       struct task_struct *child)
{
	if (child->pid != child->tgid || (child->flags & PF_KTHREAD))
		return;
	/* The record is about the child (its task block). */
	if (procsentry_wanted(PROCSENTRY_REC_FORK, child))
		procsentry_emit_fork(parent, child);
}

/*
 * Without the tracepoint's group_dead argument, two threads of a group
 * exiting together can both see signal->live at 0.  The first to get here
 * reports; a small set-associative table of (signal, start) keys lets the
 * others know.  It only forgets a key after many other exits hash to the
 * same set, far longer than the race window.
 */
#ifndef PROCSENTRY_HAVE_EXIT_GROUP_DEAD
#define PROCSENTRY_EXIT_SETS_BITS	8
#define PROCSENTRY_EXIT_WAYS		4

struct procsentry_exit_key {
	const void *sig;
	u64 start;
};

static struct procsentry_exit_key
	procsentry_exit_seen[1 << PROCSENTRY_EXIT_SETS_BITS][PROCSENTRY_EXIT_WAYS];
static u8 procsentry_exit_next[1 << PROCSENTRY_EXIT_SETS_BITS];
static DEFINE_SPINLOCK(procsentry_exit_lock);

static bool procsentry_exit_first(struct task_struct *p)
{
	unsigned long set = hash_ptr(p->signal, PROCSENTRY_EXIT_SETS_BITS);
	u64 start = procsentry_compat_start_ns(p->group_leader);
	struct procsentry_exit_key *ways = procsentry_exit_seen[set];
	bool first = true;
	int i;

	spin_lock(&procsentry_exit_lock);
	for (i = 0; i < PROCSENTRY_EXIT_WAYS; i++) {
		if (ways[i].sig == p->signal && ways[i].start == start) {
			first = false;
			break;
		}
	}
	if (first) {
		i = procsentry_exit_next[set]++ % PROCSENTRY_EXIT_WAYS;
		ways[i].sig = p->signal;
		ways[i].start = start;
	}
	spin_unlock(&procsentry_exit_lock);
	return first;
}
#endif

static void procsentry_tp_exit(PROCSENTRY_TP_EXIT_PROTO)
{
	if (!PROCSENTRY_TP_EXIT_GROUP_DEAD(p) || (p->flags & PF_KTHREAD))
		return;
	if (!procsentry_wanted(PROCSENTRY_REC_EXIT, p))
		return;
#ifndef PROCSENTRY_HAVE_EXIT_GROUP_DEAD
	if (!procsentry_exit_first(p))
		return;
#endif
	procsentry_emit_exit(p);
}

struct procsentry_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool registered;
};

static struct procsentry_tp procsentry_sched_tps[] = {
	{ .name = "sched_process_exec", .probe = procsentry_tp_exec },
	{ .name = "sched_process_fork", .probe = procsentry_tp_fork },
	{ .name = "sched_process_exit", .probe = procsentry_tp_exit },
};

static void procsentry_tp_lookup(struct tracepoint *tp, void *priv)
{
	struct procsentry_tp *tps = priv;
	int i;

	for (i = 0; i < ARRAY_SIZE(procsentry_sched_tps); i++)
		if (!strcmp(tp->name, tps[i].name))
			tps[i].tp = tp;
}

int procsentry_hooks_init(void)
{
	int i;

	for_each_kernel_tracepoint(procsentry_tp_lookup, procsentry_sched_tps);
	for (i = 0; i < ARRAY_SIZE(procsentry_sched_tps); i++) {
		if (!procsentry_sched_tps[i].tp) {
			pr_err("tracepoint %s not found\n", procsentry_sched_tps[i].name);
			return -ENOENT;
		}
	}
	return 0;
}

static void procsentry_sched_detach(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(procsentry_sched_tps); i++) {
		struct procsentry_tp *t = &procsentry_sched_tps[i];

		if (t->registered)
			tracepoint_probe_unregister(t->tp, t->probe, NULL);
		t->registered = false;
	}
}

/* Called with the listeners mutex held, in process context. */
int procsentry_hooks_attach(void)
{
	int i, err;

	procsentry_inflight_reset();
	err = procsentry_syscall_attach();
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(procsentry_sched_tps); i++) {
		struct procsentry_tp *t = &procsentry_sched_tps[i];

		err = tracepoint_probe_register(t->tp, t->probe, NULL);
		if (err) {
			pr_err("cannot attach to %s: %d\n", t->name, err);
			procsentry_hooks_detach();
			return err;
		}
		t->registered = true;
	}
	return 0;
}

void procsentry_hooks_detach(void)
{
	procsentry_sched_detach();
	procsentry_syscall_detach();
	/* No probe may still be running once this returns. */
	tracepoint_synchronize_unregister();
}

u64 procsentry_hooks_missed(void)
{
	return procsentry_syscall_missed();
}

u32 procsentry_hooks_active(void)
{
	u32 n = procsentry_syscall_active();
	int i;

	for (i = 0; i < ARRAY_SIZE(procsentry_sched_tps); i++)
		n += procsentry_sched_tps[i].registered;
	return n;
}
