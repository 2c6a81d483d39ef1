// SPDX-License-Identifier: GPL-2.0
/* procsentry-dump end to end: JSON line for an exec of /tmp/ps-true. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "scen.h"

/* "key":"value" with optional blanks around the colon */
static int has_kv(const char *line, const char *key, const char *val)
{
	char k[128];
	const char *p = line;

	snprintf(k, sizeof(k), "\"%s\"", key);
	while ((p = strstr(p, k))) {
		const char *q = p + strlen(k);

		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == ':') {
			q++;
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == '"' && strncmp(q + 1, val, strlen(val)) == 0 && q[1 + strlen(val)] == '"')
				return 1;
		}
		p++;
	}
	return 0;
}

int sc_dump_tool(void)
{
	static const char *cands[] = { "/usr/sbin/procsentry-dump", "/usr/bin/procsentry-dump", "/bin/procsentry-dump",
				       "/sbin/procsentry-dump", "/tests/bin/procsentry-dump", NULL };
	const char *bin = NULL;
	const char *out = "/tmp/ps-dump.out";
	struct nl q;
	struct ps_stats s0, s;
	char *targv[] = { "ps-true", "dump-check", NULL };
	pid_t dump, p;
	int st, found = 0, lines = 0;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;

	for (int i = 0; cands[i]; i++)
		if (access(cands[i], X_OK) == 0) {
			bin = cands[i];
			break;
		}
	if (!bin) {
		printf("SKIP: procsentry-dump not found in the guest (/usr/sbin, /usr/bin, /bin, /sbin, /tests/bin)\n");
		return 0;
	}
	if (ensure_ps_true())
		return 1;
	if (ps_open(&q) < 0) {
		failf("cannot open the procsentry family");
		return 1;
	}
	ps_get_stats(&q, &s0);
	printf("running %s --timeout 15 --idle 3 > %s\n", bin, out);
	dump = fork();
	if (dump == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		char *argv[] = { (char *)bin, "--count", "100000", "--timeout", "15", "--idle", "3", NULL };
		char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };

		dup2(fd, 1);
		execve(bin, argv, envp);
		_exit(127);
	}
	/* wait until it registered */
	{
		long long end = now_ms() + 5000;
		int reg = 0;

		while (now_ms() < end) {
			if (ps_get_stats(&q, &s) == 0 && s.global.listeners > s0.global.listeners) {
				reg = 1;
				break;
			}
			if (waitpid(dump, &st, WNOHANG) == dump) {
				failf("procsentry-dump exited early, wait status 0x%x", st);
				dump = -1;
				break;
			}
			sleep_ms(20);
		}
		if (!reg && dump > 0)
			failf("procsentry-dump did not register within 5 s (listeners %u)", s.global.listeners);
	}
	p = spawn_exec(PS_TRUE, targv);
	wait_pid(p, 5000);
	printf("exec'd %s as pid %d\n", PS_TRUE, (int)p);
	if (dump > 0) {
		st = wait_pid(dump, 20000);
		printf("procsentry-dump wait status 0x%x\n", st);
		expect_true("procsentry-dump exit status 0", st == 0);
	}
	f = fopen(out, "r");
	if (!f) {
		failf("no output file %s", out);
		return 1;
	}
	while (getline(&line, &cap, f) > 0) {
		lines++;
		if (has_kv(line, "type", "exec") && has_kv(line, "path", PS_TRUE)) {
			char pidkey[32];

			snprintf(pidkey, sizeof(pidkey), "%d", (int)p);
			printf("found: %s", line);
			if (strstr(line, pidkey))
				found = 1;
		}
	}
	fclose(f);
	printf("%d output lines\n", lines);
	if (!found) {
		char cmd[128];

		failf("no JSON line with \"type\":\"exec\" and \"path\":\"%s\" (and pid %d) in procsentry-dump output",
		      PS_TRUE, (int)p);
		snprintf(cmd, sizeof(cmd), "head -c 4000 %s", out);
		if (system(cmd) != 0)
			printf("(could not show %s)\n", out);
	}
	nl_close(&q);
	return g_failures ? 1 : 0;
}
