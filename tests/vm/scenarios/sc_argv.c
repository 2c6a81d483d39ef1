// SPDX-License-Identifier: GPL-2.0
/* argv capture (byte-exact, truncation, argv_max) and SET_CONFIG scenarios. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scen.h"

/* Join args with NUL separators (no trailing NUL). */
static size_t join_args(char *const argv[], char *out, size_t cap)
{
	size_t n = 0;

	for (int i = 0; argv[i]; i++) {
		size_t l = strlen(argv[i]);

		if (i) {
			if (n < cap)
				out[n] = 0;
			n++;
		}
		if (n + l <= cap)
			memcpy(out + n, argv[i], l);
		n += l;
	}
	return n;
}

static pid_t exec_and_collect(struct nl *nl, struct coll *c, char *const argv[], int *st)
{
	pid_t p = spawn_exec(PS_TRUE, argv);

	*st = wait_pid(p, 10000);
	expect_u64("child wait status", 0, (uint32_t)*st);
	collect_wants(nl, c,
		      (struct want[]){ { PROCSENTRY_REC_EXEC, (uint32_t)p, 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)p, 1 } },
		      2, 3000, 300);
	return p;
}

int sc_exec_argv_bytes(void)
{
	struct nl nl;
	struct coll c;
	char *argv[] = { "ps-true", "line1\nline2", "dq\"x\"", "sq'y'", "tab\there", "back\\slash", "utf8-\xc3\xa9",
			 "$(id)", " lead space", "\x01\x7f\xff", NULL };
	char joined[512];
	size_t jl = join_args(argv, joined, sizeof(joined));
	pid_t p;
	int st;

	if (ensure_ps_true())
		return 1;
	if (reader_open(&nl, &c))
		return 1;
	p = exec_and_collect(&nl, &c, argv, &st);
	dump_tgid(&c, (uint32_t)p);
	expect_count(&c, PROCSENTRY_REC_EXEC, (uint32_t)p, 1, "EXEC");
	check_exec(coll_first(&c, PROCSENTRY_REC_EXEC, (uint32_t)p),
		   &(struct exec_exp){ .pid = (uint32_t)p, .ppid = (uint32_t)getpid(), .comm = "ps-true",
				       .path = PS_TRUE, .filename = PS_TRUE, .argv = joined, .argv_len = jl, .argc = 10,
				       .flags = 0, .interp = "", .interp_path = "" });
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

static void check_trunc(const struct rec *r, const char *full, size_t flen, uint32_t argc, uint32_t argv_max)
{
	uint32_t l;
	const char *a;

	if (!r) {
		failf("no EXEC record");
		return;
	}
	a = rec_str(r, r->b.exec.argv, &l);
	printf("argv: %u bytes kept of %zu (argv_max %u), argc %u, exec_flags 0x%x\n", l, flen, argv_max,
	       r->b.exec.argc, r->b.exec.exec_flags);
	expect_hex("EXEC exec_flags (ARGV_TRUNC only)", PROCSENTRY_EXEC_ARGV_TRUNC, r->b.exec.exec_flags);
	expect_u64("EXEC argc (complete count even when truncated)", argc, r->b.exec.argc);
	if (l > argv_max)
		failf("EXEC argv length: expected <= %u (argv_max), got %u", argv_max, l);
	expect_true("EXEC argv is not empty when truncated", l > 0);
	if (l <= flen && memcmp(a, full, l) != 0)
		failf("EXEC argv: the %u bytes kept are not a prefix of the real argv", l);
	if (argv_max >= 64 && l < argv_max / 2)
		failf("EXEC argv length: expected close to argv_max %u, got only %u", argv_max, l);
}

int sc_exec_argv_trunc(void)
{
	struct nl nl;
	struct coll c;
	enum { NARGS = 2001 };
	char **argv = calloc(NARGS + 1, sizeof(char *));
	char *full = malloc(NARGS * 101);
	size_t flen;
	struct ps_reg_reply rr;
	uint32_t argv_max = PROCSENTRY_ARGV_DEFAULT;
	pid_t p;
	int st, err;

	if (ensure_ps_true())
		return 1;
	argv[0] = "ps-true";
	for (int i = 1; i < NARGS; i++) {
		argv[i] = malloc(100);
		memset(argv[i], 'a' + i % 26, 99);
		{
			char tag[16];

			snprintf(tag, sizeof(tag), "A%05u-", (unsigned)i % 100000u);
			memcpy(argv[i], tag, 7);
		}
		argv[i][99] = 0;
	}
	flen = join_args(argv, full, NARGS * 101);
	printf("argv total %zu bytes, argc %d\n", flen, NARGS);
	coll_init(&c);
	if (ps_open(&nl) < 0) {
		failf("cannot open procsentry family");
		return 1;
	}
	nl.sink = &c;
	err = ps_register(&nl, PROCSENTRY_ABI_VERSION, -1, &rr);
	if (err) {
		failf("REGISTER: %d %s", err, nl.extack);
		return 1;
	}
	if (rr.have_config) {
		argv_max = rr.config.argv_max;
		expect_u64("REGISTER reply config.argv_max (default)", PROCSENTRY_ARGV_DEFAULT, argv_max);
	}
	p = exec_and_collect(&nl, &c, argv, &st);
	expect_count(&c, PROCSENTRY_REC_EXEC, (uint32_t)p, 1, "EXEC");
	check_trunc(coll_first(&c, PROCSENTRY_REC_EXEC, (uint32_t)p), full, flen, NARGS, argv_max);
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

int sc_config_argv_max(void)
{
	struct nl nl;
	struct coll c;
	struct ps_reg_reply rr;
	struct procsentry_config cfg;
	char *argv[12];
	char full[1024];
	size_t flen;
	int have, err, st;
	uint32_t mask0 = PROCSENTRY_MASK_ALL;
	pid_t p;

	if (ensure_ps_true())
		return 1;
	argv[0] = "ps-true";
	for (int i = 1; i < 11; i++) {
		argv[i] = malloc(48);
		snprintf(argv[i], 48, "argument-number-%02u-xxxxxxxxxxx", (unsigned)i % 100u);
	}
	argv[11] = NULL;
	flen = join_args(argv, full, sizeof(full));
	coll_init(&c);
	if (ps_open(&nl) < 0) {
		failf("cannot open procsentry family");
		return 1;
	}
	nl.sink = &c;
	err = ps_register(&nl, PROCSENTRY_ABI_VERSION, -1, &rr);
	if (err) {
		failf("REGISTER: %d %s", err, nl.extack);
		return 1;
	}
	if (expect_true("REGISTER reply carries PROCSENTRY_A_CONFIG", rr.have_config))
		mask0 = rr.config.event_mask;
	printf("initial config: event_mask 0x%x argv_max %u\n", rr.config.event_mask, rr.config.argv_max);

	err = ps_set_config(&nl, -1, 100, &cfg, &have);
	expect_s64("SET_CONFIG argv_max=100 error", 0, err);
	if (expect_true("SET_CONFIG reply carries PROCSENTRY_A_CONFIG", have)) {
		expect_u64("SET_CONFIG reply argv_max", 100, cfg.argv_max);
		expect_hex("SET_CONFIG reply event_mask (unchanged)", mask0, cfg.event_mask);
	}
	p = exec_and_collect(&nl, &c, argv, &st);
	check_trunc(coll_first(&c, PROCSENTRY_REC_EXEC, (uint32_t)p), full, flen, 11, 100);

	err = ps_set_config(&nl, -1, PROCSENTRY_ARGV_MAX + 1, &cfg, &have);
	printf("SET_CONFIG argv_max=%d: error %d (%s) extack \"%s\"\n", PROCSENTRY_ARGV_MAX + 1, err, strerror(-err),
	       nl.extack);
	if (err != -EINVAL && err != -ERANGE)
		failf("SET_CONFIG argv_max=PROCSENTRY_ARGV_MAX+1: expected -EINVAL or -ERANGE (policy range), got %d", err);
	/* the refused value changed nothing: SET_CONFIG without attributes replies with the config */
	err = ps_set_config(&nl, -1, -1, &cfg, &have);
	expect_s64("SET_CONFIG without attributes error", 0, err);
	if (expect_true("SET_CONFIG without attributes replies with PROCSENTRY_A_CONFIG", have))
		expect_u64("argv_max after the refused SET_CONFIG (unchanged)", 100, cfg.argv_max);
	err = ps_set_config(&nl, -1, PROCSENTRY_ARGV_MAX, &cfg, &have);
	expect_s64("SET_CONFIG argv_max=PROCSENTRY_ARGV_MAX error", 0, err);
	if (have)
		expect_u64("SET_CONFIG reply argv_max", PROCSENTRY_ARGV_MAX, cfg.argv_max);

	err = ps_set_config(&nl, -1, PROCSENTRY_ARGV_DEFAULT, &cfg, &have);
	expect_s64("SET_CONFIG restore argv_max=4096 error", 0, err);
	if (have)
		expect_u64("SET_CONFIG reply argv_max after restore", PROCSENTRY_ARGV_DEFAULT, cfg.argv_max);
	p = exec_and_collect(&nl, &c, argv, &st);
	dump_tgid(&c, (uint32_t)p);
	check_exec(coll_first(&c, PROCSENTRY_REC_EXEC, (uint32_t)p),
		   &(struct exec_exp){ .pid = (uint32_t)p, .ppid = (uint32_t)getpid(), .comm = "ps-true",
				       .path = PS_TRUE, .filename = PS_TRUE, .argv = full, .argv_len = flen, .argc = 11,
				       .flags = 0 });
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}

int sc_config_event_mask(void)
{
	struct nl nl;
	struct coll c;
	struct ps_reg_reply rr;
	struct procsentry_config cfg;
	char *argv[] = { "ps-true", NULL };
	int have, err, st;
	uint32_t mask0 = PROCSENTRY_MASK_ALL;
	pid_t p;

	if (ensure_ps_true())
		return 1;
	coll_init(&c);
	if (ps_open(&nl) < 0) {
		failf("cannot open procsentry family");
		return 1;
	}
	nl.sink = &c;
	err = ps_register(&nl, PROCSENTRY_ABI_VERSION, -1, &rr);
	if (err) {
		failf("REGISTER: %d %s", err, nl.extack);
		return 1;
	}
	if (rr.have_config) {
		mask0 = rr.config.event_mask;
		expect_hex("REGISTER reply config.event_mask (default: all)", PROCSENTRY_MASK_ALL, mask0);
	}
	err = ps_set_config(&nl, 1u << PROCSENTRY_REC_EXEC, -1, &cfg, &have);
	expect_s64("SET_CONFIG event_mask=EXEC error", 0, err);
	if (have)
		expect_hex("SET_CONFIG reply event_mask", 1u << PROCSENTRY_REC_EXEC, cfg.event_mask);
	/* every reader is told, whatever the mask: a CONFIG record about us */
	collect_wants(&nl, &c, (struct want[]){ { PROCSENTRY_REC_CONFIG, (uint32_t)getpid(), 1 } }, 1, 3000, 0);
	{
		struct rec **v;
		size_t n = coll_find(&c, PROCSENTRY_REC_CONFIG, (uint32_t)getpid(), &v);

		expect_u64("CONFIG records after SET_CONFIG", 1, n);
		if (n) {
			const struct procsentry_config_change *cc = &v[0]->b.cfg;

			expect_hex("CONFIG old event_mask", mask0, cc->old_config.event_mask);
			expect_hex("CONFIG new event_mask", 1u << PROCSENTRY_REC_EXEC, cc->new_config.event_mask);
			expect_u64("CONFIG new argv_max (unchanged)", cc->old_config.argv_max,
				   cc->new_config.argv_max);
			expect_task("CONFIG", &cc->task, (uint32_t)getpid(), (uint32_t)getpid(), (uint32_t)getppid(),
				    g_self_comm);
		}
		free(v);
	}
	p = spawn_exec(PS_TRUE, argv);
	st = wait_pid(p, 5000);
	expect_u64("child wait status", 0, (uint32_t)st);
	collect_wants(&nl, &c, (struct want[]){ { PROCSENTRY_REC_EXEC, (uint32_t)p, 1 } }, 1, 3000, 500);
	dump_tgid(&c, (uint32_t)p);
	expect_count(&c, PROCSENTRY_REC_EXEC, (uint32_t)p, 1, "EXEC with mask=EXEC");
	expect_count(&c, PROCSENTRY_REC_FORK, (uint32_t)p, 0, "FORK with mask=EXEC");
	expect_count(&c, PROCSENTRY_REC_EXIT, (uint32_t)p, 0, "EXIT with mask=EXEC");

	err = ps_set_config(&nl, 1u << 30, -1, &cfg, &have);
	printf("SET_CONFIG event_mask=1<<30: error %d (%s) extack \"%s\"\n", err, strerror(-err), nl.extack);
	if (err != -EINVAL && err != -ERANGE)
		failf("SET_CONFIG event_mask with an unknown bit: expected -EINVAL or -ERANGE, got %d", err);

	err = ps_set_config(&nl, mask0, -1, &cfg, &have);
	expect_s64("SET_CONFIG restore event_mask error", 0, err);
	if (have)
		expect_hex("SET_CONFIG reply event_mask after restore", mask0, cfg.event_mask);
	p = spawn_exec(PS_TRUE, argv);
	st = wait_pid(p, 5000);
	collect_wants(&nl, &c,
		      (struct want[]){ { PROCSENTRY_REC_FORK, (uint32_t)p, 1 },
				       { PROCSENTRY_REC_EXEC, (uint32_t)p, 1 },
				       { PROCSENTRY_REC_EXIT, (uint32_t)p, 1 } },
		      3, 3000, 200);
	dump_tgid(&c, (uint32_t)p);
	coll_expect_clean(&c);
	nl_close(&nl);
	return g_failures ? 1 : 0;
}
