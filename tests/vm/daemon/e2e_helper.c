// SPDX-License-Identifier: GPL-2.0
/*
 * procsentry-e2e-helper: the small static program the daemon's end-to-end suite copies into
 * watched, skipped and set-user-ID places.  Each copy behaves by its first argument, so the
 * guest script decides what a process does while its path decides which rule sees it.
 *
 *   <any copy> [word]                 exit 0 (an unknown first word is a tag for the alert)
 *   exit N                            exit N without running anything
 *   exec PROG [ARG...]                execv(PROG)
 *   execa ARGV0 PROG [ARG...]         execv(PROG) with argv[0] = ARGV0 (like sh's exec -a)
 *   runas UID GID PROG [ARG...]       drop to UID/GID (no supplementary groups), then execv
 *   setuid0                           setuid(0); prints the result, exits 0 either way
 *   rename COMM CMD...                prctl(PR_SET_NAME, COMM), then run CMD... as above
 *   segv                              RLIMIT_CORE unlimited, cwd /tmp, die of SIGSEGV
 *   sleep S                           sleep S seconds
 *   storm SECS PROG [STOPFILE]        fork+execv(PROG) one after the other for SECS seconds, or
 *                                     until STOPFILE exists
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int run(int argc, char **argv);

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int do_exec(const char *prog, char **argv)
{
	execv(prog, argv);
	// The exec's own failure is what the test looks for; say it and exit like sh does.
	fprintf(stderr, "e2e-helper: exec %s: %s\n", prog, strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

static int storm(double secs, const char *prog, const char *stop)
{
	double end = now_s() + secs;
	unsigned long n = 0, bad = 0;

	while (now_s() < end && !(stop && access(stop, F_OK) == 0)) {
		pid_t p = fork();
		int st;

		if (p < 0) {
			bad++;
			continue;
		}
		if (p == 0) {
			char *av[] = { (char *)prog, "tick", NULL };

			execv(prog, av);
			_exit(127);
		}
		if (waitpid(p, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad++;
		n++;
	}
	printf("e2e-helper: storm %lu execs, %lu failed\n", n, bad);
	return bad ? 1 : 0;
}

static int run(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "exit") && argc > 2)
		return atoi(argv[2]);
	if (!strcmp(cmd, "exec") && argc > 2)
		return do_exec(argv[2], argv + 2);
	if (!strcmp(cmd, "execa") && argc > 3) {
		const char *prog = argv[3];

		argv[3] = argv[2];
		return do_exec(prog, argv + 3);
	}
	if (!strcmp(cmd, "runas") && argc > 4) {
		uid_t uid = (uid_t)strtoul(argv[2], NULL, 10);
		gid_t gid = (gid_t)strtoul(argv[3], NULL, 10);

		if (setgroups(0, NULL) || setgid(gid) || setuid(uid)) {
			fprintf(stderr, "e2e-helper: runas %u:%u: %s\n", uid, gid, strerror(errno));
			return 125;
		}
		return do_exec(argv[4], argv + 4);
	}
	if (!strcmp(cmd, "setuid0")) {
		int r = setuid(0);

		printf("e2e-helper: setuid(0) = %d (%s)\n", r, r ? strerror(errno) : "ok");
		return 0;
	}
	if (!strcmp(cmd, "rename") && argc > 3) {
		prctl(PR_SET_NAME, argv[2], 0, 0, 0);
		argv[2] = argv[0];
		return run(argc - 2, argv + 2);
	}
	if (!strcmp(cmd, "segv")) {
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

		setrlimit(RLIMIT_CORE, &rl);
		if (chdir("/tmp"))
			return 1;
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
		return 1;
	}
	if (!strcmp(cmd, "sleep") && argc > 2) {
		sleep((unsigned int)atoi(argv[2]));
		return 0;
	}
	if (!strcmp(cmd, "storm") && argc > 3)
		return storm(atof(argv[2]), argv[3], argc > 4 ? argv[4] : NULL);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	return run(argc, argv);
}
