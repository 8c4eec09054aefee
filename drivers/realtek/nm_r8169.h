/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netmap native mode for r8169 (RTL8169/8168/8111/8101, RTL8125/8126),
 * included by the patched r8169_main.c after struct rtl8169_private. The
 * descriptor logic is the Realtek one shared with 8139cp (rtl_nm.h); the
 * chip's specifics: one TX and one RX ring of NUM_TX_DESC / NUM_RX_DESC
 * descriptors, 14-bit lengths, RX errors flagged by RxRES, the doorbell
 * (rtl8169_doorbell(), TxPoll or TxPoll_8125). The driver's reset
 * (rtl_reset_work: after a TX timeout, a link change on 8125, open) gives
 * the rings back to netmap from scratch; close stops netmap's use of them.
 */
#ifndef NM_R8169_H
#define NM_R8169_H

#include <linux/etherdevice.h>
#include "rtl_nm.h"

static int rtl8169_close(struct net_device *dev);
static int rtl_open(struct net_device *dev);
static void rtl8169_doorbell(struct rtl8169_private *tp);

static void nm_r8169_ring(struct rtl8169_private *tp, bool tx,
			  struct rtl_nm_ring *r)
{
	r->desc = tx ? (struct rtl_desc *)tp->TxDescArray :
		       (struct rtl_desc *)tp->RxDescArray;
	r->n = tx ? NUM_TX_DESC : NUM_RX_DESC;
	r->len_mask = 0x3fff;
	r->rx_err = RxRES;
	r->min_len = ETH_ZLEN;
}

static int nm_r8169_reg(struct net_device *dev, bool on)
{
	if (!netif_running(dev))
		return 0;	/* the next open sets the rings up */
	rtl8169_close(dev);
	return rtl_open(dev);
}

static void nm_r8169_doorbell(void *chip)
{
	rtl8169_doorbell(chip);
}

static int nm_r8169_txsync(struct nm_native_sync *s)
{
	struct rtl8169_private *tp = netdev_priv(s->dev);
	struct rtl_nm_ring r;

	nm_r8169_ring(tp, true, &r);
	rtl_nm_txsync(&r, s, nm_r8169_doorbell, tp);
	return 0;
}

static int nm_r8169_rxsync(struct nm_native_sync *s)
{
	struct rtl8169_private *tp = netdev_priv(s->dev);
	struct rtl_nm_ring r;

	nm_r8169_ring(tp, false, &r);
	s->dev->stats.rx_errors += rtl_nm_rx(&r, s);
	return 0;
}

/* Polling stopped: NAPI turns the interrupts it left off back on. */
static void nm_r8169_irq_on(struct net_device *dev)
{
	struct rtl8169_private *tp = netdev_priv(dev);

	nm_native_napi_kick(&tp->napi);
}

static const struct nm_native_ops nm_r8169_ops = {
	.reg = nm_r8169_reg,
	.txsync = nm_r8169_txsync,
	.rxsync = nm_r8169_rxsync,
	.irq_on = nm_r8169_irq_on,
};

/* Probe, after register_netdev(). */
static void nm_r8169_attach(struct rtl8169_private *tp)
{
	struct nm_native_desc d = {
		.dev = tp->dev,
		.dma_dev = tp_to_dev(tp),
		.num_tx_rings = 1,
		.num_rx_rings = 1,
		.num_tx_slots = NUM_TX_DESC,
		.num_rx_slots = NUM_RX_DESC,
		.ops = &nm_r8169_ops,
	};

	BUILD_BUG_ON(sizeof(struct TxDesc) != sizeof(struct rtl_desc));
	BUILD_BUG_ON(sizeof(struct RxDesc) != sizeof(struct rtl_desc));
	tp->nm = nm_native_attach(&d);
}

/*
 * Ring (re)initialisation with the chip stopped, both descriptor arrays
 * allocated: true if netmap took the RX ring (the driver then fills it with
 * nothing of its own). The TX ring starts empty either way.
 */
static bool nm_r8169_init_rings(struct rtl8169_private *tp)
{
	struct nm_native_ring ring;
	struct rtl_nm_ring r;

	if (!tp->nm)
		return false;
	/* rtl8169_down() / rtl_reset_work() stopped netmap's rings first. */
	if (nm_native_reset(tp->nm, NM_NATIVE_TX, 0, &ring)) {
		memset(tp->TxDescArray, 0, NUM_TX_DESC * sizeof(struct TxDesc));
		memset(tp->tx_skb, 0, sizeof(tp->tx_skb));
	}
	if (!nm_native_reset(tp->nm, NM_NATIVE_RX, 0, &ring))
		return false;
	memset(tp->Rx_databuff, 0, sizeof(tp->Rx_databuff));
	nm_r8169_ring(tp, false, &r);
	rtl_nm_rx_init(&r, tp->nm, &ring);
	return true;
}

/* NAPI poll: a ring netmap owns only needs its readers woken. */
static bool nm_r8169_tx_irq(struct rtl8169_private *tp)
{
	return nm_native_tx_irq(tp->nm, 0);
}

static bool nm_r8169_rx_irq(struct rtl8169_private *tp)
{
	return nm_native_rx_irq(tp->nm, 0);
}

/* ndo_start_xmit: the stack may not use a ring netmap owns. */
static bool nm_r8169_xmit_owned(struct rtl8169_private *tp, struct sk_buff *skb)
{
	return nm_native_xmit_drop(tp->nm, 0, skb);
}

#endif /* NM_R8169_H */
