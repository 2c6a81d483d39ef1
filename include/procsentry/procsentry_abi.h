/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * procsentry ABI: the one contract between procsentry.ko and its readers.
 *
 * Transport: a generic netlink family named PROCSENTRY_GENL_NAME.  A reader
 * sends PROCSENTRY_CMD_REGISTER (needs CAP_NET_ADMIN in the initial user
 * namespace) carrying PROCSENTRY_A_ABI_VERSION; from then on the module
 * unicasts PROCSENTRY_CMD_EVENTS messages to it.  Each EVENTS message holds
 * one PROCSENTRY_A_RECORDS attribute: a packed run of records, all from the
 * CPU named in PROCSENTRY_A_CPU, in sequence order (CPU 0xffffffff: LOST
 * reports about this reader).  The module keeps the attribute under 32 KiB
 * (a netlink attribute cannot exceed 65531 bytes).  Readers accept messages
 * from the kernel only (sender nl_pid 0).
 *
 * Records: every record starts with struct procsentry_rec_hdr.  hdr.size is
 * the whole record (header, fixed body, strings) and is a multiple of 8, so
 * a reader steps over types it does not know.  The fixed body starts at
 * hdr.hdr_size, also a multiple of 8 (later ABI versions may grow the
 * header at its end).  A
 * reader must check hdr.size >= hdr.hdr_size + the body size it knows for
 * the type, and bodies only grow at their end.
 *
 * Strings are (off, len) pairs relative to the record start; they are not
 * NUL-terminated and may contain any byte.  argv is the argument strings
 * joined by NUL bytes.  A reader checks off + len <= hdr.size.
 *
 * Sequence: hdr.seq counts records per CPU (hdr.cpu), starting at 1, with
 * no holes in what the module produced (numbers are used while nobody
 * listens, so a reader starts from the first record it sees).  A hole seen
 * by a reader after that is loss,
 * and the module also says so with PROCSENTRY_REC_LOST records (which carry
 * seq 0 and are not part of the sequence).
 *
 * Identifiers: uids and gids are as seen from the initial user namespace;
 * (-1) means "not changed" in set*id arguments.  Times are CLOCK_BOOTTIME
 * nanoseconds.  (tgid, start_ns) names a process across PID reuse.
 *
 * Append-only: enum values and fields are never renumbered or removed.
 */
#ifndef _PROCSENTRY_ABI_H
#define _PROCSENTRY_ABI_H

#include <linux/types.h>

#define PROCSENTRY_GENL_NAME	"procsentry"
#define PROCSENTRY_GENL_VERSION	1
#define PROCSENTRY_ABI_VERSION	1

#define PROCSENTRY_COMM_LEN	16
#define PROCSENTRY_REC_ALIGN	8

/* argv byte limit: default, and the largest value SET_CONFIG accepts. */
#define PROCSENTRY_ARGV_DEFAULT	4096
#define PROCSENTRY_ARGV_MAX	16384
#define PROCSENTRY_MAX_LISTENERS	8

/* Generic netlink commands. */
enum procsentry_cmd {
	PROCSENTRY_CMD_UNSPEC,
	PROCSENTRY_CMD_REGISTER,	/* req: ABI_VERSION, opt: REG_FLAGS; reply: ABI_VERSION, NR_CPUS, CONFIG */
	PROCSENTRY_CMD_UNREGISTER,	/* no attributes */
	PROCSENTRY_CMD_GET_STATS,	/* reply: CPU_STATS, GLOBAL_STATS, NR_CPUS */
	PROCSENTRY_CMD_SET_CONFIG,	/* opt: EVENT_MASK, ARGV_MAX, CONFIG_FLAGS; reply: CONFIG */
	PROCSENTRY_CMD_EVENTS,		/* kernel to reader: CPU, RECORDS */
	__PROCSENTRY_CMD_MAX,
};
#define PROCSENTRY_CMD_MAX (__PROCSENTRY_CMD_MAX - 1)

/* Generic netlink attributes. */
enum procsentry_attr {
	PROCSENTRY_A_UNSPEC,
	PROCSENTRY_A_ABI_VERSION,	/* u32 */
	PROCSENTRY_A_REG_FLAGS,		/* u32, PROCSENTRY_REG_* */
	PROCSENTRY_A_RECORDS,		/* binary: packed records */
	PROCSENTRY_A_CPU,		/* u32: CPU whose records follow */
	PROCSENTRY_A_EVENT_MASK,	/* u32: bit (1 << PROCSENTRY_REC_x) */
	PROCSENTRY_A_ARGV_MAX,		/* u32: bytes of argv per EXEC record */
	PROCSENTRY_A_NR_CPUS,		/* u32: entries in CPU_STATS */
	PROCSENTRY_A_CPU_STATS,		/* binary: array of procsentry_cpu_stats */
	PROCSENTRY_A_GLOBAL_STATS,	/* binary: struct procsentry_global_stats */
	PROCSENTRY_A_CONFIG,		/* binary: struct procsentry_config */
	PROCSENTRY_A_PAD,
	PROCSENTRY_A_CONFIG_FLAGS,	/* u32: PROCSENTRY_CFG_* */
	__PROCSENTRY_A_MAX,
};
#define PROCSENTRY_A_MAX (__PROCSENTRY_A_MAX - 1)

/* SET_CONFIG flags. */
/*
 * Also report set*id/capset calls that succeed, ask for nothing new and
 * change nothing (setresuid(-1, -1, -1), setfsuid(-1) as a query).  Off by
 * default: they carry no information and can be issued in tight loops.
 * Refused calls and calls that change anything are always reported.
 */
#define PROCSENTRY_CFG_CRED_NOOP	(1U << 0)
#define PROCSENTRY_CFG_ALL		(PROCSENTRY_CFG_CRED_NOOP)

/* REGISTER flags. */
/*
 * No records about the registering process, while every registered reader
 * belongs to that process and asked for this: one reader cannot hide a
 * process from another.
 */
#define PROCSENTRY_REG_EXCLUDE_SELF	(1U << 0)
#define PROCSENTRY_REG_ALL		(PROCSENTRY_REG_EXCLUDE_SELF)

/* Record types. */
enum procsentry_rec_type {
	PROCSENTRY_REC_UNSPEC,
	PROCSENTRY_REC_EXEC,		/* struct procsentry_exec */
	PROCSENTRY_REC_EXEC_FAILED,	/* struct procsentry_exec_failed */
	PROCSENTRY_REC_CRED_CHANGE,	/* struct procsentry_cred_change */
	PROCSENTRY_REC_EXIT,		/* struct procsentry_exit */
	PROCSENTRY_REC_FORK,		/* struct procsentry_fork */
	PROCSENTRY_REC_LOST,		/* struct procsentry_lost */
	PROCSENTRY_REC_CONFIG,		/* struct procsentry_config_change */
	__PROCSENTRY_REC_MAX,
};
#define PROCSENTRY_REC_MAX (__PROCSENTRY_REC_MAX - 1)
/* Bits SET_CONFIG accepts: LOST and CONFIG records cannot be turned off. */
#define PROCSENTRY_MASK_ALL	((1U << PROCSENTRY_REC_EXEC) | (1U << PROCSENTRY_REC_EXEC_FAILED) | \
				 (1U << PROCSENTRY_REC_CRED_CHANGE) | (1U << PROCSENTRY_REC_EXIT) | \
				 (1U << PROCSENTRY_REC_FORK))

/* hdr.flags */
#define PROCSENTRY_RF_SYNTHETIC	(1U << 0)	/* made by the module (LOST), seq is 0 */

struct procsentry_rec_hdr {
	__u32 size;		/* whole record in bytes, multiple of 8 */
	__u16 type;		/* enum procsentry_rec_type */
	__u8 abi_version;	/* PROCSENTRY_ABI_VERSION of the writer */
	__u8 hdr_size;		/* offset of the body */
	__u64 seq;		/* per-CPU sequence number, from 1 */
	__u64 ts_ns;		/* CLOCK_BOOTTIME */
	__u32 cpu;
	__u32 flags;		/* PROCSENTRY_RF_* */
};

struct procsentry_str {
	__u32 off;		/* from the record start; 0 when absent */
	__u32 len;
};

struct procsentry_creds {
	__u32 uid, gid;
	__u32 suid, sgid;
	__u32 euid, egid;
	__u32 fsuid, fsgid;
	__u64 cap_effective;
	__u64 cap_permitted;
	__u32 userns;		/* inode number of the user namespace the caps apply to */
	__u32 securebits;
};

/* The process a record is about. */
struct procsentry_task {
	__u32 pid;		/* thread id */
	__u32 tgid;		/* process id */
	__u32 ppid;		/* tgid of the real parent */
	__u32 loginuid;		/* (u32)-1 when unset */
	__u32 sessionid;	/* (u32)-1 when unset */
	__u32 pid_ns;		/* inode number of the pid namespace */
	__u32 mnt_ns;		/* inode number of the mount namespace, 0 if unknown */
	__u32 reserved;
	__u64 cgroup_id;	/* cgroup v2 id, 0 if unknown */
	__u64 start_ns;		/* start of the thread-group leader, CLOCK_BOOTTIME */
	char comm[PROCSENTRY_COMM_LEN];	/* NUL-padded, untrusted */
	struct procsentry_creds cred;	/* when the record was made */
};

/* EXEC flags */
#define PROCSENTRY_EXEC_MEMFD		(1U << 0)	/* file is a memfd */
#define PROCSENTRY_EXEC_DELETED		(1U << 1)	/* file was unlinked */
#define PROCSENTRY_EXEC_ARGV_TRUNC	(1U << 2)	/* argv longer than the limit */
#define PROCSENTRY_EXEC_NO_CRED_BEFORE	(1U << 3)	/* cred_before unknown (not a syscall exec, or no slot) */
#define PROCSENTRY_EXEC_SECURE		(1U << 4)	/* kernel set AT_SECURE (privilege gain) */
#define PROCSENTRY_EXEC_PATH_ERR	(1U << 5)	/* path could not be resolved */
#define PROCSENTRY_EXEC_ARGV_ERR	(1U << 6)	/* argv could not be read */
#define PROCSENTRY_EXEC_SCRIPT		(1U << 7)	/* a #! script: path is the script, interp_path the binary run */
/*
 * The process's root is not the root of its mount namespace (chroot): path
 * is relative to that root, so a directory named /usr/bin there may be
 * anything.  Together with task.mnt_ns this tells a reader whether a path
 * can be trusted for allow/skip decisions.
 */
#define PROCSENTRY_EXEC_CHROOT		(1U << 8)
/*
 * Run through an interpreter (#! or binfmt_misc): interp names it.  Without
 * PROCSENTRY_EXEC_SCRIPT, path is the interpreter's and the script's own
 * resolved path is unknown (binfmt_misc, hook_mode=syscall_tp, or no free
 * in-flight slot): such a path must not be trusted for skip decisions.
 */
#define PROCSENTRY_EXEC_INTERPRETED	(1U << 9)

/*
 * EXEC: a successful execve/execveat (or kernel exec), made after the new
 * image is installed.  task is after the exec (new comm, new creds).
 */
struct procsentry_exec {
	struct procsentry_task task;
	struct procsentry_creds cred_before;
	__u32 exec_flags;	/* PROCSENTRY_EXEC_* */
	__u32 argc;		/* argument count (complete, even when argv is truncated) */
	__u32 old_pid;		/* thread id before exec (differs if a thread exec'd) */
	__u32 reserved;
	struct procsentry_str path;	/* resolved path of the file executed (d_path) */
	struct procsentry_str filename;	/* the name as the caller gave it */
	struct procsentry_str interp;	/* #! interpreter as written in the script */
	struct procsentry_str interp_path;	/* resolved path of the binary that runs a script */
	struct procsentry_str argv;	/* NUL-separated, at most argv_max bytes */
};

/* Syscalls, for EXEC_FAILED.call and CRED_CHANGE.call */
enum procsentry_call {
	PROCSENTRY_CALL_UNSPEC,
	PROCSENTRY_CALL_EXECVE,
	PROCSENTRY_CALL_EXECVEAT,
	PROCSENTRY_CALL_SETUID,
	PROCSENTRY_CALL_SETREUID,
	PROCSENTRY_CALL_SETRESUID,
	PROCSENTRY_CALL_SETFSUID,
	PROCSENTRY_CALL_SETGID,
	PROCSENTRY_CALL_SETREGID,
	PROCSENTRY_CALL_SETRESGID,
	PROCSENTRY_CALL_SETFSGID,
	PROCSENTRY_CALL_CAPSET,
	PROCSENTRY_CALL_COMMIT_CREDS,	/* credentials changed outside any call above */
	__PROCSENTRY_CALL_MAX,
};

/* How the call entered the kernel */
enum procsentry_abi_entry {
	PROCSENTRY_ENTRY_NATIVE,	/* 64-bit syscall */
	PROCSENTRY_ENTRY_IA32,		/* 32-bit (int 0x80, sysenter, compat syscall) */
	PROCSENTRY_ENTRY_IA32_UID16,	/* 32-bit legacy 16-bit-uid variant */
	PROCSENTRY_ENTRY_KERNEL,	/* no syscall we hook (COMMIT_CREDS) */
};

/* EXEC_FAILED: an execve/execveat that returned an error. */
struct procsentry_exec_failed {
	struct procsentry_task task;
	__s32 error;		/* negative errno */
	__u32 call;		/* PROCSENTRY_CALL_EXECVE or _EXECVEAT */
	__u32 entry;		/* enum procsentry_abi_entry */
	__s32 dirfd;		/* execveat dirfd */
	__u32 at_flags;		/* execveat flags */
	__u32 name_flags;	/* PROCSENTRY_NAME_* */
	struct procsentry_str filename;	/* as requested, read without faulting */
};
#define PROCSENTRY_NAME_TRUNC	(1U << 0)	/* filename longer than the record keeps */
#define PROCSENTRY_NAME_ERR	(1U << 1)	/* filename could not be read */

/*
 * CRED_CHANGE: a set*id or capset call, granted or refused; or (call
 * COMMIT_CREDS) a change of uids, gids or capabilities that no hooked call
 * made, seen at commit_creds(): a kernel exploit's escalation looks like this.
 * task.cred is after.
 */
struct procsentry_cred_change {
	struct procsentry_task task;
	struct procsentry_creds cred_before;
	__u32 call;		/* enum procsentry_call */
	__u32 entry;		/* enum procsentry_abi_entry */
	__s32 result;		/* 0, or negative errno; set*fsid: the previous id (never an error) */
	__u32 nargs;
	__u32 args[3];		/* ids as passed, widened: (u32)-1 = unchanged */
	__u32 reserved;
};

/* EXIT: the last thread of a process exited; once per process. */
struct procsentry_exit {
	struct procsentry_task task;
	__u32 exit_code;	/* raw wait status */
	__s32 status;		/* exit status if exited normally, else -1 */
	__u32 signal;		/* terminating signal, 0 if none */
	__u32 core_dumped;	/* 1 if a core was dumped */
};

/* FORK: a new process (not a thread). task is the child. */
struct procsentry_fork {
	struct procsentry_task task;
	__u32 creator_tgid;	/* process that called fork/clone (task.ppid may differ: CLONE_PARENT) */
	__u32 reserved;
};

/* Why records were lost. */
enum procsentry_lost_cause {
	PROCSENTRY_LOST_UNSPEC,
	PROCSENTRY_LOST_BUFFER_FULL,	/* per-CPU buffer full before the reader drained it */
	PROCSENTRY_LOST_NOMEM,		/* no memory for a netlink message */
	PROCSENTRY_LOST_READER,		/* this reader's socket was full (ENOBUFS-like) */
	PROCSENTRY_LOST_PROBE_MISSED,	/* kretprobe had no free instance: calls not seen */
	PROCSENTRY_LOST_NO_SLOT,	/* in-flight syscall table full: EXEC_FAILED/CRED_CHANGE not seen */
	PROCSENTRY_LOST_NO_LISTENER,	/* flushed while no reader was registered */
	__PROCSENTRY_LOST_MAX,
};

/* LOST: records dropped since the last LOST report of this cause. */
struct procsentry_lost {
	__u32 cause;		/* enum procsentry_lost_cause */
	__u32 cpu;		/* CPU concerned, (u32)-1 for all */
	__u64 count;
};

/* GET_STATS: one per possible CPU. produced == delivered + dropped_* + pending */
struct procsentry_cpu_stats {
	__u64 produced;		/* records made (sequence numbers handed out) */
	__u64 delivered;	/* reached every registered reader */
	__u64 dropped_full;	/* PROCSENTRY_LOST_BUFFER_FULL */
	__u64 dropped_nomem;	/* PROCSENTRY_LOST_NOMEM */
	__u64 dropped_reader;	/* failed to reach at least one reader */
	__u64 dropped_no_listener;
	__u64 pending;		/* in the buffer, not flushed yet */
	__u64 messages;		/* EVENTS messages sent */
};

struct procsentry_global_stats {
	__u64 probe_missed;	/* kretprobe misses, all probes */
	__u64 no_slot;		/* in-flight table full */
	__u32 listeners;
	__u32 hook_mode;	/* 0 = kprobe, 1 = syscall tracepoints */
	__u32 hooks_attached;	/* 1 while hooks are active */
	__u32 probes_active;	/* kretprobes/kprobes registered */
};

struct procsentry_config {
	__u32 event_mask;
	__u32 argv_max;
	__u32 flags;		/* PROCSENTRY_CFG_* */
	__u32 reserved;
};

/*
 * CONFIG: SET_CONFIG changed what the module reports, for every reader; made
 * whatever the event mask, so no admin can narrow the stream unnoticed.
 * task is the process that asked.
 */
struct procsentry_config_change {
	struct procsentry_task task;
	struct procsentry_config old_config;
	struct procsentry_config new_config;
};

#endif /* _PROCSENTRY_ABI_H */
