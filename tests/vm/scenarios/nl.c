// SPDX-License-Identifier: GPL-2.0
/* Tiny generic netlink client: socket, family resolution, requests, acks with extack. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "nl.h"
#include "records.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int nl_open(struct nl *nl)
{
	struct sockaddr_nl sa;
	socklen_t sl = sizeof(sa);
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->ext_offs = -1;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(nl->fd, (struct sockaddr *)&sa, &sl) < 0) {
		int e = -errno;
		close(nl->fd);
		nl->fd = -1;
		return e;
	}
	nl->portid = sa.nl_pid;
	/* extended acks, and acks without the echoed request */
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) < 0)
		fprintf(stderr, "warning: NETLINK_EXT_ACK: %s\n", strerror(errno));
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) < 0)
		fprintf(stderr, "warning: NETLINK_CAP_ACK: %s\n", strerror(errno));
	nl->rx = malloc(NL_RXBUF);
	if (!nl->rx) {
		close(nl->fd);
		nl->fd = -1;
		return -ENOMEM;
	}
	nl->seq = (uint32_t)time(NULL) & 0xffff;
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
	free(nl->rx);
	nl->rx = NULL;
}

int nl_set_rcvbuf(struct nl *nl, int bytes)
{
	if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) < 0)
		return -errno;
	return 0;
}

int nl_get_rcvbuf(struct nl *nl)
{
	int v = 0;
	socklen_t l = sizeof(v);

	if (getsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &v, &l) < 0)
		return -errno;
	return v;
}

void nlreq_init(struct nlreq *r, uint16_t type, uint8_t cmd, uint8_t version, uint16_t flags)
{
	struct genlmsghdr *g;

	memset(r, 0, sizeof(*r));
	r->u.nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->u.nlh.nlmsg_type = type;
	r->u.nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	g = NLMSG_DATA(&r->u.nlh);
	g->cmd = cmd;
	g->version = version;
}

int nlreq_put(struct nlreq *r, uint16_t attr, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(r->u.nlh.nlmsg_len);
	struct nlattr *a;

	if (off + NLA_ALIGN(NLA_HDRLEN + len) > sizeof(r->u.buf) || NLA_HDRLEN + len > 0xffff)
		return -EMSGSIZE;
	a = (struct nlattr *)(r->u.buf + off);
	a->nla_type = attr;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	r->u.nlh.nlmsg_len = (uint32_t)(off + NLA_ALIGN(NLA_HDRLEN + len));
	return 0;
}

int nlreq_put_u32(struct nlreq *r, uint16_t attr, uint32_t v)
{
	return nlreq_put(r, attr, &v, sizeof(v));
}

int nlreq_put_str(struct nlreq *r, uint16_t attr, const char *s)
{
	return nlreq_put(r, attr, s, strlen(s) + 1);
}

int nl_parse_attrs(const void *data, size_t len, const struct nlattr **tb, int maxtype)
{
	const unsigned char *p = data;
	size_t off = 0;

	for (int i = 0; i <= maxtype; i++)
		tb[i] = NULL;
	while (off < len) {
		const struct nlattr *a;
		uint16_t t;

		if (len - off < NLA_HDRLEN)
			return -EINVAL;
		a = (const struct nlattr *)(p + off);
		if (a->nla_len < NLA_HDRLEN || a->nla_len > len - off)
			return -EINVAL;
		t = a->nla_type & NLA_TYPE_MASK;
		if (t <= maxtype)
			tb[t] = a;
		off += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

int nla_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || nla_len_c(a) != 4)
		return -EINVAL;
	memcpy(v, nla_data_c(a), 4);
	return 0;
}

int nla_u16(const struct nlattr *a, uint16_t *v)
{
	if (!a || nla_len_c(a) < 2)
		return -EINVAL;
	memcpy(v, nla_data_c(a), 2);
	return 0;
}

static long long nl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int nl_recv(struct nl *nl, int timeout_ms, int *truncated)
{
	struct pollfd pfd = { .fd = nl->fd, .events = POLLIN };
	struct sockaddr_nl sa;
	struct iovec iov = { .iov_base = nl->rx, .iov_len = NL_RXBUF };
	struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;
	int pr;

	if (truncated)
		*truncated = 0;
	pr = poll(&pfd, 1, timeout_ms);
	if (pr < 0)
		return errno == EINTR ? 0 : -errno;
	if (pr == 0)
		return 0;
	n = recvmsg(nl->fd, &mh, MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		return -errno;
	}
	if (truncated && (mh.msg_flags & MSG_TRUNC))
		*truncated = 1;
	if (sa.nl_pid != 0)	/* only the kernel talks to us */
		return 0;
	return (int)n;
}

static void parse_extack(struct nl *nl, const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	size_t plen = h->nlmsg_len - NLMSG_HDRLEN;
	size_t off;
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	nl->extack[0] = 0;
	nl->ext_offs = -1;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = sizeof(*e);
	if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return;
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	off = NLMSG_ALIGN(off);
	if (off > plen)
		return;
	if (nl_parse_attrs((const char *)e + off, plen - off, tb, NLMSGERR_ATTR_MAX) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG]) {
		size_t l = nla_len_c(tb[NLMSGERR_ATTR_MSG]);

		if (l >= sizeof(nl->extack))
			l = sizeof(nl->extack) - 1;
		memcpy(nl->extack, nla_data_c(tb[NLMSGERR_ATTR_MSG]), l);
		nl->extack[l] = 0;
	}
	if (tb[NLMSGERR_ATTR_OFFS]) {
		uint32_t o;

		if (nla_u32(tb[NLMSGERR_ATTR_OFFS], &o) == 0)
			nl->ext_offs = (int)o;
	}
}

int nl_transact(struct nl *nl, struct nlreq *r, struct nlreply *reply, int timeout_ms)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	uint32_t seq = ++nl->seq;
	long long deadline = nl_now_ms() + timeout_ms;

	nl->extack[0] = 0;
	nl->ext_offs = -1;
	r->u.nlh.nlmsg_seq = seq;
	r->u.nlh.nlmsg_pid = nl->portid;
	r->u.nlh.nlmsg_flags |= NLM_F_ACK;
	if (reply)
		reply->len = 0;
	if (sendto(nl->fd, r->u.buf, r->u.nlh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		long long left = deadline - nl_now_ms();
		int n, trunc;

		if (left <= 0)
			return -ETIMEDOUT;
		n = nl_recv(nl, (int)left, &trunc);
		if (n == -ENOBUFS) {
			if (nl->sink)
				coll_note_enobufs(nl->sink);
			continue;
		}
		if (n < 0)
			return n;
		if (n == 0)
			continue;
		for (struct nlmsghdr *h = (struct nlmsghdr *)nl->rx; NLMSG_OK(h, (unsigned)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR && h->nlmsg_seq == seq) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(int)))
					return -EBADMSG;
				parse_extack(nl, h);
				return e->error;
			}
			if (h->nlmsg_seq == seq && h->nlmsg_type != NLMSG_DONE &&
			    h->nlmsg_type != NLMSG_NOOP && h->nlmsg_type != NLMSG_ERROR) {
				if (reply && h->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN)) {
					const struct genlmsghdr *g = NLMSG_DATA(h);
					size_t alen = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

					if (alen > sizeof(reply->data))
						return -EMSGSIZE;
					reply->cmd = g->cmd;
					reply->len = alen;
					memcpy(reply->data, (const char *)g + GENL_HDRLEN, alen);
					if (nl_parse_attrs(reply->data, alen, reply->tb, NL_MAX_ATTR) < 0)
						return -EBADMSG;
				}
				continue;
			}
			/* not ours: an event */
			if (nl->sink)
				coll_feed_msg(nl->sink, nl->family, h);
			else
				nl->stray++;
		}
	}
}

int nl_resolve(struct nl *nl, const char *name)
{
	struct nlreq r;
	static struct nlreply rep;
	uint16_t id;
	int err;

	nlreq_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	nlreq_put_str(&r, CTRL_ATTR_FAMILY_NAME, name);
	err = nl_transact(nl, &r, &rep, 2000);
	if (err)
		return err;
	if (rep.len == 0 || nla_u16(rep.tb[CTRL_ATTR_FAMILY_ID], &id) < 0)
		return -EBADMSG;
	nl->family = id;
	return id;
}

/* ---- procsentry ---- */

int ps_open(struct nl *nl)
{
	int err = nl_open(nl);

	if (err) {
		printf("netlink socket: %s\n", strerror(-err));
		return err;
	}
	err = nl_resolve(nl, PROCSENTRY_GENL_NAME);
	if (err < 0) {
		printf("resolve genl family \"%s\": %s%s%s\n", PROCSENTRY_GENL_NAME, strerror(-err),
		       nl->extack[0] ? " extack: " : "", nl->extack);
		nl_close(nl);
		return err;
	}
	return 0;
}

int ps_register(struct nl *nl, long long abi, long long flags, struct ps_reg_reply *out)
{
	struct nlreq r;
	static struct nlreply rep;
	int err;

	nlreq_init(&r, nl->family, PROCSENTRY_CMD_REGISTER, PROCSENTRY_GENL_VERSION, 0);
	if (abi >= 0)
		nlreq_put_u32(&r, PROCSENTRY_A_ABI_VERSION, (uint32_t)abi);
	if (flags >= 0)
		nlreq_put_u32(&r, PROCSENTRY_A_REG_FLAGS, (uint32_t)flags);
	err = nl_transact(nl, &r, &rep, 3000);
	if (out) {
		memset(out, 0, sizeof(*out));
		if (!err && rep.len) {
			out->have_abi = nla_u32(rep.tb[PROCSENTRY_A_ABI_VERSION], &out->abi) == 0;
			out->have_ncpus = nla_u32(rep.tb[PROCSENTRY_A_NR_CPUS], &out->ncpus) == 0;
			if (rep.tb[PROCSENTRY_A_CONFIG] &&
			    nla_len_c(rep.tb[PROCSENTRY_A_CONFIG]) >= sizeof(out->config)) {
				memcpy(&out->config, nla_data_c(rep.tb[PROCSENTRY_A_CONFIG]), sizeof(out->config));
				out->have_config = 1;
			}
		}
	}
	return err;
}

int ps_unregister(struct nl *nl)
{
	struct nlreq r;

	nlreq_init(&r, nl->family, PROCSENTRY_CMD_UNREGISTER, PROCSENTRY_GENL_VERSION, 0);
	return nl_transact(nl, &r, NULL, 3000);
}

int ps_get_stats(struct nl *nl, struct ps_stats *st)
{
	struct nlreq r;
	static struct nlreply rep;
	const struct nlattr *a;
	int err;

	memset(st, 0, sizeof(*st));
	nlreq_init(&r, nl->family, PROCSENTRY_CMD_GET_STATS, PROCSENTRY_GENL_VERSION, 0);
	err = nl_transact(nl, &r, &rep, 3000);
	if (err)
		return err;
	if (rep.len == 0) {
		printf("GET_STATS: ack without a reply message\n");
		return -EBADMSG;
	}
	a = rep.tb[PROCSENTRY_A_CPU_STATS];
	if (!a) {
		printf("GET_STATS: reply without PROCSENTRY_A_CPU_STATS\n");
		return -EBADMSG;
	}
	st->cpu_stats_len = nla_len_c(a);
	if (st->cpu_stats_len % sizeof(struct procsentry_cpu_stats)) {
		printf("GET_STATS: CPU_STATS length %zu not a multiple of %zu\n", st->cpu_stats_len,
		       sizeof(struct procsentry_cpu_stats));
		return -EBADMSG;
	}
	st->n_entries = (uint32_t)(st->cpu_stats_len / sizeof(struct procsentry_cpu_stats));
	if (st->n_entries > PS_MAX_CPUS)
		st->n_entries = PS_MAX_CPUS;
	memcpy(st->cpu, nla_data_c(a), st->n_entries * sizeof(struct procsentry_cpu_stats));
	if (nla_u32(rep.tb[PROCSENTRY_A_NR_CPUS], &st->nr_cpus) < 0) {
		printf("GET_STATS: reply without PROCSENTRY_A_NR_CPUS (u32)\n");
		return -EBADMSG;
	}
	a = rep.tb[PROCSENTRY_A_GLOBAL_STATS];
	if (!a) {
		printf("GET_STATS: reply without PROCSENTRY_A_GLOBAL_STATS\n");
		return -EBADMSG;
	}
	st->global_len = nla_len_c(a);
	if (st->global_len < sizeof(st->global)) {
		printf("GET_STATS: GLOBAL_STATS length %zu < %zu\n", st->global_len, sizeof(st->global));
		return -EBADMSG;
	}
	memcpy(&st->global, nla_data_c(a), sizeof(st->global));
	for (uint32_t i = 0; i < st->n_entries; i++) {
		const struct procsentry_cpu_stats *c = &st->cpu[i];

		st->sum.produced += c->produced;
		st->sum.delivered += c->delivered;
		st->sum.dropped_full += c->dropped_full;
		st->sum.dropped_nomem += c->dropped_nomem;
		st->sum.dropped_reader += c->dropped_reader;
		st->sum.dropped_no_listener += c->dropped_no_listener;
		st->sum.pending += c->pending;
		st->sum.messages += c->messages;
	}
	return 0;
}

int ps_set_config(struct nl *nl, long long mask, long long argv_max, struct procsentry_config *out, int *have_out)
{
	return ps_set_config3(nl, mask, argv_max, -1, out, have_out);
}

int ps_set_config3(struct nl *nl, long long mask, long long argv_max, long long cfg_flags,
		   struct procsentry_config *out, int *have_out)
{
	struct nlreq r;
	static struct nlreply rep;
	int err;

	if (have_out)
		*have_out = 0;
	nlreq_init(&r, nl->family, PROCSENTRY_CMD_SET_CONFIG, PROCSENTRY_GENL_VERSION, 0);
	if (mask >= 0)
		nlreq_put_u32(&r, PROCSENTRY_A_EVENT_MASK, (uint32_t)mask);
	if (argv_max >= 0)
		nlreq_put_u32(&r, PROCSENTRY_A_ARGV_MAX, (uint32_t)argv_max);
	if (cfg_flags >= 0)
		nlreq_put_u32(&r, PROCSENTRY_A_CONFIG_FLAGS, (uint32_t)cfg_flags);
	err = nl_transact(nl, &r, &rep, 3000);
	if (!err && out && rep.len && rep.tb[PROCSENTRY_A_CONFIG] &&
	    nla_len_c(rep.tb[PROCSENTRY_A_CONFIG]) >= sizeof(*out)) {
		memcpy(out, nla_data_c(rep.tb[PROCSENTRY_A_CONFIG]), sizeof(*out));
		if (have_out)
			*have_out = 1;
	}
	return err;
}
