// SPDX-License-Identifier: GPL-2.0
/*
 * psbench: the workloads of `make bench`, each timing itself with CLOCK_MONOTONIC.
 * Under QEMU -icount shift=0 that clock counts guest instructions (1 ns each), so the
 * result is the instruction count of the loop and does not depend on host load.
 *
 *   psbench exec N PROG        N x (fork, execve PROG, waitpid)
 *   psbench getppid N          N x syscall(SYS_getppid)
 *   psbench setresuid N        N x setresuid(-1, -1, -1) (no change; the hooks still run)
 *   psbench credburst N GAP    N x (seteuid 1000, seteuid 0): 2 cred-change records each,
 *                              spinning GAP ns after each pair (paces the record rate)
 *
 * PSBENCH_CAP_NS=T in the environment stops a loop early once T ns have passed (checked
 * every iteration for exec, every 1024 for the syscall loops), so a configuration that
 * makes a workload 300x slower still ends in bounded time: results are per operation.
 * Prints one line: "RESULT workload=<name> ops=<done> ns=<elapsed>".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t deadline = UINT64_MAX;

static int past_deadline(void)
{
	return deadline != UINT64_MAX && now_ns() >= deadline;
}

static void die(const char *what)
{
	fprintf(stderr, "psbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned long parse_n(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0') {
		fprintf(stderr, "psbench: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static unsigned long exec_storm(unsigned long n, const char *prog)
{
	char *const argv[] = { (char *)prog, NULL };
	char *const envp[] = { NULL };

	for (unsigned long i = 0; i < n; i++) {
		int st;
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execve(prog, argv, envp);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) != pid)
			die("waitpid");
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "psbench: %s exited with status 0x%x\n", prog, st);
			exit(1);
		}
		if (past_deadline())
			return i + 1;
	}
	return n;
}

static unsigned long getppid_loop(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		syscall(SYS_getppid);
		if ((i & 1023) == 1023 && past_deadline())
			return i + 1;
	}
	return n;
}

static unsigned long setresuid_loop(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		if (syscall(SYS_setresuid, -1, -1, -1) != 0)
			die("setresuid");
		if ((i & 1023) == 1023 && past_deadline())
			return i + 1;
	}
	return n;
}

static void credburst(unsigned long n, uint64_t gap)
{
	for (unsigned long i = 0; i < n; i++) {
		/* Raw syscalls: glibc's setresuid would broadcast to all threads (one here anyway). */
		if (syscall(SYS_setresuid, -1, 1000, -1) != 0 || syscall(SYS_setresuid, -1, 0, -1) != 0)
			die("setresuid");
		if (gap) {
			uint64_t until = now_ns() + gap;

			while (now_ns() < until)
				;
		}
	}
}

int main(int argc, char **argv)
{
	const char *cap = getenv("PSBENCH_CAP_NS");
	uint64_t t0, t1;
	unsigned long n, done = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: psbench exec N PROG | getppid N | setresuid N | credburst N GAP_NS\n");
		return 2;
	}
	n = parse_n(argv[2]);
	t0 = now_ns();
	if (cap && *cap)
		deadline = t0 + parse_n(cap);
	if (!strcmp(argv[1], "exec") && argc == 4)
		done = exec_storm(n, argv[3]);
	else if (!strcmp(argv[1], "getppid") && argc == 3)
		done = getppid_loop(n);
	else if (!strcmp(argv[1], "setresuid") && argc == 3)
		done = setresuid_loop(n);
	else if (!strcmp(argv[1], "credburst") && argc == 4) {
		credburst(n, parse_n(argv[3]));
		done = n;
	} else {
		fprintf(stderr, "psbench: bad arguments\n");
		return 2;
	}
	t1 = now_ns();
	printf("RESULT workload=%s ops=%lu ns=%llu\n", argv[1], done, (unsigned long long)(t1 - t0));
	return 0;
}
