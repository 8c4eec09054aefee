// SPDX-License-Identifier: GPL-2.0
/*
 * Copies between socket buffers and netmap ring slots.
 *
 * RX: a frame longer than a buffer spans several slots, every one but the
 * last marked NS_MOREFRAG (at most NETMAP_MAX_FRAGS). TX: a frame is a run
 * of slots ending with one without NS_MOREFRAG; a run not yet complete at
 * head waits for the next sync.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>

#include "compat.h"
#include "skb_ring.h"

/*
 * Move queued frames into the free slots of RX ring @k (from hwtail on).
 * Called with the ring's sync_lock held; @q may be fed concurrently.
 */
void nm_skbq_to_ring(struct nm_kring *k, struct sk_buff_head *q)
{
	u32 bufsz = k->bufs.size, n = k->num_slots;
	u32 space = nm_dist(k->hwtail, nm_prev(k->hwcur, n), n);
	struct sk_buff *skb;

	while (space && (skb = skb_dequeue(q))) {
		u32 need = max_t(u32, DIV_ROUND_UP(skb->len, bufsz), 1);
		u32 off = 0;

		if (unlikely(need > NETMAP_MAX_FRAGS || need >= n)) {
			nm_info_rl("%s: dropping a %u-byte frame (%u slots of %u bytes)\n",
				   k->na->name, skb->len, need, bufsz);
			kfree_skb(skb);
			continue;
		}
		if (need > space) {
			skb_queue_head(q, skb);	/* the rest of it next time */
			break;
		}
		do {
			struct netmap_slot *slot = &k->ring->slot[k->hwtail];
			u32 chunk = min(bufsz, skb->len - off);

			skb_copy_bits(skb, off, nm_kring_buf(k, slot->buf_idx),
				      chunk);
			off += chunk;
			slot->len = chunk;
			slot->flags = off < skb->len ? NS_MOREFRAG : 0;
			k->hwtail = nm_next(k->hwtail, n);
			space--;
		} while (off < skb->len);
		consume_skb(skb);
	}
}

/*
 * The frame starting at slot @i of TX ring @k (before head): returns its
 * number of slots and sets *@len, or returns 0 if it is not complete yet.
 * Sanitises the slots and clears the flags the kernel consumes.
 */
u32 nm_tx_frame(struct nm_kring *k, u32 i, u32 *len)
{
	u32 n = k->num_slots, cnt = 0, total = 0;

	for (; i != k->rhead; i = nm_next(i, n)) {
		struct netmap_slot *s = &k->ring->slot[i];

		nm_slot_sanitize(k, s);
		s->flags &= ~(NS_BUF_CHANGED | NS_REPORT);
		total += s->len;
		cnt++;
		if (!(s->flags & NS_MOREFRAG)) {
			*len = total;
			return cnt;
		}
	}
	return 0;
}

/* Append the frame in the @nslots slots from @i on to @skb (room checked by the caller). */
void nm_ring_copy_to_skb(struct nm_kring *k, u32 i, u32 nslots,
			 struct sk_buff *skb)
{
	for (; nslots; nslots--, i = nm_next(i, k->num_slots)) {
		struct netmap_slot *s = &k->ring->slot[i];

		skb_put_data(skb, nm_kring_buf(k, s->buf_idx), s->len);
	}
}

/* A new socket buffer for @dev holding the @nslots slots from @i on. */
struct sk_buff *nm_ring_to_skb(struct nm_kring *k, u32 i, u32 nslots, u32 len,
			       struct net_device *dev)
{
	struct sk_buff *skb = netdev_alloc_skb(dev, len);

	if (skb)
		nm_ring_copy_to_skb(k, i, nslots, skb);
	return skb;
}

/* Hand a frame to the stack of @dev as if the device had received it. */
void nm_skb_to_stack(struct sk_buff *skb, struct net_device *dev)
{
	skb->protocol = eth_type_trans(skb, dev);
	skb->priority = NM_SKB_PRIO_INJECTED;
	netif_rx(skb);
}

/*
 * @skb as the frames it is on the wire: a GSO frame cut into its segments,
 * the VLAN tag the NIC would insert put in the frame, checksums left to the
 * NIC completed (unless !@csum). Consumes @skb; returns the frames as a
 * list (skb->next), NULL if none is left.
 */
struct sk_buff *nm_skb_wire(struct sk_buff *skb, bool csum)
{
	struct sk_buff *segs = skb, *next, *head = NULL, **tail = &head;

	if (skb_is_gso(skb)) {
		segs = skb_gso_segment(skb, 0);
		if (IS_ERR_OR_NULL(segs)) {
			kfree_skb(skb);
			return NULL;
		}
		consume_skb(skb);
	}
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		if (skb_vlan_tag_present(skb)) {
			skb = __vlan_hwaccel_push_inside(skb);
			if (!skb)
				continue;	/* freed */
		}
		if (csum && skb->ip_summed == CHECKSUM_PARTIAL &&
		    skb_checksum_help(skb)) {
			kfree_skb(skb);
			continue;
		}
		*tail = skb;
		tail = &skb->next;
	}
	return head;
}
