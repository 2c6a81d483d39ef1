/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces between the units of procsentry.ko. */
#ifndef _PROCSENTRY_H
#define _PROCSENTRY_H

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "compat.h"
#include <procsentry/procsentry_abi.h>

struct linux_binprm;
struct sk_buff;
struct genl_info;

/* main.c: parameters */
enum procsentry_hook_mode {
	PROCSENTRY_MODE_KPROBE,
	PROCSENTRY_MODE_SYSCALL_TP,
};
extern enum procsentry_hook_mode procsentry_mode;
extern unsigned int procsentry_buf_kb;
extern unsigned int procsentry_flush_us;
extern unsigned int procsentry_max_inflight;

/* Runtime configuration, changed by SET_CONFIG. */
extern u32 procsentry_event_mask;
extern u32 procsentry_argv_max;
extern u32 procsentry_config_flags;

/* listeners.c */
int procsentry_listener_add(u32 portid, u32 flags, struct genl_info *info);
int procsentry_listener_remove(u32 portid);
bool procsentry_listener_known(u32 portid);
void procsentry_listeners_shutdown(void);
void procsentry_listeners_exit(void);
bool procsentry_task_excluded(struct task_struct *task);
/* Sends @skb (consumed) to every listener; returns how many refused it. */
int procsentry_listeners_unicast(struct sk_buff *skb, u32 nrec, u32 *nlisteners);
u32 procsentry_listener_count(void);
bool procsentry_hooks_attached(void);

/* netlink.c */
int procsentry_netlink_init(void);
void procsentry_netlink_exit(void);
struct sk_buff *procsentry_netlink_events_msg(u32 cpu, size_t payload, void **data);
int procsentry_netlink_send(struct sk_buff *skb, u32 portid);

/* record.c: per-CPU batching */
struct procsentry_rsv {
	struct procsentry_cpu *pc;
	struct procsentry_rec_hdr *hdr;
	u32 size;
};
int procsentry_records_init(void);
void procsentry_records_stop(void);
void procsentry_records_free(void);
void *procsentry_rec_reserve(struct procsentry_rsv *rsv, u16 type, u32 size);
void procsentry_rec_commit(struct procsentry_rsv *rsv);
void procsentry_flush_all(void);
#define PROCSENTRY_LOST_SIZE	\
	procsentry_pad(sizeof(struct procsentry_rec_hdr) + sizeof(struct procsentry_lost))
/* Writes a LOST record at @dst (PROCSENTRY_LOST_SIZE bytes); returns its size. */
u32 procsentry_put_lost(char *dst, int cause, u32 cpu, u64 count);
void procsentry_stats_fill(struct procsentry_cpu_stats *out, unsigned int cpu);
void procsentry_count_no_slot(void);
u64 procsentry_no_slot_total(void);

/* Appends @len bytes at the record's end; returns the string descriptor. */
struct procsentry_str procsentry_rec_put(struct procsentry_rsv *rsv, u32 *used,
					 const void *src, u32 len);
static inline u32 procsentry_pad(u32 n)
{
	return ALIGN(n, PROCSENTRY_REC_ALIGN);
}

/* record_task.c */
void procsentry_fill_creds(struct procsentry_creds *c, const struct cred *cred);
bool procsentry_creds_same_extra(const struct cred *a, const struct cred *b);
void procsentry_fill_task(struct procsentry_task *t, struct task_struct *task);
bool procsentry_wanted(u16 type, struct task_struct *task);

/* inflight.c: syscalls between entry and return, keyed by task */
#define PROCSENTRY_NAME_KEEP	1024
/* What a syscall's entry saw, for its return. */
struct procsentry_callstate {
	u32 call;
	u32 entry;
	u32 nargs;
	unsigned long args[5];		/* as passed: full width (pointers) */
	struct procsentry_creds before;
	u64 cap_inh_before;
	u64 cap_amb_before;
	u64 cap_bset_before;
	const void *groups_before;	/* compared only */
};

/* An exec (any mode) or a set*id call (syscall_tp mode) in flight. */
struct procsentry_inflight {
	struct task_struct *task;	/* owner; NULL when free */
	const struct mm_struct *mm;	/* at entry: compared, never dereferenced */
	struct procsentry_callstate c;
	u32 name_len;
	u32 name_flags;
	bool bprm_seen;
	u32 script_len;			/* 0: not a script, or unresolved */
	char name[PROCSENTRY_NAME_KEEP];
	char script[PATH_MAX];
};
int procsentry_inflight_init(void);
unsigned int procsentry_inflight_capacity(void);
void procsentry_inflight_free(void);
void procsentry_inflight_reset(void);
struct procsentry_inflight *procsentry_inflight_claim(void);
struct procsentry_inflight *procsentry_inflight_find(void);
void procsentry_inflight_release(struct procsentry_inflight *slot);

/* record_exec.c: record builders */
int procsentry_builders_init(void);
void procsentry_builders_free(void);
void procsentry_emit_exec(struct task_struct *p, pid_t old_pid,
			  struct linux_binprm *bprm);
void procsentry_emit_exit(struct task_struct *p);
void procsentry_emit_fork(struct task_struct *parent, struct task_struct *child);
void procsentry_emit_exec_failed(struct procsentry_inflight *slot, long ret);
void procsentry_emit_cred_change(const struct procsentry_callstate *c, long ret);
void procsentry_emit_commit(const struct cred *old, const struct cred *new);
void procsentry_emit_config(const struct procsentry_config *old);

/* hooks.c: sched tracepoints and attach/detach */
int procsentry_hooks_init(void);
int procsentry_hooks_attach(void);
void procsentry_hooks_detach(void);
u64 procsentry_hooks_missed(void);
u32 procsentry_hooks_active(void);

/* hooks_syscall.c: syscall entry/return, by kretprobe or raw tracepoint */
void procsentry_sc_exit(long ret);
void procsentry_bprm_check(struct linux_binprm *bprm);
int procsentry_syscall_attach(void);
void procsentry_syscall_detach(void);
u64 procsentry_syscall_missed(void);
u32 procsentry_syscall_active(void);

#endif /* _PROCSENTRY_H */
