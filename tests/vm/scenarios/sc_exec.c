// SPDX-License-Identifier: GPL-2.0
/* EXEC / EXEC_FAILED scenarios: basic, failures, set-user-ID, path resolution, memfd, scripts, threads. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "scen.h"

static char *const g_envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };

/* Standard tail: FORK/EXEC/EXIT for one child that exec'd. */
static void expect_fork_exit(const struct coll *c, pid_t child, int raw)
{
	pid_t me = getpid();

	expect_count(c, PROCSENTRY_REC_FORK, (uint32_t)child, 1, "FORK");
	expect_count(c, PROCSENTRY_REC_EXIT, (uint32_t)child, 1, "EXIT");
	check_fork(coll_first(c, PROCSENTRY_REC_FORK, (uint32_t)child), (uint32_t)child, (uint32_t)me, (uint32_t)me,
		   g_self_comm);
	check_exit(coll_first(c, PROCSENTRY_REC_EXIT, (uint32_t)child), (uint32_t)child, (uint32_t)me, raw);
}

int sc_exec_basic(void)
{
	struct nl nl;
	struct coll c;
	struct procsentry_creds me;
	char *argv[] = { "ps-true", "alpha", "beta gamma", NULL };
	static const char jargv[] = "ps-true\0alpha\0beta gamma";
	pid_t p;
	int st;
	struct rec *ex, *fk, *xt;

	if (ensure_ps_true() || read_creds(0, &me) < 0)
		return 1;
	print_creds("scenario creds", &me);
	if (reader_open(&nl, &c))
		return 1;
	p = spawn_exec(PS_TRUE, argv);
	st = wait_pid(p, 5000);
	expect_u64("child wait status", 0, (uint32_t)st);
	collect_wants(&nl, &c,
		      (struct want[]){ { PROCSENTRY_REC_FORK, (uint32_t)p, 1 },
				       { PROCSENTRY_REC_EXEC, (uint32_t)p, 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)p, 1 } },
		      3, 3000, 300);
	dump_tgid(&c, (uint32_t)p);
	expect_count(&c, PROCSENTRY_REC_EXEC, (uint32_t)p, 1, "EXEC");
	ex = coll_first(&c, PROCSENTRY_REC_EXEC, (uint32_t)p);
	check_exec(ex, &(struct exec_exp){ .pid = (uint32_t)p, .ppid = (uint32_t)getpid(), .comm = "ps-true",
					   .path = PS_TRUE, .filename = PS_TRUE, .argv = jargv,
					   .argv_len = sizeof(jargv) - 1, .argc = 3, .flags = 0, .cred = &me,
					   .cred_before = &me, .interp = "", .interp_path = "" });
	expect_fork_exit(&c, p, st);
	expect_count(&c, PROCSENTRY_REC_EXEC_FAILED, (uint32_t)p, 0, "EXEC_FAILED");
	expect_count(&c, PROCSENTRY_REC_CRED_CHANGE, (uint32_t)p, 0, "CRED_CHANGE");
	fk = coll_first(&c, PROCSENTRY_REC_FORK, (uint32_t)p);
	xt = coll_first(&c, PROCSENTRY_REC_EXIT, (uint32_t)p);
	if (ex && fk && xt) {
		expect_u64("EXEC task.start_ns == FORK task.start_ns", fk->b.fk.task.start_ns, ex->b.exec.task.start_ns);
		expect_u64("EXIT task.start_ns == FORK task.start_ns", fk->b.fk.task.start_ns, xt->b.ex.task.start_ns);
		expect_true("FORK ts_ns <= EXEC ts_ns <= EXIT ts_ns",
			    fk->hdr.ts_ns <= ex->hdr.ts_ns && ex->hdr.ts_ns <= xt->hdr.ts_ns);
		expect_true("FORK task.start_ns <= FORK ts_ns", fk->b.fk.task.start_ns <= fk->hdr.ts_ns);
		expect_u64("EXEC loginuid == FORK loginuid", fk->b.fk.task.loginuid, ex->b.exec.task.loginuid);
		expect_u64("EXEC cgroup_id == FORK cgroup_id", fk->b.fk.task.cgroup_id, ex->b.exec.task.cgroup_id);
	}
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

struct ef_shared {
	int err[8];
	int dirfd;
};

static void check_ef(const struct rec *r, int idx, pid_t child, int err, unsigned call, int dirfd, unsigned at_flags,
		     const char *name, size_t namelen, const struct procsentry_creds *me)
{
	char w[128];
	uint32_t l;
	const char *p;

	printf("-- EXEC_FAILED #%d: expect error %d call %s dirfd %d at_flags 0x%x\n", idx, err, call_name(call), dirfd,
	       at_flags);
	if (!r) {
		failf("EXEC_FAILED #%d: missing", idx);
		return;
	}
	expect_task("EXEC_FAILED", &r->b.ef.task, (uint32_t)child, (uint32_t)child, (uint32_t)getpid(), g_self_comm);
	snprintf(w, sizeof(w), "EXEC_FAILED #%d error", idx);
	expect_s64(w, err, r->b.ef.error);
	snprintf(w, sizeof(w), "EXEC_FAILED #%d call", idx);
	expect_u64(w, call, r->b.ef.call);
	snprintf(w, sizeof(w), "EXEC_FAILED #%d entry (0 = NATIVE)", idx);
	expect_u64(w, PROCSENTRY_ENTRY_NATIVE, r->b.ef.entry);
	if (call == PROCSENTRY_CALL_EXECVEAT) {
		snprintf(w, sizeof(w), "EXEC_FAILED #%d dirfd", idx);
		expect_s64(w, dirfd, r->b.ef.dirfd);
		snprintf(w, sizeof(w), "EXEC_FAILED #%d at_flags", idx);
		expect_hex(w, at_flags, r->b.ef.at_flags);
	} else {
		printf("   (execve: dirfd %d at_flags 0x%x reported, not asserted)\n", r->b.ef.dirfd, r->b.ef.at_flags);
	}
	p = rec_str(r, r->b.ef.filename, &l);
	if (!name) {
		snprintf(w, sizeof(w), "EXEC_FAILED #%d name_flags (NAME_ERR for an unreadable filename)", idx);
		expect_hex(w, PROCSENTRY_NAME_ERR, r->b.ef.name_flags & PROCSENTRY_NAME_ERR);
		snprintf(w, sizeof(w), "EXEC_FAILED #%d filename length for an unreadable name", idx);
		expect_u64(w, 0, l);
	} else if (r->b.ef.name_flags & PROCSENTRY_NAME_TRUNC) {
		snprintf(w, sizeof(w), "EXEC_FAILED #%d filename (NAME_TRUNC: a prefix of the requested name)", idx);
		expect_true(w, l > 0 && l < namelen && memcmp(p, name, l) == 0);
		printf("   filename kept %u of %zu bytes\n", l, namelen);
	} else {
		snprintf(w, sizeof(w), "EXEC_FAILED #%d filename", idx);
		if (r->b.ef.name_flags & PROCSENTRY_NAME_ERR)
			printf("FAIL-HINT: NAME_ERR for a valid filename: the string lives in a page the child had not "
			       "touched since fork (rodata), so a no-fault user read fails; the kernel's own copy "
			       "(getname) succeeded\n");
		expect_bytes(w, name, namelen, p, l);
		if (namelen >= 4096)
			failf("EXEC_FAILED #%d: a %zu-byte filename came back whole without NAME_TRUNC?", idx, namelen);
		snprintf(w, sizeof(w), "EXEC_FAILED #%d name_flags", idx);
		expect_hex(w, 0, r->b.ef.name_flags);
	}
	expect_creds("EXEC_FAILED task.cred", me, &r->b.ef.task.cred);
}

int sc_exec_failed(void)
{
	struct nl nl;
	struct coll c;
	struct procsentry_creds me;
	struct ef_shared *sh = shared_alloc(sizeof(*sh));
	char *longname = malloc(5001);
	pid_t p;
	int st;
	struct rec **v;
	size_t n;

	if (read_creds(0, &me) < 0)
		return 1;
	ensure_dir("/tmp");
	unlink("/tmp/ps-missing-file");
	unlink("/tmp/ps-missing-rel");
	if (write_file("/tmp/ps-noexec", "#!/bin/sh\nexit 0\n", 17, 0644)) {
		failf("cannot create /tmp/ps-noexec");
		return 1;
	}
	memset(longname, 'L', 5000);
	memcpy(longname, "/tmp/", 5);
	longname[5000] = 0;
	if (reader_open(&nl, &c))
		return 1;
	p = fork();
	if (p == 0) {
		char *argv[] = { "ps-x", NULL };
		int dfd;

		execve("/tmp/ps-missing-file", argv, g_envp);
		sh->err[0] = errno;
		execve("/tmp/ps-noexec", argv, g_envp);
		sh->err[1] = errno;
		dfd = open("/tmp", O_RDONLY | O_DIRECTORY);
		sh->dirfd = dfd;
		syscall(SYS_execveat, dfd, "ps-missing-rel", argv, g_envp, 0);
		sh->err[2] = errno;
		syscall(SYS_execveat, AT_FDCWD, "/tmp/ps-noexec", argv, g_envp, AT_SYMLINK_NOFOLLOW);
		sh->err[3] = errno;
		syscall(SYS_execve, longname, argv, g_envp);
		sh->err[4] = errno;
		syscall(SYS_execve, (char *)8, argv, g_envp); /* unreadable filename pointer */
		sh->err[5] = errno;
		{
			/* a name on the stack: its address needs all 64 bits */
			char stackname[32];

			strcpy(stackname, "/tmp/ps-missing-stack");
			execve(stackname, argv, g_envp);
			sh->err[6] = errno;
		}
		_exit(0);
	}
	st = wait_pid(p, 5000);
	expect_u64("child wait status", 0, (uint32_t)st);
	printf("child saw errno: %d %d %d %d %d %d (dirfd %d)\n", sh->err[0], sh->err[1], sh->err[2], sh->err[3],
	       sh->err[4], sh->err[5], sh->dirfd);
	expect_u64("child errno of execve missing file", ENOENT, sh->err[0]);
	expect_u64("child errno of execve 0644 file", EACCES, sh->err[1]);
	expect_u64("child errno of execveat missing relative", ENOENT, sh->err[2]);
	expect_u64("child errno of execveat 0644 file", EACCES, sh->err[3]);
	expect_u64("child errno of execve 5000-byte name", ENAMETOOLONG, sh->err[4]);
	expect_u64("child errno of execve bad pointer", EFAULT, sh->err[5]);
	expect_u64("child errno of execve of a name on the stack", ENOENT, sh->err[6]);
	collect_wants(&nl, &c,
		      (struct want[]){ { PROCSENTRY_REC_EXEC_FAILED, (uint32_t)p, 7 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)p, 1 } },
		      2, 3000, 300);
	dump_tgid(&c, (uint32_t)p);
	n = coll_find(&c, PROCSENTRY_REC_EXEC_FAILED, (uint32_t)p, &v);
	expect_u64("number of EXEC_FAILED records", 7, n);
	check_ef(n > 0 ? v[0] : NULL, 0, p, -ENOENT, PROCSENTRY_CALL_EXECVE, -1, 0, "/tmp/ps-missing-file", 20, &me);
	check_ef(n > 1 ? v[1] : NULL, 1, p, -EACCES, PROCSENTRY_CALL_EXECVE, -1, 0, "/tmp/ps-noexec", 14, &me);
	check_ef(n > 2 ? v[2] : NULL, 2, p, -ENOENT, PROCSENTRY_CALL_EXECVEAT, sh->dirfd, 0, "ps-missing-rel", 14, &me);
	check_ef(n > 3 ? v[3] : NULL, 3, p, -EACCES, PROCSENTRY_CALL_EXECVEAT, AT_FDCWD, AT_SYMLINK_NOFOLLOW,
		 "/tmp/ps-noexec", 14, &me);
	check_ef(n > 4 ? v[4] : NULL, 4, p, -ENAMETOOLONG, PROCSENTRY_CALL_EXECVE, -1, 0, longname, 5000, &me);
	check_ef(n > 5 ? v[5] : NULL, 5, p, -EFAULT, PROCSENTRY_CALL_EXECVE, -1, 0, NULL, 0, &me);
	check_ef(n > 6 ? v[6] : NULL, 6, p, -ENOENT, PROCSENTRY_CALL_EXECVE, -1, 0, "/tmp/ps-missing-stack", 21, &me);
	free(v);
	expect_count(&c, PROCSENTRY_REC_EXEC, (uint32_t)p, 0, "EXEC");
	expect_fork_exit(&c, p, st);
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

struct suid_shared {
	struct procsentry_creds before[2], after[2];
	int ret[2], err[2];
	int exec_errno;
};

static const char *suid_dir(void)
{
	struct statvfs sv;

	if (statvfs("/tmp", &sv) == 0 && (sv.f_flag & ST_NOSUID)) {
		notef("/tmp is mounted nosuid: using / for the set-user-ID binary");
		return "";
	}
	return "/tmp";
}

/* A root-owned copy of this binary with set-user-ID and/or set-group-ID @mode bits. */
static int prepare_setid_copy(char *path, size_t len, const char *name, mode_t mode)
{
	int e;

	snprintf(path, len, "%s/%s", suid_dir(), name);
	e = copy_file(g_self_exe, path, 0755);
	if (!e && chown(path, 0, 0) < 0)
		e = -errno;
	if (!e && chmod(path, mode) < 0)
		e = -errno;
	if (e)
		failf("prepare %s: %s", path, strerror(-e));
	return e;
}

int sc_exec_suid(void)
{
	struct nl nl;
	struct coll c;
	struct procsentry_creds me, exp_after;
	struct suid_shared *sh = shared_alloc(sizeof(*sh));
	char path[256];
	pid_t p;
	int st;
	struct rec **v;
	size_t n;

	if (ensure_ps_true() || read_creds(0, &me) < 0)
		return 1;
	if (prepare_setid_copy(path, sizeof(path), "ps-suid", 04755))
		return 1;
	if (reader_open(&nl, &c))
		return 1;
	p = fork();
	if (p == 0) {
		char *argv[] = { "ps-suid", NULL };

		setgroups(0, NULL);
		read_creds(0, &sh->before[0]);
		sh->ret[0] = setgid(1000);
		sh->err[0] = errno;
		read_creds(0, &sh->after[0]);
		read_creds(0, &sh->before[1]);
		sh->ret[1] = setuid(1000);
		sh->err[1] = errno;
		read_creds(0, &sh->after[1]);
		execve(path, argv, g_envp);
		sh->exec_errno = errno;
		_exit(126);
	}
	st = wait_pid(p, 5000);
	expect_u64("child wait status", 0, (uint32_t)st);
	if (sh->exec_errno)
		failf("exec %s as uid 1000: %s", path, strerror(sh->exec_errno));
	expect_s64("setgid(1000) return", 0, sh->ret[0]);
	expect_s64("setuid(1000) return", 0, sh->ret[1]);
	collect_wants(&nl, &c,
		      (struct want[]){ { PROCSENTRY_REC_CRED_CHANGE, (uint32_t)p, 2 },
				       { PROCSENTRY_REC_EXEC, (uint32_t)p, 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)p, 1 } },
		      3, 3000, 300);
	dump_tgid(&c, (uint32_t)p);
	n = coll_find(&c, PROCSENTRY_REC_CRED_CHANGE, (uint32_t)p, &v);
	{
		/* setgroups(0, NULL) first: a groups-only change, seen at commit_creds (in kprobe
		 * mode) with ids and capabilities unchanged; then setgid and setuid */
		size_t k = 0, groups = 0;

		for (size_t i = 0; i < n; i++) {
			const struct procsentry_cred_change *cc = &v[i]->b.cc;

			if (cc->call == PROCSENTRY_CALL_COMMIT_CREDS &&
			    !memcmp(&cc->cred_before, &cc->task.cred, sizeof(cc->cred_before)))
				groups++;
			else
				v[k++] = v[i];
		}
		expect_u64("COMMIT_CREDS records for setgroups() (groups only)", hook_mode_is_tp() ? 0 : 1, groups);
		n = k;
	}
	expect_u64("number of CRED_CHANGE records (setgid, setuid)", 2, n);
	for (size_t i = 0; i < 2 && i < n; i++) {
		const struct procsentry_cred_change *cc = &v[i]->b.cc;
		char w[96];

		snprintf(w, sizeof(w), "CRED_CHANGE #%zu call", i);
		expect_u64(w, i == 0 ? PROCSENTRY_CALL_SETGID : PROCSENTRY_CALL_SETUID, cc->call);
		snprintf(w, sizeof(w), "CRED_CHANGE #%zu entry", i);
		expect_u64(w, PROCSENTRY_ENTRY_NATIVE, cc->entry);
		snprintf(w, sizeof(w), "CRED_CHANGE #%zu result", i);
		expect_s64(w, 0, cc->result);
		snprintf(w, sizeof(w), "CRED_CHANGE #%zu nargs", i);
		expect_u64(w, 1, cc->nargs);
		snprintf(w, sizeof(w), "CRED_CHANGE #%zu args[0]", i);
		expect_u64(w, 1000, cc->args[0]);
		snprintf(w, sizeof(w), "CRED_CHANGE #%zu cred_before", i);
		expect_creds(w, &sh->before[i], &cc->cred_before);
		snprintf(w, sizeof(w), "CRED_CHANGE #%zu task.cred", i);
		expect_creds(w, &sh->after[i], &cc->task.cred);
	}
	free(v);
	exp_after = sh->after[1];
	exp_after.euid = 0;
	exp_after.suid = 0;
	exp_after.fsuid = 0;
	exp_after.cap_effective = me.cap_permitted;	/* root semantics: full bounding set */
	exp_after.cap_permitted = me.cap_permitted;
	expect_u64("creds before exec: uid", 1000, sh->after[1].uid);
	expect_u64("creds before exec: euid", 1000, sh->after[1].euid);
	check_exec(coll_first(&c, PROCSENTRY_REC_EXEC, (uint32_t)p),
		   &(struct exec_exp){ .pid = (uint32_t)p, .ppid = (uint32_t)getpid(), .comm = "ps-suid",
				       .path = path, .filename = path, .argv = "ps-suid", .argv_len = 7, .argc = 1,
				       .flags = PROCSENTRY_EXEC_SECURE, .cred = &exp_after,
				       .cred_before = &sh->after[1], .interp = "", .interp_path = "" });
	expect_count(&c, PROCSENTRY_REC_EXEC, (uint32_t)p, 1, "EXEC");
	expect_fork_exit(&c, p, st);
	coll_expect_clean(&c);
	nl_close(&nl);
	unlink(path);
	return g_failures ? 1 : 0;
}

/* exec one child with argv; collect FORK/EXEC/EXIT and check the EXEC; returns child pid. */
static pid_t run_exec_check(struct nl *nl, struct coll *c, const char *file, char *const argv[],
			    const struct exec_exp *tmpl)
{
	struct procsentry_creds me;
	struct exec_exp e = *tmpl;
	pid_t p;
	int st;

	read_creds(0, &me);
	p = spawn_exec(file, argv);
	st = wait_pid(p, 5000);
	expect_u64("child wait status", 0, (uint32_t)st);
	collect_wants(nl, c,
		      (struct want[]){ { PROCSENTRY_REC_FORK, (uint32_t)p, 1 },
				       { PROCSENTRY_REC_EXEC, (uint32_t)p, 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)p, 1 } },
		      3, 3000, 300);
	dump_tgid(c, (uint32_t)p);
	e.pid = (uint32_t)p;
	e.ppid = (uint32_t)getpid();
	if (!e.cred)
		e.cred = &me;
	if (!e.cred_before)
		e.cred_before = &me;
	expect_count(c, PROCSENTRY_REC_EXEC, (uint32_t)p, 1, "EXEC");
	check_exec(coll_first(c, PROCSENTRY_REC_EXEC, (uint32_t)p), &e);
	expect_fork_exit(c, p, st);
	return p;
}

int sc_exec_path_dotdot(void)
{
	struct nl nl;
	struct coll c;
	char *argv[] = { "ps-x", NULL };
	const char *name = "/usr/bin/../../tmp/ps-x";
	char rp[PATH_MAX];

	if (ensure_ps_true())
		return 1;
	ensure_dir("/usr/bin");
	if (copy_file(g_self_exe, "/tmp/ps-x", 0755)) {
		failf("cannot create /tmp/ps-x");
		return 1;
	}
	if (!realpath(name, rp) || strcmp(rp, "/tmp/ps-x") != 0) {
		failf("guest setup: %s does not resolve to /tmp/ps-x (realpath %s)", name, rp);
		return 1;
	}
	if (reader_open(&nl, &c))
		return 1;
	run_exec_check(&nl, &c, name, argv,
		       &(struct exec_exp){ .comm = "ps-x", .path = "/tmp/ps-x", .filename = name, .argv = "ps-x",
					   .argv_len = 4, .argc = 1, .flags = 0, .interp = "", .interp_path = "" });
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

int sc_exec_symlink_argv0(void)
{
	struct nl nl;
	struct coll c;
	char *argv[] = { "sshd", "-D", NULL };

	if (ensure_ps_true())
		return 1;
	unlink("/tmp/ps-link");
	if (symlink(PS_TRUE, "/tmp/ps-link") < 0) {
		failf("symlink /tmp/ps-link: %s", strerror(errno));
		return 1;
	}
	if (reader_open(&nl, &c))
		return 1;
	/* path = the real file, filename = the symlink as given, comm from the name, argv[0] spoofed */
	run_exec_check(&nl, &c, "/tmp/ps-link", argv,
		       &(struct exec_exp){ .comm = "ps-link", .path = PS_TRUE, .filename = "/tmp/ps-link",
					   .argv = "sshd\0-D", .argv_len = 7, .argc = 2, .flags = 0, .interp = "",
					   .interp_path = "" });
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

struct rename_shared {
	struct procsentry_creds before, after;
	int ret;
};

int sc_exec_comm_rename(void)
{
	struct nl nl;
	struct coll c;
	struct rename_shared *sh = shared_alloc(sizeof(*sh));
	struct procsentry_creds me;
	pid_t p;
	int st;
	struct rec *r;

	if (ensure_ps_true() || read_creds(0, &me) < 0)
		return 1;
	if (reader_open(&nl, &c))
		return 1;
	p = fork();
	if (p == 0) {
		char *argv[] = { "sshd", NULL };

		prctl(PR_SET_NAME, "sshd", 0, 0, 0);
		read_creds(0, &sh->before);
		/* a real change (always reported); all gids equal so the exec is not AT_SECURE */
		sh->ret = (int)syscall(SYS_setresgid, 50, 50, 50);
		read_creds(0, &sh->after);
		execve(PS_TRUE, argv, g_envp);
		_exit(126);
	}
	st = wait_pid(p, 5000);
	expect_u64("child wait status", 0, (uint32_t)st);
	collect_wants(&nl, &c,
		      (struct want[]){ { PROCSENTRY_REC_CRED_CHANGE, (uint32_t)p, 1 },
				       { PROCSENTRY_REC_EXEC, (uint32_t)p, 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)p, 1 } },
		      3, 3000, 300);
	dump_tgid(&c, (uint32_t)p);
	expect_count(&c, PROCSENTRY_REC_CRED_CHANGE, (uint32_t)p, 1, "CRED_CHANGE");
	r = coll_first(&c, PROCSENTRY_REC_CRED_CHANGE, (uint32_t)p);
	if (r) {
		expect_task("CRED_CHANGE (after prctl)", &r->b.cc.task, (uint32_t)p, (uint32_t)p, (uint32_t)getpid(),
			    "sshd");
		expect_u64("CRED_CHANGE call", PROCSENTRY_CALL_SETRESGID, r->b.cc.call);
		expect_u64("CRED_CHANGE entry", PROCSENTRY_ENTRY_NATIVE, r->b.cc.entry);
		expect_s64("CRED_CHANGE result", 0, r->b.cc.result);
		expect_u64("CRED_CHANGE nargs", 3, r->b.cc.nargs);
		expect_u64("CRED_CHANGE args[0]", 50, r->b.cc.args[0]);
		expect_u64("CRED_CHANGE args[1]", 50, r->b.cc.args[1]);
		expect_u64("CRED_CHANGE args[2]", 50, r->b.cc.args[2]);
		expect_creds("CRED_CHANGE cred_before", &sh->before, &r->b.cc.cred_before);
		expect_creds("CRED_CHANGE task.cred", &sh->after, &r->b.cc.task.cred);
	}
	/* comm came from prctl, but the exec reports the real file and the comm from its name */
	{
		struct procsentry_creds after_exec = sh->after;

		/* exec of a plain file: saved and fs ids follow the effective ones */
		after_exec.suid = after_exec.fsuid = after_exec.euid;
		after_exec.sgid = after_exec.fsgid = after_exec.egid;
		expect_u64("egid after setresgid(50, 50, 50)", 50, sh->after.egid);
		check_exec(coll_first(&c, PROCSENTRY_REC_EXEC, (uint32_t)p),
			   &(struct exec_exp){ .pid = (uint32_t)p, .ppid = (uint32_t)getpid(), .comm = "ps-true",
					       .path = PS_TRUE, .filename = PS_TRUE, .argv = "sshd", .argv_len = 4,
					       .argc = 1, .flags = 0, .cred = &after_exec, .cred_before = &sh->after,
					       .interp = "", .interp_path = "" });
	}
	(void)me;
	expect_fork_exit(&c, p, st);
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

int sc_exec_memfd(void)
{
	struct nl nl;
	struct coll c;
	struct procsentry_creds me;
	int *err = shared_alloc(sizeof(int) * 4);
	pid_t p;
	int st;
	struct rec *r;
	char fallback[64] = "";	/* the expected filename */

	if (read_creds(0, &me) < 0)
		return 1;
	if (reader_open(&nl, &c))
		return 1;
	p = fork();
	if (p == 0) {
		char *argv[] = { "ps-memfd", "m1", NULL };
		int fd = (int)syscall(SYS_memfd_create, "evil", 0);
		int in = open(g_self_exe, O_RDONLY);
		char buf[65536];
		ssize_t n;

		if (fd < 0 || in < 0) {
			err[0] = errno;
			_exit(125);
		}
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(fd, buf, (size_t)n) != n)
				_exit(124);
		close(in);
		err[2] = fd;
		syscall(SYS_execveat, fd, "", argv, g_envp, AT_EMPTY_PATH);
		err[1] = errno;
		if (errno == ENOENT) {
			/* some kernels here refuse AT_EMPTY_PATH execs (ENOENT even without the module) */
			char path[64];

			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
			execve(path, argv, g_envp);
			err[3] = errno;
		}
		_exit(126);
	}
	st = wait_pid(p, 5000);
	expect_u64("child wait status", 0, (uint32_t)st);
	/* docs/RECORDS.md: filename is "/dev/fd/N" for execveat on a descriptor */
	snprintf(fallback, sizeof(fallback), "/dev/fd/%d", err[2]);
	if (err[1] == ENOENT && err[2] && !err[3]) {
		snprintf(fallback, sizeof(fallback), "/proc/self/fd/%d", err[2]);
		notef("execveat(memfd, \"\", AT_EMPTY_PATH) failed with ENOENT on this kernel (also without the module); "
		      "exec'd %s instead", fallback);
	} else if (err[0] || err[1]) {
		failf("memfd exec in child: memfd/open errno %d, execveat errno %d, fallback errno %d", err[0], err[1],
		      err[3]);
	}
	collect_wants(&nl, &c,
		      (struct want[]){ { PROCSENTRY_REC_EXEC, (uint32_t)p, 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)p, 1 } },
		      2, 3000, 300);
	dump_tgid(&c, (uint32_t)p);
	r = coll_first(&c, PROCSENTRY_REC_EXEC, (uint32_t)p);
	if (r) {
		uint32_t l;
		const char *s = rec_str(r, r->b.exec.path, &l);
		char comm[17];

		memcpy(comm, r->b.exec.task.comm, 16);
		comm[16] = 0;
		printf("memfd exec: comm \"%s\" (kernel dependent: \"3\"/\"4\" from /dev/fd/N or \"evil\"; not asserted)\n",
		       comm);
		expect_true("EXEC path starts with \"/memfd:evil\"", l >= 11 && memcmp(s, "/memfd:evil", 11) == 0);
		check_exec(r, &(struct exec_exp){ .pid = (uint32_t)p, .ppid = (uint32_t)getpid(), .comm = NULL,
						  .path = "/memfd:evil (deleted)", .filename = fallback,
						  .argv = "ps-memfd\0m1", .argv_len = 11, .argc = 2,
						  .flags = PROCSENTRY_EXEC_MEMFD | PROCSENTRY_EXEC_DELETED, .cred = &me,
						  .cred_before = &me, .interp = "", .interp_path = "" });
	} else {
		failf("no EXEC record for the memfd exec (pid %d)", (int)p);
	}
	expect_count(&c, PROCSENTRY_REC_EXEC, (uint32_t)p, 1, "EXEC");
	expect_fork_exit(&c, p, st);
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

int sc_exec_script(void)
{
	struct nl nl;
	struct coll c;
	static const char script[] = "#!/bin/sh\nexit 0\n";
	static const char jargv[] = "/bin/sh\0/tmp/ps-script.sh\0arg1";
	char *argv[] = { "ps-script.sh", "arg1", NULL };
	char shpath[PATH_MAX];
	struct stat sb;

	if (stat("/bin/sh", &sb) < 0 || !realpath("/bin/sh", shpath)) {
		failf("guest setup: /bin/sh missing (%s)", strerror(errno));
		return 1;
	}
	printf("/bin/sh resolves to %s\n", shpath);
	if (write_file("/tmp/ps-script.sh", script, sizeof(script) - 1, 0755)) {
		failf("cannot write /tmp/ps-script.sh");
		return 1;
	}
	if (reader_open(&nl, &c))
		return 1;
	printf("argv expectation: the argv the new image runs with (interpreter, script path, args: what\n"
	       "/proc/PID/cmdline shows); argc counts those.\n");
	if (hook_mode_is_tp()) {
		/* docs/DESIGN.md: no kprobes in this mode, so the path is the interpreter's; filename and
		 * interp name the script and its #! line */
		notef("hook_mode=syscall_tp: expecting the documented form (path = interpreter, INTERPRETED "
		      "without SCRIPT)");
		run_exec_check(&nl, &c, "/tmp/ps-script.sh", argv,
			       &(struct exec_exp){ .comm = "ps-script.sh", .path = shpath,
						   .filename = "/tmp/ps-script.sh", .argv = jargv,
						   .argv_len = sizeof(jargv) - 1, .argc = 3,
						   .flags = PROCSENTRY_EXEC_INTERPRETED, .interp = "/bin/sh",
						   .interp_path = "" });
	} else {
		run_exec_check(&nl, &c, "/tmp/ps-script.sh", argv,
			       &(struct exec_exp){ .comm = "ps-script.sh", .path = "/tmp/ps-script.sh",
						   .filename = "/tmp/ps-script.sh", .argv = jargv,
						   .argv_len = sizeof(jargv) - 1, .argc = 3,
						   .flags = PROCSENTRY_EXEC_SCRIPT | PROCSENTRY_EXEC_INTERPRETED,
						   .interp = "/bin/sh", .interp_path = shpath });
	}
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

struct thr_shared {
	volatile int tid;
	volatile int err;
};

static struct thr_shared *g_thr;

static void *exec_thread_fn(void *arg)
{
	char *argv[] = { "ps-true", "from-thread", NULL };

	(void)arg;
	g_thr->tid = (int)syscall(SYS_gettid);
	execve(PS_TRUE, argv, g_envp);
	g_thr->err = errno;
	_exit(126);
}

int sc_exec_thread(void)
{
	struct nl nl;
	struct coll c;
	struct procsentry_creds me;
	pid_t p;
	int st;

	if (ensure_ps_true() || read_creds(0, &me) < 0)
		return 1;
	g_thr = shared_alloc(sizeof(*g_thr));
	if (reader_open(&nl, &c))
		return 1;
	p = fork();
	if (p == 0) {
		pthread_t t;

		if (pthread_create(&t, NULL, exec_thread_fn, NULL))
			_exit(125);
		for (;;)
			pause();
	}
	st = wait_pid(p, 5000);
	expect_u64("child wait status", 0, (uint32_t)st);
	printf("exec'ing thread tid %d in process %d (errno %d)\n", g_thr->tid, (int)p, g_thr->err);
	collect_wants(&nl, &c,
		      (struct want[]){ { PROCSENTRY_REC_EXEC, (uint32_t)p, 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)p, 1 } },
		      2, 3000, 500);
	dump_tgid(&c, (uint32_t)p);
	expect_count(&c, PROCSENTRY_REC_EXEC, (uint32_t)p, 1, "EXEC");
	check_exec(coll_first(&c, PROCSENTRY_REC_EXEC, (uint32_t)p),
		   &(struct exec_exp){ .pid = (uint32_t)p, .ppid = (uint32_t)getpid(), .old_pid = (uint32_t)g_thr->tid,
				       .comm = "ps-true", .path = PS_TRUE, .filename = PS_TRUE,
				       .argv = "ps-true\0from-thread", .argv_len = 19, .argc = 2, .flags = 0,
				       .cred = &me, .cred_before = &me, .interp = "", .interp_path = "" });
	expect_fork_exit(&c, p, st);
	expect_u64("FORK records created by the child (its thread is not a process)", 0, count_forks_by(&c, (uint32_t)p));
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

struct sgid_shared {
	struct procsentry_creds before_exec;
	int exec_errno;
};

/* uid 1000 runs (a) a set-group-ID-root copy and (b) a plain copy of ps-true. */
int sc_exec_sgid(void)
{
	struct nl nl;
	struct coll c;
	struct sgid_shared *sh = shared_alloc(2 * sizeof(*sh));
	char path[256];
	pid_t p[2];
	int st[2];

	if (ensure_ps_true())
		return 1;
	if (prepare_setid_copy(path, sizeof(path), "ps-sgid", 02755))
		return 1;
	if (reader_open(&nl, &c))
		return 1;
	for (int i = 0; i < 2; i++) {
		p[i] = fork();
		if (p[i] == 0) {
			const char *file = i == 0 ? path : PS_TRUE;
			char *argv[] = { i == 0 ? "ps-sgid" : "ps-true", NULL };

			if (drop_to_uid(1000, 1000) < 0)
				_exit(125);
			read_creds(0, &sh[i].before_exec);
			execve(file, argv, g_envp);
			sh[i].exec_errno = errno;
			_exit(126);
		}
		st[i] = wait_pid(p[i], 5000);
		expect_u64("child wait status", 0, (uint32_t)st[i]);
		if (sh[i].exec_errno)
			failf("exec as uid 1000: %s", strerror(sh[i].exec_errno));
	}
	collect_wants(&nl, &c,
		      (struct want[]){ { PROCSENTRY_REC_EXEC, (uint32_t)p[0], 1 },
				       { PROCSENTRY_REC_EXEC, (uint32_t)p[1], 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)p[1], 1 } },
		      3, 3000, 300);
	dump_tgid(&c, (uint32_t)p[0]);
	dump_tgid(&c, (uint32_t)p[1]);
	{
		struct procsentry_creds exp = sh[0].before_exec;

		exp.egid = 0;
		exp.sgid = 0;
		exp.fsgid = 0;
		printf("-- set-group-ID root exec by uid 1000\n");
		check_exec(coll_first(&c, PROCSENTRY_REC_EXEC, (uint32_t)p[0]),
			   &(struct exec_exp){ .pid = (uint32_t)p[0], .ppid = (uint32_t)getpid(), .comm = "ps-sgid",
					       .path = path, .filename = path, .argv = "ps-sgid", .argv_len = 7,
					       .argc = 1, .flags = PROCSENTRY_EXEC_SECURE, .cred = &exp,
					       .cred_before = &sh[0].before_exec, .interp = "", .interp_path = "" });
	}
	printf("-- plain exec by uid 1000 (no SECURE)\n");
	check_exec(coll_first(&c, PROCSENTRY_REC_EXEC, (uint32_t)p[1]),
		   &(struct exec_exp){ .pid = (uint32_t)p[1], .ppid = (uint32_t)getpid(), .comm = "ps-true",
				       .path = PS_TRUE, .filename = PS_TRUE, .argv = "ps-true", .argv_len = 7, .argc = 1,
				       .flags = 0, .cred = &sh[1].before_exec, .cred_before = &sh[1].before_exec,
				       .interp = "", .interp_path = "" });
	coll_expect_clean(&c);
	nl_close(&nl);
	unlink(path);
	return g_failures ? 1 : 0;
}

/* Diagnostics: `procsentry-scenarios helper-memfd [reader] [mode]`: fd execs alone.
 * mode 0: memfd + execveat(AT_EMPTY_PATH), 1: memfd via execve("/proc/self/fd/N"),
 * 2: regular file fd + execveat(AT_EMPTY_PATH), 3: memfd + fexecve() */
int helper_memfd(int with_reader, int mode)
{
	struct nl nl;
	struct coll c;
	int *err = shared_alloc(sizeof(int) * 2);
	pid_t p;
	int st;

	if (with_reader && reader_open(&nl, &c))
		return 1;
	if (mode == 2)
		ensure_ps_true();
	p = fork();
	if (p == 0) {
		char *argv[] = { "ps-memfd", NULL };
		int fd = mode == 2 ? open(PS_TRUE, O_RDONLY) : (int)syscall(SYS_memfd_create, "evil", 0);
		char path[64];

		if (mode != 2) {
			int in = open(g_self_exe, O_RDONLY);
			char buf[65536];
			ssize_t n;

			while ((n = read(in, buf, sizeof(buf))) > 0)
				if (write(fd, buf, (size_t)n) != n)
					_exit(124);
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (mode == 1)
			execve(path, argv, g_envp);
		else if (mode == 3)
			fexecve(fd, argv, g_envp);
		else
			syscall(SYS_execveat, fd, "", argv, g_envp, AT_EMPTY_PATH);
		err[1] = errno;
		_exit(126);
	}
	st = wait_pid(p, 5000);
	printf("fd exec mode %d %s reader: wait status 0x%x, errno %d (%s)\n", mode, with_reader ? "with" : "without",
	       st, err[1], err[1] ? strerror(err[1]) : "ok");
	if (with_reader) {
		coll_poll(&nl, &c, 500);
		nl_close(&nl);
	}
	return st == 0 ? 0 : 1;
}

/* exec inside a chroot: EXEC_CHROOT, path relative to the process root. */
int sc_exec_chroot(void)
{
	struct nl nl;
	struct coll c;
	struct procsentry_creds me;
	int *err = shared_alloc(sizeof(int) * 2);
	pid_t p;
	int st;

	if (read_creds(0, &me) < 0)
		return 1;
	if (ensure_dir("/tmp/ps-chroot/bin") < 0 || copy_file(g_self_exe, "/tmp/ps-chroot/bin/ps-true", 0755) < 0) {
		failf("cannot prepare /tmp/ps-chroot");
		return 1;
	}
	if (reader_open(&nl, &c))
		return 1;
	p = fork();
	if (p == 0) {
		char *argv[] = { "ps-true", "in-chroot", NULL };

		if (chroot("/tmp/ps-chroot") < 0 || chdir("/") < 0) {
			err[0] = errno;
			_exit(125);
		}
		execve("/bin/ps-true", argv, g_envp);
		err[1] = errno;
		_exit(126);
	}
	st = wait_pid(p, 5000);
	expect_u64("child wait status", 0, (uint32_t)st);
	if (err[0] || err[1])
		failf("chroot errno %d, exec errno %d", err[0], err[1]);
	collect_wants(&nl, &c,
		      (struct want[]){ { PROCSENTRY_REC_EXEC, (uint32_t)p, 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)p, 1 } },
		      2, 3000, 300);
	dump_tgid(&c, (uint32_t)p);
	check_exec(coll_first(&c, PROCSENTRY_REC_EXEC, (uint32_t)p),
		   &(struct exec_exp){ .pid = (uint32_t)p, .ppid = (uint32_t)getpid(), .comm = "ps-true",
				       .path = "/bin/ps-true", .filename = "/bin/ps-true", .argv = "ps-true\0in-chroot",
				       .argv_len = 17, .argc = 2, .flags = PROCSENTRY_EXEC_CHROOT, .cred = &me,
				       .cred_before = &me, .interp = "", .interp_path = "" });
	expect_fork_exit(&c, p, st);
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}
