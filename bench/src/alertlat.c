// SPDX-License-Identifier: GPL-2.0
/*
 * alertlat: exec-to-alert latency of procsentryd, inside the benchmark guest.
 *
 *   alertlat N RATE PROG ALERTFILE
 *
 * Runs PROG N times (fork, execve, waitpid), one start every 1/RATE s on an absolute
 * schedule.  The child stamps CLOCK_MONOTONIC into a shared table, indexed by its pid, right
 * before its execve.  A second thread follows ALERTFILE (the daemon's file sink) with
 * inotify, stamps each read as it returns and matches each complete alert line to its exec
 * by "process":{"pid":N.  Latency = arrival stamp - exec stamp: the module's hooks and
 * per-CPU buffer (flushed every flush_us), netlink, procsentryd's decode, rules and alert
 * building, the file sink's queue and write(2), then inotify waking this thread.
 * Under QEMU -icount shift=0 the clock counts instructions: see docs/PERFORMANCE.md.
 *
 * Prints "RESULT workload=alertlat ops=<execs> ns=<elapsed> alerts=<matched> p50_ns=...
 * p90_ns=... p99_ns=... max_ns=... late=<execs still without alert 2 s after the last>".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "alertlat: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned long parse_n(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v == 0) {
		fprintf(stderr, "alertlat: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

/* Written by the children (shared mapping), read and cleared by the reader thread. */
static volatile uint64_t *exec_ns;
static unsigned long pid_max;
static uint64_t *lat;
static unsigned long nlat, lat_cap;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int stop;
static const char *alert_path;

static void on_line(const char *line, uint64_t arrived)
{
	static const char key[] = "\"process\":{\"pid\":";
	const char *p = strstr(line, key);
	unsigned long pid;
	uint64_t t;

	if (!p)
		return;
	pid = strtoul(p + sizeof(key) - 1, NULL, 10);
	if (pid == 0 || pid >= pid_max)
		return;
	t = exec_ns[pid];
	if (t == 0 || arrived < t)
		return;
	exec_ns[pid] = 0;
	pthread_mutex_lock(&lock);
	if (nlat < lat_cap)
		lat[nlat++] = arrived - t;
	pthread_mutex_unlock(&lock);
}

static void *reader(void *arg)
{
	static char buf[1 << 20];
	size_t have = 0;
	char ev[4096];
	int in, fd, wd;

	(void)arg;
	in = inotify_init1(0);
	if (in < 0)
		die("inotify_init1");
	/* The daemon's sink created the file at start; follow it from its current end. */
	fd = open(alert_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(alert_path);
	if (lseek(fd, 0, SEEK_END) < 0)
		die("lseek");
	wd = inotify_add_watch(in, alert_path, IN_MODIFY);
	if (wd < 0)
		die("inotify_add_watch");
	while (!stop) {
		ssize_t n;
		uint64_t t;
		char *s, *nl;

		/* Drain what is there, then block until the next write. */
		n = read(fd, buf + have, sizeof(buf) - 1 - have);
		t = now_ns();
		if (n < 0)
			die("read alert file");
		if (n == 0) {
			if (read(in, ev, sizeof(ev)) < 0 && errno != EINTR)
				die("read inotify");
			continue;
		}
		have += (size_t)n;
		buf[have] = '\0';
		s = buf;
		while ((nl = strchr(s, '\n'))) {
			*nl = '\0';
			on_line(s, t);
			s = nl + 1;
		}
		have -= (size_t)(s - buf);
		memmove(buf, s, have);
		if (have == sizeof(buf) - 1)
			have = 0; /* a line longer than the buffer: not an alert we time */
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t pct(unsigned long n, double p)
{
	unsigned long i = (unsigned long)(p * (double)(n - 1) + 0.5);

	return lat[i];
}

int main(int argc, char **argv)
{
	unsigned long n, rate, i, late = 0;
	uint64_t period, start, end, t;
	struct timespec ts;
	pthread_t th;
	FILE *f;

	if (argc != 5) {
		fprintf(stderr, "usage: alertlat N RATE PROG ALERTFILE\n");
		return 2;
	}
	n = parse_n(argv[1]);
	rate = parse_n(argv[2]);
	alert_path = argv[4];
	period = 1000000000ull / rate;
	f = fopen("/proc/sys/kernel/pid_max", "r");
	if (!f || fscanf(f, "%lu", &pid_max) != 1)
		die("/proc/sys/kernel/pid_max");
	fclose(f);
	pid_max++;
	exec_ns = mmap(NULL, pid_max * sizeof(uint64_t), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (exec_ns == MAP_FAILED)
		die("mmap");
	lat_cap = n;
	lat = calloc(lat_cap, sizeof(*lat));
	if (!lat)
		die("calloc");
	errno = pthread_create(&th, NULL, reader, NULL);
	if (errno)
		die("pthread_create");
	usleep(100000); /* the reader is at the file's end and watching */

	start = now_ns();
	for (i = 0; i < n; i++) {
		pid_t pid;
		int st;

		t = start + i * period;
		ts.tv_sec = (time_t)(t / 1000000000ull);
		ts.tv_nsec = (long)(t % 1000000000ull);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			char *args[] = { argv[3], NULL };
			char *env[] = { NULL };

			exec_ns[getpid()] = now_ns();
			execve(argv[3], args, env);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) < 0)
			die("waitpid");
	}
	end = now_ns();
	/* Stragglers: up to 2 s more for the last alerts. */
	for (i = 0; i < 200; i++) {
		pthread_mutex_lock(&lock);
		t = nlat;
		pthread_mutex_unlock(&lock);
		if (t >= n)
			break;
		usleep(10000);
	}
	pthread_mutex_lock(&lock);
	stop = 1;
	for (i = 0; i < pid_max; i++)
		if (exec_ns[i])
			late++;
	t = nlat;
	qsort(lat, t, sizeof(*lat), cmp_u64);
	if (t == 0) {
		printf("RESULT workload=alertlat ops=%lu ns=%llu alerts=0 late=%lu\n", n,
		       (unsigned long long)(end - start), late);
		return 0;
	}
	printf("RESULT workload=alertlat ops=%lu ns=%llu alerts=%llu p50_ns=%llu p90_ns=%llu "
	       "p99_ns=%llu max_ns=%llu min_ns=%llu late=%lu\n",
	       n, (unsigned long long)(end - start), (unsigned long long)t,
	       (unsigned long long)pct(t, 0.50), (unsigned long long)pct(t, 0.90),
	       (unsigned long long)pct(t, 0.99), (unsigned long long)lat[t - 1],
	       (unsigned long long)lat[0], late);
	fflush(stdout);
	/* The reader may sit in read(2) on inotify: exit without joining it. */
	_exit(0);
}
