/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netmap native mode for virtio_net, included by the patched virtio_net.c
 * after its queue helpers. Netmap ring q is queue pair q (those active at
 * probe). A netmap buffer goes to the device as a two-element chain: the
 * virtio-net header (RX: one per ring slot, written by the device; TX: one
 * zeroed header for all) and the buffer itself, so frames start at offset 0
 * of netmap buffers, as everywhere.
 *
 * RX: a buffer comes back with a token naming it (and the slot whose header
 * it used), whatever the order the device uses them in: the slot at hwtail
 * takes the returned buffer; the kernel-owned slots always hold exactly the
 * buffers the device has. A frame the device spreads over several buffers
 * (mergeable buffers; netmap mode asks the device for no offloads, so only
 * frames longer than a buffer) is dropped: its slots come back empty.
 * TX: the token names the slot; completions may come in any order, hwtail
 * only moves over completed slots.
 *
 * Switching modes resets the device (virtnet_nm_reset(), in the patch):
 * virtqueues cannot give back buffers otherwise, and the stack's and
 * netmap's never share a queue.
 */
#ifndef NM_VIRTIO_NET_H
#define NM_VIRTIO_NET_H

#include <linux/bitmap.h>
#include <linux/version.h>
#include "netmap_native.h"

/* Per queue, the glue's state; the arrays hang off virtnet_info. */
struct nm_vnet_q {
	struct netmap_slot *slot;	/* the netmap ring, while netmap's */
	u32 n;				/* its slots */
	bool bufs;			/* the virtqueue holds netmap buffers */
	/* RX */
	u8 *hdr;			/* one header per slot */
	u32 hdr_n;
	u32 tail;			/* hwtail as of the last sync */
	u32 posted;			/* slots from tail on the device has */
	u32 skip;			/* buffers of a too long frame left to drop */
	/* TX */
	unsigned long *done;		/* slots the device is done with */
	u32 done_n;
};

static int virtnet_nm_reset(struct virtnet_info *vi);
static int virtnet_clear_guest_offloads(struct virtnet_info *vi);
static int virtnet_restore_guest_offloads(struct virtnet_info *vi);

static bool nm_vnet_dma_premapped(struct virtnet_info *vi)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	return vi->rq[0].do_dma;
#else
	return false;
#endif
}

static bool nm_vnet_xdp_used(struct virtnet_info *vi)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	u32 i;

	for (i = 0; i < vi->max_queue_pairs; i++)
		if (vi->rq[i].xsk_pool || vi->sq[i].xsk_pool)
			return true;
#endif
	return vi->xdp_enabled;
}

static int nm_vnet_reg(struct net_device *dev, bool on)
{
	struct virtnet_info *vi = netdev_priv(dev);
	int err;

	if (on && nm_vnet_xdp_used(vi))
		return -EBUSY;	/* XDP shares the queues: one or the other */
	err = virtnet_nm_reset(vi);
	if (err)
		return err;
	/* Frames longer than a buffer would take several: ask for none. */
	if (on)
		virtnet_clear_guest_offloads(vi);
	else
		virtnet_restore_guest_offloads(vi);
	return 0;
}

/* Token of an RX buffer: the buffer and the slot whose header it has. */
static void *nm_vnet_rx_token(u32 buf_idx, u32 hdr_slot)
{
	return (void *)(((unsigned long)hdr_slot << 32) | ((unsigned long)buf_idx + 1));
}

/* Give the device buffers of the slots after the posted ones, up to @want. */
static void nm_vnet_rx_post(struct virtnet_info *vi, struct receive_queue *rq,
			    struct nm_vnet_q *q, u32 want)
{
	u32 bufsz = nm_native_buf_size(vi->nm);
	bool added = false;

	while (q->posted < want && rq->vq->num_free) {
		u32 i = nm_native_wrap(q->tail + q->posted, q->n);
		struct netmap_slot *slot = &q->slot[i];
		struct scatterlist sg[2];
		void *buf;

		buf = nm_native_buf(vi->nm, slot, NULL);
		slot->flags &= ~NS_BUF_CHANGED;
		sg_init_table(sg, 2);
		sg_set_buf(&sg[0], q->hdr + (size_t)i * vi->hdr_len, vi->hdr_len);
		sg_set_buf(&sg[1], buf, bufsz);
		if (virtqueue_add_inbuf(rq->vq, sg, 2,
					nm_vnet_rx_token(slot->buf_idx, i), GFP_KERNEL))
			break;
		added = true;
		q->bufs = true;
		q->posted++;
	}
	if (added)
		virtqueue_kick(rq->vq);
}

static u32 nm_vnet_rx_import(struct virtnet_info *vi, struct receive_queue *rq,
			     struct nm_vnet_q *q, struct nm_native_sync *s,
			     u32 stop)
{
	u32 i = s->hwtail, bad = 0;

	while (i != stop && q->posted) {
		struct netmap_slot *slot = &s->slot[i];
		struct virtio_net_hdr_mrg_rxbuf *hdr;
		unsigned long token;
		u32 len, hslot, nbufs = 1;

		token = (unsigned long)virtqueue_get_buf(rq->vq, &len);
		if (!token)
			break;
		hslot = token >> 32;
		slot->buf_idx = (u32)token - 1;
		slot->flags = NS_BUF_CHANGED;
		if (hslot >= q->n)
			hslot = 0;
		hdr = (void *)(q->hdr + (size_t)hslot * vi->hdr_len);
		if (vi->mergeable_rx_bufs)
			nbufs = virtio16_to_cpu(vi->vdev, hdr->num_buffers);
		len = len > vi->hdr_len ? len - vi->hdr_len : 0;
		if (q->skip) {
			/* The rest of a frame that did not fit in one buffer. */
			q->skip--;
			len = 0;
		} else if (nbufs > 1) {
			q->skip = nbufs - 1;
			len = 0;
			bad++;
		}
		if (len > nm_native_buf_size(vi->nm))
			len = 0;
		slot->len = len;
		q->posted--;
		i = nm_native_next(i, q->n);
	}
	s->hwtail = i;
	q->tail = i;
	return bad;
}

static int nm_vnet_rxsync(struct nm_native_sync *s)
{
	struct virtnet_info *vi = netdev_priv(s->dev);
	struct receive_queue *rq = &vi->rq[s->ring_id];
	struct nm_vnet_q *q = &vi->nm_rxq[s->ring_id];
	u32 stop, bad = 0;

	/* Slots userspace gave back go to the device (as room allows). */
	s->hwcur = s->head;
	nm_vnet_rx_post(vi, rq, q, s->hwcur == s->hwtail ? q->n :
			nm_native_wrap(s->hwcur + q->n - s->hwtail, q->n));
	stop = s->hwcur == 0 ? q->n - 1 : s->hwcur - 1;
	for (;;) {
		bad += nm_vnet_rx_import(vi, rq, q, s, stop);
		if (s->hwtail == stop || !q->posted)
			break;	/* no room: the next sync comes anyway */
		/*
		 * Interrupts back on (not while polling threads own the NIC:
		 * the core syncs again when they stop); a frame that came
		 * meanwhile: again.
		 */
		if (!nm_native_irq_wanted(vi->nm) || virtqueue_enable_cb(rq->vq))
			break;
		virtqueue_disable_cb(rq->vq);
	}
	if (bad)
		s->dev->stats.rx_length_errors += bad;
	return 0;
}

/* Slots of one frame: a TX token names the first and the last. */
#define NM_VNET_MAX_FRAGS	16

static void *nm_vnet_tx_token(u32 first, u32 last)
{
	return (void *)(((unsigned long)first << 32) | ((unsigned long)last + 1));
}

static void nm_vnet_tx_done(struct nm_vnet_q *q, u32 first, u32 last)
{
	u32 i;

	if (first >= q->n || last >= q->n)
		return;
	for (i = first;; i = nm_native_next(i, q->n)) {
		__set_bit(i, q->done);
		if (i == last)
			break;
	}
}

static void nm_vnet_tx_reclaim(struct send_queue *sq, struct nm_vnet_q *q,
			       struct nm_native_sync *s)
{
	unsigned long token;
	u32 len, i;

	while ((token = (unsigned long)virtqueue_get_buf(sq->vq, &len)))
		nm_vnet_tx_done(q, token >> 32, (u32)token - 1);
	for (i = nm_native_next(s->hwtail, q->n); i != s->hwcur && test_bit(i, q->done);
	     i = nm_native_next(i, q->n))
		__clear_bit(i, q->done);
	s->hwtail = i == 0 ? q->n - 1 : i - 1;
}

static int nm_vnet_txsync(struct nm_native_sync *s)
{
	struct virtnet_info *vi = netdev_priv(s->dev);
	struct send_queue *sq = &vi->sq[s->ring_id];
	struct nm_vnet_q *q = &vi->nm_txq[s->ring_id];
	struct scatterlist sg[NM_VNET_MAX_FRAGS + 1];
	bool added = false;
	u32 i = s->hwcur;

	while (i != s->head) {
		u32 j = i, cnt = 1, k;

		while (j != s->head && (s->slot[j].flags & NS_MOREFRAG)) {
			j = nm_native_next(j, q->n);
			cnt++;
		}
		if (j == s->head)
			break;		/* the rest of the frame is not there yet */
		if (cnt > NM_VNET_MAX_FRAGS) {
			s->dev->stats.tx_errors++;	/* dropped */
			nm_vnet_tx_done(q, i, j);
			i = nm_native_next(j, q->n);
			continue;
		}
		sg_init_table(sg, cnt + 1);
		sg_set_buf(&sg[0], vi->nm_txhdr, vi->hdr_len);
		for (k = 0; k < cnt; k++) {
			struct netmap_slot *slot = &s->slot[nm_native_wrap(i + k, q->n)];

			sg_set_buf(&sg[k + 1], nm_native_buf(vi->nm, slot, NULL), slot->len);
			slot->flags &= ~(NS_BUF_CHANGED | NS_REPORT);
		}
		if (virtqueue_add_outbuf(sq->vq, sg, cnt + 1, nm_vnet_tx_token(i, j),
					 GFP_KERNEL))
			break;		/* the queue is full: the rest waits */
		added = true;
		q->bufs = true;
		i = nm_native_next(j, q->n);
	}
	s->hwcur = i;
	if (added)
		virtqueue_kick(sq->vq);
	nm_vnet_tx_reclaim(sq, q, s);
	/* Room wanted: an interrupt when the device has sent some. */
	if (nm_native_next(s->hwtail, q->n) != s->hwcur &&
	    !virtqueue_enable_cb_delayed(sq->vq))
		nm_vnet_tx_reclaim(sq, q, s);
	return 0;
}

static const struct nm_native_ops nm_vnet_ops = {
	.reg = nm_vnet_reg,
	.txsync = nm_vnet_txsync,
	.rxsync = nm_vnet_rxsync,
};

/* Probe, after register_netdev(). */
static void nm_vnet_attach(struct virtnet_info *vi)
{
	u32 n = vi->curr_queue_pairs;
	struct nm_native_desc d = {
		.dev = vi->dev,
		.dma_dev = vi->vdev->dev.parent,
		.num_tx_rings = n,
		.num_rx_rings = n,
		.num_tx_slots = virtqueue_get_vring_size(vi->sq[0].vq),
		.num_rx_slots = virtqueue_get_vring_size(vi->rq[0].vq),
		.ops = &nm_vnet_ops,
	};

	if (BITS_PER_LONG < 64 || nm_vnet_dma_premapped(vi) || !d.dma_dev) {
		netdev_info(vi->dev, "netmap: no native mode on this device\n");
		return;
	}
	vi->nm_nq = n;
	vi->nm_rxq = kcalloc(n, sizeof(*vi->nm_rxq), GFP_KERNEL);
	vi->nm_txq = kcalloc(n, sizeof(*vi->nm_txq), GFP_KERNEL);
	vi->nm_txhdr = kzalloc(sizeof(struct virtio_net_hdr_v1_hash), GFP_KERNEL);
	if (vi->nm_rxq && vi->nm_txq && vi->nm_txhdr)
		vi->nm = nm_native_attach(&d);
}

/* Remove, before the device goes. */
static void nm_vnet_detach(struct virtnet_info *vi)
{
	u32 i;

	nm_native_detach(&vi->nm);
	for (i = 0; vi->nm_rxq && i < vi->nm_nq; i++)
		kfree(vi->nm_rxq[i].hdr);
	for (i = 0; vi->nm_txq && i < vi->nm_nq; i++)
		bitmap_free(vi->nm_txq[i].done);
	kfree(vi->nm_rxq);
	kfree(vi->nm_txq);
	kfree(vi->nm_txhdr);
	vi->nm_rxq = NULL;
	vi->nm_txq = NULL;
	vi->nm_txhdr = NULL;
}

/*
 * virtnet_open(), queue pair @i: true if netmap owns its RX queue (the
 * stack's buffers are not to be added). Process context.
 */
static bool nm_vnet_open_queue(struct virtnet_info *vi, u32 i)
{
	struct nm_native_ring ring;
	struct nm_vnet_q *q;

	if (!vi->nm || i >= vi->nm_nq)
		return false;
	if (nm_native_reset(vi->nm, NM_NATIVE_TX, i, &ring)) {
		u32 len;

		q = &vi->nm_txq[i];
		/* What completed while the queue was stopped is done with. */
		while (q->bufs && virtqueue_get_buf(vi->sq[i].vq, &len))
			;
		if (q->done_n < ring.num_slots) {
			bitmap_free(q->done);
			q->done = bitmap_zalloc(ring.num_slots, GFP_KERNEL);
			q->done_n = q->done ? ring.num_slots : 0;
		}
		if (!q->done) {
			nm_native_stop(vi->nm);	/* no memory: the rings stay still */
			return false;
		}
		bitmap_zero(q->done, ring.num_slots);
		q->slot = ring.slot;
		q->n = ring.num_slots;
	}
	if (!nm_native_reset(vi->nm, NM_NATIVE_RX, i, &ring))
		return false;
	q = &vi->nm_rxq[i];
	if (q->hdr_n < ring.num_slots) {
		kfree(q->hdr);
		q->hdr = kcalloc(ring.num_slots, vi->hdr_len, GFP_KERNEL);
		q->hdr_n = q->hdr ? ring.num_slots : 0;
	}
	if (!q->hdr) {
		nm_native_stop(vi->nm);
		return true;	/* nothing posted: the queue stays still */
	}
	q->slot = ring.slot;
	q->n = ring.num_slots;
	if (!q->bufs) {
		/* An empty queue: it gets every slot the kernel owns. */
		q->tail = ring.hw_ofs;
		q->posted = 0;
		q->skip = 0;
	}
	nm_vnet_rx_post(vi, &vi->rq[i], q, ring.avail);
	return true;
}

/*
 * free_unused_bufs(), device reset: true if netmap's buffers were in @vq
 * (now taken out). RX: the kernel-owned slots from hwtail on get the
 * buffers back, so that the ring holds each buffer once.
 */
static bool nm_vnet_unused(struct virtnet_info *vi, struct virtqueue *vq,
			   bool rx, u32 i)
{
	struct nm_vnet_q *q;
	unsigned long token;
	u32 j;

	if (!vi->nm_rxq || i >= vi->nm_nq)
		return false;
	q = rx ? &vi->nm_rxq[i] : &vi->nm_txq[i];
	if (!q->bufs)
		return false;
	/* The tokens name the buffers, in any order: slots tail, tail + 1... */
	j = q->tail;
	while ((token = (unsigned long)virtqueue_detach_unused_buf(vq))) {
		if (!rx || !q->posted)
			continue;
		q->slot[j].buf_idx = (u32)token - 1;
		q->slot[j].flags = NS_BUF_CHANGED;
		j = nm_native_next(j, q->n);
		q->posted--;
	}
	q->posted = 0;
	q->bufs = false;
	return true;
}

/* The TX interrupt: true if netmap owns the queue (its writer is woken). */
static bool nm_vnet_tx_irq(struct virtnet_info *vi, u32 i)
{
	return nm_native_tx_irq(vi->nm, i);
}

#endif /* NM_VIRTIO_NET_H */
