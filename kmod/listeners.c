// SPDX-License-Identifier: GPL-2.0
/*
 * Registered readers.  Like taskstats' listeners: a reader registers its
 * netlink port, records are unicast to it, and a port that is gone
 * (closed socket: NETLINK_URELEASE, or ECONNREFUSED on send) is pruned.
 * The hooks are attached while at least one reader is registered, so a
 * loaded module with nobody listening costs nothing.
 */
#include "procsentry.h"
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>

struct procsentry_listener {
	u32 portid;			/* 0: free slot */
	struct pid *tgid;		/* registering process, referenced */
	bool exclude_self;
	bool dead;			/* send saw ECONNREFUSED; prune */
	u64 lost_unreported;		/* records this reader missed */
};

static DEFINE_MUTEX(procsentry_listeners_mutex);
static struct procsentry_listener procsentry_listeners[PROCSENTRY_MAX_LISTENERS];
static u32 procsentry_nr_listeners;
static bool procsentry_attached;
static bool procsentry_shutting_down;

/*
 * Read locklessly by the hooks: the process no record is made about.  A
 * reader's EXCLUDE_SELF takes effect only while every registered reader
 * belongs to that process and asked for it, so a reader can never hide a
 * process from another reader (a root intruder registering with
 * EXCLUDE_SELF does not vanish from the daemon's view).
 */
static struct pid *procsentry_excluded;

static void procsentry_prune_fn(struct work_struct *w);
static DECLARE_WORK(procsentry_prune_work, procsentry_prune_fn);

u32 procsentry_listener_count(void)
{
	return READ_ONCE(procsentry_nr_listeners);
}

bool procsentry_hooks_attached(void)
{
	return READ_ONCE(procsentry_attached);
}

bool procsentry_task_excluded(struct task_struct *task)
{
	struct pid *p = READ_ONCE(procsentry_excluded);

	/* Compared, never dereferenced: the listener holds a reference. */
	return unlikely(p) && task_tgid(task) == p;
}

static void procsentry_update_excluded(void)
{
	struct pid *p = NULL;
	int i;

	for (i = 0; i < PROCSENTRY_MAX_LISTENERS; i++) {
		struct procsentry_listener *l = &procsentry_listeners[i];

		if (!l->portid)
			continue;
		if (!l->exclude_self || (p && p != l->tgid)) {
			p = NULL;
			break;
		}
		p = l->tgid;
	}
	WRITE_ONCE(procsentry_excluded, p);
}

/* Called with the mutex held after the listener set changed. */
static void procsentry_listeners_changed(void)
{
	u32 n = 0;
	int i;

	for (i = 0; i < PROCSENTRY_MAX_LISTENERS; i++)
		n += !!procsentry_listeners[i].portid;
	WRITE_ONCE(procsentry_nr_listeners, n);
	procsentry_update_excluded();
	if (!n && procsentry_attached) {
		procsentry_hooks_detach();
		WRITE_ONCE(procsentry_attached, false);
		pr_info("last reader gone: hooks detached\n");
	}
}

/* Returns the pid reference to drop once the exclusion is republished. */
static struct pid *procsentry_listener_clear(struct procsentry_listener *l)
{
	struct pid *p = l->tgid;

	WRITE_ONCE(l->portid, 0);	/* read locklessly by procsentry_listener_known() */
	memset(l, 0, sizeof(*l));
	return p;
}

int procsentry_listener_add(u32 portid, u32 flags, struct genl_info *info)
{
	struct procsentry_listener *slot = NULL;
	int i, err = 0;

	mutex_lock(&procsentry_listeners_mutex);
	if (procsentry_shutting_down) {
		err = -ESHUTDOWN;
		goto out;
	}
	for (i = 0; i < PROCSENTRY_MAX_LISTENERS; i++) {
		struct procsentry_listener *l = &procsentry_listeners[i];

		if (l->portid == portid) {
			slot = l;
			break;
		}
		if (!l->portid && !slot)
			slot = l;
	}
	if (!slot) {
		GENL_SET_ERR_MSG(info, "procsentry: too many readers registered");
		err = -EBUSY;
		goto out;
	}
	if (!procsentry_attached) {
		err = procsentry_hooks_attach();
		if (err) {
			GENL_SET_ERR_MSG(info, "procsentry: attaching hooks failed (see kernel log)");
			goto out;
		}
		WRITE_ONCE(procsentry_attached, true);
		pr_info("first reader %s[%d]: hooks attached\n", current->comm,
			task_tgid_nr(current));
	}
	if (slot->portid != portid) {
		slot->tgid = get_pid(task_tgid(current));
		WRITE_ONCE(slot->portid, portid);
	}
	slot->exclude_self = flags & PROCSENTRY_REG_EXCLUDE_SELF;
	slot->dead = false;
	procsentry_listeners_changed();
out:
	mutex_unlock(&procsentry_listeners_mutex);
	return err;
}

/* Drops the listeners @match selects; called with the mutex held. */
static int procsentry_listeners_drop(bool (*match)(struct procsentry_listener *l,
						   u32 portid), u32 portid)
{
	struct pid *put[PROCSENTRY_MAX_LISTENERS];
	int i, n = 0;

	for (i = 0; i < PROCSENTRY_MAX_LISTENERS; i++)
		if (procsentry_listeners[i].portid && match(&procsentry_listeners[i], portid))
			put[n++] = procsentry_listener_clear(&procsentry_listeners[i]);
	procsentry_listeners_changed();
	/* Only now nothing compares against these pids any more. */
	for (i = 0; i < n; i++)
		put_pid(put[i]);
	return n;
}

static bool procsentry_match_port(struct procsentry_listener *l, u32 portid)
{
	return l->portid == portid;
}

static bool procsentry_match_dead(struct procsentry_listener *l, u32 portid)
{
	return l->dead;
}

static bool procsentry_match_all(struct procsentry_listener *l, u32 portid)
{
	return true;
}

/*
 * Lockless pre-check for the NETLINK_URELEASE notifier, which sees every
 * generic netlink socket of the system close: most are not ours.
 */
bool procsentry_listener_known(u32 portid)
{
	int i;

	for (i = 0; i < PROCSENTRY_MAX_LISTENERS; i++)
		if (portid && READ_ONCE(procsentry_listeners[i].portid) == portid)
			return true;
	return false;
}

int procsentry_listener_remove(u32 portid)
{
	int n = 0;

	mutex_lock(&procsentry_listeners_mutex);
	if (portid)
		n = procsentry_listeners_drop(procsentry_match_port, portid);
	mutex_unlock(&procsentry_listeners_mutex);
	return n ? 0 : -ENOENT;
}

static void procsentry_prune_fn(struct work_struct *w)
{
	mutex_lock(&procsentry_listeners_mutex);
	procsentry_listeners_drop(procsentry_match_dead, 0);
	mutex_unlock(&procsentry_listeners_mutex);
}

/* Tells @l how many records it missed, before anything newer. */
static void procsentry_report_reader_lost(struct procsentry_listener *l)
{
	struct sk_buff *skb;
	void *payload;

	skb = procsentry_netlink_events_msg(U32_MAX, PROCSENTRY_LOST_SIZE, &payload);
	if (!skb)
		return;
	procsentry_put_lost(payload, PROCSENTRY_LOST_READER, U32_MAX, l->lost_unreported);
	if (!procsentry_netlink_send(skb, l->portid))
		l->lost_unreported = 0;
}

/*
 * Sends @skb to every live listener (consuming it) and returns how many
 * refused it; *@nlisteners says how many were tried.  Runs in the flush
 * worker, process context.
 */
int procsentry_listeners_unicast(struct sk_buff *skb, u32 nrec, u32 *nlisteners)
{
	struct procsentry_listener *targets[PROCSENTRY_MAX_LISTENERS];
	int i, n = 0, failed = 0;
	bool prune = false;

	mutex_lock(&procsentry_listeners_mutex);
	for (i = 0; i < PROCSENTRY_MAX_LISTENERS; i++)
		if (procsentry_listeners[i].portid && !procsentry_listeners[i].dead)
			targets[n++] = &procsentry_listeners[i];
	*nlisteners = n;
	for (i = 0; i < n; i++) {
		struct procsentry_listener *l = targets[i];
		struct sk_buff *out = skb;
		int err;

		if (i < n - 1) {
			out = skb_clone(skb, GFP_KERNEL);
			if (!out) {
				l->lost_unreported += nrec;
				failed++;
				continue;
			}
		}
		if (l->lost_unreported)
			procsentry_report_reader_lost(l);
		err = procsentry_netlink_send(out, l->portid);
		if (err == -ECONNREFUSED) {
			l->dead = true;
			prune = true;
		}
		if (err) {
			l->lost_unreported += nrec;
			failed++;
		}
	}
	if (prune && !procsentry_shutting_down)
		schedule_work(&procsentry_prune_work);
	mutex_unlock(&procsentry_listeners_mutex);
	if (!n)
		kfree_skb(skb);
	return failed;
}

/* Module exit: refuse new readers, drop all, detach hooks. */
void procsentry_listeners_shutdown(void)
{
	mutex_lock(&procsentry_listeners_mutex);
	procsentry_shutting_down = true;
	procsentry_listeners_drop(procsentry_match_all, 0);
	mutex_unlock(&procsentry_listeners_mutex);
	/* Scheduling is refused from now on (checked under the mutex). */
	cancel_work_sync(&procsentry_prune_work);
}

/* After the family is gone and the flush workers stopped: nothing requeues. */
void procsentry_listeners_exit(void)
{
	cancel_work_sync(&procsentry_prune_work);
}
