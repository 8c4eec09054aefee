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
 * Copying a frame into a destination ring (and between ports with
 * different virtio-net header lengths): vale_copy.c, vale_vnet.c.
 */
#include <linux/etherdevice.h>
#include <linux/jhash.h>
#include <linux/uaccess.h>

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
 * An NS_INDIRECT slot of a virtual port's TX ring: the payload is at the
 * sender's user address slot->ptr; it is copied into the slot's own buffer
 * (at most a buffer), so that the frame is forwarded like any other. A bad
 * address leaves an empty slot, which the switch drops. Process context:
 * txsync runs in the caller of the ioctl or poll.
 */
static void nm_vale_indirect(struct nm_kring *k, struct netmap_slot *s)
{
	struct nm_mem *mem = k->na->mem;
	u32 len = min(READ_ONCE(s->len), nm_mem_buf_size(mem));

	nm_slot_sanitize(k, s);
	if (copy_from_user(nm_mem_buf_addr(mem, s->buf_idx),
			   u64_to_user_ptr(READ_ONCE(s->ptr)), len)) {
		nm_info_rl("%s: NS_INDIRECT slot %td: bad address\n",
			   k->na->name, s - k->ring->slot);
		len = 0;
	}
	s->len = len;
}

/*
 * The frame starting at slot @i (before @head): its slot count, at most
 * NETMAP_MAX_FRAGS, and its length in *@len; a chain still open at @head
 * (or too long) ends there. @indirect: NS_INDIRECT slots are honoured.
 */
static u32 nm_vale_frame(struct nm_kring *k, u32 i, u32 head, bool indirect,
			 u32 *len)
{
	u32 cnt = 0;

	*len = 0;
	while (i != head) {
		struct netmap_slot *s = &k->ring->slot[i];

		if (indirect && (READ_ONCE(s->flags) & NS_INDIRECT))
			nm_vale_indirect(k, s);
		nm_slot_sanitize(k, s);
		s->flags &= ~(NS_BUF_CHANGED | NS_REPORT);
		*len += s->len;
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

static void nm_vdst_init(struct nm_vdst *d, struct nm_kring *dk, u32 pos,
			 u32 space, u32 hdr, bool nic)
{
	d->ring = dk->ring;
	d->bufs = &dk->bufs;
	d->n = dk->num_slots;
	d->bufsz = dk->bufs.size;
	d->pos = pos;
	d->space = space;
	d->hdr = hdr;
	d->nic = nic;
}

/* Serve RX ring @q of virtual port @dp: lists @a and @b merged. */
static void nm_vale_deliver(struct nm_kring *k, struct nm_vfwd *f, u32 sh,
			    struct nm_vport *dp, u32 q, u32 dh, u16 a, u16 b)
{
	struct nm_kring *dk = &dp->up.krings[NR_RX][q];
	struct nm_vrx *x = &dp->rx[q];
	struct nm_vdst d;
	u32 moved = 0;
	u16 e;

	spin_lock_bh(&x->lock);
	if (!x->on)
		goto out;
	nm_vdst_init(&d, dk, x->tail,
		     nm_dist(x->tail, nm_prev(dk->hwcur, dk->num_slots),
			     dk->num_slots), dh, false);
	while ((e = nm_vfwd_pop(f, &a, &b)) != NM_VFWD_NONE)
		moved += nm_vale_copy(k, &f->ent[e], sh, &d);
	x->tail = d.pos;
out:
	spin_unlock_bh(&x->lock);
	if (moved)
		nm_kring_notify(dk);
}

/* Hand NIC TX ring @dk the slots up to @pos, as its user would. */
static int nm_vale_push(struct nm_kring *dk, u32 pos, int flags)
{
	WRITE_ONCE(dk->ring->head, pos);
	WRITE_ONCE(dk->ring->cur, pos);
	return nm_txsync(dk, flags);
}

/*
 * Serve NIC TX ring @dk (a NIC port's way out): the switch is the ring's
 * only user; ring->head = ring->cur is where it writes next.
 */
static void nm_vale_deliver_hw(struct nm_kring *k, struct nm_vfwd *f, u32 sh,
			       struct nm_kring *dk, u16 a, u16 b)
{
	bool reclaimed = false;
	struct nm_vdst d;
	u16 e;

	mutex_lock_nested(&dk->sync_lock, SINGLE_DEPTH_NESTING);
	if (!dk->ring || dk->stopped)
		goto out;
	nm_vdst_init(&d, dk, dk->rhead, nm_dist(dk->rhead, dk->rtail, dk->num_slots),
		     0, true);
	while ((e = nm_vfwd_pop(f, &a, &b)) != NM_VFWD_NONE) {
		if (nm_vale_copy(k, &f->ent[e], sh, &d) || reclaimed)
			continue;	/* copied, or dropped: the ring is full */
		/* Send what is queued, take back what the NIC is done with. */
		if (nm_vale_push(dk, d.pos, NM_SYNC_FORCE))
			goto out;
		reclaimed = true;
		d.space = nm_dist(d.pos, dk->rtail, dk->num_slots);
		nm_vale_copy(k, &f->ent[e], sh, &d);
	}
	if (d.pos != dk->rhead)
		nm_vale_push(dk, d.pos, 0);
out:
	mutex_unlock(&dk->sync_lock);
}

static u32 nm_vport_nrx(const struct nm_vport *dp)
{
	return dp->hw ? dp->hw->ndst : dp->up.num_rings[NR_RX];
}

static void nm_vale_serve(struct nm_kring *k, struct nm_vfwd *f, u32 sh,
			  struct nm_vport *dp, u32 q, u32 dh, u16 a, u16 b)
{
	if (dp->hw)
		nm_vale_deliver_hw(k, f, sh, &dp->hw->dst[q], a, b);
	else
		nm_vale_deliver(k, f, sh, dp, q, dh, a, b);
}

/* A header-less destination: build the wire frames its entries need. */
static void nm_vale_wire_list(struct nm_kring *k, struct nm_vfwd *f, u32 sh,
			      u16 a)
{
	for (; a != NM_VFWD_NONE; a = f->ent[a].next) {
		struct nm_vfwd_entry *e = &f->ent[a];

		if (e->sw && !e->wired)
			nm_vnet_wire(k, e, sh);
	}
}

static void nm_vale_flush(struct nm_kring *k, struct nm_vale_sw *sw,
			  struct nm_vport *vp, u32 sh, struct nm_vfwd *f)
{
	u16 bcast = f->first[NM_VALE_BCAST];
	u32 p;

	for (p = 0; p < NM_VALE_MAXPORTS; p++) {
		struct nm_vport *dp = srcu_dereference(sw->ports[p], &nm_vale_srcu);
		u16 uni = f->first[p];
		u32 q, dh;

		if (!dp || dp == vp ||
		    (uni == NM_VFWD_NONE && bcast == NM_VFWD_NONE))
			continue;
		dh = nm_vport_hdr(dp);
		if (f->nsw && !dh) {
			nm_vale_wire_list(k, f, sh, uni);
			nm_vale_wire_list(k, f, sh, bcast);
		}
		q = k->ring_id % nm_vport_nrx(dp);
		if (q == 0) {
			nm_vale_serve(k, f, sh, dp, 0, dh, uni, bcast);
		} else {
			if (uni != NM_VFWD_NONE)
				nm_vale_serve(k, f, sh, dp, q, dh, uni, NM_VFWD_NONE);
			if (bcast != NM_VFWD_NONE)
				nm_vale_serve(k, f, sh, dp, 0, dh, NM_VFWD_NONE, bcast);
		}
	}
	nm_vnet_unwire(f);
}

/*
 * Forward the frames in slots [from, to) of ring @k into the switch of
 * port @vp (nowhere if it is in none), using @f as the batch. The caller
 * holds @k's sync_lock; the slots are left as they are.
 */
void nm_vale_forward(struct nm_vport *vp, struct nm_vfwd *f,
		     struct nm_kring *k, u32 from, u32 to)
{
	u32 n = k->num_slots, i = from, sh = nm_vport_hdr(vp);
	struct nm_vale_sw *sw;
	int idx;

	idx = srcu_read_lock(&nm_vale_srcu);
	sw = srcu_dereference(vp->sw, &nm_vale_srcu);
	while (sw && i != to) {
		memset(f->first, 0xff, sizeof(f->first));
		f->nsw = 0;
		for (f->nent = 0; i != to && f->nent < vp->batch;) {
			struct nm_vfwd_entry *e = &f->ent[f->nent];
			u32 len, cnt = nm_vale_frame(k, i, to, !vp->hw, &len), dst;
			struct netmap_slot *s = &k->ring->slot[i];
			const u8 *buf = nm_kring_buf(k, s->buf_idx);
			const u8 *eth = buf + sh;

			if (s->len < sh + ETH_HLEN) {
				dst = NM_VALE_NOPORT;
			} else {
				if (!is_multicast_ether_addr(eth + ETH_ALEN))
					nm_vale_learn(sw, eth + ETH_ALEN, vp->index);
				dst = nm_vale_lookup(sw, eth);
			}
			if (dst != NM_VALE_NOPORT && dst != vp->index) {
				e->slot = i;
				e->nslots = cnt;
				e->len = len;
				e->sw = sh && nm_vnet_needs_sw(buf);
				e->wired = false;
				e->wire = NULL;
				f->nsw += e->sw;
				nm_vfwd_append(f, dst, f->nent);
				f->nent++;
			}
			i += cnt;	/* cnt <= n */
			if (i >= n)
				i -= n;
		}
		if (f->nent)
			nm_vale_flush(k, sw, vp, sh, f);
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
