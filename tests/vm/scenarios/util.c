// SPDX-License-Identifier: GPL-2.0
/* Shared helpers: expectations, creds, files, processes, module state. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/wait.h>

#include "util.h"

int g_failures;
char g_self_exe[4096];
char g_self_comm[16];

void failf(const char *fmt, ...)
{
	va_list ap;

	fputs("FAIL: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	g_failures++;
}

void notef(const char *fmt, ...)
{
	va_list ap;

	fputs("note: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

int expect_true(const char *what, int cond)
{
	if (!cond)
		failf("%s", what);
	return !!cond;
}

int expect_u64(const char *what, uint64_t exp, uint64_t act)
{
	if (exp != act) {
		failf("%s: expected %" PRIu64 ", got %" PRIu64, what, exp, act);
		return 0;
	}
	return 1;
}

int expect_s64(const char *what, int64_t exp, int64_t act)
{
	if (exp != act) {
		failf("%s: expected %" PRId64 ", got %" PRId64, what, exp, act);
		return 0;
	}
	return 1;
}

int expect_hex(const char *what, uint64_t exp, uint64_t act)
{
	if (exp != act) {
		failf("%s: expected 0x%" PRIx64 ", got 0x%" PRIx64, what, exp, act);
		return 0;
	}
	return 1;
}

int expect_bytes(const char *what, const void *exp, size_t elen, const void *act, size_t alen)
{
	if (elen == alen && (elen == 0 || memcmp(exp, act, elen) == 0))
		return 1;
	printf("FAIL: %s: expected ", what);
	print_escaped(exp, elen, 300);
	printf(" (%zu bytes), got ", elen);
	print_escaped(act, alen, 300);
	printf(" (%zu bytes)\n", alen);
	fflush(stdout);
	g_failures++;
	return 0;
}

int expect_str(const char *what, const char *exp, const char *act, size_t alen)
{
	return expect_bytes(what, exp, strlen(exp), act, alen);
}

int expect_creds(const char *what, const struct procsentry_creds *e, const struct procsentry_creds *a)
{
	char buf[256];
	int ok = 1;

#define CF(f) do { snprintf(buf, sizeof(buf), "%s.%s", what, #f); ok &= expect_u64(buf, e->f, a->f); } while (0)
	CF(uid); CF(euid); CF(suid); CF(fsuid);
	CF(gid); CF(egid); CF(sgid); CF(fsgid);
#undef CF
	snprintf(buf, sizeof(buf), "%s.cap_effective", what);
	ok &= expect_hex(buf, e->cap_effective, a->cap_effective);
	snprintf(buf, sizeof(buf), "%s.cap_permitted", what);
	ok &= expect_hex(buf, e->cap_permitted, a->cap_permitted);
	snprintf(buf, sizeof(buf), "%s.userns (inode of /proc/self/ns/user)", what);
	ok &= expect_u64(buf, e->userns, a->userns);
	snprintf(buf, sizeof(buf), "%s.securebits", what);
	ok &= expect_hex(buf, e->securebits, a->securebits);
	return ok;
}

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int read_creds(pid_t pid, struct procsentry_creds *c)
{
	char path[64], line[256];
	FILE *f;
	int got = 0;

	memset(c, 0, sizeof(*c));
	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (sscanf(line, "Uid: %u %u %u %u", &c->uid, &c->euid, &c->suid, &c->fsuid) == 4)
			got |= 1;
		else if (sscanf(line, "Gid: %u %u %u %u", &c->gid, &c->egid, &c->sgid, &c->fsgid) == 4)
			got |= 2;
		else if (sscanf(line, "CapPrm: %llx", &v) == 1) {
			c->cap_permitted = v;
			got |= 4;
		} else if (sscanf(line, "CapEff: %llx", &v) == 1) {
			c->cap_effective = v;
			got |= 8;
		}
	}
	fclose(f);
	if (!pid) {
		int sb = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);

		c->userns = ns_inode("user");
		c->securebits = sb < 0 ? 0 : (uint32_t)sb;
	}
	return got == 15 ? 0 : -EINVAL;
}

void print_creds(const char *label, const struct procsentry_creds *c)
{
	printf("%s: uid %u euid %u suid %u fsuid %u gid %u egid %u sgid %u fsgid %u capE %llx capP %llx userns %u "
	       "securebits 0x%x\n", label, c->uid, c->euid, c->suid, c->fsuid, c->gid, c->egid, c->sgid, c->fsgid,
	       (unsigned long long)c->cap_effective, (unsigned long long)c->cap_permitted, c->userns, c->securebits);
}

uint32_t ns_inode(const char *which)
{
	char p[64];
	struct stat st;

	snprintf(p, sizeof(p), "/proc/self/ns/%s", which);
	if (stat(p, &st) < 0)
		return 0;
	return (uint32_t)st.st_ino;
}

int write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd;
	ssize_t w;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	w = write(fd, data, len);
	if (w < 0 || (size_t)w != len) {
		int e = w < 0 ? -errno : -EIO;

		close(fd);
		return e;
	}
	if (fchmod(fd, mode) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	close(fd);
	return 0;
}

int write_proc(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t w;
	int e = 0;

	if (fd < 0)
		return -errno;
	w = write(fd, value, strlen(value));
	if (w < 0)
		e = -errno;
	else if ((size_t)w != strlen(value))
		e = -EIO;
	close(fd);
	return e;
}

int copy_file(const char *src, const char *dst, mode_t mode)
{
	int in, out, e = 0;
	char buf[65536];
	ssize_t n;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	unlink(dst);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
	if (out < 0) {
		e = -errno;
		close(in);
		return e;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n) {
			e = -EIO;
			break;
		}
	}
	if (n < 0)
		e = -errno;
	if (!e && fchmod(out, mode) < 0)
		e = -errno;
	close(in);
	close(out);
	return e;
}

int read_file_str(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

int ensure_dir(const char *path)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			mkdir(tmp, 0755);
			*p = '/';
		}
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int ensure_ps_true(void)
{
	int e;

	ensure_dir("/tmp");
	chmod("/tmp", 01777);
	e = copy_file(g_self_exe, PS_TRUE, 0755);
	if (e)
		failf("copy %s to %s: %s", g_self_exe, PS_TRUE, strerror(-e));
	return e;
}

pid_t spawn_exec(const char *path, char *const argv[])
{
	pid_t p = fork();

	if (p == 0) {
		char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };

		execve(path, argv, envp);
		_exit(127);
	}
	return p;
}

int wait_pid(pid_t pid, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return st;
		if (r < 0)
			return -1;
		if (now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			printf("child %d did not finish within %d ms: killed\n", (int)pid, timeout_ms);
			return -1;
		}
		sleep_ms(5);
	}
}

void *shared_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

int drop_to_uid(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
		return -errno;
	return 0;
}

int hook_mode_is_tp(void)
{
	char buf[64];

	if (read_file_str("/sys/module/procsentry/parameters/hook_mode", buf, sizeof(buf)) < 0)
		return 0;
	return strncmp(buf, "syscall_tp", 10) == 0;
}

int module_loaded(void)
{
	struct stat st;

	return stat("/sys/module/procsentry", &st) == 0;
}

int reader_open(struct nl *nl, struct coll *c)
{
	struct ps_reg_reply rr;
	int err;

	coll_init(c);
	if (ps_open(nl) < 0) {
		failf("cannot open the procsentry generic netlink family (module loaded? %s)",
		      module_loaded() ? "yes" : "no");
		return -1;
	}
	nl->sink = c;
	err = ps_register(nl, PROCSENTRY_ABI_VERSION, -1, &rr);
	if (err) {
		failf("REGISTER (ABI %d): expected 0, got %d (%s)%s%s", PROCSENTRY_ABI_VERSION, err, strerror(-err),
		      nl->extack[0] ? " extack: " : "", nl->extack);
		nl_close(nl);
		return -1;
	}
	return 0;
}

void expect_task(const char *what, const struct procsentry_task *t, uint32_t pid, uint32_t tgid, uint32_t ppid,
		 const char *comm)
{
	char buf[256];
	char c[17];

	snprintf(buf, sizeof(buf), "%s task.pid", what);
	expect_u64(buf, pid, t->pid);
	snprintf(buf, sizeof(buf), "%s task.tgid", what);
	expect_u64(buf, tgid, t->tgid);
	snprintf(buf, sizeof(buf), "%s task.ppid", what);
	expect_u64(buf, ppid, t->ppid);
	if (comm) {
		memcpy(c, t->comm, 16);
		c[16] = 0;
		snprintf(buf, sizeof(buf), "%s task.comm", what);
		expect_str(buf, comm, c, strnlen(c, 16));
		/* NUL padding */
		for (size_t i = strnlen(c, 16); i < 16; i++)
			if (t->comm[i]) {
				snprintf(buf, sizeof(buf), "%s task.comm is NUL-padded (byte %zu)", what, i);
				expect_true(buf, 0);
				break;
			}
	}
	{
		uint32_t pidns = ns_inode("pid");

		snprintf(buf, sizeof(buf), "%s task.pid_ns (inode of /proc/self/ns/pid)", what);
		if (pidns)
			expect_u64(buf, pidns, t->pid_ns);
	}
	{
		uint32_t mntns = ns_inode("mnt");

		snprintf(buf, sizeof(buf), "%s task.mnt_ns (inode of /proc/self/ns/mnt or 0)", what);
		if (mntns && t->mnt_ns != 0)
			expect_u64(buf, mntns, t->mnt_ns);
	}
	snprintf(buf, sizeof(buf), "%s task.reserved", what);
	expect_u64(buf, 0, t->reserved);
	{
		static int init;
		static uint64_t loginuid, sessionid, cgid;
		static int have_login, have_sess, have_cg;

		if (!init) {
			char v[64];

			init = 1;
			if (read_file_str("/proc/self/loginuid", v, sizeof(v)) == 0) {
				loginuid = strtoull(v, NULL, 10);
				have_login = 1;
			}
			if (read_file_str("/proc/self/sessionid", v, sizeof(v)) == 0) {
				sessionid = strtoull(v, NULL, 10);
				have_sess = 1;
			}
			have_cg = self_cgroup_id(&cgid) == 0;
		}
		snprintf(buf, sizeof(buf), "%s task.loginuid (/proc/self/loginuid)", what);
		if (have_login)
			expect_u64(buf, (uint32_t)loginuid, t->loginuid);
		snprintf(buf, sizeof(buf), "%s task.sessionid (/proc/self/sessionid)", what);
		if (have_sess)
			expect_u64(buf, (uint32_t)sessionid, t->sessionid);
		snprintf(buf, sizeof(buf), "%s task.cgroup_id (file handle of our cgroup v2 directory)", what);
		if (have_cg)
			expect_u64(buf, cgid, t->cgroup_id);
	}
}

int self_cgroup_id(uint64_t *id)
{
	char line[512], path[1024];
	FILE *f = fopen("/proc/self/cgroup", "re");
	struct {
		struct file_handle fh;
		unsigned char buf[64];
	} h;
	int mnt;

	if (!f)
		return -errno;
	path[0] = 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = 0;
			snprintf(path, sizeof(path), "/sys/fs/cgroup%s", line + 3);
		}
	}
	fclose(f);
	if (!path[0])
		return -ENOENT;
	{
		struct statfs sf;

		if (statfs("/sys/fs/cgroup", &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC)
			return -ENOENT;
	}
	memset(&h, 0, sizeof(h));
	h.fh.handle_bytes = sizeof(h.buf);
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mnt, 0) < 0)
		return -errno;
	if (h.fh.handle_bytes < 8)
		return -EINVAL;
	memcpy(id, h.fh.f_handle, 8);
	return 0;
}

int possible_cpus(void)
{
	char buf[256];
	int n = 0;
	char *p;

	if (read_file_str("/sys/devices/system/cpu/possible", buf, sizeof(buf)) < 0)
		return -1;
	/* "0-3,5,7-8" */
	p = buf;
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (end == p)
			break;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
		}
		n += (int)(b - a + 1);
		p = end;
		if (*p == ',')
			p++;
	}
	return n;
}
