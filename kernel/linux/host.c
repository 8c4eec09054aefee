// SPDX-License-Identifier: GPL-2.0
/*
 * Host stack rings (ABI.md §5.2) of a port on a Linux network device.
 *
 * Stack -> host RX ring: a netfilter egress hook on the device (priority
 * last, so nftables egress chains see the frame first) takes the frames
 * the stack transmits while some NIC TX ring of the port is in netmap mode
 * (the NIC is netmap's then) and queues them, bounded by the ring size, for
 * the host rxsync. Checksums left to the NIC are completed and GSO frames
 * segmented in software first, VLAN tags the NIC would insert are put in
 * the frame: the ring holds frames as they would go on the wire. Frames are
 * dropped while the NIC is netmap's and no host RX ring is open.
 * Host TX ring -> stack: txsync copies each frame into a socket buffer and
 * hands it to netif_rx(), marked (skb->priority) so that the port's receive
 * hook passes it on instead of taking it as a NIC frame.
 *
 * Locking: the hook is registered and removed under RTNL (h->hooked);
 * it runs under rcu_read_lock_bh and only touches the queues (their own
 * spinlocks) and reads the ring "on" states. After nm_host_detach() and a
 * synchronize_net() no hook runs any more and the queues can be purged.
 */
#include <linux/if_vlan.h>
#include <linux/netfilter_netdev.h>

#include "compat.h"
#include "host.h"

static int nm_generic_hwcsum;
module_param_named(generic_hwcsum, nm_generic_hwcsum, int, 0644);
MODULE_PARM_DESC(generic_hwcsum,
		 "Host RX rings: 1 leaves checksums the stack left to the NIC incomplete");

u32 nm_host_rings_avail(void)
{
	return IS_ENABLED(CONFIG_NETFILTER_EGRESS) ? 1 : 0;
}

int nm_host_init(struct nm_host *h, struct nm_adapter *na,
		 struct net_device *dev,
		 bool (*own_skb)(const struct sk_buff *skb))
{
	u32 i, n = na->num_host_rings[NR_RX];

	h->na = na;
	h->netdev = dev;
	h->own_skb = own_skb;
	na->host = h;
	if (!n)
		return 0;
	h->rxq = kcalloc(n, sizeof(*h->rxq), GFP_KERNEL);
	if (!h->rxq)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		skb_queue_head_init(&h->rxq[i]);
	return 0;
}

void nm_host_fini(struct nm_host *h)
{
	kfree(h->rxq);
	h->rxq = NULL;
}

void nm_host_purge(struct nm_host *h)
{
	u32 i;

	for (i = 0; h->rxq && i < h->na->num_host_rings[NR_RX]; i++)
		skb_queue_purge(&h->rxq[i]);
}

/* Is any NIC TX ring of the port in netmap mode (the NIC netmap's)? */
static bool nm_host_nic_tx_on(struct nm_adapter *na)
{
	u32 i;

	for (i = 0; i < na->num_rings[NR_TX]; i++)
		if (nm_kring_on(&na->krings[NR_TX][i]))
			return true;
	return false;
}

/* One wire-ready frame onto host RX ring @r; consumes @skb. */
static void nm_host_queue(struct nm_host *h, u32 r, struct sk_buff *skb)
{
	struct nm_kring *k = &h->na->krings[NR_RX][h->na->num_rings[NR_RX] + r];
	struct sk_buff_head *q = &h->rxq[r];

	if (skb_queue_len(q) >= k->num_slots)
		kfree_skb(skb);		/* ring full: the frame is lost */
	else
		skb_queue_tail(q, skb);
}

static unsigned int nm_host_egress(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct nm_host *h = priv;
	struct nm_adapter *na = h->na;
	u32 nrings = na->num_host_rings[NR_RX], r = 0;
	struct sk_buff *next;
	struct nm_kring *k;

	if ((h->own_skb && h->own_skb(skb)) || !nm_host_nic_tx_on(na))
		return NF_ACCEPT;
	if (nrings > 1)
		r = skb_get_hash(skb) % nrings;
	k = &na->krings[NR_RX][na->num_rings[NR_RX] + r];
	if (!nm_kring_on(k))
		return NF_DROP;		/* the NIC is netmap's, the host ring closed */
	skb_list_walk_safe(nm_skb_wire(skb, !READ_ONCE(nm_generic_hwcsum)), skb, next) {
		skb_mark_not_on_list(skb);
		nm_host_queue(h, r, skb);
	}
	nm_kring_notify(k);
	return NF_STOLEN;
}

/* RTNL held. Start taking the stack's frames on @dev. */
int nm_host_attach(struct nm_host *h, struct net_device *dev)
{
	int err;

	ASSERT_RTNL();
	if (!h->na->num_host_rings[NR_RX] || h->hooked)
		return 0;
#if IS_ENABLED(CONFIG_NETFILTER_EGRESS)
	h->hook.hook = nm_host_egress;
	h->hook.priv = h;
	h->hook.pf = NFPROTO_NETDEV;
	h->hook.hooknum = NF_NETDEV_EGRESS;
	h->hook.priority = INT_MAX;
	h->hook.dev = dev;
	err = nf_register_net_hook(dev_net(dev), &h->hook);
	if (err) {
		nm_info_rl("%s: cannot hook the host stack (%d)\n", h->na->name, err);
		return err;
	}
	h->hooked = true;
	return 0;
#else
	err = -EOPNOTSUPP;
	return err;
#endif
}

/* RTNL held. Stop taking frames; the caller waits (synchronize_net) and purges. */
void nm_host_detach(struct nm_host *h)
{
	ASSERT_RTNL();
	if (!h->hooked)
		return;
	nf_unregister_net_hook(dev_net(h->hook.dev), &h->hook);
	h->hooked = false;
}

int nm_host_rxsync(struct nm_kring *k, int flags)
{
	struct nm_host *h = k->na->host;

	k->hwcur = k->rhead;
	nm_skbq_to_ring(k, &h->rxq[k->ring_id - h->na->num_rings[NR_RX]]);
	return 0;
}

/* Host TX ring: every complete frame in [hwcur, head) enters the stack. */
int nm_host_txsync(struct nm_kring *k, int flags)
{
	struct net_device *dev = READ_ONCE(k->na->host->netdev);
	u32 n = k->num_slots, i = k->hwcur, cnt, len;

	if (!dev)
		return -EIO;
	while (i != k->rhead && (cnt = nm_tx_frame(k, i, &len))) {
		if (len >= ETH_HLEN && cnt <= NETMAP_MAX_FRAGS) {
			struct sk_buff *skb = nm_ring_to_skb(k, i, cnt, len, dev);

			if (skb)
				nm_skb_to_stack(skb, dev);
		}
		i = (i + cnt) % n;
	}
	k->hwcur = i;
	k->hwtail = nm_prev(i, n);	/* everything else is free again */
	return 0;
}

/* Transparent mode, NIC RX ring -> stack. */
void nm_host_send(struct nm_adapter *na, const void *frame, u32 len)
{
	struct net_device *dev = READ_ONCE(na->host->netdev);
	struct sk_buff *skb;

	if (!dev)
		return;
	skb = netdev_alloc_skb(dev, len);
	if (!skb)
		return;
	skb_put_data(skb, frame, len);
	nm_skb_to_stack(skb, dev);
}
