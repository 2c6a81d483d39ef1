// SPDX-License-Identifier: GPL-2.0
/*
 * What a syscall's entry saw (arguments, credentials before, the file name
 * requested, a #! script's path), kept until its return.  Slots are claimed
 * with cmpxchg on the owner task pointer and then touched only by that task,
 * so no lock is needed; the table is preallocated and bounded
 * (max_inflight).  A full table is counted as NO_SLOT loss.
 */
#include "procsentry.h"
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>

#define PROCSENTRY_PROBE_LEN	32

static struct procsentry_inflight *procsentry_slots;
static unsigned int procsentry_slot_bits;

static unsigned int procsentry_slot_count(void)
{
	return 1U << procsentry_slot_bits;
}

unsigned int procsentry_inflight_capacity(void)
{
	return procsentry_slot_count();
}

static struct procsentry_inflight *procsentry_slot_at(unsigned long h,
						      unsigned int i)
{
	return &procsentry_slots[(h + i) & (procsentry_slot_count() - 1)];
}

struct procsentry_inflight *procsentry_inflight_find(void)
{
	unsigned long h = hash_ptr(current, procsentry_slot_bits);
	unsigned int i;

	for (i = 0; i < PROCSENTRY_PROBE_LEN; i++) {
		struct procsentry_inflight *s = procsentry_slot_at(h, i);

		if (READ_ONCE(s->task) == current)
			return s;
	}
	return NULL;
}

struct procsentry_inflight *procsentry_inflight_claim(void)
{
	unsigned long h = hash_ptr(current, procsentry_slot_bits);
	struct procsentry_inflight *s;
	unsigned int i;

	/* A slot left by a call whose return we never saw is reused. */
	s = procsentry_inflight_find();
	if (s)
		return s;
	for (i = 0; i < PROCSENTRY_PROBE_LEN; i++) {
		s = procsentry_slot_at(h, i);
		if (!READ_ONCE(s->task) && !cmpxchg(&s->task, NULL, current))
			return s;
	}
	procsentry_count_no_slot();
	return NULL;
}

void procsentry_inflight_release(struct procsentry_inflight *slot)
{
	slot->bprm_seen = false;
	slot->script_len = 0;
	slot->name_len = 0;
	slot->name_flags = 0;
	/* The resets above must be visible before another task claims it. */
	smp_store_release(&slot->task, NULL);
}

/* Only while no hook is attached. */
void procsentry_inflight_reset(void)
{
	unsigned int i;

	for (i = 0; i < procsentry_slot_count(); i++)
		procsentry_inflight_release(&procsentry_slots[i]);
}

int procsentry_inflight_init(void)
{
	unsigned int n = procsentry_max_inflight;

	if (!n)
		n = max(256U, 16U * num_possible_cpus());
	n = clamp(n, 16U, 65536U);
	procsentry_slot_bits = order_base_2(n);
	procsentry_slots = kvcalloc(procsentry_slot_count(),
				    sizeof(*procsentry_slots), GFP_KERNEL);
	return procsentry_slots ? 0 : -ENOMEM;
}

void procsentry_inflight_free(void)
{
	kvfree(procsentry_slots);
	procsentry_slots = NULL;
}
