// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU record buffers.  Probes append under a per-CPU spinlock (none of
 * our hooks runs in interrupt context, so the lock never nests); a worker
 * bound to the CPU swaps the buffer for its spare and sends the records to
 * the listeners in netlink messages.  A flush happens when the buffer is
 * half full or flush_us after its first record.  Memory is bounded: two
 * buffers per CPU; a record that does not fit is dropped, counted, and
 * reported in a LOST record with the next message of that CPU.
 */
#include "procsentry.h"
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/workqueue.h>
#include <linux/mutex.h>
#include <linux/skbuff.h>

/* Payload of one EVENTS message; the largest record is well below it. */
#define PROCSENTRY_MSG_MAX	(32 * 1024)

struct procsentry_cpu {
	spinlock_t lock;		/* producer side: all fields up to st */
	char *buf;
	u32 len;
	u32 nrec;
	u64 seq;
	bool armed;
	u64 lost_full;			/* dropped, not yet reported */
	struct procsentry_cpu_stats st;
	struct mutex flush_mutex;	/* one flusher; owns spare, lost_nomem */
	char *spare;
	u64 lost_nomem;
	struct hrtimer timer;
	struct work_struct work;
	unsigned int cpu;
};

static struct procsentry_cpu __percpu *procsentry_cpus;
static struct workqueue_struct *procsentry_wq;
static u32 procsentry_buf_size;

/* Losses that belong to no CPU, reported by whichever flush comes next. */
static atomic64_t procsentry_no_slot = ATOMIC64_INIT(0);
static DEFINE_SPINLOCK(procsentry_glost_lock);
static u64 procsentry_glost_reported[__PROCSENTRY_LOST_MAX];

void procsentry_count_no_slot(void)
{
	atomic64_inc(&procsentry_no_slot);
}

u64 procsentry_no_slot_total(void)
{
	return atomic64_read(&procsentry_no_slot);
}

/* Returns how much of @cause's running @total was not reported yet. */
static u64 procsentry_glost_take(int cause, u64 total)
{
	u64 delta;

	spin_lock(&procsentry_glost_lock);
	/* A total read while probes were being detached may run ahead once. */
	delta = total > procsentry_glost_reported[cause] ?
		total - procsentry_glost_reported[cause] : 0;
	procsentry_glost_reported[cause] = max(total, procsentry_glost_reported[cause]);
	spin_unlock(&procsentry_glost_lock);
	return delta;
}

/* A report that found no message to travel in is owed again. */
static void procsentry_glost_giveback(int cause, u64 delta)
{
	spin_lock(&procsentry_glost_lock);
	procsentry_glost_reported[cause] -= min(delta, procsentry_glost_reported[cause]);
	spin_unlock(&procsentry_glost_lock);
}

void *procsentry_rec_reserve(struct procsentry_rsv *rsv, u16 type, u32 size)
{
	struct procsentry_cpu *pc;
	struct procsentry_rec_hdr *h;
	u64 seq;

	size = procsentry_pad(size);
	pc = get_cpu_ptr(procsentry_cpus);
	spin_lock(&pc->lock);
	pc->st.produced++;
	seq = ++pc->seq;
	if (unlikely(size > procsentry_buf_size - pc->len)) {
		pc->st.dropped_full++;
		pc->lost_full++;
		queue_work_on(pc->cpu, procsentry_wq, &pc->work);
		spin_unlock(&pc->lock);
		put_cpu_ptr(procsentry_cpus);
		return NULL;
	}
	h = (struct procsentry_rec_hdr *)(pc->buf + pc->len);
	/* Zeroed whole: padding and unused fields never carry stale bytes. */
	memset(h, 0, size);
	h->size = size;
	h->type = type;
	h->abi_version = PROCSENTRY_ABI_VERSION;
	h->hdr_size = sizeof(*h);
	h->seq = seq;
	h->ts_ns = procsentry_compat_boottime_ns();
	h->cpu = pc->cpu;
	rsv->pc = pc;
	rsv->hdr = h;
	rsv->size = size;
	return h + 1;
}

struct procsentry_str procsentry_rec_put(struct procsentry_rsv *rsv, u32 *used,
					 const void *src, u32 len)
{
	struct procsentry_str s = { 0, 0 };

	if (!len || *used + len > rsv->size)
		return s;
	memcpy((char *)rsv->hdr + *used, src, len);
	s.off = *used;
	s.len = len;
	*used += len;
	return s;
}

/* @rsv->hdr->size may have been lowered by the builder (never raised). */
void procsentry_rec_commit(struct procsentry_rsv *rsv)
{
	struct procsentry_cpu *pc = rsv->pc;
	u32 us;

	pc->len += rsv->hdr->size;
	pc->nrec++;
	if (pc->len >= procsentry_buf_size / 2) {
		queue_work_on(pc->cpu, procsentry_wq, &pc->work);
	} else if (!pc->armed) {
		pc->armed = true;
		us = clamp_t(u32, READ_ONCE(procsentry_flush_us), 100, 1000000);
		hrtimer_start(&pc->timer, ns_to_ktime((u64)us * NSEC_PER_USEC),
			      HRTIMER_MODE_REL_PINNED);
	}
	spin_unlock(&pc->lock);
	put_cpu_ptr(procsentry_cpus);
}

u32 procsentry_put_lost(char *dst, int cause, u32 cpu, u64 count)
{
	struct procsentry_rec_hdr *h = (struct procsentry_rec_hdr *)dst;
	struct procsentry_lost *l = (struct procsentry_lost *)(h + 1);

	memset(dst, 0, PROCSENTRY_LOST_SIZE);
	h->size = PROCSENTRY_LOST_SIZE;
	h->type = PROCSENTRY_REC_LOST;
	h->abi_version = PROCSENTRY_ABI_VERSION;
	h->hdr_size = sizeof(*h);
	h->ts_ns = procsentry_compat_boottime_ns();
	h->cpu = cpu;
	h->flags = PROCSENTRY_RF_SYNTHETIC;
	l->cause = cause;
	l->cpu = cpu;
	l->count = count;
	return PROCSENTRY_LOST_SIZE;
}

/* Sends one message: LOST reports first, then @nrec records of @len bytes. */
static void procsentry_send_chunk(struct procsentry_cpu *pc, const char *recs,
				  u32 len, u32 nrec, u64 *lost, int nlost)
{
	u32 listeners = 0, off = 0;
	struct sk_buff *skb;
	void *payload;
	char *data;
	int cause, failed;
	u32 lost_bytes = 0;

	for (cause = 0; cause < nlost; cause++)
		if (lost[cause])
			lost_bytes += PROCSENTRY_LOST_SIZE;

	if (!procsentry_listener_count()) {
		pc->st.dropped_no_listener += nrec;
		return;
	}
	skb = procsentry_netlink_events_msg(pc->cpu, lost_bytes + len, &payload);
	data = payload;
	if (!skb) {
		pc->st.dropped_nomem += nrec;
		pc->lost_nomem += nrec;
		return;
	}
	for (cause = 0; cause < nlost; cause++) {
		if (!lost[cause])
			continue;
		off += procsentry_put_lost(data + off, cause,
					   cause == PROCSENTRY_LOST_PROBE_MISSED ||
					   cause == PROCSENTRY_LOST_NO_SLOT ?
					   U32_MAX : pc->cpu, lost[cause]);
		lost[cause] = 0;
	}
	memcpy(data + off, recs, len);
	failed = procsentry_listeners_unicast(skb, nrec, &listeners);
	pc->st.messages++;
	if (!listeners)
		pc->st.dropped_no_listener += nrec;
	else if (failed)
		pc->st.dropped_reader += nrec;
	else
		pc->st.delivered += nrec;
}

static void procsentry_send(struct procsentry_cpu *pc, const char *data,
			    u32 len, u32 nrec, u64 lost_full)
{
	u64 lost[__PROCSENTRY_LOST_MAX] = { 0 };
	u32 start = 0, pos = 0, n = 0;

	lost[PROCSENTRY_LOST_BUFFER_FULL] = lost_full;
	lost[PROCSENTRY_LOST_NOMEM] = pc->lost_nomem;
	pc->lost_nomem = 0;
	lost[PROCSENTRY_LOST_PROBE_MISSED] =
		procsentry_glost_take(PROCSENTRY_LOST_PROBE_MISSED,
				      procsentry_hooks_missed());
	lost[PROCSENTRY_LOST_NO_SLOT] =
		procsentry_glost_take(PROCSENTRY_LOST_NO_SLOT,
				      procsentry_no_slot_total());

	/* Records were written by us, so their sizes are trusted here. */
	while (pos < len) {
		u32 sz = ((const struct procsentry_rec_hdr *)(data + pos))->size;

		/* Room is kept for the LOST reports the first message carries. */
		if (pos + sz - start > PROCSENTRY_MSG_MAX -
		    __PROCSENTRY_LOST_MAX * PROCSENTRY_LOST_SIZE && n) {
			procsentry_send_chunk(pc, data + start, pos - start, n,
					      lost, __PROCSENTRY_LOST_MAX);
			start = pos;
			n = 0;
		}
		pos += sz;
		n++;
	}
	if (n || lost[PROCSENTRY_LOST_BUFFER_FULL] || lost[PROCSENTRY_LOST_NOMEM] ||
	    lost[PROCSENTRY_LOST_PROBE_MISSED] || lost[PROCSENTRY_LOST_NO_SLOT])
		procsentry_send_chunk(pc, data + start, pos - start, n, lost,
				      __PROCSENTRY_LOST_MAX);
	/* LOST counts that found no reader stay pending for the next flush. */
	pc->lost_nomem += lost[PROCSENTRY_LOST_NOMEM];
	procsentry_glost_giveback(PROCSENTRY_LOST_PROBE_MISSED,
				  lost[PROCSENTRY_LOST_PROBE_MISSED]);
	procsentry_glost_giveback(PROCSENTRY_LOST_NO_SLOT, lost[PROCSENTRY_LOST_NO_SLOT]);
	if (lost[PROCSENTRY_LOST_BUFFER_FULL]) {
		spin_lock(&pc->lock);
		pc->lost_full += lost[PROCSENTRY_LOST_BUFFER_FULL];
		spin_unlock(&pc->lock);
	}
}

static void procsentry_flush_cpu(struct procsentry_cpu *pc)
{
	u32 len, nrec;
	u64 lost_full;
	char *data;

	mutex_lock(&pc->flush_mutex);
	spin_lock(&pc->lock);
	data = pc->buf;
	pc->buf = pc->spare;
	pc->spare = data;
	len = pc->len;
	nrec = pc->nrec;
	lost_full = pc->lost_full;
	pc->len = 0;
	pc->nrec = 0;
	pc->lost_full = 0;
	pc->armed = false;
	spin_unlock(&pc->lock);
	if (nrec || lost_full || pc->lost_nomem || procsentry_listener_count())
		procsentry_send(pc, data, len, nrec, lost_full);
	mutex_unlock(&pc->flush_mutex);
}

void procsentry_flush_all(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		procsentry_flush_cpu(per_cpu_ptr(procsentry_cpus, cpu));
}

void procsentry_stats_fill(struct procsentry_cpu_stats *out, unsigned int cpu)
{
	struct procsentry_cpu *pc = per_cpu_ptr(procsentry_cpus, cpu);

	/* Not while a flush is between swapping a buffer and counting it. */
	mutex_lock(&pc->flush_mutex);
	spin_lock(&pc->lock);
	*out = pc->st;
	out->pending = pc->nrec;
	spin_unlock(&pc->lock);
	mutex_unlock(&pc->flush_mutex);
}

static void procsentry_work_fn(struct work_struct *w)
{
	procsentry_flush_cpu(container_of(w, struct procsentry_cpu, work));
}

static enum hrtimer_restart procsentry_timer_fn(struct hrtimer *t)
{
	struct procsentry_cpu *pc = container_of(t, struct procsentry_cpu, timer);

	queue_work_on(pc->cpu, procsentry_wq, &pc->work);
	return HRTIMER_NORESTART;
}

void procsentry_records_free(void)
{
	unsigned int cpu;

	if (procsentry_cpus) {
		for_each_possible_cpu(cpu) {
			struct procsentry_cpu *pc = per_cpu_ptr(procsentry_cpus, cpu);

			kvfree(pc->buf);
			kvfree(pc->spare);
			mutex_destroy(&pc->flush_mutex);
		}
		free_percpu(procsentry_cpus);
		procsentry_cpus = NULL;
	}
	if (procsentry_wq) {
		destroy_workqueue(procsentry_wq);
		procsentry_wq = NULL;
	}
}

/* Hooks are detached before this runs, so nothing re-arms the timers. */
void procsentry_records_stop(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct procsentry_cpu *pc = per_cpu_ptr(procsentry_cpus, cpu);

		hrtimer_cancel(&pc->timer);
		cancel_work_sync(&pc->work);
	}
	flush_workqueue(procsentry_wq);
}

int procsentry_records_init(void)
{
	unsigned int cpu;

	procsentry_buf_size = procsentry_buf_kb * 1024;
	procsentry_wq = alloc_workqueue("procsentry", WQ_HIGHPRI, 0);
	if (!procsentry_wq)
		return -ENOMEM;
	procsentry_cpus = alloc_percpu(struct procsentry_cpu);
	if (!procsentry_cpus)
		goto nomem;
	for_each_possible_cpu(cpu) {
		struct procsentry_cpu *pc = per_cpu_ptr(procsentry_cpus, cpu);
		int node = cpu_to_node(cpu);

		spin_lock_init(&pc->lock);
		mutex_init(&pc->flush_mutex);
		INIT_WORK(&pc->work, procsentry_work_fn);
		procsentry_compat_hrtimer_setup(&pc->timer, procsentry_timer_fn);
		pc->cpu = cpu;
		pc->buf = kvzalloc_node(procsentry_buf_size, GFP_KERNEL, node);
		pc->spare = kvzalloc_node(procsentry_buf_size, GFP_KERNEL, node);
		if (!pc->buf || !pc->spare)
			goto nomem;
	}
	return 0;
nomem:
	procsentry_records_free();
	return -ENOMEM;
}
