/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netmap native mode for 8139cp (RTL-8139C+), included by the patched
 * 8139cp.c after struct cp_private: the driver's own types, register
 * accessors and open/close are in scope here.
 *
 * One TX and one RX ring of CP_TX_RING_SIZE / CP_RX_RING_SIZE descriptors;
 * descriptor d holds the buffer of slot d + hw_ofs. The C+ descriptor: opts1
 * = DescOwn | RingEnd (last descriptor) | FirstFrag | LastFrag | length
 * (13 bits; on RX the received length including the 4-byte FCS), addr = bus
 * address. Interrupts: the RX NAPI poll and the TX completion only wake the
 * netmap ring while netmap owns it.
 */
#ifndef NM_8139CP_H
#define NM_8139CP_H

#include <linux/etherdevice.h>
#include "netmap_native.h"

static int cp_open(struct net_device *dev);
static int cp_close(struct net_device *dev);

#define NM_CP_LEN_MASK	0x1fff

static int nm_cp_reg(struct net_device *dev, bool on)
{
	if (!netif_running(dev))
		return 0;	/* the next open sets the rings up */
	cp_close(dev);
	return cp_open(dev);
}

static u32 nm_cp_eor(u32 d, u32 n)
{
	return d == n - 1 ? RingEnd : 0;
}

static int nm_cp_txsync(struct nm_native_sync *s)
{
	struct cp_private *cp = netdev_priv(s->dev);
	u32 n = s->num_slots, i = s->hwcur, queued = 0;

	/* Whole frames in [hwcur, head): the first descriptor is handed over last. */
	while (i != s->head) {
		u32 j = i, cnt = 0, first_opts = 0, first_d = 0;

		while (j != s->head && (s->slot[j].flags & NS_MOREFRAG)) {
			j = nm_native_next(j, n);
			cnt++;
		}
		if (j == s->head)
			break;		/* the rest of this frame is not there yet */
		cnt++;
		j = nm_native_next(j, n);
		for (; i != j; i = nm_native_next(i, n)) {
			struct netmap_slot *slot = &s->slot[i];
			u32 d = nm_native_desc(s->hw_ofs, i, n);
			struct cp_desc *txd = &cp->tx_ring[d];
			u32 len, opts;
			dma_addr_t dma;

			nm_native_buf(s->nm, slot, &dma);
			len = slot->len;
			if (cnt == 1 && len < ETH_ZLEN)
				len = ETH_ZLEN;	/* pad: the chip sends what it is given */
			nm_native_sync_for_device(s->nm, dma, len);
			slot->flags &= ~(NS_BUF_CHANGED | NS_REPORT);
			opts = DescOwn | nm_cp_eor(d, n) | (len & NM_CP_LEN_MASK);
			if (!first_opts)
				opts |= FirstFrag;
			if (!(slot->flags & NS_MOREFRAG))
				opts |= LastFrag;
			txd->opts2 = 0;
			txd->addr = cpu_to_le64(dma);
			if (!first_opts) {
				first_opts = opts;
				first_d = d;
				continue;
			}
			/* The chip must see the address before ownership. */
			wmb();
			txd->opts1 = cpu_to_le32(opts);
		}
		/* The rest of the frame before its first descriptor. */
		wmb();
		cp->tx_ring[first_d].opts1 = cpu_to_le32(first_opts);
		queued++;
	}
	s->hwcur = i;
	if (queued) {
		/* Descriptors in memory before the doorbell. */
		wmb();
		cpw8(TxPoll, NormalTxPoll);
	}
	/* Reclaim what the chip is done with, in order. */
	for (i = nm_native_next(s->hwtail, n); i != s->hwcur; i = nm_native_next(i, n)) {
		u32 d = nm_native_desc(s->hw_ofs, i, n);

		if (le32_to_cpu(READ_ONCE(cp->tx_ring[d].opts1)) & DescOwn)
			break;
	}
	s->hwtail = i == 0 ? n - 1 : i - 1;
	return 0;
}

static void nm_cp_rx_arm(struct cp_private *cp, struct nm_native *nm,
			 struct netmap_slot *slot, u32 d, u32 n)
{
	struct cp_desc *rxd = &cp->rx_ring[d];
	u32 bufsz = min_t(u32, nm_native_buf_size(nm), NM_CP_LEN_MASK);
	dma_addr_t dma;

	nm_native_buf(nm, slot, &dma);
	slot->flags &= ~NS_BUF_CHANGED;
	rxd->opts2 = 0;
	rxd->addr = cpu_to_le64(dma);
	/* The chip must see the address before ownership. */
	wmb();
	rxd->opts1 = cpu_to_le32(DescOwn | nm_cp_eor(d, n) | bufsz);
}

static int nm_cp_rxsync(struct nm_native_sync *s)
{
	struct cp_private *cp = netdev_priv(s->dev);
	u32 n = s->num_slots, i, stop;

	/* Slots userspace returned go back to the chip. */
	for (i = s->hwcur; i != s->head; i = nm_native_next(i, n))
		nm_cp_rx_arm(cp, s->nm, &s->slot[i],
			     nm_native_desc(s->hw_ofs, i, n), n);
	s->hwcur = s->head;
	/* Frames the chip completed, from hwtail on. */
	stop = s->hwcur == 0 ? n - 1 : s->hwcur - 1;
	for (i = s->hwtail; i != stop; i = nm_native_next(i, n)) {
		struct netmap_slot *slot = &s->slot[i];
		u32 d = nm_native_desc(s->hw_ofs, i, n);
		u32 status = le32_to_cpu(READ_ONCE(cp->rx_ring[d].opts1));
		u32 len = status & NM_CP_LEN_MASK;
		dma_addr_t dma;

		if (status & DescOwn)
			break;
		dma_rmb();	/* the frame after the status */
		len = len > 4 ? len - 4 : 0;	/* without the FCS */
		if ((status & (RxError | RxErrFIFO)) ||
		    (status & (FirstFrag | LastFrag)) != (FirstFrag | LastFrag)) {
			cp->dev->stats.rx_errors++;
			len = 0;
		}
		nm_native_buf(s->nm, slot, &dma);
		nm_native_sync_for_cpu(s->nm, dma, len);
		slot->len = len;
		slot->flags = 0;
	}
	s->hwtail = i;
	return 0;
}

static const struct nm_native_ops nm_cp_ops = {
	.reg = nm_cp_reg,
	.txsync = nm_cp_txsync,
	.rxsync = nm_cp_rxsync,
};

/* Probe, after register_netdev(). */
static void nm_cp_attach(struct cp_private *cp)
{
	struct nm_native_desc d = {
		.dev = cp->dev,
		.dma_dev = &cp->pdev->dev,
		.num_tx_rings = 1,
		.num_rx_rings = 1,
		.num_tx_slots = CP_TX_RING_SIZE,
		.num_rx_slots = CP_RX_RING_SIZE,
		.ops = &nm_cp_ops,
	};

	cp->nm = nm_native_attach(&d);
}

/* cp_init_rings(): true if netmap set the RX ring up. */
static bool nm_cp_init_rings(struct cp_private *cp)
{
	struct nm_native_ring r;
	u32 d;

	if (!cp->nm)
		return false;
	nm_native_reset(cp->nm, NM_NATIVE_TX, 0, &r);	/* empty either way */
	if (!nm_native_reset(cp->nm, NM_NATIVE_RX, 0, &r))
		return false;
	for (d = 0; d < CP_RX_RING_SIZE; d++) {
		struct cp_desc *rxd = &cp->rx_ring[d];

		cp->rx_skb[d] = NULL;
		if (d < r.avail) {
			nm_cp_rx_arm(cp, cp->nm,
				     &r.slot[nm_native_slot(r.hw_ofs, d, r.num_slots)],
				     d, CP_RX_RING_SIZE);
		} else {
			rxd->opts2 = 0;
			rxd->addr = 0;
			rxd->opts1 = cpu_to_le32(nm_cp_eor(d, CP_RX_RING_SIZE));
		}
	}
	return true;
}

/* NAPI poll: netmap's ring only needs its readers woken. */
static bool nm_cp_rx_poll(struct cp_private *cp, struct napi_struct *napi)
{
	unsigned long flags;

	if (!cp->nm || !nm_native_rx_irq(cp->nm, 0))
		return false;
	if (napi_complete_done(napi, 0)) {
		spin_lock_irqsave(&cp->lock, flags);
		cpw16_f(IntrMask, cp_intr_mask);
		spin_unlock_irqrestore(&cp->lock, flags);
	}
	return true;
}

static bool nm_cp_tx_irq(struct cp_private *cp)
{
	return cp->nm && nm_native_tx_irq(cp->nm, 0);
}

/* ndo_start_xmit: the stack may not use a ring netmap owns. */
static bool nm_cp_xmit_owned(struct cp_private *cp, struct sk_buff *skb)
{
	if (!cp->nm || !nm_native_tx_owned(cp->nm, 0))
		return false;
	dev_kfree_skb_any(skb);
	cp->dev->stats.tx_dropped++;
	return true;
}

#endif /* NM_8139CP_H */
