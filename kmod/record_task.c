// SPDX-License-Identifier: GPL-2.0
/* The process identity block carried by every record. */
#include "procsentry.h"
#include <linux/audit.h>
#include <linux/sched/signal.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

void procsentry_fill_creds(struct procsentry_creds *c, const struct cred *cred)
{
	struct user_namespace *ns = &init_user_ns;

	c->uid = from_kuid_munged(ns, cred->uid);
	c->gid = from_kgid_munged(ns, cred->gid);
	c->suid = from_kuid_munged(ns, cred->suid);
	c->sgid = from_kgid_munged(ns, cred->sgid);
	c->euid = from_kuid_munged(ns, cred->euid);
	c->egid = from_kgid_munged(ns, cred->egid);
	c->fsuid = from_kuid_munged(ns, cred->fsuid);
	c->fsgid = from_kgid_munged(ns, cred->fsgid);
	c->cap_effective = procsentry_compat_cap(cred->cap_effective);
	c->cap_permitted = procsentry_compat_cap(cred->cap_permitted);
	c->userns = cred->user_ns->ns.inum;
	c->securebits = cred->securebits;
}

/*
 * Credentials beyond what records carry: a call that changes only these
 * (inheritable or ambient capabilities, bounding set, supplementary groups)
 * is still a change, never a no-op.
 */
bool procsentry_creds_same_extra(const struct cred *a, const struct cred *b)
{
	return a->group_info == b->group_info &&
		procsentry_compat_cap(a->cap_inheritable) ==
		procsentry_compat_cap(b->cap_inheritable) &&
		procsentry_compat_cap(a->cap_ambient) ==
		procsentry_compat_cap(b->cap_ambient) &&
		procsentry_compat_cap(a->cap_bset) ==
		procsentry_compat_cap(b->cap_bset);
}

/*
 * @task is current, or a child that has not run yet (fork), so its
 * nsproxy and comm are stable without task_lock.
 */
void procsentry_fill_task(struct procsentry_task *t, struct task_struct *task)
{
	struct pid_namespace *pidns;
	kuid_t loginuid;
	size_t n;

	t->pid = task->pid;
	t->tgid = task->tgid;
	loginuid = audit_get_loginuid(task);
	t->loginuid = uid_valid(loginuid) ?
		from_kuid(&init_user_ns, loginuid) : U32_MAX;
	t->sessionid = audit_get_sessionid(task);
	t->start_ns = procsentry_compat_start_ns(task->group_leader);
	/* Older kernels leave stale bytes after the NUL of a renamed comm. */
	memcpy(t->comm, task->comm, sizeof(t->comm));
	t->comm[sizeof(t->comm) - 1] = '\0';
	n = strnlen(t->comm, sizeof(t->comm));
	memset(t->comm + n, 0, sizeof(t->comm) - n);

	rcu_read_lock();
	t->ppid = task_tgid_nr(rcu_dereference(task->real_parent));
	procsentry_fill_creds(&t->cred, __task_cred(task));
	pidns = task_active_pid_ns(task);
	t->pid_ns = pidns ? pidns->ns.inum : 0;
	t->mnt_ns = procsentry_compat_mnt_ns(task->nsproxy);
	t->cgroup_id = procsentry_compat_cgroup_id(task);
	rcu_read_unlock();
}

/* The hot-path filter every hook runs first. */
bool procsentry_wanted(u16 type, struct task_struct *task)
{
	if (!(READ_ONCE(procsentry_event_mask) & (1U << type)))
		return false;
	return !procsentry_task_excluded(task);
}
