/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place that knows kernel versions.  Everything else calls the
 * procsentry_compat_* helpers below.  Kbuild feature probes (see Kbuild) set
 * PROCSENTRY_HAVE_* where distributions backport an API without a version
 * bump.  Tested on Debian 5.10, 6.1 and 6.12; older branches are written
 * against the upstream history and are untested (docs/KERNELS.md).
 */
#ifndef _PROCSENTRY_COMPAT_H
#define _PROCSENTRY_COMPAT_H

#include <linux/version.h>
#include <linux/types.h>
#include <linux/sched.h>
#include <linux/cred.h>
#include <linux/capability.h>
#include <linux/uaccess.h>
#include <linux/string.h>
#include <linux/mm.h>
#include <linux/timekeeping.h>
#include <linux/hrtimer.h>
#include <linux/cgroup.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/ns_common.h>
#include <linux/kprobes.h>
#include <linux/netlink.h>
#include <linux/mount.h>
#include <linux/path.h>
#include <linux/dcache.h>
#include <asm/ptrace.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 4, 0)
#error "procsentry needs Linux 4.4 or newer"
#endif
#ifndef CONFIG_X86_64
#error "procsentry supports x86_64 only (syscall argument decoding is arch specific)"
#endif

#if defined(CONFIG_KPROBES) && defined(CONFIG_KRETPROBES)
#define PROCSENTRY_HAVE_KPROBES 1
#else
#define PROCSENTRY_HAVE_KPROBES 0
#endif

#ifdef CONFIG_IA32_EMULATION
#include <asm/compat.h>
#define PROCSENTRY_HAVE_IA32 1
#else
#define PROCSENTRY_HAVE_IA32 0
#endif

/* ---- time ---- */
static inline u64 procsentry_compat_boottime_ns(void)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 3, 0)
	return ktime_get_boottime_ns();
#else
	return ktime_to_ns(ktime_get_boottime());
#endif
}

static inline u64 procsentry_compat_start_ns(const struct task_struct *t)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 5, 0)
	return t->start_boottime;
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(4, 0, 0)
	return t->real_start_time;
#else
	return timespec_to_ns(&t->real_start_time);
#endif
}

/* ---- user memory, never faulting (probe context) ---- */
static inline long procsentry_compat_copy_user(void *dst, const void __user *src,
					       size_t n)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 8, 0)
	return copy_from_user_nofault(dst, src, n);
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(5, 3, 0)
	return probe_user_read(dst, src, n);
#else
	long ret;

	if (!access_ok(VERIFY_READ, src, n))
		return -EFAULT;
	pagefault_disable();
	ret = __copy_from_user_inatomic(dst, src, n);
	pagefault_enable();
	return ret ? -EFAULT : 0;
#endif
}

/*
 * A user string into @dst (NUL-terminated, at most @n - 1 bytes), one page
 * at a time so a string ending before an unmapped page is still read
 * (strncpy_from_user_nofault is not exported to modules).  Returns its
 * length, or -EFAULT if nothing could be read; *@cut is set when the string
 * goes on past what was read (longer than @n - 1, or an unreadable page).
 */
static inline long procsentry_compat_strncpy_user(char *dst,
						  const char __user *src,
						  long n, bool *cut)
{
	long done = 0;

	*cut = true;
	while (done < n - 1) {
		unsigned long addr = (unsigned long)src + done;
		long chunk = min_t(long, n - 1 - done,
				   PAGE_SIZE - (addr & ~PAGE_MASK));
		char *nul;

		if (procsentry_compat_copy_user(dst + done,
						(const void __user *)addr, chunk))
			break;
		nul = memchr(dst + done, '\0', chunk);
		if (nul) {
			*cut = false;
			return nul - dst;
		}
		done += chunk;
	}
	dst[done] = '\0';
	return done ? done : -EFAULT;
}

/* ---- credentials ---- */
static inline u64 procsentry_compat_cap(kernel_cap_t c)
{
#if defined(PROCSENTRY_HAVE_CAP_U64) || \
	LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	return c.val;
#else
	return ((u64)c.cap[1] << 32) | c.cap[0];
#endif
}

/* ---- cgroup and namespaces ---- */
static inline u64 procsentry_compat_cgroup_id(struct task_struct *t)
{
#if defined(CONFIG_CGROUPS) && LINUX_VERSION_CODE >= KERNEL_VERSION(5, 5, 0)
	return cgroup_id(task_dfl_cgroup(t));
#elif defined(CONFIG_CGROUPS) && LINUX_VERSION_CODE >= KERNEL_VERSION(4, 18, 0)
	return task_dfl_cgroup(t)->kn->id.id;
#else
	return 0;
#endif
}

/*
 * struct mnt_namespace is private to fs/; only its head is mirrored here,
 * and only where the layout is not randomised.
 */
struct procsentry_mnt_ns_head {
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0)
	atomic_t count;
#endif
	struct ns_common ns;
};

static inline u32 procsentry_compat_mnt_ns(const struct nsproxy *nsp)
{
#if defined(CONFIG_RANDSTRUCT) || defined(CONFIG_GCC_PLUGIN_RANDSTRUCT)
	return 0;
#else
	const struct procsentry_mnt_ns_head *m;

	if (!nsp || !nsp->mnt_ns)
		return 0;
	m = (const struct procsentry_mnt_ns_head *)nsp->mnt_ns;
	return m->ns.inum;
#endif
}

/*
 * Is @root (a task's fs root) the root of its mount namespace, as
 * d_absolute_path() would say ("/")?  That helper is not exported, so the
 * head of the private struct mount (unchanged from 3.13 to 6.12) is
 * mirrored.  Walks up through mounts stacked on a parent's root; bounded.
 * Returns false when the layout cannot be trusted (RANDSTRUCT).
 */
struct procsentry_mount_head {
	struct hlist_node mnt_hash;
	struct procsentry_mount_head *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
};

static inline bool procsentry_compat_chrooted(const struct path *root)
{
#if defined(CONFIG_RANDSTRUCT) || defined(CONFIG_GCC_PLUGIN_RANDSTRUCT)
	return false;
#else
	const struct procsentry_mount_head *m;
	const struct dentry *d = root->dentry;
	int depth;

	m = container_of(root->mnt, struct procsentry_mount_head, mnt);
	for (depth = 0; depth < 64; depth++) {
		const struct procsentry_mount_head *parent;

		if (d != m->mnt.mnt_root)
			return true;	/* inside a mount, not at its root */
		parent = READ_ONCE(m->mnt_parent);
		if (parent == m)
			return false;	/* reached the namespace root */
		d = READ_ONCE(m->mnt_mountpoint);
		m = parent;
	}
	return true;
#endif
}

/* ---- tracepoint prototypes ---- */
#ifdef PROCSENTRY_HAVE_EXIT_GROUP_DEAD
#define PROCSENTRY_TP_EXIT_PROTO	void *data, struct task_struct *p, bool group_dead
#define PROCSENTRY_TP_EXIT_GROUP_DEAD(p)	(group_dead)
#else
#define PROCSENTRY_TP_EXIT_PROTO	void *data, struct task_struct *p
/* do_exit() drops signal->live before it fires the tracepoint. */
#define PROCSENTRY_TP_EXIT_GROUP_DEAD(p)	(atomic_read(&(p)->signal->live) == 0)
#endif

/* ---- timers ---- */
static inline void procsentry_compat_hrtimer_setup(struct hrtimer *t,
		enum hrtimer_restart (*fn)(struct hrtimer *))
{
#ifdef PROCSENTRY_HAVE_HRTIMER_SETUP
	hrtimer_setup(t, fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
#else
	hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
	t->function = fn;
#endif
}

/* ---- kretprobes ---- */
#if PROCSENTRY_HAVE_KPROBES
static inline struct kretprobe *
procsentry_compat_ri_rp(struct kretprobe_instance *ri)
{
#if defined(PROCSENTRY_HAVE_GET_KRETPROBE) || \
	LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
	return get_kretprobe(ri);
#else
	return ri->rp;
#endif
}
#endif

/* ---- netlink ---- */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(3, 7, 0)
#define PROCSENTRY_NOTIFY_PORTID(n)	((n)->portid)
#endif

/* ---- syscalls ---- */
static inline bool procsentry_compat_in_ia32(void)
{
#if PROCSENTRY_HAVE_IA32
	return in_ia32_syscall();
#else
	return false;
#endif
}

/*
 * Since 4.17 x86 syscall entry points have per-ABI wrappers; before, 32-bit
 * calls went through the same sys_* function as 64-bit ones.  Arguments
 * are always read from the user registers saved at syscall entry
 * (task_pt_regs), which works with and without wrappers.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(4, 17, 0)
#define PROCSENTRY_SYSCALL_WRAPPERS 1
#define PROCSENTRY_SYM_X64(name)	"__x64_sys_" name
#define PROCSENTRY_SYM_IA32(name)	"__ia32_sys_" name
#define PROCSENTRY_SYM_IA32_COMPAT(name) "__ia32_compat_sys_" name
#else
#define PROCSENTRY_SYSCALL_WRAPPERS 0
#define PROCSENTRY_SYM_X64(name)	"sys_" name
#define PROCSENTRY_SYM_IA32(name)	NULL
#define PROCSENTRY_SYM_IA32_COMPAT(name) "compat_sys_" name
#endif

/* The probed function's first argument. */
#define PROCSENTRY_ARG0(regs)	((regs)->di)
#define PROCSENTRY_RETVAL(regs)	regs_return_value(regs)

/* Syscall argument @i (0..4) from saved user registers, by calling convention. */
static inline unsigned long procsentry_compat_sc_arg(const struct pt_regs *u,
						     bool ia32, int i)
{
	static const unsigned char x64[] = {
		offsetof(struct pt_regs, di), offsetof(struct pt_regs, si),
		offsetof(struct pt_regs, dx), offsetof(struct pt_regs, r10),
		offsetof(struct pt_regs, r8),
	};
	static const unsigned char i386[] = {
		offsetof(struct pt_regs, bx), offsetof(struct pt_regs, cx),
		offsetof(struct pt_regs, dx), offsetof(struct pt_regs, si),
		offsetof(struct pt_regs, di),
	};
	const char *base = (const char *)u;

	if (i < 0 || i > 4)
		return 0;
	if (ia32)
		return *(const u32 *)(base + i386[i]);
	return *(const unsigned long *)(base + x64[i]);
}

#endif /* _PROCSENTRY_COMPAT_H */
