// SPDX-License-Identifier: GPL-2.0
/*
 * Transparent mode (ABI.md §5.6): on a port with host rings, an RX ring
 * with NR_FORWARD in ring->flags (or every RX ring if the module parameter
 * fwd is set) passes on what the program returns with NS_FORWARD instead of
 * dropping it:
 *  - NIC RX ring: the frame is handed to the host stack (a copy);
 *  - host RX ring: the buffer is swapped into a free slot of a NIC TX ring
 *    of the same fd, whose head and cur advance, and that ring is synced.
 * Both run inside the RX ring's rxsync (sync_lock held), on the returned
 * slots [hwcur, head), before the port may refill them. Only single-slot
 * frames are forwarded: a returned NS_MOREFRAG chain is dropped.
 *
 * Lock order: host RX ring sync_lock, then NIC TX ring sync_lock (nested;
 * nothing takes a TX ring's lock and then an RX ring's).
 */
#include <linux/if_ether.h>

#include "nm_kern.h"

bool nm_fwd_enabled(const struct nm_kring *k)
{
	struct nm_adapter *na = k->na;

	if (!na->num_host_rings[NR_TX] || !na->num_host_rings[NR_RX])
		return false;
	return READ_ONCE(nm_fwd) || (READ_ONCE(k->ring->flags) & NR_FORWARD);
}

static bool nm_fwd_slot(const struct netmap_slot *s)
{
	return READ_ONCE(nm_fwd) || (s->flags & NS_FORWARD);
}

void nm_fwd_nic_to_host(struct nm_kring *k, u32 head)
{
	struct nm_adapter *na = k->na;
	struct nm_mem *mem = na->mem;
	u32 bufsz = nm_mem_buf_size(mem), n = k->num_slots, i;
	bool chain = false;

	for (i = k->hwcur; i != head; i = nm_next(i, n)) {
		struct netmap_slot *s = &k->ring->slot[i];
		bool more = s->flags & NS_MOREFRAG;
		bool part = chain || more;

		chain = more;
		if (!nm_fwd_slot(s))
			continue;
		s->flags &= ~NS_FORWARD;
		if (part || s->len < ETH_HLEN || s->len > bufsz ||
		    !nm_mem_buf_valid(mem, s->buf_idx))
			continue;
		na->ops->host_send(na, nm_mem_buf_addr(mem, s->buf_idx), s->len);
	}
}

/* Move what fits of [*i, head) of @hk into the free slots of @tk. */
static u32 nm_fwd_into(struct nm_kring *hk, u32 *i, u32 head,
		       struct nm_kring *tk)
{
	struct netmap_ring *tr = tk->ring;
	struct nm_mem *mem = hk->na->mem;
	u32 bufsz = nm_mem_buf_size(mem), hn = hk->num_slots;
	u32 tn = tk->num_slots, th = READ_ONCE(tr->head), moved = 0;
	bool chain = false;

	if (!nm_in_range(th, tk->rhead, tk->rtail, tn))
		return 0;	/* the user broke this ring: its txsync repairs it */
	for (; *i != head; *i = nm_next(*i, hn)) {
		struct netmap_slot *hs = &hk->ring->slot[*i], *ts;
		bool part = chain || (hs->flags & NS_MOREFRAG);
		u32 idx;

		chain = hs->flags & NS_MOREFRAG;
		if (!nm_fwd_slot(hs))
			continue;
		if (part || hs->len < ETH_HLEN || hs->len > bufsz ||
		    !nm_mem_buf_valid(mem, hs->buf_idx)) {
			hs->flags &= ~NS_FORWARD;
			continue;
		}
		if (th == tk->rtail)
			break;		/* full: the next TX ring may have room */
		ts = &tr->slot[th];
		idx = ts->buf_idx;
		ts->buf_idx = hs->buf_idx;
		ts->len = hs->len;
		ts->flags = NS_BUF_CHANGED;
		hs->buf_idx = idx;
		hs->len = 0;
		hs->flags = NS_BUF_CHANGED;
		th = nm_next(th, tn);
		moved++;
	}
	if (moved) {
		WRITE_ONCE(tr->head, th);
		WRITE_ONCE(tr->cur, th);
	}
	return moved;
}

void nm_fwd_host_to_nic(struct nm_kring *hk, u32 head)
{
	struct nm_adapter *na = hk->na;
	u32 i = hk->hwcur, r;

	for (r = 0; r < na->num_rings[NR_TX] && i != head; r++) {
		struct nm_kring *tk = &na->krings[NR_TX][r];

		mutex_lock_nested(&tk->sync_lock, SINGLE_DEPTH_NESTING);
		if (tk->ring && !tk->stopped && nm_fwd_into(hk, &i, head, tk))
			nm_txsync(tk, 0);
		mutex_unlock(&tk->sync_lock);
	}
	/* What found no room is dropped like any returned slot. */
	for (; i != head; i = nm_next(i, hk->num_slots))
		hk->ring->slot[i].flags &= ~NS_FORWARD;
}
