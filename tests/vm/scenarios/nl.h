/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tiny generic netlink client (no libnl) for the procsentry scenarios.
 */
#ifndef PS_SCEN_NL_H
#define PS_SCEN_NL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>

#include "../../../include/procsentry/procsentry_abi.h"

#define NL_RXBUF (1024 * 1024)
#define NL_MAX_ATTR 64

struct coll;

struct nl {
	int fd;
	uint32_t portid;
	uint16_t family;	/* resolved generic netlink family id, 0 if none */
	uint32_t seq;
	struct coll *sink;	/* EVENTS seen while waiting for an ack go here */
	uint64_t stray;		/* messages dropped because there was no sink */
	char extack[512];	/* extack message of the last ack, "" if none */
	int ext_offs;		/* NLMSGERR_ATTR_OFFS of the last ack, -1 if none */
	unsigned char *rx;
};

/* A request being built. */
struct nlreq {
	union {
		struct nlmsghdr nlh;
		unsigned char buf[8192];
	} u;
};

/* A reply: the payload of the (last) non-ack message answering a request. */
struct nlreply {
	uint8_t cmd;
	size_t len;			/* attribute bytes */
	unsigned char data[65536];	/* attributes (after the genlmsghdr) */
	const struct nlattr *tb[NL_MAX_ATTR + 1];
};

int nl_open(struct nl *nl);
void nl_close(struct nl *nl);
int nl_set_rcvbuf(struct nl *nl, int bytes);	/* returns 0 or -errno */
int nl_get_rcvbuf(struct nl *nl);

void nlreq_init(struct nlreq *r, uint16_t type, uint8_t cmd, uint8_t version, uint16_t flags);
int nlreq_put(struct nlreq *r, uint16_t attr, const void *data, size_t len);
int nlreq_put_u32(struct nlreq *r, uint16_t attr, uint32_t v);
int nlreq_put_str(struct nlreq *r, uint16_t attr, const char *s);

/*
 * Send r (NLM_F_ACK is added) and wait up to timeout_ms for its ack.
 * Returns the ack's error (0 or -errno), -ETIMEDOUT, or a local -errno.
 * A reply message (same seq, not an error) is copied into reply if non-NULL.
 * Other messages (EVENTS) are handed to nl->sink.
 */
int nl_transact(struct nl *nl, struct nlreq *r, struct nlreply *reply, int timeout_ms);

/* Parse attributes; returns 0 or -EINVAL if malformed.  tb has maxtype+1 slots. */
int nl_parse_attrs(const void *data, size_t len, const struct nlattr **tb, int maxtype);
int nla_u32(const struct nlattr *a, uint32_t *v);
int nla_u16(const struct nlattr *a, uint16_t *v);
static inline const void *nla_data_c(const struct nlattr *a) { return (const char *)a + NLA_HDRLEN; }
static inline size_t nla_len_c(const struct nlattr *a) { return a->nla_len - NLA_HDRLEN; }

/* Resolve a generic netlink family; sets nl->family, returns id or -errno. */
int nl_resolve(struct nl *nl, const char *name);

/* Wait for and receive one datagram into nl->rx; returns its length, 0 on timeout, -errno. */
int nl_recv(struct nl *nl, int timeout_ms, int *truncated);

/* ---- procsentry requests ---- */
struct ps_reg_reply {
	int have_abi, have_ncpus, have_config;
	uint32_t abi, ncpus;
	struct procsentry_config config;
};

#define PS_MAX_CPUS 512
struct ps_stats {
	uint32_t nr_cpus;		/* PROCSENTRY_A_NR_CPUS, or derived */
	uint32_t n_entries;		/* entries in CPU_STATS */
	size_t cpu_stats_len, global_len;
	struct procsentry_cpu_stats cpu[PS_MAX_CPUS];
	struct procsentry_global_stats global;
	struct procsentry_cpu_stats sum;
};

/* open + resolve "procsentry"; returns 0 or -errno (message printed on error) */
int ps_open(struct nl *nl);
/* abi < 0: omit ABI attribute; flags < 0: omit REG_FLAGS */
int ps_register(struct nl *nl, long long abi, long long flags, struct ps_reg_reply *out);
int ps_unregister(struct nl *nl);
int ps_get_stats(struct nl *nl, struct ps_stats *st);
/* mask/argv_max < 0: omit */
int ps_set_config(struct nl *nl, long long mask, long long argv_max, struct procsentry_config *out, int *have_out);
/* the same with PROCSENTRY_A_CONFIG_FLAGS (cfg_flags < 0: omit) */
int ps_set_config3(struct nl *nl, long long mask, long long argv_max, long long cfg_flags,
		   struct procsentry_config *out, int *have_out);

#endif
