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
 * A NIC port's "RX ring" is one of the NIC's TX rings: the frames are
 * written into it as a netmap user would, under its sync_lock, and its
 * txsync sends them (reclaiming room first when the ring is full).
 * Senders are virtual ports' txsyncs and the NIC attachments' pulls of
 * their RX rings (vale_nic.c).
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

/* The next entry of lists *a and *b in sending order, or NM_VFWD_NONE. */
static u16 nm_vfwd_pop(struct nm_vfwd *f, u16 *a, u16 *b)
{
	u16 e;

	if (*b == NM_VFWD_NONE || (*a != NM_VFWD_NONE && *a < *b)) {
		e = *a;
		if (e != NM_VFWD_NONE)
			*a = f->ent[e].next;
	} else {
		e = *b;
		*b = f->ent[e].next;
	}
	return e;
}

/*
 * Copy frame @e of sender ring @k into @dring (of region @dmem) at *pos,
 * if its slots fit in the @space free ones. Moves *pos on. @nic: the ring
 * is a NIC's TX ring, whose slots take no fragment count.
 */
static bool nm_vale_copy(struct nm_kring *k, const struct nm_vfwd_entry *e,
			 struct netmap_ring *dring, struct nm_mem *dmem,
			 u32 dn, u32 *pos, u32 space, bool nic)
{
	u16 count = nic ? 0 : e->nslots << 8;
	struct nm_mem *smem = k->na->mem;
	u32 dbufsz = nm_mem_buf_size(dmem);
	u32 i = e->slot, f;

	if (e->nslots > space)
		return false;
	for (f = 0; f < e->nslots; f++, i = nm_next(i, k->num_slots)) {
		struct netmap_slot *s = &k->ring->slot[i];
		struct netmap_slot *d = &dring->slot[*pos];
		u32 len = min(s->len, dbufsz);

		memcpy(nm_mem_buf_addr(dmem, d->buf_idx),
		       nm_mem_buf_addr(smem, s->buf_idx), len);
		d->len = len;
		d->flags = count | (f + 1 < e->nslots ? NS_MOREFRAG : 0);
		*pos = nm_next(*pos, dn);
	}
	return true;
}

/* Serve RX ring @q of virtual port @dp: lists @a and @b merged. */
static void nm_vale_deliver(struct nm_kring *k, struct nm_vfwd *f,
			    struct nm_vport *dp, u32 q, u16 a, u16 b)
{
	struct nm_kring *dk = &dp->up.krings[NR_RX][q];
	struct nm_vrx *x = &dp->rx[q];
	u32 dn = dk->num_slots;
	u32 moved = 0;
	u16 e;

	spin_lock_bh(&x->lock);
	if (!x->on)
		goto out;
	while ((e = nm_vfwd_pop(f, &a, &b)) != NM_VFWD_NONE)
		moved += nm_vale_copy(k, &f->ent[e], dk->ring, dk->na->mem, dn,
				      &x->tail,
				      nm_dist(x->tail, nm_prev(dk->hwcur, dn), dn),
				      false);
out:
	spin_unlock_bh(&x->lock);
	if (moved)
		nm_kring_notify(dk);
}

/*
 * Serve NIC TX ring @dk (a NIC port's way out): the switch is the ring's
 * only user; ring->head = ring->cur is where it writes next.
 */
static void nm_vale_deliver_hw(struct nm_kring *k, struct nm_vfwd *f,
			       struct nm_kring *dk, u16 a, u16 b)
{
	struct netmap_ring *ring;
	u32 dn = dk->num_slots, pos;
	bool reclaimed = false;
	u16 e;

	mutex_lock_nested(&dk->sync_lock, SINGLE_DEPTH_NESTING);
	ring = dk->ring;
	if (!ring || dk->stopped)
		goto out;
	pos = dk->rhead;
	while ((e = nm_vfwd_pop(f, &a, &b)) != NM_VFWD_NONE) {
		if (nm_vale_copy(k, &f->ent[e], ring, dk->na->mem, dn, &pos,
				 nm_dist(pos, dk->rtail, dn), true))
			continue;
		if (reclaimed)
			continue;	/* the ring is full: dropped */
		/* Send what is queued, take back what the NIC is done with. */
		WRITE_ONCE(ring->head, pos);
		WRITE_ONCE(ring->cur, pos);
		if (nm_txsync(dk, NM_SYNC_FORCE))
			goto out;
		reclaimed = true;
		nm_vale_copy(k, &f->ent[e], ring, dk->na->mem, dn, &pos,
			     nm_dist(pos, dk->rtail, dn), true);
	}
	if (pos != dk->rhead) {
		WRITE_ONCE(ring->head, pos);
		WRITE_ONCE(ring->cur, pos);
		nm_txsync(dk, 0);
	}
out:
	mutex_unlock(&dk->sync_lock);
}

static u32 nm_vport_nrx(const struct nm_vport *dp)
{
	return dp->hw ? dp->hw->ndst : dp->up.num_rings[NR_RX];
}

static void nm_vale_serve(struct nm_kring *k, struct nm_vfwd *f,
			  struct nm_vport *dp, u32 q, u16 a, u16 b)
{
	if (dp->hw)
		nm_vale_deliver_hw(k, f, &dp->hw->dst[q], a, b);
	else
		nm_vale_deliver(k, f, dp, q, a, b);
}

static void nm_vale_flush(struct nm_kring *k, struct nm_vale_sw *sw,
			  struct nm_vport *vp, struct nm_vfwd *f)
{
	u16 bcast = f->first[NM_VALE_BCAST];
	u32 p;

	for (p = 0; p < NM_VALE_MAXPORTS; p++) {
		struct nm_vport *dp = srcu_dereference(sw->ports[p], &nm_vale_srcu);
		u16 uni = f->first[p];
		u32 q;

		if (!dp || dp == vp ||
		    (uni == NM_VFWD_NONE && bcast == NM_VFWD_NONE))
			continue;
		q = k->ring_id % nm_vport_nrx(dp);
		if (q == 0) {
			nm_vale_serve(k, f, dp, 0, uni, bcast);
		} else {
			if (uni != NM_VFWD_NONE)
				nm_vale_serve(k, f, dp, q, uni, NM_VFWD_NONE);
			if (bcast != NM_VFWD_NONE)
				nm_vale_serve(k, f, dp, 0, NM_VFWD_NONE, bcast);
		}
	}
}

/*
 * Forward the frames in slots [from, to) of ring @k into the switch of
 * port @vp (nowhere if it is in none), using @f as the batch. The caller
 * holds @k's sync_lock; the slots are left as they are.
 */
void nm_vale_forward(struct nm_vport *vp, struct nm_vfwd *f,
		     struct nm_kring *k, u32 from, u32 to)
{
	struct nm_mem *mem = k->na->mem;
	u32 n = k->num_slots, i = from;
	struct nm_vale_sw *sw;
	int idx;

	idx = srcu_read_lock(&nm_vale_srcu);
	sw = srcu_dereference(vp->sw, &nm_vale_srcu);
	while (sw && i != to) {
		memset(f->first, 0xff, sizeof(f->first));
		for (f->nent = 0; i != to && f->nent < vp->batch;) {
			u32 cnt = nm_vale_frame(k, i, to), dst;
			struct netmap_slot *s = &k->ring->slot[i];
			const u8 *eth = nm_mem_buf_addr(mem, s->buf_idx);

			if (s->len < ETH_HLEN) {
				dst = NM_VALE_NOPORT;
			} else {
				if (!is_multicast_ether_addr(eth + ETH_ALEN))
					nm_vale_learn(sw, eth + ETH_ALEN, vp->index);
				dst = nm_vale_lookup(sw, eth);
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
			nm_vale_flush(k, sw, vp, f);
	}
	srcu_read_unlock(&nm_vale_srcu, idx);
}

int nm_vale_txsync(struct nm_kring *k, int flags)
{
	struct nm_vport *vp = to_vport(k->na);
	u32 head = k->rhead;

	nm_vale_forward(vp, vp->fwd[k->ring_id], k, k->hwcur, head);
	k->hwcur = head;
	k->hwtail = nm_prev(head, k->num_slots);	/* every slot is free again */
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
