// SPDX-License-Identifier: GPL-2.0
/*
 * cnproc-listen: the proc-connector baseline of `make bench`.  Subscribes to the kernel's
 * process events (NETLINK_CONNECTOR, CN_IDX_PROC, PROC_CN_MCAST_LISTEN), reads and discards
 * every event until SIGTERM/SIGINT, then unsubscribes (PROC_CN_MCAST_IGNORE): the kernel
 * (6.1) counts listeners only through these two messages, so leaving without IGNORE would
 * keep the connector's hooks busy for the rest of the boot.
 * Prints "cnproc-listen: ready" once subscribed and the event count on exit.
 */
#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int send_op(int fd, enum proc_cn_mcast_op op)
{
	struct {
		struct nlmsghdr nl;
		struct cn_msg cn;
		enum proc_cn_mcast_op op;
	} __attribute__((packed)) m;

	memset(&m, 0, sizeof(m));
	m.nl.nlmsg_len = sizeof(m);
	m.nl.nlmsg_type = NLMSG_DONE;
	m.nl.nlmsg_pid = getpid();
	m.cn.id.idx = CN_IDX_PROC;
	m.cn.id.val = CN_VAL_PROC;
	m.cn.len = sizeof(op);
	m.op = op;
	return send(fd, &m, sizeof(m), 0) == (ssize_t)sizeof(m) ? 0 : -1;
}

int main(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
	struct sigaction act;
	static char buf[65536];
	unsigned long events = 0, overruns = 0;
	int rcvbuf = 8 << 20;
	int fd;

	memset(&act, 0, sizeof(act));
	act.sa_handler = on_signal;	/* no SA_RESTART: recv returns EINTR */
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);

	fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_CONNECTOR);
	if (fd < 0) {
		perror("cnproc-listen: socket");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	sa.nl_pid = getpid();
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("cnproc-listen: bind");
		return 1;
	}
	if (send_op(fd, PROC_CN_MCAST_LISTEN) < 0) {
		perror("cnproc-listen: PROC_CN_MCAST_LISTEN");
		return 1;
	}
	printf("cnproc-listen: ready\n");
	fflush(stdout);
	while (!stop) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);

		if (len < 0) {
			if (errno == ENOBUFS)
				overruns++;
			else if (errno != EINTR)
				break;
			continue;
		}
		for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)len);
		     nh = NLMSG_NEXT(nh, len))
			if (nh->nlmsg_type == NLMSG_DONE)
				events++;
	}
	send_op(fd, PROC_CN_MCAST_IGNORE);
	printf("cnproc-listen: %lu events, %lu overruns\n", events, overruns);
	close(fd);
	return 0;
}
