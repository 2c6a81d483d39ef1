// SPDX-License-Identifier: GPL-2.0
/*
 * procsentry-scenarios: one static binary with every in-guest scenario.
 *
 *   procsentry-scenarios <name>     run one scenario (root, in the guest); exit 0 pass, 1 fail
 *   procsentry-scenarios list       print the scenario names
 *   procsentry-scenarios selftest   host-side tests of the netlink client and record parser
 *   procsentry-scenarios helper-exit N
 *
 * Copies of this binary named ps-* (or exec'd from a memfd) exit 0 at once: they are the
 * "true" program the exec scenarios run.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scen.h"

static const struct scenario g_scenarios[] = {
	{ "abi", sc_abi, "REGISTER: ABI 999 -> -EPROTO + extack, missing ABI -> -EINVAL, bad flags, reply attrs" },
	{ "stats_basic", sc_stats_basic, "GET_STATS layout, listeners/hooks_attached, produced == delivered + ..." },
	{ "exec_basic", sc_exec_basic, "FORK/EXEC/EXIT of /tmp/ps-true with known argv, creds, path" },
	{ "exec_failed", sc_exec_failed, "EXEC_FAILED: ENOENT, EACCES, execveat, ENAMETOOLONG, EFAULT" },
	{ "exec_suid", sc_exec_suid, "uid 1000 runs a set-user-ID-root copy: SECURE, cred_before/after" },
	{ "exec_sgid", sc_exec_sgid, "uid 1000 runs a set-group-ID-root copy (SECURE) and a plain one (no SECURE)" },
	{ "exec_path_dotdot", sc_exec_path_dotdot, "exec /usr/bin/../../tmp/ps-x: path resolved, filename as given" },
	{ "exec_symlink_argv0", sc_exec_symlink_argv0, "exec through a symlink with argv[0] sshd" },
	{ "exec_comm_rename", sc_exec_comm_rename, "prctl(PR_SET_NAME, sshd) + setuid: comm sshd; exec shows real path" },
	{ "exec_memfd", sc_exec_memfd, "execveat(memfd, \"\", AT_EMPTY_PATH): MEMFD|DELETED, /memfd:evil" },
	{ "exec_script", sc_exec_script, "#!/bin/sh script: SCRIPT, interp, interp_path" },
	{ "exec_thread", sc_exec_thread, "a non-main thread execs: old_pid = its tid, one EXIT" },
	{ "exec_chroot", sc_exec_chroot, "exec inside a chroot: EXEC_CHROOT, path relative to the new root" },
	{ "exec_argv_bytes", sc_exec_argv_bytes, "argv with newlines, quotes, high bytes survives byte-exact" },
	{ "exec_argv_trunc", sc_exec_argv_trunc, "200 KB of arguments: ARGV_TRUNC, <= 4096 bytes, argc exact" },
	{ "config_argv_max", sc_config_argv_max, "SET_CONFIG argv_max 100 / limits / restore 4096" },
	{ "config_event_mask", sc_config_event_mask, "SET_CONFIG event_mask EXEC only, restore" },
	{ "cred_refused", sc_cred_refused, "uid 1000: setuid(0), setresuid(-1,0,-1) refused: result -EPERM" },
	{ "cred_noop", sc_cred_noop, "no-op set*id calls: unreported by default, reported with CFG_CRED_NOOP" },
	{ "cred_native", sc_cred_native, "setresuid/setfsuid/setreuid/setresgid/setregid/setfsgid/setgid/capset" },
	{ "cred_ia32", sc_cred_ia32, "int $0x80 set*id32 (IA32) and 16-bit set*id (IA32_UID16), refused ones too" },
	{ "cred_commit_creds", sc_cred_commit_creds, "COMMIT_CREDS: simulated exploit (test module) and unshare(CLONE_NEWUSER)" },
	{ "exec_failed_ia32", sc_exec_failed_ia32, "execve via int $0x80 of a missing file: EXEC_FAILED entry IA32" },
	{ "exit_codes", sc_exit_codes, "EXIT for exit 0, exit 3, SIGKILL, SIGSEGV with core; FORK for each" },
	{ "exit_threads", sc_exit_threads, "50 threads, a non-main one calls exit(3): exactly one EXIT" },
	{ "fork_clone_parent", sc_fork_clone_parent, "FORK.creator_tgid != task.ppid with CLONE_PARENT; vfork" },
	{ "priv_unprivileged", sc_priv_unprivileged, "uid 1000: REGISTER/GET_STATS/SET_CONFIG -EPERM, receives nothing" },
	{ "reg_exclude_self", sc_reg_exclude_self, "REG_EXCLUDE_SELF: only while every reader is that process's and asked; nobody hides from others" },
	{ "unregistered_silent", sc_unregistered_silent, "an unregistered root socket receives nothing" },
	{ "reader_unregister", sc_reader_unregister, "UNREGISTER and close(): listeners, no more records" },
	{ "reader_killed", sc_reader_killed, "SIGKILLed reader: listeners back within 1 s, hooks detached" },
	{ "max_listeners", sc_max_listeners, "PROCSENTRY_MAX_LISTENERS readers all get the same records; one more refused" },
	{ "storm_small_rcvbuf", sc_storm_small_rcvbuf, "2000 execs into a 4 KB socket: gaps, LOST, stats identity" },
	{ "dump_tool", sc_dump_tool, "procsentry-dump prints a JSON exec line (skipped if absent)" },
	{ "rmmod_storm", sc_rmmod_storm, "rmmod with a reader attached and an exec storm; reload" },
	{ "insmod_loop", sc_insmod_loop, "20 x rmmod+insmod, left loaded" },
};

#define NSCEN (sizeof(g_scenarios) / sizeof(g_scenarios[0]))

static void usage(void)
{
	printf("usage: procsentry-scenarios <scenario>|list|info|selftest|helper-exit N\n");
}

static int is_true_copy(const char *exe)
{
	const char *b = strrchr(exe, '/');

	b = b ? b + 1 : exe;
	return strncmp(exe, "/memfd:", 7) == 0 || strncmp(b, "ps-", 3) == 0 || strcmp(b, "sshd") == 0;
}

int main(int argc, char **argv)
{
	ssize_t n = readlink("/proc/self/exe", g_self_exe, sizeof(g_self_exe) - 1);

	if (n > 0) {
		g_self_exe[n] = 0;
		if (is_true_copy(g_self_exe))
			return 0;
	} else {
		if (argc > 0 && is_true_copy(argv[0]))
			return 0;
		snprintf(g_self_exe, sizeof(g_self_exe), "%s", argc > 0 ? argv[0] : "");
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (read_file_str("/proc/self/comm", g_self_comm, sizeof(g_self_comm)) < 0)
		g_self_comm[0] = 0;
	if (argc < 2) {
		usage();
		return 2;
	}
	if (!strcmp(argv[1], "list")) {
		for (size_t i = 0; i < NSCEN; i++)
			printf("%s\n", g_scenarios[i].name);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help")) {
		usage();
		for (size_t i = 0; i < NSCEN; i++)
			printf("  %-22s %s\n", g_scenarios[i].name, g_scenarios[i].help);
		return 0;
	}
	if (!strcmp(argv[1], "info")) {
		uint64_t cg = 0;
		int e = self_cgroup_id(&cg);
		struct procsentry_creds c;

		printf("exe %s comm %s cgroup_id %llu (%d) pid_ns %u mnt_ns %u possible cpus %d\n", g_self_exe,
		       g_self_comm, (unsigned long long)cg, e, ns_inode("pid"), ns_inode("mnt"), possible_cpus());
		if (read_creds(0, &c) == 0)
			print_creds("creds", &c);
		return 0;
	}
	if (!strcmp(argv[1], "selftest"))
		return selftest();
	if (!strcmp(argv[1], "helper-memfd"))
		return helper_memfd(argc > 2 && !strcmp(argv[2], "reader"), argc > 3 ? atoi(argv[3]) : 0);
	if (!strcmp(argv[1], "helper-exit"))
		return argc > 2 ? atoi(argv[2]) : 0;
	for (size_t i = 0; i < NSCEN; i++) {
		if (!strcmp(argv[1], g_scenarios[i].name)) {
			int rc;

			if (geteuid() != 0)
				printf("warning: not running as root\n");
			printf("scenario %s: %s\n", g_scenarios[i].name, g_scenarios[i].help);
			printf("self %s comm \"%s\" pid %d hook_mode %s\n", g_self_exe, g_self_comm, (int)getpid(),
			       hook_mode_is_tp() ? "syscall_tp" : "kprobe");
			rc = g_scenarios[i].fn();
			fflush(stdout);
			if (rc || g_failures) {
				if (!g_failures)
					printf("FAIL: scenario %s could not run (see above)\n", g_scenarios[i].name);
				printf("scenario %s: FAILED (%d failed expectations)\n", g_scenarios[i].name, g_failures);
				return 1;
			}
			printf("scenario %s: passed\n", g_scenarios[i].name);
			return 0;
		}
	}
	printf("FAIL: unknown scenario \"%s\"\n", argv[1]);
	usage();
	return 1;
}
