/* SPDX-License-Identifier: GPL-2.0 */
/* Scenario table and record-level assertion helpers. */
#ifndef PS_SCEN_SCEN_H
#define PS_SCEN_SCEN_H

#include "util.h"

struct want {
	uint16_t type;
	uint32_t tgid;
	size_t n;		/* at least n records of type about tgid */
};

/*
 * Receive until every want is met or ms pass; then keep reading extra_ms more
 * (to catch duplicates).  On timeout prints FAIL with what is missing.  Returns 1 if met.
 */
int collect_wants(struct nl *nl, struct coll *c, const struct want *w, int nw, int ms, int extra_ms);

/* Exactly n records of type about tgid. Returns the count. */
size_t expect_count(const struct coll *c, uint16_t type, uint32_t tgid, size_t n, const char *what);

struct exec_exp {
	uint32_t pid, ppid, old_pid;
	const char *comm;
	const char *path;		/* NULL: don't check */
	const char *filename;		/* NULL: don't check */
	const char *argv;		/* joined with NUL; NULL: don't check */
	size_t argv_len;
	uint32_t argc;
	uint32_t flags;
	const struct procsentry_creds *cred, *cred_before;	/* NULL: don't check */
	const char *interp, *interp_path;	/* "" = must be absent; NULL: don't check */
};
void check_exec(const struct rec *r, const struct exec_exp *e);
void check_fork(const struct rec *r, uint32_t child, uint32_t creator, uint32_t ppid, const char *comm);
void check_exit(const struct rec *r, uint32_t tgid, uint32_t ppid, int raw_status);

/* FORK records whose creator_tgid is creator. */
size_t count_forks_by(const struct coll *c, uint32_t creator);

/* Print all records about a tgid. */
void dump_tgid(const struct coll *c, uint32_t tgid);

/* Scenarios */
typedef int (*scenario_fn)(void);
struct scenario {
	const char *name;
	scenario_fn fn;
	const char *help;
};

int sc_abi(void);
int sc_stats_basic(void);
int sc_exec_basic(void);
int sc_exec_failed(void);
int sc_exec_suid(void);
int sc_exec_sgid(void);
int sc_exec_chroot(void);
int sc_cred_noop(void);
int sc_reg_exclude_self(void);
int sc_exec_path_dotdot(void);
int sc_exec_symlink_argv0(void);
int sc_exec_comm_rename(void);
int sc_exec_memfd(void);
int sc_exec_script(void);
int sc_exec_thread(void);
int sc_exec_argv_bytes(void);
int sc_exec_argv_trunc(void);
int sc_config_argv_max(void);
int sc_config_event_mask(void);
int sc_cred_refused(void);
int sc_cred_native(void);
int sc_cred_ia32(void);
int sc_exec_failed_ia32(void);
int sc_cred_commit_creds(void);
int sc_exit_codes(void);
int sc_exit_threads(void);
int sc_fork_clone_parent(void);
int sc_priv_unprivileged(void);
int sc_unregistered_silent(void);
int sc_reader_killed(void);
int sc_reader_unregister(void);
int sc_max_listeners(void);
int sc_storm_small_rcvbuf(void);
int sc_dump_tool(void);
int sc_rmmod_storm(void);
int sc_insmod_loop(void);

int selftest(void);
int helper_memfd(int with_reader, int mode);

#endif
