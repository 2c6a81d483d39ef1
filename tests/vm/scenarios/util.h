/* SPDX-License-Identifier: GPL-2.0 */
/* Shared helpers for the procsentry scenarios: expectations, processes, files. */
#ifndef PS_SCEN_UTIL_H
#define PS_SCEN_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../../../include/procsentry/procsentry_abi.h"
#include "nl.h"
#include "records.h"

extern int g_failures;
extern char g_self_exe[4096];	/* path of this binary */
extern char g_self_comm[16];	/* comm of this binary */

/* Expectations: print "FAIL: what: expected X, got Y" and count. Return 1 if ok. */
int expect_true(const char *what, int cond);
int expect_u64(const char *what, uint64_t exp, uint64_t act);
int expect_s64(const char *what, int64_t exp, int64_t act);
int expect_hex(const char *what, uint64_t exp, uint64_t act);
int expect_bytes(const char *what, const void *exp, size_t elen, const void *act, size_t alen);
int expect_str(const char *what, const char *exp, const char *act, size_t alen);
int expect_creds(const char *what, const struct procsentry_creds *exp, const struct procsentry_creds *act);
void failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void notef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

long long now_ms(void);
void sleep_ms(int ms);

/* Creds of a process read from /proc/<pid>/status (pid 0: self). 0 on success. */
int read_creds(pid_t pid, struct procsentry_creds *c);
void print_creds(const char *label, const struct procsentry_creds *c);
uint32_t ns_inode(const char *which);	/* /proc/self/ns/<which> inode, 0 if unknown */

/* Files */
int copy_file(const char *src, const char *dst, mode_t mode);
int write_file(const char *path, const void *data, size_t len, mode_t mode);
int write_proc(const char *path, const char *value);	/* /proc or /sys file: no create/chmod */
int read_file_str(const char *path, char *buf, size_t cap);	/* strips trailing newline */
int ensure_dir(const char *path);
/* /tmp/ps-true: a copy of this binary that exits 0 at once. Returns 0. */
int ensure_ps_true(void);
#define PS_TRUE "/tmp/ps-true"

/* Processes */
pid_t spawn_exec(const char *path, char *const argv[]);	/* fork + execve; child _exit(127) */
int wait_pid(pid_t pid, int timeout_ms);	/* raw status, -1 on timeout (child killed) */
void *shared_alloc(size_t len);			/* MAP_SHARED anonymous, zeroed */
int drop_to_uid(uid_t uid, gid_t gid);		/* setgroups(0)+setgid+setuid */

/* Module */
int hook_mode_is_tp(void);			/* 1 if hook_mode=syscall_tp */
int module_loaded(void);

/* Reader setup: open, register (ABI 1, no flags), set sink. Fails the scenario if it cannot. */
int reader_open(struct nl *nl, struct coll *c);

/* Common record checks */
void expect_task(const char *what, const struct procsentry_task *t, uint32_t pid, uint32_t tgid,
		 uint32_t ppid, const char *comm);
int possible_cpus(void);
int self_cgroup_id(uint64_t *id);	/* cgroup v2 id of our cgroup, 0 or -errno */

#endif
