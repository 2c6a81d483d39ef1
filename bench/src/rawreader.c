// SPDX-License-Identifier: GPL-2.0
/*
 * rawreader: the cheapest possible procsentry reader, for `make bench` configuration (c0).
 * Registers with the module over generic netlink (PROCSENTRY_CMD_REGISTER) and discards
 * every EVENTS message without decoding it, so (c0) vs (c) separates the module's cost
 * (hooks, records, netlink delivery) from procsentry-dump's decoding and formatting.
 * With an argument, it also sets the module's event mask to that number (SET_CONFIG,
 * bit 1 << PROCSENTRY_REC_x): which record types are built at all, to split the module's cost.
 * Prints "rawreader: ready" once registered and the message/byte counts on SIGTERM/SIGINT.
 */
#include <stdlib.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "procsentry/procsentry_abi.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct req {
	struct nlmsghdr nl;
	struct genlmsghdr genl;
	char attrs[64];
};

static void put_attr(struct req *r, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->nl.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nl.nlmsg_len = NLMSG_ALIGN(r->nl.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static int request(int fd, uint16_t type, uint8_t cmd, uint8_t version, uint16_t attr,
		   const void *data, uint16_t len, char *buf, size_t bufsz)
{
	struct req r;
	static uint32_t seq;

	memset(&r, 0, sizeof(r));
	r.nl.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r.nl.nlmsg_type = type;
	r.nl.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r.nl.nlmsg_seq = ++seq;
	r.genl.cmd = cmd;
	r.genl.version = version;
	if (attr)
		put_attr(&r, attr, data, len);
	if (send(fd, &r, r.nl.nlmsg_len, 0) < 0)
		return -errno;
	/* Replies until the ACK (an NLMSG_ERROR with error 0) or an error. */
	for (;;) {
		ssize_t n = recv(fd, buf, bufsz, 0);
		int got_reply = 0;

		if (n < 0)
			return -errno;
		for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_seq != seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(nh))->error ? ((struct nlmsgerr *)NLMSG_DATA(nh))->error
									     : (got_reply ? 1 : 0);
			got_reply = 1;
			if (type == GENL_ID_CTRL) {
				/* CTRL_CMD_NEWFAMILY: find CTRL_ATTR_FAMILY_ID */
				struct genlmsghdr *g = NLMSG_DATA(nh);
				int alen = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

				for (struct nlattr *a = (struct nlattr *)((char *)g + GENL_HDRLEN);
				     alen >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= alen;
				     alen -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
					if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
						return 1000 + *(uint16_t *)((char *)a + NLA_HDRLEN);
			}
		}
	}
}

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct sigaction act;
	unsigned long long msgs = 0, bytes = 0, enobufs = 0;
	uint32_t abi = PROCSENTRY_ABI_VERSION;
	int rcvbuf = 8 << 20;
	int fd, family, err;

	memset(&act, 0, sizeof(act));
	act.sa_handler = on_signal;
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("rawreader: socket");
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	family = request(fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, CTRL_ATTR_FAMILY_NAME,
			 PROCSENTRY_GENL_NAME, sizeof(PROCSENTRY_GENL_NAME), buf, sizeof(buf));
	if (family < 1000) {
		fprintf(stderr, "rawreader: family %s not found (%d)\n", PROCSENTRY_GENL_NAME, family);
		return 3;
	}
	family -= 1000;
	err = request(fd, family, PROCSENTRY_CMD_REGISTER, PROCSENTRY_GENL_VERSION,
		      PROCSENTRY_A_ABI_VERSION, &abi, sizeof(abi), buf, sizeof(buf));
	if (err < 0) {
		fprintf(stderr, "rawreader: REGISTER failed: %s\n", strerror(-err));
		return 1;
	}
	if (argc > 1) {
		uint32_t mask = (uint32_t)strtoul(argv[1], NULL, 0);

		err = request(fd, family, PROCSENTRY_CMD_SET_CONFIG, PROCSENTRY_GENL_VERSION,
			      PROCSENTRY_A_EVENT_MASK, &mask, sizeof(mask), buf, sizeof(buf));
		if (err < 0) {
			fprintf(stderr, "rawreader: SET_CONFIG mask 0x%x failed: %s\n", mask, strerror(-err));
			return 1;
		}
	}
	printf("rawreader: ready\n");
	fflush(stdout);
	while (!stop) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0) {
			if (errno == ENOBUFS)
				enobufs++;
			else if (errno != EINTR)
				break;
			continue;
		}
		msgs++;
		bytes += (unsigned long long)n;
	}
	printf("rawreader: %llu messages, %llu bytes, %llu enobufs\n", msgs, bytes, enobufs);
	close(fd);	/* the module drops a listener whose socket is gone */
	return 0;
}
