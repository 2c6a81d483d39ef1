// SPDX-License-Identifier: GPL-2.0
/*
 * procsentry: process exec, credential-change and exit records for
 * registered readers over generic netlink.  This file only wires the
 * units together and holds the module parameters.
 */
#include "procsentry.h"
#include <linux/module.h>
#include <linux/moduleparam.h>

enum procsentry_hook_mode procsentry_mode = PROCSENTRY_MODE_KPROBE;
unsigned int procsentry_buf_kb = 64;
unsigned int procsentry_flush_us = 1000;
unsigned int procsentry_max_inflight;
u32 procsentry_event_mask = PROCSENTRY_MASK_ALL;
u32 procsentry_argv_max = PROCSENTRY_ARGV_DEFAULT;
u32 procsentry_config_flags;

static char *hook_mode = "kprobe";
module_param(hook_mode, charp, 0444);
MODULE_PARM_DESC(hook_mode, "kprobe (default) or syscall_tp (raw syscall tracepoints, for kernels without kprobes)");
module_param_named(buf_kb, procsentry_buf_kb, uint, 0444);
MODULE_PARM_DESC(buf_kb, "per-CPU record buffer in KiB, 64..4096 (two per CPU)");
module_param_named(flush_us, procsentry_flush_us, uint, 0644);
MODULE_PARM_DESC(flush_us, "longest time a record waits in its buffer, microseconds");
module_param_named(max_inflight, procsentry_max_inflight, uint, 0444);
MODULE_PARM_DESC(max_inflight, "execve/set*id calls tracked at once (0: 16 per CPU, at least 256)");

static int __init procsentry_parse_params(void)
{
	if (!strcmp(hook_mode, "kprobe")) {
		procsentry_mode = PROCSENTRY_MODE_KPROBE;
	} else if (!strcmp(hook_mode, "syscall_tp")) {
		procsentry_mode = PROCSENTRY_MODE_SYSCALL_TP;
	} else {
		pr_err("hook_mode must be kprobe or syscall_tp, not '%s'\n", hook_mode);
		return -EINVAL;
	}
	if (procsentry_buf_kb < 64 || procsentry_buf_kb > 4096) {
		pr_err("buf_kb must be 64..4096, not %u\n", procsentry_buf_kb);
		return -EINVAL;
	}
	procsentry_flush_us = clamp(procsentry_flush_us, 100U, 1000000U);
	return 0;
}

static int __init procsentry_init(void)
{
	int err;

	err = procsentry_parse_params();
	if (err)
		return err;
	err = procsentry_hooks_init();
	if (err)
		return err;
	err = procsentry_inflight_init();
	if (err)
		return err;
	err = procsentry_builders_init();
	if (err)
		goto err_inflight;
	err = procsentry_records_init();
	if (err)
		goto err_builders;
	err = procsentry_netlink_init();
	if (err)
		goto err_records;
	pr_info("version %s loaded: ABI %u, hook_mode=%s, %u KiB x2 per CPU\n",
		PROCSENTRY_VERSION, PROCSENTRY_ABI_VERSION, hook_mode,
		procsentry_buf_kb);
	return 0;

err_records:
	procsentry_records_free();
err_builders:
	procsentry_builders_free();
err_inflight:
	procsentry_inflight_free();
	return err;
}

static void __exit procsentry_exit(void)
{
	/* Hooks off and readers dropped first: nothing new is produced. */
	procsentry_listeners_shutdown();
	procsentry_records_stop();
	procsentry_netlink_exit();
	procsentry_listeners_exit();
	procsentry_records_free();
	procsentry_builders_free();
	procsentry_inflight_free();
	pr_info("unloaded\n");
}

module_init(procsentry_init);
module_exit(procsentry_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("procsentry developers");
MODULE_DESCRIPTION("Process exec, credential-change and exit records over generic netlink");
MODULE_VERSION(PROCSENTRY_VERSION);
