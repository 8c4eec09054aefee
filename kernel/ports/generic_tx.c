// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated adapter's transmit path: txsync copies each frame into a
 * socket buffer and hands it to the device (through its qdisc, or straight
 * to the driver queue with generic_txqdisc=0).
 *
 * Socket buffers are recycled: every slot keeps the buffer last sent from
 * it, with a reference of ours, so the stack's free only drops its own
 * reference; once ours is the last one (and nobody shares the data) the
 * buffer is reset and refilled for the next frame of that slot. In the
 * steady state nothing is allocated per packet.
 *
 * Completion: a slot goes back to userspace (hwtail moves past it) when its
 * buffer came back, in ring order. To be woken when that happens, the last
 * frame of a sync is sent without our reference whenever the ring is more
 * than half in flight and no such "event" buffer is out: its destructor
 * wakes the ring (one allocation per such batch). A ring with frames in
 * flight but no event out (an earlier buffer outlived the event) is re-polled
 * by a one-jiffy timer.
 *
 * A full queue (qdisc drop or busy driver) holds the sender: the frame is
 * retried at the next sync.
 */
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <net/netfilter/nf_conntrack.h>

#include "generic.h"
#include "../linux/compat.h"
#include "../linux/skb_ring.h"

int nm_generic_txqdisc = 1;
module_param_named(generic_txqdisc, nm_generic_txqdisc, int, 0644);
MODULE_PARM_DESC(generic_txqdisc,
		 "Emulated adapter: 1 transmits through the device's qdisc, 0 straight to the driver queue");

/* Our destructors: the held buffers' one never runs but by skb_orphan(). */
static void nm_generic_tx_held(struct sk_buff *skb)
{
}

static void nm_generic_tx_event(struct sk_buff *skb)
{
	struct nm_kring *k = skb_shinfo(skb)->destructor_arg;
	struct nm_generic *g = to_generic(k->na);

	/* Pairs with the acquire in nm_generic_tx_reclaim(). */
	smp_store_release(&g->tx[k->ring_id].ev_done, 1);
	nm_kring_notify(k);
	if (wq_has_sleeper(&g->drain_wq))
		wake_up(&g->drain_wq);
}

static bool nm_ev_done(struct nm_generic_tx *tx)
{
	/* Pairs with the release in nm_generic_tx_event(). */
	return smp_load_acquire(&tx->ev_done);
}

bool nm_generic_own_skb(const struct sk_buff *skb)
{
	return skb->destructor == nm_generic_tx_held ||
	       skb->destructor == nm_generic_tx_event;
}

static void nm_generic_tx_kick(struct timer_list *t)
{
	struct nm_generic_tx *tx = from_timer(tx, t, kick);

	nm_kring_notify(tx->kring);
}

int nm_generic_tx_init(struct nm_generic *g)
{
	u32 i, n = g->up.num_rings[NR_TX];

	g->tx = kcalloc(n, sizeof(*g->tx), GFP_KERNEL);
	if (!g->tx)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct nm_generic_tx *tx = &g->tx[i];

		tx->pool = kcalloc(g->up.num_slots[NR_TX], sizeof(*tx->pool),
				   GFP_KERNEL);
		if (!tx->pool)
			goto err;
		tx->ev_slot = NM_NO_EVENT;
		tx->kring = &g->up.krings[NR_TX][i];
		timer_setup(&tx->kick, nm_generic_tx_kick, 0);
	}
	return 0;
err:
	nm_generic_tx_fini(g);
	return -ENOMEM;
}

static bool nm_skb_busy(const struct sk_buff *skb)
{
	return refcount_read(&skb->users) > 1;
}

/* Unbind (no sync running): wait for what is in flight, drop the pool. */
void nm_generic_tx_drain(struct nm_generic *g)
{
	unsigned long end = jiffies + 10 * HZ;
	u32 r, i;

	for (r = 0; r < g->up.num_rings[NR_TX]; r++) {
		struct nm_generic_tx *tx = &g->tx[r];
		u32 n = g->up.num_slots[NR_TX];

		nm_timer_delete_sync(&tx->kick);
		if (tx->ev_slot != NM_NO_EVENT &&
		    !wait_event_timeout(g->drain_wq, nm_ev_done(tx),
					max_t(long, end - jiffies, 1)))
			pr_err(NM_NAME ": %s: a transmitted frame was never released\n",
			       g->up.name);
		tx->ev_slot = NM_NO_EVENT;
		for (i = 0; i < n; i++) {
			struct sk_buff *skb = tx->pool[i];

			if (!skb)
				continue;
			while (nm_skb_busy(skb) && time_before(jiffies, end))
				usleep_range(500, 1000);
			/* Still busy: the last holder frees it. */
			consume_skb(skb);
			tx->pool[i] = NULL;
		}
	}
}

void nm_generic_tx_fini(struct nm_generic *g)
{
	u32 r, i;

	for (r = 0; g->tx && r < g->up.num_rings[NR_TX]; r++) {
		struct nm_generic_tx *tx = &g->tx[r];

		if (!tx->pool)
			continue;
		nm_timer_delete_sync(&tx->kick);
		for (i = 0; i < g->up.num_slots[NR_TX]; i++)
			if (tx->pool[i])
				consume_skb(tx->pool[i]);
		kfree(tx->pool);
	}
	kfree(g->tx);
	g->tx = NULL;
}

/*
 * Make a buffer that came back like a new one for @dev: everything up to
 * skb->tail is per-use state (the layout the allocator itself resets), the
 * memory it points to is kept.
 */
static void nm_skb_reuse(struct sk_buff *skb, struct net_device *dev)
{
	bool head_frag = skb->head_frag, pfmemalloc = skb->pfmemalloc;
	struct skb_shared_info *sh = skb_shinfo(skb);

	skb_dst_drop(skb);
	nf_reset_ct(skb);
	skb_ext_reset(skb);
	memset(skb, 0, offsetof(struct sk_buff, tail));
	skb->head_frag = head_frag;
	skb->pfmemalloc = pfmemalloc;
	skb->data = skb->head + NET_SKB_PAD;
	skb_reset_tail_pointer(skb);
	skb->mac_header = (typeof(skb->mac_header))~0U;
	skb->transport_header = (typeof(skb->transport_header))~0U;
	sh->gso_size = 0;
	sh->gso_segs = 0;
	sh->gso_type = 0;
	sh->tx_flags = 0;
	skb->dev = dev;
}

static bool nm_skb_reusable(const struct sk_buff *skb, u32 len)
{
	return !nm_skb_busy(skb) && !skb_cloned(skb) && !skb_is_nonlinear(skb) &&
	       skb_end_offset(skb) >= NET_SKB_PAD + len;
}

/* The socket buffer for the frame at slot @i: the slot's own, or a new one. */
static struct sk_buff *nm_generic_tx_skb(struct nm_generic_tx *tx,
					 struct net_device *dev, u32 i, u32 len)
{
	struct sk_buff *skb = tx->pool[i];

	if (skb && nm_skb_reusable(skb, len)) {
		nm_skb_reuse(skb, dev);
		return skb;
	}
	if (skb) {
		consume_skb(skb);
		tx->pool[i] = NULL;
	}
	/* Room for a full buffer, so that the slot can reuse it for any frame. */
	skb = __netdev_alloc_skb(dev, max(len, nm_mem_buf_size(tx->kring->na->mem)),
				 GFP_KERNEL);
	if (skb)
		tx->pool[i] = skb;
	return skb;
}

/* Hand one frame to the device; false if it must be retried later. */
static bool nm_generic_xmit(struct nm_generic_tx *tx, struct net_device *dev,
			    u32 i, u32 nslots, u32 len, bool event)
{
	struct nm_kring *k = tx->kring;
	struct sk_buff *skb;
	int rc;

	skb = nm_generic_tx_skb(tx, dev, i, len);
	if (!skb)
		return false;
	nm_ring_copy_to_skb(k, i, nslots, skb);
	skb_reset_mac_header(skb);
	skb->protocol = eth_hdr(skb)->h_proto;
	skb_set_queue_mapping(skb, k->ring_id);
	skb_shinfo(skb)->destructor_arg = k;
	if (event) {
		/* Ours no more: its destructor tells us when it is done. */
		skb->destructor = nm_generic_tx_event;
		tx->pool[i] = NULL;
		tx->ev_slot = i;
		WRITE_ONCE(tx->ev_done, 0);
	} else {
		skb->destructor = nm_generic_tx_held;
		skb_get(skb);
	}
	/* Both consume one reference, sent or dropped. */
	if (READ_ONCE(nm_generic_txqdisc))
		rc = dev_queue_xmit(skb);
	else
		rc = __dev_direct_xmit(skb, k->ring_id);
	if (rc == NET_XMIT_DROP || rc == NETDEV_TX_BUSY) {
		if (event)
			tx->ev_slot = NM_NO_EVENT;	/* already freed */
		return false;
	}
	return true;
}

/* Give back the slots whose buffers came back, in ring order. */
static void nm_generic_tx_reclaim(struct nm_generic_tx *tx, struct nm_kring *k)
{
	u32 n = k->num_slots, j = nm_next(k->hwtail, n);

	while (j != k->hwcur) {
		struct sk_buff *skb = tx->pool[j];

		if (j == tx->ev_slot) {
			if (!nm_ev_done(tx))
				break;
			tx->ev_slot = NM_NO_EVENT;
		} else if (skb && nm_skb_busy(skb)) {
			break;
		}
		j = nm_next(j, n);
	}
	k->hwtail = nm_prev(j, n);
}

int nm_generic_txsync(struct nm_kring *k, int flags)
{
	struct nm_generic *g = to_generic(k->na);
	struct nm_generic_tx *tx = &g->tx[k->ring_id];
	struct net_device *dev = READ_ONCE(g->dev);
	u32 n = k->num_slots, i = k->hwcur, cnt, len;

	if (!dev)
		return -EIO;
	nm_generic_tx_reclaim(tx, k);
	while (i != k->rhead && (cnt = nm_tx_frame(k, i, &len))) {
		u32 next = (i + cnt) % n;
		/* Past the half of the ring, the last frame asks to be told. */
		bool event = next == k->rhead && tx->ev_slot == NM_NO_EVENT &&
			     nm_dist(k->hwtail, next, n) > n / 2;

		/* Shorter than a MAC header: not a frame, nothing to send. */
		if (len >= ETH_HLEN && cnt <= NETMAP_MAX_FRAGS &&
		    !nm_generic_xmit(tx, dev, i, cnt, len, event))
			break;
		i = next;
	}
	k->hwcur = i;
	nm_generic_tx_reclaim(tx, k);
	if (k->hwtail != nm_prev(k->hwcur, n) && tx->ev_slot == NM_NO_EVENT)
		mod_timer(&tx->kick, jiffies + 1);
	return 0;
}
