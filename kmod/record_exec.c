// SPDX-License-Identifier: GPL-2.0
/*
 * Record builders.  They run in probe context: no sleeping, no faults
 * (user memory is read with the nofault helpers), and every size is known
 * before the record is reserved.
 */
#include "procsentry.h"
#include <linux/binfmts.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/magic.h>
#include <linux/mm_types.h>
#include <linux/percpu.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/string.h>

/* A #! line is at most BINPRM_BUF_SIZE; what the kernel keeps is shorter. */
#define PROCSENTRY_INTERP_KEEP	256

/* d_path scratch, PATH_MAX per CPU; used with preemption disabled. */
static char *procsentry_path_bufs;

int procsentry_builders_init(void)
{
	procsentry_path_bufs = kvmalloc_array(nr_cpu_ids, PATH_MAX, GFP_KERNEL);
	return procsentry_path_bufs ? 0 : -ENOMEM;
}

void procsentry_builders_free(void)
{
	kvfree(procsentry_path_bufs);
	procsentry_path_bufs = NULL;
}

static bool procsentry_is_memfd(const struct file *file)
{
	const struct dentry *d = file->f_path.dentry;
	unsigned long magic = file_inode(file)->i_sb->s_magic;

	return (magic == TMPFS_MAGIC || magic == HUGETLBFS_MAGIC) &&
		!file_inode(file)->i_nlink &&
		!strncmp((const char *)d->d_name.name, "memfd:", 6);
}

/* Is current's root elsewhere than its mount namespace's root? */
static bool procsentry_chrooted(void)
{
	struct fs_struct *fs = current->fs;
	bool chrooted;

	if (!fs)
		return false;
	/* fs->lock keeps root pinned; RCU keeps the mounts above it. */
	spin_lock(&fs->lock);
	rcu_read_lock();
	chrooted = procsentry_compat_chrooted(&fs->root);
	rcu_read_unlock();
	spin_unlock(&fs->lock);
	return chrooted;
}

static u32 procsentry_strnlen(const char *s, u32 max)
{
	return s ? strnlen(s, max) : 0;
}

void procsentry_emit_exec(struct task_struct *p, pid_t old_pid,
			  struct linux_binprm *bprm)
{
	u32 argv_max = READ_ONCE(procsentry_argv_max);
	const char *path, *run_path = NULL;
	u32 path_len = 0, run_len = 0, name_len, interp_len = 0;
	u32 argv_len = 0, argv_full = 0, used, flags = 0;
	struct procsentry_inflight *slot;
	struct procsentry_exec *e;
	struct procsentry_rsv rsv;
	struct mm_struct *mm = p->mm;
	char *buf;

	buf = procsentry_path_bufs + (size_t)get_cpu() * PATH_MAX;
	if (procsentry_chrooted())
		flags |= PROCSENTRY_EXEC_CHROOT;
	path = d_path(&bprm->file->f_path, buf, PATH_MAX);
	if (IS_ERR(path)) {
		flags |= PROCSENTRY_EXEC_PATH_ERR;
		path = NULL;
	} else {
		path_len = strlen(path);
	}
	/* A memfd never had a name in any filesystem: deleted too. */
	if (procsentry_is_memfd(bprm->file))
		flags |= PROCSENTRY_EXEC_MEMFD | PROCSENTRY_EXEC_DELETED;
	if (d_unlinked(bprm->file->f_path.dentry) ||
	    !file_inode(bprm->file)->i_nlink)
		flags |= PROCSENTRY_EXEC_DELETED;
	if (bprm->secureexec)
		flags |= PROCSENTRY_EXEC_SECURE;

	slot = procsentry_inflight_find();
	if (slot && slot->script_len) {
		/* path names the script; the binary that runs it is interp_path. */
		flags |= PROCSENTRY_EXEC_SCRIPT;
		run_path = path;
		run_len = path_len;
		path = slot->script;
		path_len = slot->script_len;
	}
	if (!slot)
		flags |= PROCSENTRY_EXEC_NO_CRED_BEFORE;

	name_len = procsentry_strnlen(bprm->filename, PATH_MAX);
	if (bprm->interp != bprm->filename) {
		flags |= PROCSENTRY_EXEC_INTERPRETED;
		interp_len = procsentry_strnlen(bprm->interp, PROCSENTRY_INTERP_KEEP);
	}
	if (mm && mm->arg_end > mm->arg_start) {
		/* The last argument's NUL ends the area: joined, not terminated. */
		argv_full = mm->arg_end - mm->arg_start - 1;
		argv_len = min(argv_full, argv_max);
		if (argv_len < argv_full)
			flags |= PROCSENTRY_EXEC_ARGV_TRUNC;
	}

	used = sizeof(struct procsentry_rec_hdr) + sizeof(*e);
	e = procsentry_rec_reserve(&rsv, PROCSENTRY_REC_EXEC,
				   used + path_len + run_len + name_len +
				   interp_len + argv_len);
	if (!e)
		goto out;
	procsentry_fill_task(&e->task, p);
	if (slot)
		e->cred_before = slot->c.before;
	e->argc = bprm->argc;
	e->old_pid = old_pid;
	e->path = procsentry_rec_put(&rsv, &used, path, path_len);
	e->interp_path = procsentry_rec_put(&rsv, &used, run_path, run_len);
	e->filename = procsentry_rec_put(&rsv, &used, bprm->filename, name_len);
	e->interp = procsentry_rec_put(&rsv, &used, bprm->interp, interp_len);
	if (argv_len) {
		char *dst = (char *)rsv.hdr + used;

		if (procsentry_compat_copy_user(dst, (const void __user *)mm->arg_start,
						argv_len)) {
			memset(dst, 0, argv_len);
			flags |= PROCSENTRY_EXEC_ARGV_ERR;
		} else {
			e->argv.off = used;
			e->argv.len = argv_len;
			used += argv_len;
		}
	}
	e->exec_flags = flags;
	rsv.hdr->size = procsentry_pad(used);
	procsentry_rec_commit(&rsv);
out:
	put_cpu();
}

void procsentry_emit_exec_failed(struct procsentry_inflight *slot, long ret)
{
	struct procsentry_exec_failed *f;
	struct procsentry_rsv rsv;
	u32 used = sizeof(struct procsentry_rec_hdr) + sizeof(*f);

	f = procsentry_rec_reserve(&rsv, PROCSENTRY_REC_EXEC_FAILED,
				   used + slot->name_len);
	if (!f)
		return;
	procsentry_fill_task(&f->task, current);
	f->error = ret;
	f->call = slot->c.call;
	f->entry = slot->c.entry;
	if (slot->c.call == PROCSENTRY_CALL_EXECVEAT) {
		f->dirfd = (s32)slot->c.args[0];
		f->at_flags = (u32)slot->c.args[4];
	} else {
		f->dirfd = AT_FDCWD;
	}
	f->name_flags = slot->name_flags;
	f->filename = procsentry_rec_put(&rsv, &used, slot->name, slot->name_len);
	procsentry_rec_commit(&rsv);
}

void procsentry_emit_cred_change(const struct procsentry_callstate *call, long ret)
{
	struct procsentry_cred_change *c;
	struct procsentry_rsv rsv;
	u32 i;

	c = procsentry_rec_reserve(&rsv, PROCSENTRY_REC_CRED_CHANGE,
				   sizeof(struct procsentry_rec_hdr) + sizeof(*c));
	if (!c)
		return;
	procsentry_fill_task(&c->task, current);
	c->cred_before = call->before;
	c->call = call->call;
	c->entry = call->entry;
	c->result = ret;
	c->nargs = min_t(u32, call->nargs, ARRAY_SIZE(c->args));
	for (i = 0; i < c->nargs; i++)
		c->args[i] = (u32)call->args[i];
	procsentry_rec_commit(&rsv);
}

void procsentry_emit_commit(const struct cred *old, const struct cred *new)
{
	struct procsentry_cred_change *c;
	struct procsentry_rsv rsv;

	c = procsentry_rec_reserve(&rsv, PROCSENTRY_REC_CRED_CHANGE,
				   sizeof(struct procsentry_rec_hdr) + sizeof(*c));
	if (!c)
		return;
	procsentry_fill_task(&c->task, current);
	/* Not committed yet: current still runs with @old. */
	procsentry_fill_creds(&c->task.cred, new);
	procsentry_fill_creds(&c->cred_before, old);
	c->call = PROCSENTRY_CALL_COMMIT_CREDS;
	c->entry = PROCSENTRY_ENTRY_KERNEL;
	procsentry_rec_commit(&rsv);
}

void procsentry_emit_exit(struct task_struct *p)
{
	struct signal_struct *sig = p->signal;
	struct procsentry_exit *x;
	struct procsentry_rsv rsv;
	u32 code;

	/* What wait() will report: the group code, else the leader's own. */
	if (sig->flags & SIGNAL_GROUP_EXIT)
		code = sig->group_exit_code;
	else
		code = p->group_leader->exit_code;
	x = procsentry_rec_reserve(&rsv, PROCSENTRY_REC_EXIT,
				   sizeof(struct procsentry_rec_hdr) + sizeof(*x));
	if (!x)
		return;
	procsentry_fill_task(&x->task, p);
	x->exit_code = code;
	x->signal = code & 0x7f;
	x->status = x->signal ? -1 : (code >> 8) & 0xff;
	x->core_dumped = !!(code & 0x80);
	procsentry_rec_commit(&rsv);
}

void procsentry_emit_fork(struct task_struct *parent, struct task_struct *child)
{
	struct procsentry_fork *f;
	struct procsentry_rsv rsv;

	f = procsentry_rec_reserve(&rsv, PROCSENTRY_REC_FORK,
				   sizeof(struct procsentry_rec_hdr) + sizeof(*f));
	if (!f)
		return;
	procsentry_fill_task(&f->task, child);
	f->creator_tgid = parent->tgid;
	procsentry_rec_commit(&rsv);
}

void procsentry_emit_config(const struct procsentry_config *old)
{
	struct procsentry_config_change *c;
	struct procsentry_rsv rsv;

	c = procsentry_rec_reserve(&rsv, PROCSENTRY_REC_CONFIG,
				   sizeof(struct procsentry_rec_hdr) + sizeof(*c));
	if (!c)
		return;
	procsentry_fill_task(&c->task, current);
	c->old_config = *old;
	c->new_config.event_mask = READ_ONCE(procsentry_event_mask);
	c->new_config.argv_max = READ_ONCE(procsentry_argv_max);
	c->new_config.flags = READ_ONCE(procsentry_config_flags);
	procsentry_rec_commit(&rsv);
}
