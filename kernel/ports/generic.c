// SPDX-License-Identifier: GPL-2.0
/*
 * The generic (emulated) adapter: netmap rings on any network device,
 * backed by the device's ordinary paths.
 *
 * RX (this file): an rx_handler takes the frames of the queues whose RX
 * ring is in netmap mode before the stack sees them (GRO merges cut back to
 * wire frames, VLAN tags the NIC took out put back) and queues them on that
 * ring, bounded by the ring size; rxsync copies queued frames into free
 * slots. Readers are woken at most once per generic_mit nanoseconds.
 * TX: generic_tx.c. Host rings: ../linux/host.c.
 *
 * Lifetime and locking:
 *  - generic adapters are listed in nm_generic_list under nm_lock, keyed by
 *    the net_device they hold a reference on, and in nm_generic_devs under
 *    RTNL while they hold it (our own map for the device notifier, which
 *    cannot take nm_lock);
 *  - the rx_handler and the registration of the port's data path are under
 *    RTNL; the rx_handler reads its adapter through rx_handler_data (RCU);
 *  - NETDEV_UNREGISTER (RTNL held, nm_lock NOT taken: nm_lock -> RTNL is the
 *    order elsewhere) stops every ring (syncs then fail with EIO), detaches
 *    the rx_handler and gives the device reference back; the adapter itself
 *    lives on until its last user closes;
 *  - skbs in flight point to their kring (destructor_arg); unregistering the
 *    data path waits until none is left (generic_tx.c).
 */
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "generic.h"
#include "../linux/compat.h"
#include "../linux/skb_ring.h"

static int nm_generic_ringsize = 1024;
module_param_named(generic_ringsize, nm_generic_ringsize, int, 0644);
MODULE_PARM_DESC(generic_ringsize, "Emulated adapter: slots per ring");

static int nm_generic_rings = 1;
module_param_named(generic_rings, nm_generic_rings, int, 0644);
MODULE_PARM_DESC(generic_rings,
		 "Emulated adapter: rings of a device that reports no queues (Linux devices always do)");

static int nm_generic_mit = 100000;
module_param_named(generic_mit, nm_generic_mit, int, 0644);
MODULE_PARM_DESC(generic_mit,
		 "Emulated adapter: RX wake-ups at most once per this many ns (0: every frame)");

/*
 * RX mitigation state bits: ARMED while the timer runs (a wake-up happened
 * less than generic_mit ago), PENDING when frames came in since.
 */
#define NM_MIT_ARMED	0
#define NM_MIT_PENDING	1

static LIST_HEAD(nm_generic_list);
static LIST_HEAD(nm_generic_devs);

static enum hrtimer_restart nm_generic_mit_expired(struct hrtimer *t)
{
	struct nm_generic_rx *x = container_of(t, struct nm_generic_rx, mit_timer);

	if (test_and_clear_bit(NM_MIT_PENDING, &x->mit)) {
		nm_kring_notify(x->kring);
		hrtimer_forward_now(t, ns_to_ktime(max(READ_ONCE(nm_generic_mit), 1)));
		return HRTIMER_RESTART;
	}
	clear_bit(NM_MIT_ARMED, &x->mit);
	/* A frame that came in between the two tests must not wait forever. */
	if (test_and_clear_bit(NM_MIT_PENDING, &x->mit))
		nm_kring_notify(x->kring);
	return HRTIMER_NORESTART;
}

/* Wake the ring's readers now, or at the end of the mitigation interval. */
static void nm_generic_rx_notify(struct nm_generic_rx *x, struct nm_kring *k)
{
	int mit = READ_ONCE(nm_generic_mit);

	if (mit <= 0) {
		nm_kring_notify(k);
		return;
	}
	if (test_and_set_bit(NM_MIT_ARMED, &x->mit)) {
		set_bit(NM_MIT_PENDING, &x->mit);
		return;
	}
	nm_kring_notify(k);
	hrtimer_start(&x->mit_timer, ns_to_ktime(mit), HRTIMER_MODE_REL);
}

/* One frame, MAC header first, onto RX queue @q; consumes @skb. */
static void nm_generic_rx_queue(struct nm_generic *g, struct sk_buff_head *q,
				struct sk_buff *skb)
{
	if (skb_vlan_tag_present(skb)) {
		/* The NIC took the tag out: the ring shows the wire frame. */
		skb = __vlan_hwaccel_push_inside(skb);
		if (!skb)
			return;
	}
	if (skb_queue_len(q) >= g->up.num_slots[NR_RX]) {
		kfree_skb(skb);		/* ring full: the frame is lost */
		return;
	}
	skb_queue_tail(q, skb);
}

static rx_handler_result_t nm_generic_rx_handler(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb, *segs, *next;
	struct nm_generic *g = rcu_dereference(skb->dev->rx_handler_data);
	struct sk_buff_head *q;
	u32 r = 0;

	if (nm_host_injected(skb))
		return RX_HANDLER_PASS;		/* from our host TX ring */
	if (skb_rx_queue_recorded(skb))
		r = skb_get_rx_queue(skb) % g->up.num_rings[NR_RX];
	if (!nm_kring_on(&g->up.krings[NR_RX][r]))
		return RX_HANDLER_PASS;		/* ring not in netmap mode */
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		return RX_HANDLER_CONSUMED;
	q = &g->rx[r].q;
	/* Give the frame its link-layer header back. */
	__skb_push(skb, skb->data - skb_mac_header(skb));
	if (!skb_is_gso(skb)) {
		nm_generic_rx_queue(g, q, skb);
	} else {
		/* Merged by GRO: back to the frames that were on the wire. */
		segs = __skb_gso_segment(skb, 0, false);
		if (IS_ERR_OR_NULL(segs)) {
			kfree_skb(skb);
			return RX_HANDLER_CONSUMED;
		}
		consume_skb(skb);
		skb_list_walk_safe(segs, skb, next) {
			skb_mark_not_on_list(skb);
			nm_generic_rx_queue(g, q, skb);
		}
	}
	nm_generic_rx_notify(&g->rx[r], &g->up.krings[NR_RX][r]);
	return RX_HANDLER_CONSUMED;
}

static int nm_generic_rxsync(struct nm_kring *k, int flags)
{
	k->hwcur = k->rhead;
	nm_skbq_to_ring(k, &to_generic(k->na)->rx[k->ring_id].q);
	return 0;
}

/* RTNL held. Stop the rings and let the device go. */
static void nm_generic_detach(struct nm_generic *g, bool dead)
{
	ASSERT_RTNL();
	nm_host_detach(&g->host);
	if (g->attached) {
		netdev_rx_handler_unregister(g->dev);
		g->attached = false;
	}
	if (!dead)
		return;
	list_del_init(&g->dev_link);
	nm_adapter_stop(&g->up);
	nm_host_forget(&g->host);
	dev_put(g->dev);
	WRITE_ONCE(g->dev, NULL);
}

static void nm_generic_drain(struct nm_generic *g)
{
	u32 i;

	for (i = 0; i < g->up.num_rings[NR_RX]; i++) {
		hrtimer_cancel(&g->rx[i].mit_timer);
		skb_queue_purge(&g->rx[i].q);
	}
	nm_host_purge(&g->host);
	nm_generic_tx_drain(g);
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
			if (!err)
				err = nm_host_attach(&g->host, g->dev);
			if (err && g->attached) {
				netdev_rx_handler_unregister(g->dev);
				g->attached = false;
			}
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
	u32 i;

	list_del(&g->link);
	rtnl_lock();
	list_del_init(&g->dev_link);
	if (g->dev)
		dev_put(g->dev);
	g->dev = NULL;
	rtnl_unlock();
	for (i = 0; i < na->num_rings[NR_RX]; i++)
		hrtimer_cancel(&g->rx[i].mit_timer);
	nm_adapter_fini(na);
	nm_host_fini(&g->host);
	nm_generic_tx_fini(g);
	kfree(g->rx);
	kfree(g);
}

static const struct nm_adapter_ops nm_generic_ops = {
	.reg = nm_generic_reg,
	.txsync = nm_generic_txsync,
	.rxsync = nm_generic_rxsync,
	.dtor = nm_generic_dtor,
	.host_txsync = nm_host_txsync,
	.host_rxsync = nm_host_rxsync,
	.host_send = nm_host_send,
};

static int nm_generic_create(struct net_device *dev, struct nm_generic **out)
{
	u32 slots = clamp_t(int, READ_ONCE(nm_generic_ringsize), 2, NM_MAX_SLOTS);
	struct nm_generic *g;
	u32 i, ntx, nrx;
	int err;

	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return -ENOMEM;
	INIT_LIST_HEAD(&g->dev_link);
	ntx = dev->real_num_tx_queues ?: READ_ONCE(nm_generic_rings);
	nrx = dev->real_num_rx_queues ?: READ_ONCE(nm_generic_rings);

	g->up.num_rings[NR_TX] = clamp_t(u32, ntx, 1, NM_MAX_RINGS);
	g->up.num_rings[NR_RX] = clamp_t(u32, nrx, 1, NM_MAX_RINGS);
	g->up.num_host_rings[NR_TX] = nm_host_rings_avail();
	g->up.num_host_rings[NR_RX] = nm_host_rings_avail();
	g->up.num_slots[NR_TX] = slots;
	g->up.num_slots[NR_RX] = slots;
	g->rx = kcalloc(g->up.num_rings[NR_RX], sizeof(*g->rx), GFP_KERNEL);
	if (!g->rx) {
		err = -ENOMEM;
		goto err_free;
	}
	for (i = 0; i < g->up.num_rings[NR_RX]; i++) {
		skb_queue_head_init(&g->rx[i].q);
		nm_hrtimer_setup(&g->rx[i].mit_timer, nm_generic_mit_expired,
				 CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	}
	init_waitqueue_head(&g->drain_wq);
	err = nm_host_init(&g->host, &g->up, dev, nm_generic_own_skb);
	if (err)
		goto err_free;
	err = nm_adapter_init(&g->up, dev->name, &nm_generic_ops, nm_mem_global());
	if (err)
		goto err_free;
	for (i = 0; i < g->up.num_rings[NR_RX]; i++)
		g->rx[i].kring = &g->up.krings[NR_RX][i];
	err = nm_generic_tx_init(g);
	if (err)
		goto err_fini;
	/*
	 * From now on the notifier finds us: unless the device is already on
	 * its way out, in which case its NETDEV_UNREGISTER is past.
	 */
	rtnl_lock();
	if (dev->reg_state != NETREG_REGISTERED) {
		rtnl_unlock();
		err = -ENXIO;
		goto err_tx;
	}
	g->dev = dev;		/* the caller's reference becomes ours */
	list_add(&g->dev_link, &nm_generic_devs);
	rtnl_unlock();
	g->up.refcount = 1;
	list_add(&g->link, &nm_generic_list);
	*out = g;
	return 0;

err_tx:
	nm_generic_tx_fini(g);
err_fini:
	nm_adapter_fini(&g->up);
err_free:
	nm_host_fini(&g->host);
	kfree(g->rx);
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

/* NETDEV_UNREGISTER (linux/netdev.c): RTNL held, nm_lock not taken. */
void nm_generic_unregistered(struct net_device *dev)
{
	struct nm_generic *g, *tmp;

	list_for_each_entry_safe(g, tmp, &nm_generic_devs, dev_link) {
		if (g->dev != dev)
			continue;
		nm_info_rl("%s: device unregistered while in netmap mode\n",
			   g->up.name);
		nm_generic_detach(g, true);
	}
}
