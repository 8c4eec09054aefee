// SPDX-License-Identifier: GPL-2.0
/*
 * Ring synchronisation: validation of what userspace wrote in the shared
 * ring, the txsync/rxsync prologue and epilogue around each port's sync, the
 * NIOCTXSYNC/NIOCRXSYNC ioctls and poll().
 *
 * The head/cur/tail contract (ABI.md §5.1-§5.4):
 *  - userspace owns slots [head, tail) and may move head and cur forward up
 *    to tail; the kernel owns [tail, head);
 *  - a sync never changes head or cur; it publishes a new tail;
 *  - values that break the contract get the ring re-initialised: the sync of
 *    a TX ring is skipped, an RX ring is synced after the repair.
 */
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/ktime.h>
#include <linux/time64.h>

#include "nm_kern.h"

/* Repair a ring after invalid indices (ABI.md §5.4). */
static void nm_ring_reinit(struct nm_kring *k, u32 head, u32 cur, u32 tail)
{
	struct netmap_ring *ring = k->ring;
	struct nm_mem *mem = k->na->mem;
	u32 bufsz = nm_mem_buf_size(mem);
	u32 n = k->num_slots, i;

	nm_info_rl("%s %s%u: bad ring indices head %u cur %u tail %u (hwcur %u hwtail %u), reinit\n",
		   k->na->name, nm_txrx_str(k->tx), k->ring_id, head, cur, tail,
		   k->hwcur, k->hwtail);
	for (i = 0; i < n; i++) {
		struct netmap_slot *s = &ring->slot[i];

		if (!nm_mem_buf_valid(mem, s->buf_idx)) {
			s->buf_idx = 0;
			s->len = 0;
		} else if (s->len > bufsz) {
			s->len = 0;
		}
	}
	if (head >= n || cur >= n || tail >= n) {
		head = k->hwcur;
		cur = k->hwcur;
		tail = k->hwtail;
		WRITE_ONCE(ring->head, head);
		WRITE_ONCE(ring->cur, cur);
		WRITE_ONCE(ring->tail, tail);
	}
	/* Otherwise the user's values become the new reference (ABI.md Q2). */
	k->rhead = head;
	k->rcur = cur;
	k->rtail = tail;
}

/*
 * Sanitise one slot before a port hands it on: a buffer index outside the
 * region becomes the reserved buffer 0, an overlong length is clamped.
 */
void nm_slot_sanitize(struct nm_kring *k, struct netmap_slot *s)
{
	struct nm_mem *mem = k->na->mem;
	u32 bufsz = nm_mem_buf_size(mem);

	if (unlikely(!nm_mem_buf_valid(mem, s->buf_idx))) {
		s->buf_idx = 0;
		s->len = 0;
	} else if (unlikely(s->len > bufsz)) {
		s->len = bufsz;
	}
}

/* Call with k->sync_lock held. Returns 0, -EINVAL after a reinit, or -EIO. */
int nm_txsync(struct nm_kring *k, int flags)
{
	struct netmap_ring *ring = k->ring;
	u32 n = k->num_slots, head, cur;
	int err;

	if (unlikely(k->stopped || !ring))
		return -EIO;
	head = READ_ONCE(ring->head);
	cur = READ_ONCE(ring->cur);
	if (READ_ONCE(ring->tail) != k->rtail)
		WRITE_ONCE(ring->tail, k->rtail);
	if (unlikely(!nm_in_range(head, k->rhead, k->rtail, n) ||
		     !nm_in_range(cur, head, k->rtail, n))) {
		nm_ring_reinit(k, head, cur, READ_ONCE(ring->tail));
		return -EINVAL;
	}
	k->rhead = head;
	k->rcur = cur;
	err = k->sync(k, flags);
	k->rtail = k->hwtail;
	WRITE_ONCE(ring->tail, k->hwtail);
	return err;
}

static void nm_ring_timestamp(struct netmap_ring *ring)
{
	struct timespec64 ts;

	ktime_get_real_ts64(&ts);
	ring->ts.tv_sec = ts.tv_sec;
	ring->ts.tv_usec = ts.tv_nsec / NSEC_PER_USEC;
}

/* Call with k->sync_lock held. Returns 0, -EINVAL if a reinit was needed, or -EIO. */
int nm_rxsync(struct nm_kring *k, int flags)
{
	struct netmap_ring *ring = k->ring;
	u32 n = k->num_slots, head, cur;
	int ret = 0, err;

	if (unlikely(k->stopped || !ring))
		return -EIO;
	head = READ_ONCE(ring->head);
	cur = READ_ONCE(ring->cur);
	if (unlikely(!nm_in_range(head, k->hwcur, k->hwtail, n) ||
		     !nm_in_range(cur, head, k->hwtail, n))) {
		nm_ring_reinit(k, head, cur, READ_ONCE(ring->tail));
		head = k->rhead;
		cur = k->rcur;
		ret = -EINVAL;
		if (!nm_in_range(head, k->hwcur, k->hwtail, n) ||
		    !nm_in_range(cur, head, k->hwtail, n)) {
			/* Adopted values still unusable: return nothing this time. */
			head = k->hwcur;
			cur = k->hwcur;
		}
	}
	if (nm_fwd_enabled(k)) {
		/* Returned slots marked NS_FORWARD go to the other side first. */
		if (!k->host)
			nm_fwd_nic_to_host(k, head);
		else if (flags & NM_SYNC_ALL_TX)
			nm_fwd_host_to_nic(k, head);
	}
	k->rhead = head;
	k->rcur = cur;
	err = k->sync(k, flags);
	if (err)
		ret = err;
	k->rtail = k->hwtail;
	WRITE_ONCE(ring->tail, k->hwtail);
	if (!READ_ONCE(nm_no_timestamp) || (ring->flags & NR_TIMESTAMP))
		nm_ring_timestamp(ring);
	return ret;
}

static struct nm_kring *nm_bound_kring(struct nm_priv *priv, enum nm_txrx t,
				       u32 i)
{
	return &priv->na->krings[t][i];
}

/* Host->NIC forwarding needs the fd to hold every NIC TX ring (ABI.md §5.6). */
static int nm_rx_flags(struct nm_priv *priv)
{
	return priv->first[NR_TX] == 0 &&
	       priv->last[NR_TX] >= priv->na->num_rings[NR_TX] ?
	       NM_SYNC_ALL_TX : 0;
}

int nm_ioctl_sync(struct nm_priv *priv, enum nm_txrx t)
{
	u32 i;
	int err = 0;

	if (!nm_priv_bound(priv))
		return -ENXIO;
	for (i = priv->first[t]; i < priv->last[t]; i++) {
		struct nm_kring *k = nm_bound_kring(priv, t, i);
		int e;

		mutex_lock(&k->sync_lock);
		if (t == NR_TX)
			e = nm_txsync(k, NM_SYNC_FORCE);
		else
			e = nm_rxsync(k, NM_SYNC_FORCE | nm_rx_flags(priv));
		mutex_unlock(&k->sync_lock);
		if (e == -EIO)
			err = -EIO;
	}
	return err;
}

/*
 * poll(): the syncs happen here (ABI.md §5.8). Every bound ring's wait
 * queue is registered before looking at the rings, so a wake-up between the
 * check and the sleep is never lost.
 */
__poll_t nm_poll(struct nm_priv *priv, struct file *file, poll_table *wait)
{
	bool want_tx, want_rx;
	__poll_t revents = 0;
	__poll_t events;
	enum nm_txrx t;
	u32 i;

	if (!nm_priv_bound(priv))
		return EPOLLERR;
	events = poll_requested_events(wait);
	want_tx = events & (EPOLLOUT | EPOLLWRNORM);
	want_rx = events & (EPOLLIN | EPOLLRDNORM);

	for (t = NR_TX; t < NR_TXRX; t++)
		for (i = priv->first[t]; i < priv->last[t]; i++)
			poll_wait(file, &nm_bound_kring(priv, t, i)->wq, wait);

	if (want_tx || !(priv->flags & NR_NO_TX_POLL)) {
		for (i = priv->first[NR_TX]; i < priv->last[NR_TX]; i++) {
			struct nm_kring *k = nm_bound_kring(priv, NR_TX, i);
			int err = 0;

			mutex_lock(&k->sync_lock);
			if (!k->ring || k->stopped)
				err = -EIO;
			else if (!(want_tx && !(revents & EPOLLOUT)) &&
				 READ_ONCE(k->ring->head) == k->hwcur)
				; /* nothing to send, no space needed */
			else
				err = nm_txsync(k, 0);
			if (err)
				revents |= EPOLLERR;
			else if (want_tx && k->rcur != k->hwtail)
				revents |= events & (EPOLLOUT | EPOLLWRNORM);
			mutex_unlock(&k->sync_lock);
		}
	}
	if (want_rx) {
		int rxflags = nm_rx_flags(priv);

		for (i = priv->first[NR_RX]; i < priv->last[NR_RX]; i++) {
			struct nm_kring *k = nm_bound_kring(priv, NR_RX, i);
			int err;

			mutex_lock(&k->sync_lock);
			err = nm_rxsync(k, rxflags);
			if (err)
				revents |= EPOLLERR;
			if (err != -EIO && k->rcur != k->hwtail)
				revents |= events & (EPOLLIN | EPOLLRDNORM);
			mutex_unlock(&k->sync_lock);
		}
	}
	return revents;
}
