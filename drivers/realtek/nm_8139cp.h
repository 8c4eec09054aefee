/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netmap native mode for 8139cp (RTL-8139C+), included by the patched
 * 8139cp.c after struct cp_private: the driver's own types, register
 * accessors and open/close are in scope here. The descriptor logic is the
 * Realtek one shared with r8169 (rtl_nm.h); here are the chip's specifics:
 * one TX and one RX ring of CP_TX_RING_SIZE / CP_RX_RING_SIZE descriptors,
 * 13-bit lengths, the TxPoll doorbell, RX errors RxError/RxErrFIFO, and the
 * interrupt paths: the RX NAPI poll and the TX completion only wake the
 * netmap ring while netmap owns it.
 */
#ifndef NM_8139CP_H
#define NM_8139CP_H

#include <linux/etherdevice.h>
#include "rtl_nm.h"

static int cp_open(struct net_device *dev);
static int cp_close(struct net_device *dev);

static void nm_cp_ring(struct cp_private *cp, bool tx, struct rtl_nm_ring *r)
{
	r->desc = (struct rtl_desc *)(tx ? cp->tx_ring : cp->rx_ring);
	r->n = tx ? CP_TX_RING_SIZE : CP_RX_RING_SIZE;
	r->len_mask = 0x1fff;
	r->rx_err = RxError | RxErrFIFO;
	r->min_len = ETH_ZLEN;	/* the chip sends what it is given */
}

static int nm_cp_reg(struct net_device *dev, bool on)
{
	if (!netif_running(dev))
		return 0;	/* the next open sets the rings up */
	cp_close(dev);
	return cp_open(dev);
}

static void nm_cp_doorbell(void *chip)
{
	struct cp_private *cp = chip;

	cpw8(TxPoll, NormalTxPoll);
}

static int nm_cp_txsync(struct nm_native_sync *s)
{
	struct cp_private *cp = netdev_priv(s->dev);
	struct rtl_nm_ring r;

	nm_cp_ring(cp, true, &r);
	rtl_nm_txsync(&r, s, nm_cp_doorbell, cp);
	return 0;
}

static int nm_cp_rxsync(struct nm_native_sync *s)
{
	struct cp_private *cp = netdev_priv(s->dev);
	struct rtl_nm_ring r;

	nm_cp_ring(cp, false, &r);
	cp->dev->stats.rx_errors += rtl_nm_rx(&r, s);
	return 0;
}

/* Polling stopped: NAPI turns the interrupts it left off back on. */
static void nm_cp_irq_on(struct net_device *dev)
{
	struct cp_private *cp = netdev_priv(dev);

	nm_native_napi_kick(&cp->napi);
}

static const struct nm_native_ops nm_cp_ops = {
	.reg = nm_cp_reg,
	.txsync = nm_cp_txsync,
	.rxsync = nm_cp_rxsync,
	.irq_on = nm_cp_irq_on,
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

	BUILD_BUG_ON(sizeof(struct cp_desc) != sizeof(struct rtl_desc));
	cp->nm = nm_native_attach(&d);
}

/*
 * cp_init_rings() and cp_resume() (chip restarting at descriptor 0):
 * true if netmap set the RX ring up.
 */
static bool nm_cp_init_rings(struct cp_private *cp)
{
	struct nm_native_ring ring;
	struct rtl_nm_ring r;

	if (!cp->nm)
		return false;
	if (nm_native_reset(cp->nm, NM_NATIVE_TX, 0, &ring)) {
		/* Starts empty: nothing left the chip could still send. */
		memset(cp->tx_ring, 0, sizeof(struct cp_desc) * CP_TX_RING_SIZE);
		cp->tx_ring[CP_TX_RING_SIZE - 1].opts1 = cpu_to_le32(RingEnd);
	}
	if (!nm_native_reset(cp->nm, NM_NATIVE_RX, 0, &ring))
		return false;
	memset(cp->rx_skb, 0, sizeof(cp->rx_skb));
	nm_cp_ring(cp, false, &r);
	rtl_nm_rx_init(&r, cp->nm, &ring);
	return true;
}

/* NAPI poll: netmap's ring only needs its readers woken. */
static bool nm_cp_rx_poll(struct cp_private *cp, struct napi_struct *napi)
{
	unsigned long flags;

	if (!nm_native_rx_irq(cp->nm, 0))
		return false;
	if (napi_complete_done(napi, 0) && nm_native_irq_wanted(cp->nm)) {
		spin_lock_irqsave(&cp->lock, flags);
		cpw16_f(IntrMask, cp_intr_mask);
		spin_unlock_irqrestore(&cp->lock, flags);
	}
	return true;
}

static bool nm_cp_tx_irq(struct cp_private *cp)
{
	return nm_native_tx_irq(cp->nm, 0);
}

/* ndo_start_xmit: the stack may not use a ring netmap owns. */
static bool nm_cp_xmit_owned(struct cp_private *cp, struct sk_buff *skb)
{
	return nm_native_xmit_drop(cp->nm, 0, skb);
}

#endif /* NM_8139CP_H */
