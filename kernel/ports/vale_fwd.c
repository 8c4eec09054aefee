// SPDX-License-Identifier: GPL-2.0
/*
 * VALE forwarding: a learning Ethernet switch run by the senders' txsyncs.
 *
 * A txsync takes its frames in batches (bridge_batch frames at most). For
 * each frame of a batch: the source MAC (unless multicast) is learned for
 * the sending port, the destination looked up (multicast, broadcast or
 * unknown: every other port), and the frame appended to its destination's
 * list. Then each destination is served once: its RX ring lock taken, the
 * frames of its list (and of the flood list) copied in order, the ring's
 * readers woken. Unicast goes to the RX ring with the sender's ring index
 * (modulo the destination's ring count), flooded frames to RX ring 0. A
 * frame that does not fit is dropped; frames shorter than an Ethernet
 * header are dropped; a frame whose destination is its sender is dropped.
 *
 * Destination slots get the fragment's length, NS_MOREFRAG on every
 * fragment but the last and the frame's fragment count in the high byte.
 */
#include <linux/etherdevice.h>
#include <linux/jhash.h>

#include "vale.h"

#define NM_FT_VALID	(1ULL << 8)

static u32 nm_ft_hash(const u8 *mac)
{
	return jhash(mac, ETH_ALEN, 0) & (NM_VALE_FT_SIZE - 1);
}

static u64 nm_ft_mac(const u8 *mac)
{
	return ether_addr_to_u64(mac) << 16;
}

static void nm_vale_learn(struct nm_vale_sw *sw, const u8 *src, u32 port)
{
	u64 e = nm_ft_mac(src) | NM_FT_VALID | port;
	u64 *slot = &sw->ft[nm_ft_hash(src)];

	if (READ_ONCE(*slot) != e)
		WRITE_ONCE(*slot, e);
}

static u32 nm_vale_lookup(struct nm_vale_sw *sw, const u8 *dst)
{
	u64 e;

	if (is_multicast_ether_addr(dst))
		return NM_VALE_BCAST;
	e = READ_ONCE(sw->ft[nm_ft_hash(dst)]);
	if ((e & NM_FT_VALID) && (e >> 16) == (nm_ft_mac(dst) >> 16))
		return e & 0xff;
	return NM_VALE_BCAST;
}

/* nm_lock: port @port is gone; its learned addresses go too. */
void nm_vale_forget(struct nm_vale_sw *sw, u32 port)
{
	u32 i;

	for (i = 0; i < NM_VALE_FT_SIZE; i++) {
		u64 e = READ_ONCE(sw->ft[i]);

		if ((e & NM_FT_VALID) && (e & 0xff) == port)
			WRITE_ONCE(sw->ft[i], 0);
	}
}

/*
 * The frame starting at slot @i (before @head): its slot count, at most
 * NETMAP_MAX_FRAGS; a chain still open at @head (or too long) ends there.
 */
static u32 nm_vale_frame(struct nm_kring *k, u32 i, u32 head)
{
	u32 cnt = 0;

	while (i != head) {
		struct netmap_slot *s = &k->ring->slot[i];

		nm_slot_sanitize(k, s);
		s->flags &= ~(NS_BUF_CHANGED | NS_REPORT);
		cnt++;
		if (!(s->flags & NS_MOREFRAG) || cnt == NETMAP_MAX_FRAGS)
			break;
		i = nm_next(i, k->num_slots);
	}
	return cnt;
}

static void nm_vfwd_append(struct nm_vfwd *f, u32 dst, u32 e)
{
	f->ent[e].next = NM_VFWD_NONE;
	if (f->first[dst] == NM_VFWD_NONE)
		f->first[dst] = e;
	else
		f->ent[f->last[dst]].next = e;
	f->last[dst] = e;
}

/* Copy frame @e of sender ring @k into @dk (its producer lock held). */
static bool nm_vale_copy(struct nm_kring *k, const struct nm_vfwd_entry *e,
			 struct nm_kring *dk, struct nm_vrx *x)
{
	struct nm_mem *smem = k->na->mem, *dmem = dk->na->mem;
	u32 dn = dk->num_slots, dbufsz = nm_mem_buf_size(dmem);
	u32 space = nm_dist(x->tail, nm_prev(dk->hwcur, dn), dn);
	u32 i = e->slot, f;

	if (e->nslots > space)
		return false;
	for (f = 0; f < e->nslots; f++, i = nm_next(i, k->num_slots)) {
		struct netmap_slot *s = &k->ring->slot[i];
		struct netmap_slot *d = &dk->ring->slot[x->tail];
		u32 len = min(s->len, dbufsz);

		memcpy(nm_mem_buf_addr(dmem, d->buf_idx),
		       nm_mem_buf_addr(smem, s->buf_idx), len);
		d->len = len;
		d->flags = (e->nslots << 8) |
			   (f + 1 < e->nslots ? NS_MOREFRAG : 0);
		x->tail = nm_next(x->tail, dn);
	}
	return true;
}

/*
 * Serve one destination ring: the entries of list @a and list @b (either
 * may be NM_VFWD_NONE), merged in sending order.
 */
static void nm_vale_deliver(struct nm_kring *k, struct nm_vfwd *f,
			    struct nm_vport *dp, u32 q, u16 a, u16 b)
{
	struct nm_kring *dk = &dp->up.krings[NR_RX][q];
	struct nm_vrx *x = &dp->rx[q];
	u32 moved = 0;

	spin_lock_bh(&x->lock);
	if (!x->on)
		goto out;
	while (a != NM_VFWD_NONE || b != NM_VFWD_NONE) {
		u16 e;

		if (b == NM_VFWD_NONE || (a != NM_VFWD_NONE && a < b)) {
			e = a;
			a = f->ent[a].next;
		} else {
			e = b;
			b = f->ent[b].next;
		}
		moved += nm_vale_copy(k, &f->ent[e], dk, x);
	}
out:
	spin_unlock_bh(&x->lock);
	if (moved)
		nm_kring_notify(dk);
}

static void nm_vale_flush(struct nm_kring *k, struct nm_vport *vp,
			  struct nm_vfwd *f)
{
	u16 bcast = f->first[NM_VALE_BCAST];
	u32 p;

	for (p = 0; p < NM_VALE_MAXPORTS; p++) {
		struct nm_vport *dp = rcu_dereference(vp->sw->ports[p]);
		u16 uni = f->first[p];
		u32 q;

		if (!dp || p == vp->index ||
		    (uni == NM_VFWD_NONE && bcast == NM_VFWD_NONE))
			continue;
		q = k->ring_id % dp->up.num_rings[NR_RX];
		if (q == 0) {
			nm_vale_deliver(k, f, dp, 0, uni, bcast);
		} else {
			if (uni != NM_VFWD_NONE)
				nm_vale_deliver(k, f, dp, q, uni, NM_VFWD_NONE);
			if (bcast != NM_VFWD_NONE)
				nm_vale_deliver(k, f, dp, 0, NM_VFWD_NONE, bcast);
		}
	}
}

int nm_vale_txsync(struct nm_kring *k, int flags)
{
	struct nm_vport *vp = to_vport(k->na);
	struct nm_vfwd *f = vp->fwd[k->ring_id];
	struct nm_mem *mem = k->na->mem;
	u32 n = k->num_slots, i = k->hwcur, head = k->rhead;

	rcu_read_lock();
	while (i != head) {
		memset(f->first, 0xff, sizeof(f->first));
		for (f->nent = 0; i != head && f->nent < vp->batch;) {
			u32 cnt = nm_vale_frame(k, i, head), dst;
			struct netmap_slot *s = &k->ring->slot[i];
			const u8 *eth = nm_mem_buf_addr(mem, s->buf_idx);

			if (s->len < ETH_HLEN) {
				dst = NM_VALE_NOPORT;
			} else {
				if (!is_multicast_ether_addr(eth + ETH_ALEN))
					nm_vale_learn(vp->sw, eth + ETH_ALEN, vp->index);
				dst = nm_vale_lookup(vp->sw, eth);
			}
			if (dst != NM_VALE_NOPORT && dst != vp->index) {
				f->ent[f->nent].slot = i;
				f->ent[f->nent].nslots = cnt;
				nm_vfwd_append(f, dst, f->nent);
				f->nent++;
			}
			i = (i + cnt) % n;
		}
		if (f->nent)
			nm_vale_flush(k, vp, f);
	}
	rcu_read_unlock();
	k->hwcur = head;
	k->hwtail = nm_prev(head, n);	/* every slot is free again */
	return 0;
}

int nm_vale_rxsync(struct nm_kring *k, int flags)
{
	struct nm_vrx *x = &to_vport(k->na)->rx[k->ring_id];

	spin_lock_bh(&x->lock);
	k->hwcur = k->rhead;
	k->hwtail = x->tail;
	spin_unlock_bh(&x->lock);
	return 0;
}
