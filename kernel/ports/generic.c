// SPDX-License-Identifier: GPL-2.0
/*
 * The generic (emulated) adapter: netmap rings on any network device,
 * backed by the device's ordinary paths.
 *
 * RX: an rx_handler takes every frame before the stack sees it and queues
 * it on the RX ring of its queue (bounded by the ring size); rxsync copies
 * queued frames into free slots.
 * TX: txsync copies each slot into a socket buffer and hands it to
 * dev_queue_xmit() on the ring's queue. A slot becomes free again when its
 * socket buffer is released (the skb destructor counts completions), so a
 * sender cannot run further ahead of the device than one ring.
 *
 * Lifetime and locking:
 *  - generic adapters are listed in nm_generic_list under nm_lock, keyed by
 *    the net_device they hold a reference on;
 *  - the rx_handler and the registration of the port's data path are under
 *    RTNL; the rx_handler reads its adapter through rx_handler_data (RCU);
 *  - NETDEV_UNREGISTER (RTNL held, nm_lock NOT taken: nm_lock -> RTNL is the
 *    order elsewhere) stops every ring (syncs then fail with EIO), detaches
 *    the rx_handler and gives the device reference back; the adapter itself
 *    lives on until its last user closes;
 *  - skbs in flight point to their kring (destructor_arg); unregistering the
 *    data path waits until none is left.
 */
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "../core/nm_kern.h"

static int nm_generic_ringsize = 1024;
module_param_named(generic_ringsize, nm_generic_ringsize, int, 0644);
MODULE_PARM_DESC(generic_ringsize, "Emulated adapter: slots per ring");

struct nm_generic {
	struct nm_adapter up;
	struct net_device *dev;		/* RTNL; NULL once the device is gone */
	struct list_head link;		/* nm_generic_list, under nm_lock */
	bool attached;			/* RTNL: rx_handler registered */
	struct sk_buff_head *rxq;	/* per RX ring: frames not yet imported */
	atomic_t *inflight;		/* per TX ring: skbs not yet released */
	wait_queue_head_t drain_wq;	/* woken when an inflight count drops */
};

static LIST_HEAD(nm_generic_list);

static struct nm_generic *to_generic(struct nm_adapter *na)
{
	return container_of(na, struct nm_generic, up);
}

static rx_handler_result_t nm_generic_rx_handler(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct nm_generic *g = rcu_dereference(skb->dev->rx_handler_data);
	struct sk_buff_head *q;
	u32 r = 0;

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		return RX_HANDLER_CONSUMED;
	if (skb_rx_queue_recorded(skb))
		r = skb_get_rx_queue(skb) % g->up.num_rings[NR_RX];
	q = &g->rxq[r];
	if (skb_queue_len(q) >= g->up.num_slots[NR_RX]) {
		kfree_skb(skb);		/* ring full: the frame is lost */
		return RX_HANDLER_CONSUMED;
	}
	/* Give the frame its link-layer header back. */
	__skb_push(skb, skb->data - skb_mac_header(skb));
	skb_queue_tail(q, skb);
	nm_kring_notify(&g->up.krings[NR_RX][r]);
	return RX_HANDLER_CONSUMED;
}

static int nm_generic_rxsync(struct nm_kring *k, int flags)
{
	struct nm_generic *g = to_generic(k->na);
	struct sk_buff_head *q = &g->rxq[k->ring_id];
	struct nm_mem *mem = k->na->mem;
	u32 bufsz = nm_mem_buf_size(mem), n = k->num_slots;
	u32 space;

	k->hwcur = k->rhead;
	space = nm_dist(k->hwtail, nm_prev(k->hwcur, n), n);
	while (space) {
		struct sk_buff *skb = skb_dequeue(q);
		struct netmap_slot *slot;

		if (!skb)
			break;
		if (unlikely(skb->len > bufsz)) {
			nm_info_rl("%s: dropping a %u-byte frame (buffers are %u)\n",
				   k->na->name, skb->len, bufsz);
			kfree_skb(skb);
			continue;
		}
		slot = &k->ring->slot[k->hwtail];
		skb_copy_bits(skb, 0, nm_mem_buf_addr(mem, slot->buf_idx), skb->len);
		slot->len = skb->len;
		slot->flags = 0;
		consume_skb(skb);
		k->hwtail = nm_next(k->hwtail, n);
		space--;
	}
	return 0;
}

static void nm_generic_tx_done(struct sk_buff *skb)
{
	struct nm_kring *k = skb_shinfo(skb)->destructor_arg;
	struct nm_generic *g = to_generic(k->na);

	atomic_dec(&g->inflight[k->ring_id]);
	nm_kring_notify(k);
	/* Only an unbind waits here: skip the queue lock on the hot path. */
	if (wq_has_sleeper(&g->drain_wq))
		wake_up(&g->drain_wq);
}

static struct sk_buff *nm_generic_skb(struct nm_kring *k, struct net_device *dev,
				      struct netmap_slot *slot)
{
	void *buf = nm_mem_buf_addr(k->na->mem, slot->buf_idx);
	struct sk_buff *skb;

	skb = netdev_alloc_skb(dev, slot->len);
	if (!skb)
		return NULL;
	skb_put_data(skb, buf, slot->len);
	skb_reset_mac_header(skb);
	skb->protocol = eth_hdr(skb)->h_proto;
	skb_set_queue_mapping(skb, k->ring_id);
	skb->destructor = nm_generic_tx_done;
	skb_shinfo(skb)->destructor_arg = k;
	return skb;
}

static int nm_generic_txsync(struct nm_kring *k, int flags)
{
	struct nm_generic *g = to_generic(k->na);
	atomic_t *inflight = &g->inflight[k->ring_id];
	struct net_device *dev = READ_ONCE(g->dev);
	u32 n = k->num_slots, i;

	if (!dev)
		return -EIO;
	for (i = k->hwcur; i != k->rhead; i = nm_next(i, n)) {
		struct netmap_slot *slot = &k->ring->slot[i];
		struct sk_buff *skb;

		nm_slot_sanitize(k, slot);
		slot->flags &= ~(NS_BUF_CHANGED | NS_REPORT | NS_MOREFRAG);
		if (slot->len < ETH_HLEN)
			continue;	/* not a frame: nothing to send */
		skb = nm_generic_skb(k, dev, slot);
		if (!skb)
			break;		/* retried at the next sync */
		atomic_inc(inflight);
		dev_queue_xmit(skb);	/* consumes the skb, sent or dropped */
	}
	k->hwcur = i;
	/* Slots whose skb is still alive stay with the kernel. */
	k->hwtail = (k->hwcur + n - 1 - min_t(u32, atomic_read(inflight), n - 1)) % n;
	return 0;
}

/* RTNL held. Stop the rings and let the device go. */
static void nm_generic_detach(struct nm_generic *g, bool dead)
{
	enum nm_txrx t;
	u32 i;

	ASSERT_RTNL();
	if (g->attached) {
		netdev_rx_handler_unregister(g->dev);
		g->attached = false;
	}
	if (!dead)
		return;
	for (t = NR_TX; t < NR_TXRX; t++) {
		for (i = 0; i < nm_total_rings(&g->up, t); i++) {
			struct nm_kring *k = &g->up.krings[t][i];

			mutex_lock(&k->sync_lock);
			k->stopped = true;
			mutex_unlock(&k->sync_lock);
			nm_kring_notify(k);
		}
	}
	dev_put(g->dev);
	WRITE_ONCE(g->dev, NULL);
}

static void nm_generic_drain(struct nm_generic *g)
{
	u32 i;

	for (i = 0; i < g->up.num_rings[NR_RX]; i++)
		skb_queue_purge(&g->rxq[i]);
	for (i = 0; i < g->up.num_rings[NR_TX]; i++) {
		if (!wait_event_timeout(g->drain_wq,
					!atomic_read(&g->inflight[i]), 10 * HZ))
			pr_err(NM_NAME ": %s: %d transmitted frames never released\n",
			       g->up.name, atomic_read(&g->inflight[i]));
	}
}

static int nm_generic_reg(struct nm_adapter *na, bool on)
{
	struct nm_generic *g = to_generic(na);
	int err = 0;

	rtnl_lock();
	if (on) {
		if (!g->dev) {
			err = -ENXIO;
		} else {
			err = netdev_rx_handler_register(g->dev,
							 nm_generic_rx_handler, g);
			if (err)
				nm_info_rl("%s: device already has an rx handler\n",
					   na->name);
			g->attached = !err;
		}
	} else if (g->dev) {
		nm_generic_detach(g, false);
	}
	rtnl_unlock();
	if (!on) {
		synchronize_net();	/* no rx_handler runs any more */
		nm_generic_drain(g);
	}
	return err;
}

static void nm_generic_dtor(struct nm_adapter *na)
{
	struct nm_generic *g = to_generic(na);

	list_del(&g->link);
	rtnl_lock();
	if (g->dev)
		dev_put(g->dev);
	g->dev = NULL;
	rtnl_unlock();
	nm_adapter_fini(na);
	kfree(g->rxq);
	kfree(g->inflight);
	kfree(g);
}

static const struct nm_adapter_ops nm_generic_ops = {
	.reg = nm_generic_reg,
	.txsync = nm_generic_txsync,
	.rxsync = nm_generic_rxsync,
	.dtor = nm_generic_dtor,
};

static int nm_generic_create(struct net_device *dev, struct nm_generic **out)
{
	u32 slots = clamp_t(int, READ_ONCE(nm_generic_ringsize), 2, NM_MAX_SLOTS);
	struct nm_generic *g;
	u32 i;
	int err;

	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return -ENOMEM;
	g->up.num_rings[NR_TX] = clamp_t(u32, dev->real_num_tx_queues, 1, NM_MAX_RINGS);
	g->up.num_rings[NR_RX] = clamp_t(u32, dev->real_num_rx_queues, 1, NM_MAX_RINGS);
	g->up.num_slots[NR_TX] = slots;
	g->up.num_slots[NR_RX] = slots;
	g->rxq = kcalloc(g->up.num_rings[NR_RX], sizeof(*g->rxq), GFP_KERNEL);
	g->inflight = kcalloc(g->up.num_rings[NR_TX], sizeof(*g->inflight),
			      GFP_KERNEL);
	if (!g->rxq || !g->inflight) {
		err = -ENOMEM;
		goto err_free;
	}
	for (i = 0; i < g->up.num_rings[NR_RX]; i++)
		skb_queue_head_init(&g->rxq[i]);
	init_waitqueue_head(&g->drain_wq);
	err = nm_adapter_init(&g->up, dev->name, &nm_generic_ops, nm_mem_global());
	if (err)
		goto err_free;
	g->dev = dev;		/* the caller's reference becomes ours */
	g->up.refcount = 1;
	list_add(&g->link, &nm_generic_list);
	*out = g;
	return 0;

err_free:
	kfree(g->rxq);
	kfree(g->inflight);
	kfree(g);
	return err;
}

/* The generic port of @dev (a reference the caller owns is consumed). */
int nm_generic_get(struct net_device *dev, struct nm_adapter **out)
{
	struct nm_generic *g;
	int err;

	lockdep_assert_held(&nm_lock);
	list_for_each_entry(g, &nm_generic_list, link) {
		if (READ_ONCE(g->dev) == dev) {
			dev_put(dev);
			nm_adapter_get(&g->up);
			*out = &g->up;
			return 0;
		}
	}
	err = nm_generic_create(dev, &g);
	if (err) {
		dev_put(dev);
		return err;
	}
	*out = &g->up;
	return 0;
}

static int nm_generic_netdev_event(struct notifier_block *nb,
				   unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct nm_generic *g;

	if (event != NETDEV_UNREGISTER ||
	    rcu_access_pointer(dev->rx_handler) != nm_generic_rx_handler)
		return NOTIFY_DONE;
	g = rtnl_dereference(dev->rx_handler_data);
	nm_info_rl("%s: device unregistered while in netmap mode\n", g->up.name);
	nm_generic_detach(g, true);
	return NOTIFY_OK;
}

static struct notifier_block nm_generic_notifier = {
	.notifier_call = nm_generic_netdev_event,
};

int nm_generic_init(void)
{
	return register_netdevice_notifier(&nm_generic_notifier);
}

void nm_generic_exit(void)
{
	unregister_netdevice_notifier(&nm_generic_notifier);
}
