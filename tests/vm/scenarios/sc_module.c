// SPDX-License-Identifier: GPL-2.0
/* Module lifecycle scenarios: rmmod under load with a reader attached, insmod/rmmod loop. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "scen.h"

#define KO_PATH "/lib/modules/procsentry.ko"

static int do_insmod(const char *params)
{
	int fd = open(KO_PATH, O_RDONLY | O_CLOEXEC);
	long r;

	if (fd < 0)
		return -errno;
	r = syscall(SYS_finit_module, fd, params, 0);
	close(fd);
	return r < 0 ? -errno : 0;
}

static int do_rmmod(void)
{
	long r = syscall(SYS_delete_module, "procsentry", O_NONBLOCK);

	return r < 0 ? -errno : 0;
}

/* rmmod that must succeed at once; on failure retry for 2 s so the guest stays sane. */
static int rmmod_checked(const char *what)
{
	int err = do_rmmod();

	if (err) {
		failf("%s: rmmod procsentry: %s (%d)", what, strerror(-err), err);
		for (int i = 0; i < 200 && module_loaded(); i++) {
			sleep_ms(10);
			if (do_rmmod() == 0)
				break;
		}
	}
	return err;
}

static int insmod_checked(const char *params, const char *what)
{
	int err = do_insmod(params);

	if (err)
		failf("%s: insmod %s %s: %s (%d)", what, KO_PATH, params, strerror(-err), err);
	return err;
}

static void current_params(char *buf, size_t cap)
{
	char mode[64] = "";

	if (read_file_str("/sys/module/procsentry/parameters/hook_mode", mode, sizeof(mode)) == 0 && mode[0])
		snprintf(buf, cap, "hook_mode=%s", mode);
	else
		snprintf(buf, cap, "%s", "");
}

/* After a reload: a reader works again. */
static void check_works(const char *what)
{
	struct nl nl;
	struct coll c;
	char *argv[] = { "ps-true", NULL };
	pid_t p;

	if (reader_open(&nl, &c))
		return;
	c.quiet = 1;
	p = spawn_exec(PS_TRUE, argv);
	wait_pid(p, 5000);
	if (collect_wants(&nl, &c, (struct want[]){ { PROCSENTRY_REC_EXEC, (uint32_t)p, 1 } }, 1, 3000, 0))
		printf("%s: module works (EXEC for %d seen)\n", what, (int)p);
	else
		failf("%s: no EXEC record after reload", what);
	nl_close(&nl);
}

int sc_rmmod_storm(void)
{
	char params[128];
	volatile long *sh = shared_alloc(sizeof(long) * 4);
	pid_t reader, storm;
	int err;

	if (ensure_ps_true())
		return 1;
	if (!module_loaded()) {
		notef("module not loaded at start: loading it");
		if (insmod_checked("", "initial"))
			return 1;
	}
	current_params(params, sizeof(params));
	printf("module parameters to reload with: \"%s\"\n", params);
	reader = fork();
	if (reader == 0) {
		struct nl nl;
		struct coll c;

		coll_init(&c);
		c.quiet = 1;
		c.keep = 0;
		if (ps_open(&nl) < 0)
			_exit(10);
		nl.sink = &c;
		sh[1] = ps_register(&nl, PROCSENTRY_ABI_VERSION, -1, NULL);
		sh[0] = 1;
		for (;;) {
			coll_poll(&nl, &c, 100);
			sh[2] = (long)c.msgs;
		}
	}
	{
		long long end = now_ms() + 3000;

		while (!sh[0] && now_ms() < end)
			sleep_ms(5);
	}
	expect_s64("reader REGISTER", 0, sh[1]);
	storm = fork();
	if (storm == 0) {
		char *argv[] = { "ps-true", NULL };

		for (;;) {
			pid_t p = spawn_exec(PS_TRUE, argv);
			int st;

			if (p > 0)
				waitpid(p, &st, 0);
			sh[3]++;
		}
	}
	sleep_ms(500);
	printf("before rmmod: reader got %ld messages, storm did %ld execs\n", sh[2], sh[3]);
	err = rmmod_checked("with a reader attached and an exec storm running");
	if (!err)
		printf("rmmod with reader + storm: ok (storm at %ld execs)\n", sh[3]);
	expect_true("module gone after rmmod", !module_loaded());
	sleep_ms(200);
	kill(storm, SIGKILL);
	kill(reader, SIGKILL);
	wait_pid(storm, 5000);
	wait_pid(reader, 5000);
	/* reap grandchildren of the storm are reparented to init; nothing to do */
	if (!module_loaded())
		insmod_checked(params, "reload after rmmod");
	expect_true("module loaded again", module_loaded());
	if (module_loaded()) {
		char mode[64] = "";

		read_file_str("/sys/module/procsentry/parameters/hook_mode", mode, sizeof(mode));
		printf("reloaded with hook_mode=%s\n", mode);
		check_works("after reload");
	}
	return g_failures ? 1 : 0;
}

int sc_insmod_loop(void)
{
	char params[128];
	int ok = 0;

	if (!module_loaded()) {
		notef("module not loaded at start: loading it");
		if (insmod_checked("", "initial"))
			return 1;
	}
	current_params(params, sizeof(params));
	printf("module parameters: \"%s\"\n", params);
	for (int i = 0; i < 20; i++) {
		char what[64];

		snprintf(what, sizeof(what), "iteration %d", i + 1);
		if (rmmod_checked(what))
			break;
		if (insmod_checked(params, what))
			break;
		ok++;
	}
	printf("%d/20 rmmod+insmod cycles ok\n", ok);
	expect_u64("rmmod+insmod cycles that succeeded", 20, (uint64_t)ok);
	if (!module_loaded())
		insmod_checked(params, "final reload");
	expect_true("module loaded at the end", module_loaded());
	if (module_loaded()) {
		/* one more cycle with a reader registered in between */
		check_works("after the loop");
	}
	return g_failures ? 1 : 0;
}
