// SPDX-License-Identifier: GPL-2.0
/*
 * execve/execveat and the set*id family, entry and return.  Default
 * (hook_mode=kprobe): kretprobes on each syscall entry point, so only those
 * calls pay.  hook_mode=syscall_tp, for kernels without kprobes: the raw
 * sys_enter/sys_exit tracepoints, which put every task on the slow syscall
 * path while attached (docs/PERFORMANCE.md has the numbers).
 */
#include "procsentry.h"
#include <linux/binfmts.h>
#include <linux/dcache.h>
#include <linux/fcntl.h>
#include <linux/tracepoint.h>
#include <asm/syscall.h>

struct procsentry_sc_desc {
	u16 call;
	u8 entry;
	u8 nargs;
};

#define SC(c, e, n) { PROCSENTRY_CALL_##c, PROCSENTRY_ENTRY_##e, n }

static const struct procsentry_sc_desc *procsentry_sc_lookup(long nr, bool ia32);

static bool procsentry_is_exec(u32 call)
{
	return call == PROCSENTRY_CALL_EXECVE || call == PROCSENTRY_CALL_EXECVEAT;
}

/*
 * A set*id call whose every id is -1 asks for nothing: it cannot change
 * credentials nor be refused, so unless no-op calls are wanted it needs
 * no return probe (and costs only the entry probe).
 */
static bool procsentry_asks_nothing(const struct procsentry_sc_desc *d,
				    const struct pt_regs *uregs)
{
	bool ia32 = d->entry != PROCSENTRY_ENTRY_NATIVE;
	u32 none = d->entry == PROCSENTRY_ENTRY_IA32_UID16 ? 0xffff : U32_MAX;
	int i;

	if (!d->nargs ||
	    (READ_ONCE(procsentry_config_flags) & PROCSENTRY_CFG_CRED_NOOP))
		return false;
	for (i = 0; i < d->nargs; i++) {
		u32 a = procsentry_compat_sc_arg(uregs, ia32, i);

		if ((d->entry == PROCSENTRY_ENTRY_IA32_UID16 ? (u16)a : a) != none)
			return false;
	}
	return true;
}

/*
 * Entry: what did the call ask?  @c receives the
 * arguments and the credentials before.  The entry ABI is resolved here:
 * without per-ABI wrappers one function serves both ABIs.
 */
static void procsentry_call_begin(const struct procsentry_sc_desc *d,
				  struct procsentry_callstate *c)
{
	const struct pt_regs *uregs = task_pt_regs(current);
	bool exec = procsentry_is_exec(d->call);
	const struct cred *cred = current_cred();
	u32 entry = d->entry;
	bool ia32;
	int i;

	if (entry == PROCSENTRY_ENTRY_NATIVE && procsentry_compat_in_ia32())
		entry = PROCSENTRY_ENTRY_IA32;
	ia32 = entry != PROCSENTRY_ENTRY_NATIVE;
	c->call = d->call;
	c->entry = entry;
	c->nargs = d->nargs;
	for (i = 0; i < ARRAY_SIZE(c->args); i++) {
		unsigned long a = procsentry_compat_sc_arg(uregs, ia32, i);

		/* Ids are 32 bits; 16-bit ids: (u16)-1 means "unchanged" too. */
		if (!exec && i < d->nargs)
			a = (u32)a;
		if (entry == PROCSENTRY_ENTRY_IA32_UID16 && i < d->nargs)
			a = (u16)a == 0xffff ? U32_MAX : (u16)a;
		c->args[i] = a;
	}
	procsentry_fill_creds(&c->before, cred);
	c->cap_inh_before = procsentry_compat_cap(cred->cap_inheritable);
	c->cap_amb_before = procsentry_compat_cap(cred->cap_ambient);
	c->cap_bset_before = procsentry_compat_cap(cred->cap_bset);
	c->groups_before = cred->group_info;
}

static bool procsentry_call_wanted(const struct procsentry_sc_desc *d)
{
	if (procsentry_is_exec(d->call))
		return procsentry_wanted(PROCSENTRY_REC_EXEC, current) ||
			procsentry_wanted(PROCSENTRY_REC_EXEC_FAILED, current);
	return procsentry_wanted(PROCSENTRY_REC_CRED_CHANGE, current) &&
		!procsentry_asks_nothing(d, task_pt_regs(current));
}

/* An exec (or, in syscall_tp mode, any call) keeps its state in a slot. */
static bool procsentry_sc_begin(const struct procsentry_sc_desc *d)
{
	struct procsentry_inflight *s;

	if (!procsentry_call_wanted(d))
		return false;
	s = procsentry_inflight_claim();
	if (!s)
		return false;
	s->mm = current->mm;
	procsentry_call_begin(d, &s->c);
	s->bprm_seen = false;
	s->script_len = 0;
	s->name_len = 0;
	s->name_flags = 0;
	return true;
}

/*
 * A call that succeeded, asked for nothing new and changed nothing.
 * setfs[ug]id never fails: it returns the old id, and a refusal shows as a
 * requested id that did not take.
 */
static bool procsentry_cred_noop(const struct procsentry_callstate *s, long ret)
{
	const struct cred *c = current_cred();
	struct procsentry_creds now;

	procsentry_fill_creds(&now, c);
	if (memcmp(&now, &s->before, sizeof(now)) ||
	    s->cap_inh_before != procsentry_compat_cap(c->cap_inheritable) ||
	    s->cap_amb_before != procsentry_compat_cap(c->cap_ambient) ||
	    s->cap_bset_before != procsentry_compat_cap(c->cap_bset) ||
	    s->groups_before != c->group_info)
		return false;
	switch (s->call) {
	case PROCSENTRY_CALL_SETFSUID:
		return s->args[0] == U32_MAX || s->args[0] == now.fsuid;
	case PROCSENTRY_CALL_SETFSGID:
		return s->args[0] == U32_MAX || s->args[0] == now.fsgid;
	default:
		return ret == 0;
	}
}

/*
 * The file name a failed exec asked for.  Read at return, not at entry:
 * the kernel's getname() has faulted the string's page in by then (a fresh
 * child often has not touched it since fork), and the probe cannot fault.
 */
static void procsentry_read_exec_name(struct procsentry_inflight *s)
{
	unsigned long uname = s->c.args[s->c.call == PROCSENTRY_CALL_EXECVEAT ? 1 : 0];
	bool cut;
	long n;

	/* Failed past the point of no return: the caller's memory is gone. */
	if (current->mm != s->mm) {
		s->name_flags = PROCSENTRY_NAME_ERR;
		return;
	}
	n = procsentry_compat_strncpy_user(s->name, (const char __user *)uname,
					   PROCSENTRY_NAME_KEEP, &cut);
	if (n < 0) {
		s->name_flags = PROCSENTRY_NAME_ERR;
		return;
	}
	s->name_len = n;
	if (cut)
		s->name_flags = PROCSENTRY_NAME_TRUNC;
}

static void procsentry_setid_end(const struct procsentry_callstate *c, long ret)
{
	if ((READ_ONCE(procsentry_config_flags) & PROCSENTRY_CFG_CRED_NOOP) ||
	    !procsentry_cred_noop(c, ret))
		procsentry_emit_cred_change(c, ret);
}

void procsentry_sc_exit(long ret)
{
	struct procsentry_inflight *s = procsentry_inflight_find();

	if (!s)
		return;
	if (procsentry_is_exec(s->c.call)) {
		if (ret < 0 && procsentry_wanted(PROCSENTRY_REC_EXEC_FAILED, current)) {
			procsentry_read_exec_name(s);
			procsentry_emit_exec_failed(s, ret);
		}
	} else {
		procsentry_setid_end(&s->c, ret);
	}
	procsentry_inflight_release(s);
}

/* First binary handler check of an exec: remember a #! script's path. */
void procsentry_bprm_check(struct linux_binprm *bprm)
{
	struct procsentry_inflight *s = procsentry_inflight_find();
	const char *p;

	if (!s || s->bprm_seen || !procsentry_is_exec(s->c.call))
		return;
	s->bprm_seen = true;
	if (bprm->buf[0] != '#' || bprm->buf[1] != '!')
		return;
	p = d_path(&bprm->file->f_path, s->script, sizeof(s->script));
	if (IS_ERR(p))
		return;
	s->script_len = strlen(p);
	memmove(s->script, p, s->script_len);
}

/* ---- hook_mode=kprobe ---- */
#if PROCSENTRY_HAVE_KPROBES
struct procsentry_krp {
	const char *sym;
	struct procsentry_sc_desc d;
	struct kretprobe rp;
	bool registered;
};

#define KRP(s, c, e, n) { .sym = s, .d = SC(c, e, n) }
static struct procsentry_krp procsentry_krps[] = {
	KRP(PROCSENTRY_SYM_X64("execve"), EXECVE, NATIVE, 3),
	KRP(PROCSENTRY_SYM_X64("execveat"), EXECVEAT, NATIVE, 5),
	KRP(PROCSENTRY_SYM_X64("setuid"), SETUID, NATIVE, 1),
	KRP(PROCSENTRY_SYM_X64("setgid"), SETGID, NATIVE, 1),
	KRP(PROCSENTRY_SYM_X64("setreuid"), SETREUID, NATIVE, 2),
	KRP(PROCSENTRY_SYM_X64("setregid"), SETREGID, NATIVE, 2),
	KRP(PROCSENTRY_SYM_X64("setresuid"), SETRESUID, NATIVE, 3),
	KRP(PROCSENTRY_SYM_X64("setresgid"), SETRESGID, NATIVE, 3),
	KRP(PROCSENTRY_SYM_X64("setfsuid"), SETFSUID, NATIVE, 1),
	KRP(PROCSENTRY_SYM_X64("setfsgid"), SETFSGID, NATIVE, 1),
	KRP(PROCSENTRY_SYM_X64("capset"), CAPSET, NATIVE, 0),
#if PROCSENTRY_HAVE_IA32 && PROCSENTRY_SYSCALL_WRAPPERS
	KRP(PROCSENTRY_SYM_IA32_COMPAT("execve"), EXECVE, IA32, 3),
	KRP(PROCSENTRY_SYM_IA32_COMPAT("execveat"), EXECVEAT, IA32, 5),
	KRP(PROCSENTRY_SYM_IA32("setuid"), SETUID, IA32, 1),
	KRP(PROCSENTRY_SYM_IA32("setgid"), SETGID, IA32, 1),
	KRP(PROCSENTRY_SYM_IA32("setreuid"), SETREUID, IA32, 2),
	KRP(PROCSENTRY_SYM_IA32("setregid"), SETREGID, IA32, 2),
	KRP(PROCSENTRY_SYM_IA32("setresuid"), SETRESUID, IA32, 3),
	KRP(PROCSENTRY_SYM_IA32("setresgid"), SETRESGID, IA32, 3),
	KRP(PROCSENTRY_SYM_IA32("setfsuid"), SETFSUID, IA32, 1),
	KRP(PROCSENTRY_SYM_IA32("setfsgid"), SETFSGID, IA32, 1),
	KRP(PROCSENTRY_SYM_IA32("capset"), CAPSET, IA32, 0),
	KRP(PROCSENTRY_SYM_IA32("setuid16"), SETUID, IA32_UID16, 1),
	KRP(PROCSENTRY_SYM_IA32("setgid16"), SETGID, IA32_UID16, 1),
	KRP(PROCSENTRY_SYM_IA32("setreuid16"), SETREUID, IA32_UID16, 2),
	KRP(PROCSENTRY_SYM_IA32("setregid16"), SETREGID, IA32_UID16, 2),
	KRP(PROCSENTRY_SYM_IA32("setresuid16"), SETRESUID, IA32_UID16, 3),
	KRP(PROCSENTRY_SYM_IA32("setresgid16"), SETRESGID, IA32_UID16, 3),
	KRP(PROCSENTRY_SYM_IA32("setfsuid16"), SETFSUID, IA32_UID16, 1),
	KRP(PROCSENTRY_SYM_IA32("setfsgid16"), SETFSGID, IA32_UID16, 1),
#endif
};

/*
 * Execs keep their state in the in-flight table (the exec tracepoint and
 * security_bprm_check look it up); set*id calls keep it in the kretprobe
 * instance, so execs blocked in large numbers cannot starve them.
 */
static int procsentry_krp_entry(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	struct kretprobe *rp = procsentry_compat_ri_rp(ri);
	const struct procsentry_sc_desc *d;

	if (!rp)
		return 1;
	d = &container_of(rp, struct procsentry_krp, rp)->d;
	/* Non-zero: no return probe for this call. */
	if (procsentry_is_exec(d->call))
		return !procsentry_sc_begin(d);
	if (!procsentry_call_wanted(d))
		return 1;
	procsentry_call_begin(d, (struct procsentry_callstate *)ri->data);
	return 0;
}

static int procsentry_krp_return(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	struct kretprobe *rp = procsentry_compat_ri_rp(ri);

	if (!rp)
		return 0;
	if (procsentry_is_exec(container_of(rp, struct procsentry_krp, rp)->d.call))
		procsentry_sc_exit(PROCSENTRY_RETVAL(regs));
	else
		procsentry_setid_end((struct procsentry_callstate *)ri->data,
				     PROCSENTRY_RETVAL(regs));
	return 0;
}

/* Which set*id entry points have a return probe, by entry ABI and call. */
static bool procsentry_setid_hooked[PROCSENTRY_ENTRY_KERNEL][__PROCSENTRY_CALL_MAX];

/* Is current inside a set*id/capset call whose own record will say it all? */
static bool procsentry_in_hooked_setid(void)
{
	const struct procsentry_sc_desc *d;

	d = procsentry_sc_lookup(syscall_get_nr(current, task_pt_regs(current)),
				 procsentry_compat_in_ia32());
	if (!d || procsentry_is_exec(d->call))
		return false;
	/* Without wrappers the native entry point serves both ABIs. */
	return procsentry_setid_hooked[PROCSENTRY_SYSCALL_WRAPPERS ? d->entry : 0][d->call];
}

static int procsentry_bprm_pre(struct kprobe *kp, struct pt_regs *regs)
{
	procsentry_bprm_check((struct linux_binprm *)PROCSENTRY_ARG0(regs));
	return 0;
}

static bool procsentry_creds_differ(const struct cred *a, const struct cred *b)
{
	return !uid_eq(a->uid, b->uid) || !uid_eq(a->euid, b->euid) ||
		!uid_eq(a->suid, b->suid) || !uid_eq(a->fsuid, b->fsuid) ||
		!gid_eq(a->gid, b->gid) || !gid_eq(a->egid, b->egid) ||
		!gid_eq(a->sgid, b->sgid) || !gid_eq(a->fsgid, b->fsgid) ||
		procsentry_compat_cap(a->cap_effective) !=
		procsentry_compat_cap(b->cap_effective) ||
		procsentry_compat_cap(a->cap_permitted) !=
		procsentry_compat_cap(b->cap_permitted) ||
		!procsentry_creds_same_extra(a, b);
}

/*
 * commit_creds(new) outside the calls we hook: what a kernel exploit's
 * commit_creds(prepare_kernel_cred(...)) looks like.  Inside a hooked
 * exec or set*id call the call's own record says it all.
 */
static int procsentry_commit_pre(struct kprobe *kp, struct pt_regs *regs)
{
	const struct cred *new = (const struct cred *)PROCSENTRY_ARG0(regs);
	const struct cred *old = current_cred();

	if ((current->flags & PF_KTHREAD) || !procsentry_creds_differ(old, new))
		return 0;
	if (!procsentry_wanted(PROCSENTRY_REC_CRED_CHANGE, current) ||
	    procsentry_inflight_find() || procsentry_in_hooked_setid())
		return 0;
	procsentry_emit_commit(old, new);
	return 0;
}

/* Plain kprobes beside the kretprobes: a #! script's path, commit_creds. */
static struct procsentry_kp {
	const char *sym;
	kprobe_pre_handler_t pre;
	struct kprobe kp;
	bool registered;
} procsentry_kps[] = {
	{ .sym = "security_bprm_check", .pre = procsentry_bprm_pre },
	{ .sym = "commit_creds", .pre = procsentry_commit_pre },
};

/* Misses of probes already unregistered: the total only ever grows. */
static u64 procsentry_missed_base;

static void procsentry_kprobe_detach(void)
{
	int i;

	memset(procsentry_setid_hooked, 0, sizeof(procsentry_setid_hooked));
	for (i = 0; i < ARRAY_SIZE(procsentry_krps); i++) {
		if (procsentry_krps[i].registered) {
			unregister_kretprobe(&procsentry_krps[i].rp);
			procsentry_missed_base += procsentry_krps[i].rp.nmissed;
		}
		procsentry_krps[i].registered = false;
	}
	for (i = 0; i < ARRAY_SIZE(procsentry_kps); i++) {
		if (procsentry_kps[i].registered) {
			unregister_kprobe(&procsentry_kps[i].kp);
			procsentry_missed_base += procsentry_kps[i].kp.nmissed;
		}
		procsentry_kps[i].registered = false;
	}
}

static int procsentry_kprobe_attach(void)
{
	int i, err, native_exec = 0;

	for (i = 0; i < ARRAY_SIZE(procsentry_krps); i++) {
		struct procsentry_krp *k = &procsentry_krps[i];

		memset(&k->rp, 0, sizeof(k->rp));
		k->rp.kp.symbol_name = k->sym;
		k->rp.entry_handler = procsentry_krp_entry;
		k->rp.handler = procsentry_krp_return;
		if (!procsentry_is_exec(k->d.call))
			k->rp.data_size = sizeof(struct procsentry_callstate);
		/* execve sleeps while loading: one instance per slot. */
		k->rp.maxactive = procsentry_is_exec(k->d.call) ?
			procsentry_inflight_capacity() :
			max_t(int, 32, 4 * num_possible_cpus());
		err = register_kretprobe(&k->rp);
		if (err) {
			/* A kernel without IA32 emulation or UID16 lacks some. */
			pr_info("no probe on %s (%d)\n", k->sym, err);
			continue;
		}
		k->registered = true;
		if (!procsentry_is_exec(k->d.call))
			procsentry_setid_hooked[k->d.entry][k->d.call] = true;
		if (k->d.entry == PROCSENTRY_ENTRY_NATIVE &&
		    procsentry_is_exec(k->d.call))
			native_exec++;
	}
	if (native_exec < 2) {
		pr_err("cannot probe execve/execveat: refusing to run half blind\n");
		procsentry_kprobe_detach();
		return -ENOENT;
	}
	for (i = 0; i < ARRAY_SIZE(procsentry_kps); i++) {
		struct procsentry_kp *k = &procsentry_kps[i];

		memset(&k->kp, 0, sizeof(k->kp));
		k->kp.symbol_name = k->sym;
		k->kp.pre_handler = k->pre;
		err = register_kprobe(&k->kp);
		if (err)
			pr_warn("no probe on %s (%d): less coverage\n", k->sym, err);
		else
			k->registered = true;
	}
	return 0;
}

/*
 * Calls not seen: a kretprobe with no free instance (rp.nmissed).  Its
 * kp.nmissed is left out: a syscall entry cannot nest in a probe handler,
 * and before 5.14 a page fault inside a handler (a nofault user read that
 * failed) was counted there although nothing was missed.
 */
static u64 procsentry_kprobe_missed(void)
{
	u64 n = READ_ONCE(procsentry_missed_base);
	int i;

	for (i = 0; i < ARRAY_SIZE(procsentry_krps); i++)
		if (procsentry_krps[i].registered)
			n += procsentry_krps[i].rp.nmissed;
	for (i = 0; i < ARRAY_SIZE(procsentry_kps); i++)
		if (procsentry_kps[i].registered)
			n += procsentry_kps[i].kp.nmissed;
	return n;
}

static u32 procsentry_kprobe_active(void)
{
	u32 n = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(procsentry_krps); i++)
		n += procsentry_krps[i].registered;
	for (i = 0; i < ARRAY_SIZE(procsentry_kps); i++)
		n += procsentry_kps[i].registered;
	return n;
}
#else
static int procsentry_kprobe_attach(void)
{
	pr_err("this kernel has no kprobes: load with hook_mode=syscall_tp\n");
	return -EOPNOTSUPP;
}

static void procsentry_kprobe_detach(void) { }
static u64 procsentry_kprobe_missed(void) { return 0; }
static u32 procsentry_kprobe_active(void) { return 0; }
#endif

/* ---- hook_mode=syscall_tp ---- */
static const struct procsentry_sc_desc *procsentry_sc_lookup(long nr, bool ia32)
{
	static const struct procsentry_sc_desc x64[] = {
		[59] = SC(EXECVE, NATIVE, 3), [105] = SC(SETUID, NATIVE, 1),
		[106] = SC(SETGID, NATIVE, 1), [113] = SC(SETREUID, NATIVE, 2),
		[114] = SC(SETREGID, NATIVE, 2), [117] = SC(SETRESUID, NATIVE, 3),
		[119] = SC(SETRESGID, NATIVE, 3), [122] = SC(SETFSUID, NATIVE, 1),
		[123] = SC(SETFSGID, NATIVE, 1), [126] = SC(CAPSET, NATIVE, 0),
		[322] = SC(EXECVEAT, NATIVE, 5),
	};
	/* i386 numbers: the plain names are the legacy 16-bit-id calls. */
	static const struct procsentry_sc_desc i386[] = {
		[11] = SC(EXECVE, IA32, 3), [23] = SC(SETUID, IA32_UID16, 1),
		[46] = SC(SETGID, IA32_UID16, 1), [70] = SC(SETREUID, IA32_UID16, 2),
		[71] = SC(SETREGID, IA32_UID16, 2), [138] = SC(SETFSUID, IA32_UID16, 1),
		[139] = SC(SETFSGID, IA32_UID16, 1), [164] = SC(SETRESUID, IA32_UID16, 3),
		[170] = SC(SETRESGID, IA32_UID16, 3), [185] = SC(CAPSET, IA32, 0),
		[203] = SC(SETREUID, IA32, 2), [204] = SC(SETREGID, IA32, 2),
		[208] = SC(SETRESUID, IA32, 3), [210] = SC(SETRESGID, IA32, 3),
		[213] = SC(SETUID, IA32, 1), [214] = SC(SETGID, IA32, 1),
		[215] = SC(SETFSUID, IA32, 1), [216] = SC(SETFSGID, IA32, 1),
		[358] = SC(EXECVEAT, IA32, 5),
	};
	const struct procsentry_sc_desc *t = ia32 ? i386 : x64;
	size_t n = ia32 ? ARRAY_SIZE(i386) : ARRAY_SIZE(x64);

	if (nr < 0 || nr >= n || !t[nr].call)
		return NULL;
	return &t[nr];
}

static void procsentry_sys_enter(void *data, struct pt_regs *regs, long id)
{
	const struct procsentry_sc_desc *d;

	d = procsentry_sc_lookup(id, procsentry_compat_in_ia32());
	if (d)
		procsentry_sc_begin(d);
}

static void procsentry_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	long nr = syscall_get_nr(current, regs);

	/* A successful exec may have switched ABI: check both tables. */
	if (procsentry_sc_lookup(nr, false) || procsentry_sc_lookup(nr, true))
		procsentry_sc_exit(ret);
}

static struct {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool registered;
} procsentry_sys_tps[] = {
	{ .name = "sys_enter", .probe = procsentry_sys_enter },
	{ .name = "sys_exit", .probe = procsentry_sys_exit },
};

static void procsentry_sys_lookup(struct tracepoint *tp, void *priv)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(procsentry_sys_tps); i++)
		if (!strcmp(tp->name, procsentry_sys_tps[i].name))
			procsentry_sys_tps[i].tp = tp;
}

static void procsentry_systp_detach(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(procsentry_sys_tps); i++) {
		if (procsentry_sys_tps[i].registered)
			tracepoint_probe_unregister(procsentry_sys_tps[i].tp,
						    procsentry_sys_tps[i].probe, NULL);
		procsentry_sys_tps[i].registered = false;
	}
}

static int procsentry_systp_attach(void)
{
	int i, err;

	for_each_kernel_tracepoint(procsentry_sys_lookup, NULL);
	for (i = 0; i < ARRAY_SIZE(procsentry_sys_tps); i++) {
		if (!procsentry_sys_tps[i].tp) {
			pr_err("tracepoint %s not found\n", procsentry_sys_tps[i].name);
			err = -ENOENT;
			goto fail;
		}
		err = tracepoint_probe_register(procsentry_sys_tps[i].tp,
						procsentry_sys_tps[i].probe, NULL);
		if (err)
			goto fail;
		procsentry_sys_tps[i].registered = true;
	}
	return 0;
fail:
	procsentry_systp_detach();
	return err;
}

int procsentry_syscall_attach(void)
{
	if (procsentry_mode == PROCSENTRY_MODE_SYSCALL_TP)
		return procsentry_systp_attach();
	return procsentry_kprobe_attach();
}

void procsentry_syscall_detach(void)
{
	procsentry_systp_detach();
	procsentry_kprobe_detach();
}

u64 procsentry_syscall_missed(void)
{
	return procsentry_kprobe_missed();
}

u32 procsentry_syscall_active(void)
{
	u32 n = procsentry_kprobe_active();
	int i;

	for (i = 0; i < ARRAY_SIZE(procsentry_sys_tps); i++)
		n += procsentry_sys_tps[i].registered;
	return n;
}
