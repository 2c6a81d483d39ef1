// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: stands in for a kernel exploit.  Writing to
 * /proc/procsentry_test_escalate gives the writer root credentials through
 * commit_creds(prepare_kernel_cred()), with no set*id or exec call, so the
 * scenarios can check procsentry reports such an escalation.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/sched/task.h>

static ssize_t procsentry_test_write(struct file *file, const char __user *buf,
				     size_t len, loff_t *pos)
{
	struct cred *cred = prepare_kernel_cred(&init_task);

	if (!cred)
		return -ENOMEM;
	commit_creds(cred);
	return len;
}

static const struct proc_ops procsentry_test_ops = {
	.proc_write = procsentry_test_write,
};

static int __init procsentry_test_init(void)
{
	return proc_create("procsentry_test_escalate", 0666, NULL,
			   &procsentry_test_ops) ? 0 : -ENOMEM;
}

static void __exit procsentry_test_exit(void)
{
	remove_proc_entry("procsentry_test_escalate", NULL);
}

module_init(procsentry_test_init);
module_exit(procsentry_test_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("procsentry test: simulated kernel privilege escalation");
