// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family.  Every command is admin-only
 * (GENL_ADMIN_PERM: CAP_NET_ADMIN over the initial network namespace's
 * user namespace, and the family does not exist in other namespaces).
 * There are no multicast groups: records go by unicast to registered
 * listeners only, so nobody can subscribe without the capability.
 */
#include "procsentry.h"
#include <net/genetlink.h>
#include <linux/cpumask.h>
#include <linux/slab.h>
#include <linux/stringify.h>

static const struct nla_policy procsentry_policy[PROCSENTRY_A_MAX + 1] = {
	[PROCSENTRY_A_ABI_VERSION]	= { .type = NLA_U32 },
	[PROCSENTRY_A_REG_FLAGS]	= { .type = NLA_U32 },
	[PROCSENTRY_A_EVENT_MASK]	= { .type = NLA_U32 },
	[PROCSENTRY_A_ARGV_MAX]		= { .type = NLA_U32 },
	[PROCSENTRY_A_CONFIG_FLAGS]	= { .type = NLA_U32 },
};

static struct genl_family procsentry_family;

struct sk_buff *procsentry_netlink_events_msg(u32 cpu, size_t payload, void **data)
{
	struct sk_buff *skb;
	struct nlattr *nla;
	void *hdr;

	skb = genlmsg_new(nla_total_size(sizeof(u32)) + nla_total_size(payload),
			  GFP_KERNEL);
	if (!skb)
		return NULL;
	hdr = genlmsg_put(skb, 0, 0, &procsentry_family, 0, PROCSENTRY_CMD_EVENTS);
	if (!hdr || nla_put_u32(skb, PROCSENTRY_A_CPU, cpu))
		goto fail;
	nla = nla_reserve(skb, PROCSENTRY_A_RECORDS, payload);
	if (!nla)
		goto fail;
	*data = nla_data(nla);
	genlmsg_end(skb, hdr);
	return skb;
fail:
	nlmsg_free(skb);
	return NULL;
}

int procsentry_netlink_send(struct sk_buff *skb, u32 portid)
{
	return genlmsg_unicast(&init_net, skb, portid);
}

static int procsentry_put_config(struct sk_buff *skb)
{
	struct procsentry_config cfg = {
		.event_mask = READ_ONCE(procsentry_event_mask),
		.argv_max = READ_ONCE(procsentry_argv_max),
		.flags = READ_ONCE(procsentry_config_flags),
	};

	return nla_put(skb, PROCSENTRY_A_CONFIG, sizeof(cfg), &cfg);
}

/* Builds and sends the reply to @info: @fill adds the attributes. */
static int procsentry_reply(struct genl_info *info, size_t size,
			    int (*fill)(struct sk_buff *skb))
{
	struct sk_buff *skb;
	void *hdr;
	int err;

	skb = genlmsg_new(size, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &procsentry_family, 0,
				info->genlhdr->cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto out;
	}
	err = fill(skb);
	if (err)
		goto out;
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
out:
	nlmsg_free(skb);
	return err;
}

static int procsentry_fill_register(struct sk_buff *skb)
{
	if (nla_put_u32(skb, PROCSENTRY_A_ABI_VERSION, PROCSENTRY_ABI_VERSION) ||
	    nla_put_u32(skb, PROCSENTRY_A_NR_CPUS, nr_cpu_ids))
		return -EMSGSIZE;
	return procsentry_put_config(skb);
}

static int procsentry_cmd_register(struct sk_buff *skb, struct genl_info *info)
{
	u32 abi, flags = 0;
	int err;

	if (!info->attrs[PROCSENTRY_A_ABI_VERSION]) {
		GENL_SET_ERR_MSG(info, "procsentry: REGISTER needs PROCSENTRY_A_ABI_VERSION");
		return -EINVAL;
	}
	abi = nla_get_u32(info->attrs[PROCSENTRY_A_ABI_VERSION]);
	if (abi != PROCSENTRY_ABI_VERSION) {
		pr_warn_ratelimited("reader %s[%d] speaks ABI %u, module ABI %u: registration refused\n",
				    current->comm, task_tgid_nr(current), abi,
				    PROCSENTRY_ABI_VERSION);
		GENL_SET_ERR_MSG(info, "procsentry: ABI version mismatch: module speaks ABI "
				 __stringify(PROCSENTRY_ABI_VERSION));
		return -EPROTO;
	}
	if (info->attrs[PROCSENTRY_A_REG_FLAGS])
		flags = nla_get_u32(info->attrs[PROCSENTRY_A_REG_FLAGS]);
	if (flags & ~PROCSENTRY_REG_ALL) {
		GENL_SET_ERR_MSG(info, "procsentry: unknown registration flags");
		return -EINVAL;
	}
	err = procsentry_listener_add(info->snd_portid, flags, info);
	if (err)
		return err;
	err = procsentry_reply(info, 256, procsentry_fill_register);
	if (err)
		procsentry_listener_remove(info->snd_portid);
	return err;
}

static int procsentry_cmd_unregister(struct sk_buff *skb, struct genl_info *info)
{
	return procsentry_listener_remove(info->snd_portid);
}

static int procsentry_fill_stats(struct sk_buff *skb)
{
	struct procsentry_global_stats g = {
		.probe_missed = procsentry_hooks_missed(),
		.no_slot = procsentry_no_slot_total(),
		.listeners = procsentry_listener_count(),
		.hook_mode = procsentry_mode,
		.hooks_attached = procsentry_hooks_attached(),
		.probes_active = procsentry_hooks_active(),
	};
	struct procsentry_cpu_stats *st;
	struct nlattr *nla;
	unsigned int cpu;

	nla = nla_reserve_64bit(skb, PROCSENTRY_A_CPU_STATS,
				nr_cpu_ids * sizeof(*st), PROCSENTRY_A_PAD);
	if (!nla)
		return -EMSGSIZE;
	st = nla_data(nla);
	memset(st, 0, nr_cpu_ids * sizeof(*st));
	for_each_possible_cpu(cpu)
		procsentry_stats_fill(&st[cpu], cpu);
	if (nla_put_u32(skb, PROCSENTRY_A_NR_CPUS, nr_cpu_ids) ||
	    nla_put_64bit(skb, PROCSENTRY_A_GLOBAL_STATS, sizeof(g), &g,
			  PROCSENTRY_A_PAD))
		return -EMSGSIZE;
	return procsentry_put_config(skb);
}

static int procsentry_cmd_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	/* One attribute holds at most 65531 bytes: 1023 CPUs. */
	if (nr_cpu_ids * sizeof(struct procsentry_cpu_stats) > U16_MAX - NLA_HDRLEN) {
		GENL_SET_ERR_MSG(info, "procsentry: more CPUs than one CPU_STATS attribute holds");
		return -E2BIG;
	}
	/* Flushed first, so pending is 0 unless records keep coming. */
	procsentry_flush_all();
	return procsentry_reply(info, 512 + nr_cpu_ids *
				sizeof(struct procsentry_cpu_stats),
				procsentry_fill_stats);
}

static int procsentry_fill_config(struct sk_buff *skb)
{
	return procsentry_put_config(skb);
}

static int procsentry_cmd_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *mask = info->attrs[PROCSENTRY_A_EVENT_MASK];
	struct nlattr *argv = info->attrs[PROCSENTRY_A_ARGV_MAX];
	struct nlattr *cfl = info->attrs[PROCSENTRY_A_CONFIG_FLAGS];
	struct procsentry_config old = { 0 };

	if (mask && (nla_get_u32(mask) & ~PROCSENTRY_MASK_ALL)) {
		GENL_SET_ERR_MSG(info, "procsentry: unknown record types in event mask");
		return -EINVAL;
	}
	if (argv && nla_get_u32(argv) > PROCSENTRY_ARGV_MAX) {
		GENL_SET_ERR_MSG(info, "procsentry: argv limit above PROCSENTRY_ARGV_MAX");
		return -ERANGE;
	}
	if (cfl && (nla_get_u32(cfl) & ~PROCSENTRY_CFG_ALL)) {
		GENL_SET_ERR_MSG(info, "procsentry: unknown configuration flags");
		return -EINVAL;
	}
	old.event_mask = READ_ONCE(procsentry_event_mask);
	old.argv_max = READ_ONCE(procsentry_argv_max);
	old.flags = READ_ONCE(procsentry_config_flags);
	if (mask)
		WRITE_ONCE(procsentry_event_mask, nla_get_u32(mask));
	if (argv)
		WRITE_ONCE(procsentry_argv_max, nla_get_u32(argv));
	if (cfl)
		WRITE_ONCE(procsentry_config_flags, nla_get_u32(cfl));
	if (mask || argv || cfl)
		procsentry_emit_config(&old);
	if (mask || argv || cfl)
		pr_notice("configuration changed by %s[%d]: event mask 0x%x, argv limit %u, flags 0x%x\n",
			current->comm, task_tgid_nr(current),
			READ_ONCE(procsentry_event_mask),
			READ_ONCE(procsentry_argv_max),
			READ_ONCE(procsentry_config_flags));
	return procsentry_reply(info, 128, procsentry_fill_config);
}

static const struct genl_ops procsentry_ops[] = {
	{
		.cmd = PROCSENTRY_CMD_REGISTER,
		.doit = procsentry_cmd_register,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PROCSENTRY_CMD_UNREGISTER,
		.doit = procsentry_cmd_unregister,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PROCSENTRY_CMD_GET_STATS,
		.doit = procsentry_cmd_get_stats,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PROCSENTRY_CMD_SET_CONFIG,
		.doit = procsentry_cmd_set_config,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family procsentry_family = {
	.name = PROCSENTRY_GENL_NAME,
	.version = PROCSENTRY_GENL_VERSION,
	.maxattr = PROCSENTRY_A_MAX,
	.policy = procsentry_policy,
	.netnsok = false,
	/* Own locking: attaching probes must not hold every family's genl_mutex. */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = procsentry_ops,
	.n_ops = ARRAY_SIZE(procsentry_ops),
};

static int procsentry_nl_notify(struct notifier_block *nb, unsigned long event,
				void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !net_eq(n->net, &init_net))
		return NOTIFY_DONE;
	if (procsentry_listener_known(PROCSENTRY_NOTIFY_PORTID(n)))
		procsentry_listener_remove(PROCSENTRY_NOTIFY_PORTID(n));
	return NOTIFY_DONE;
}

static struct notifier_block procsentry_nl_notifier = {
	.notifier_call = procsentry_nl_notify,
};

int procsentry_netlink_init(void)
{
	int err;

	err = netlink_register_notifier(&procsentry_nl_notifier);
	if (err)
		return err;
	err = genl_register_family(&procsentry_family);
	if (err)
		netlink_unregister_notifier(&procsentry_nl_notifier);
	return err;
}

void procsentry_netlink_exit(void)
{
	genl_unregister_family(&procsentry_family);
	netlink_unregister_notifier(&procsentry_nl_notifier);
}
