/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netmap native mode for veth, included by veth.c.
 *
 * A veth has no descriptors: its "hardware" is the peer. While netmap owns
 * a veth:
 *  - TX ring q -> the peer: each frame is copied straight into the peer's
 *    netmap RX ring (q modulo its rings) when netmap owns that ring, else
 *    into a socket buffer the peer's stack receives (veth_forward_skb).
 *    A full peer ring holds the frames back (no loss between two netmap
 *    ends); the peer's rxsync wakes the sender when it frees slots;
 *  - the peer's stack -> RX ring: veth_forward_skb() hands the frames to
 *    nm_veth_rx_skb(), which copies them (as they would be on a wire) into
 *    the ring; a full ring drops them, counted by the sender;
 *  - the stack's own frames go to the host RX ring (netmap's egress hook),
 *    and veth_xmit() drops what bypasses it.
 *
 * Each RX ring has a producer side, struct nm_veth_rxq: the slots the
 * kernel owns, [tail, cur - 1), are filled under its lock by the peer's
 * transmit paths (any context, BH off, under RCU); the ring's rxsync
 * publishes tail and takes back what userspace released, under the same
 * lock. The array lives as long as the device (freed by veth_dev_free());
 * the peer reaches it through priv->peer and priv->nm, both RCU.
 */
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include "netmap_native.h"

#define NM_VETH_SLOTS	1024
/* veth_forward_skb(): the frame is not netmap's, the stack takes it. */
#define NM_VETH_STACK	(-1)
/* The peer's netmap RX ring has no room for this frame now. */
#define NM_VETH_FULL	(-2)

struct nm_veth_rxq {
	spinlock_t lock;		/* guards every field below */
	bool on;			/* netmap owns this RX ring */
	bool tx_waiting;		/* the peer's netmap TX waits for room */
	struct netmap_slot *slot;
	u32 num_slots;
	u32 tail;			/* next slot to fill (hwtail to be) */
	u32 cur;			/* the ring's hwcur */
};

static int veth_forward_skb(struct net_device *dev, struct sk_buff *skb,
			    struct veth_rq *rq, bool xdp);

/* Wake the peer's netmap TX rings (room came back, or our rings left). */
static void nm_veth_wake_peer_tx(struct net_device *dev)
{
	struct veth_priv *priv = netdev_priv(dev);
	struct veth_priv *pp;
	struct net_device *peer;
	u32 q;

	rcu_read_lock();
	peer = rcu_dereference(priv->peer);
	pp = peer ? netdev_priv(peer) : NULL;
	for (q = 0; pp && q < pp->nm_ntx; q++)
		nm_native_tx_irq(READ_ONCE(pp->nm), q);
	rcu_read_unlock();
}

/*
 * RTNL, device up or going: give netmap the rings it wants, or take them
 * back (nm_native_reset() says which).
 */
static void nm_veth_rings(struct net_device *dev)
{
	struct veth_priv *priv = netdev_priv(dev);
	struct nm_native_ring rs;
	bool wake = false;
	u32 q;

	for (q = 0; q < priv->nm_ntx; q++)
		nm_native_reset(priv->nm, NM_NATIVE_TX, q, &rs);
	for (q = 0; q < priv->nm_nrx; q++) {
		struct nm_veth_rxq *rxq = &priv->nm_rxq[q];

		spin_lock_bh(&rxq->lock);
		rxq->on = nm_native_reset(priv->nm, NM_NATIVE_RX, q, &rs);
		if (rxq->on) {
			/* The slots the kernel owns start at hw_ofs (hwtail). */
			rxq->slot = rs.slot;
			rxq->num_slots = rs.num_slots;
			rxq->tail = rs.hw_ofs;
			rxq->cur = nm_native_wrap(rs.hw_ofs + rs.avail,
						  rs.num_slots);
		}
		wake |= rxq->tx_waiting;
		rxq->tx_waiting = false;
		spin_unlock_bh(&rxq->lock);
	}
	if (wake)
		nm_veth_wake_peer_tx(dev);
}

/* RTNL: the device goes down, or changes mode: netmap lets go of its rings. */
static void nm_veth_stop(struct net_device *dev)
{
	struct veth_priv *priv = netdev_priv(dev);
	bool wake = false;
	u32 q;

	if (!priv->nm)
		return;
	nm_native_stop(priv->nm);
	for (q = 0; q < priv->nm_nrx; q++) {
		struct nm_veth_rxq *rxq = &priv->nm_rxq[q];

		spin_lock_bh(&rxq->lock);
		rxq->on = false;
		wake |= rxq->tx_waiting;
		rxq->tx_waiting = false;
		spin_unlock_bh(&rxq->lock);
	}
	if (wake)		/* a waiting peer now sends to our stack */
		nm_veth_wake_peer_tx(dev);
}

/* ndo_open (RTNL): netmap's rings, if it wants them. */
static void nm_veth_open(struct net_device *dev)
{
	nm_veth_rings(dev);
}

static int nm_veth_reg(struct net_device *dev, bool on)
{
	if (netif_running(dev)) {
		nm_veth_stop(dev);
		nm_veth_rings(dev);
	}
	return 0;
}

/* Room for @need slots in @rxq (its lock held)? */
static bool nm_veth_room(struct nm_veth_rxq *rxq, u32 need)
{
	u32 n = rxq->num_slots;
	u32 free = (nm_native_prev(rxq->cur, n) + n - rxq->tail) % n;

	return need <= free;
}

/* The frame from slot @i of @s: its slot count and length; 0 if incomplete. */
static u32 nm_veth_frame(struct nm_native_sync *s, u32 i, u32 *len)
{
	u32 cnt = 0, total = 0;

	for (; i != s->head && cnt < s->num_slots - 1;
	     i = nm_native_next(i, s->num_slots)) {
		struct netmap_slot *slot = &s->slot[i];

		nm_native_buf(s->nm, slot, NULL);	/* sanitises it */
		total += slot->len;
		cnt++;
		if (!(slot->flags & NS_MOREFRAG)) {
			*len = total;
			return cnt;
		}
	}
	/* Not complete yet, or a run of fragments as long as the ring. */
	if (cnt == s->num_slots - 1) {
		*len = 0;
		return cnt;
	}
	return 0;
}

/* Copy @cnt slots from @i of @s into the peer's netmap RX ring. */
static int nm_veth_to_ring(struct nm_native_sync *s, u32 i, u32 cnt,
			   struct nm_native *pnm, struct nm_veth_rxq *rxq)
{
	u32 bufsz = nm_native_buf_size(pnm);

	if (!nm_veth_room(rxq, cnt)) {
		rxq->tx_waiting = true;
		return NM_VETH_FULL;
	}
	for (; cnt; cnt--, i = nm_native_next(i, s->num_slots)) {
		struct netmap_slot *src = &s->slot[i], *dst = &rxq->slot[rxq->tail];
		void *to = nm_native_buf(pnm, dst, NULL);
		u32 len = min(src->len, bufsz);

		memcpy(to, nm_native_buf(s->nm, src, NULL), len);
		dst->len = len;
		dst->flags = src->flags & NS_MOREFRAG;
		rxq->tail = nm_native_next(rxq->tail, rxq->num_slots);
	}
	return NET_RX_SUCCESS;
}

/* One frame of TX ring @s to @peer (BH off, RCU held). */
static int nm_veth_xmit(struct nm_native_sync *s, u32 i, u32 cnt, u32 len,
			struct net_device *peer)
{
	struct veth_priv *pp = netdev_priv(peer);
	struct nm_native *pnm = READ_ONCE(pp->nm);
	struct sk_buff *skb;
	int ret = NM_VETH_STACK;

	if (len < ETH_HLEN || len > ETH_HLEN + peer->mtu + VLAN_HLEN)
		return NET_RX_DROP;
	if (pnm) {
		u32 q = s->ring_id % pp->nm_nrx;
		struct nm_veth_rxq *rxq = &pp->nm_rxq[q];

		spin_lock(&rxq->lock);
		if (rxq->on)
			ret = nm_veth_to_ring(s, i, cnt, pnm, rxq);
		spin_unlock(&rxq->lock);
		if (ret != NM_VETH_STACK)
			return ret;
	}
	/* The peer's stack takes it, as from veth_xmit(). */
	skb = netdev_alloc_skb(peer, len);
	if (!skb)
		return NET_RX_DROP;
	for (; cnt; cnt--, i = nm_native_next(i, s->num_slots))
		skb_put_data(skb, nm_native_buf(s->nm, &s->slot[i], NULL),
			     s->slot[i].len);
	skb_set_queue_mapping(skb, s->ring_id);
	return veth_forward_skb(peer, skb, NULL, false);
}

static int nm_veth_txsync(struct nm_native_sync *s)
{
	struct veth_priv *priv = netdev_priv(s->dev);
	u32 n = s->num_slots, i = s->hwcur, cnt, len, sent = 0, bytes = 0;
	struct net_device *peer;
	struct veth_priv *pp;

	rcu_read_lock();
	local_bh_disable();
	peer = rcu_dereference(priv->peer);
	while (i != s->head && (cnt = nm_veth_frame(s, i, &len))) {
		int ret = peer ? nm_veth_xmit(s, i, cnt, len, peer) : NET_RX_DROP;

		if (ret == NM_VETH_FULL)
			break;		/* the peer's rxsync wakes us */
		if (ret == NET_RX_SUCCESS) {
			sent++;
			bytes += len;
		} else {
			atomic64_inc(&priv->dropped);
		}
		i = nm_native_wrap(i + cnt, n);
	}
	local_bh_enable();
	if (sent) {
		dev_sw_netstats_tx_add(s->dev, sent, bytes);
		/* Wake the peer's netmap reader, if it has one. */
		pp = netdev_priv(peer);
		if (pp->nm_nrx)
			nm_native_rx_irq(READ_ONCE(pp->nm), s->ring_id % pp->nm_nrx);
	}
	rcu_read_unlock();
	s->hwcur = i;
	s->hwtail = nm_native_prev(i, n);	/* every slot sent is free */
	return 0;
}

static int nm_veth_rxsync(struct nm_native_sync *s)
{
	struct veth_priv *priv = netdev_priv(s->dev);
	struct nm_veth_rxq *rxq = &priv->nm_rxq[s->ring_id];
	bool wake;

	spin_lock_bh(&rxq->lock);
	wake = rxq->tx_waiting && rxq->cur != s->head;
	if (wake)
		rxq->tx_waiting = false;
	rxq->cur = s->head;
	s->hwcur = s->head;
	s->hwtail = rxq->tail;
	spin_unlock_bh(&rxq->lock);
	if (wake)
		nm_veth_wake_peer_tx(s->dev);
	return 0;
}

/* One wire frame into @rxq (its lock held); false if it does not fit. */
static bool nm_veth_skb_to_ring(struct nm_native *nm, struct nm_veth_rxq *rxq,
				struct sk_buff *skb)
{
	u32 bufsz = nm_native_buf_size(nm), off = 0;
	u32 need = max_t(u32, DIV_ROUND_UP(skb->len, bufsz), 1);

	if (need > NETMAP_MAX_FRAGS || !nm_veth_room(rxq, need))
		return false;
	do {
		struct netmap_slot *slot = &rxq->slot[rxq->tail];
		u32 chunk = min(bufsz, skb->len - off);

		skb_copy_bits(skb, off, nm_native_buf(nm, slot, NULL), chunk);
		off += chunk;
		slot->len = chunk;
		slot->flags = off < skb->len ? NS_MOREFRAG : 0;
		rxq->tail = nm_native_next(rxq->tail, rxq->num_slots);
	} while (off < skb->len);
	return true;
}

/*
 * veth_forward_skb() to @dev (RCU held, BH off): if netmap owns the RX ring
 * of @skb, the frame goes there (or is dropped) and the veth result is
 * returned; NM_VETH_STACK if the stack takes it.
 */
static int nm_veth_rx_skb(struct net_device *dev, struct sk_buff *skb)
{
	struct veth_priv *priv = netdev_priv(dev);
	struct nm_native *nm = READ_ONCE(priv->nm);
	struct sk_buff *segs, *next;
	struct nm_veth_rxq *rxq;
	u32 q, in = 0, lost = 0;

	if (!nm)
		return NM_VETH_STACK;
	q = skb_get_queue_mapping(skb) % priv->nm_nrx;
	rxq = &priv->nm_rxq[q];
	if (!READ_ONCE(rxq->on))
		return NM_VETH_STACK;
	segs = nm_native_skb_wire(skb);
	if (!segs)
		return NET_RX_DROP;
	spin_lock(&rxq->lock);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		if (rxq->on && nm_veth_skb_to_ring(nm, rxq, skb)) {
			in++;
			consume_skb(skb);
		} else {
			lost++;
			kfree_skb(skb);
		}
	}
	spin_unlock(&rxq->lock);
	if (in)
		nm_native_rx_irq(nm, q);
	return lost && !in ? NET_RX_DROP : NET_RX_SUCCESS;
}

static const struct nm_native_ops nm_veth_ops = {
	.reg = nm_veth_reg,
	.txsync = nm_veth_txsync,
	.rxsync = nm_veth_rxsync,
};

/* ndo_init (RTNL): offer native mode; the device works without it. */
static void nm_veth_attach(struct net_device *dev)
{
	struct veth_priv *priv = netdev_priv(dev);
	struct nm_native_desc d = {
		.dev = dev,
		.num_tx_rings = dev->real_num_tx_queues,
		.num_rx_rings = dev->real_num_rx_queues,
		.num_tx_slots = NM_VETH_SLOTS,
		.num_rx_slots = NM_VETH_SLOTS,
		.ops = &nm_veth_ops,
	};
	u32 q;

	priv->nm_rxq = kcalloc(d.num_rx_rings, sizeof(*priv->nm_rxq), GFP_KERNEL);
	if (!priv->nm_rxq)
		return;
	for (q = 0; q < d.num_rx_rings; q++)
		spin_lock_init(&priv->nm_rxq[q].lock);
	priv->nm_ntx = d.num_tx_rings;
	priv->nm_nrx = d.num_rx_rings;
	priv->nm = nm_native_attach(&d);
}

/* ndo_uninit (RTNL); the queues go with the device (nm_veth_free). */
static void nm_veth_uninit(struct net_device *dev)
{
	struct veth_priv *priv = netdev_priv(dev);

	nm_native_detach_locked(&priv->nm);
}

static void nm_veth_free(struct net_device *dev)
{
	struct veth_priv *priv = netdev_priv(dev);

	kfree(priv->nm_rxq);
	priv->nm_rxq = NULL;
}
