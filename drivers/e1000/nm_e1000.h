/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netmap native mode for e1000 (Intel 8254x), included by the patched
 * e1000_main.c after its prototypes. One TX and one RX ring of legacy
 * descriptors; the NIC owns RX descriptors [RDH, RDT) and TX descriptors
 * [TDH, TDT). Descriptor d holds the buffer of slot d + hw_ofs
 * (netmap_native.h).
 *
 * RX: slot hwcur - 1 is never given to the NIC (RDT stops there), so every
 * other kernel-owned slot receives. Frames longer than a buffer arrive in
 * several descriptors and become NS_MOREFRAG slots; the NIC strips the FCS
 * (RCTL.SECRC, 82540 and later) and leaves VLAN tags in the frame.
 * TX: legacy descriptors, FCS inserted, short frames padded by the NIC
 * (TCTL.PSP), completion read from TDH.
 */
#ifndef NM_E1000_H
#define NM_E1000_H

#include "netmap_native.h"

static int nm_e1000_reg(struct net_device *dev, bool on)
{
	struct e1000_adapter *adapter = netdev_priv(dev);

	if (netif_running(dev))
		e1000_reinit_locked(adapter);	/* down + up: rings set again */
	return 0;
}

static int nm_e1000_txsync(struct nm_native_sync *s)
{
	struct e1000_adapter *adapter = netdev_priv(s->dev);
	struct e1000_tx_ring *txr = &adapter->tx_ring[0];
	struct e1000_hw *hw = &adapter->hw;
	u32 n = s->num_slots, i, end, hd, done;

	/* Complete frames only: an unfinished one at head waits. */
	end = s->hwcur;
	for (i = s->hwcur; i != s->head; i = nm_native_next(i, n))
		if (!(s->slot[i].flags & NS_MOREFRAG))
			end = nm_native_next(i, n);
	for (i = s->hwcur; i != end; i = nm_native_next(i, n)) {
		struct netmap_slot *slot = &s->slot[i];
		u32 d = nm_native_desc(s->hw_ofs, i, n);
		struct e1000_tx_desc *txd = E1000_TX_DESC(*txr, d);
		u32 cmd = E1000_TXD_CMD_IFCS, len;
		dma_addr_t dma;

		nm_native_buf(s->nm, slot, &dma);
		len = slot->len;
		if (!(slot->flags & NS_MOREFRAG))
			cmd |= E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS;
		else if (!len)
			len = 1;	/* no empty descriptors in a frame */
		nm_native_sync_for_device(s->nm, dma, len);
		slot->flags &= ~(NS_BUF_CHANGED | NS_REPORT);
		txd->buffer_addr = cpu_to_le64(dma);
		txd->lower.data = cpu_to_le32(cmd | len);
		txd->upper.data = 0;
	}
	if (end != s->hwcur) {
		/* Descriptors in memory before the tail moves. */
		wmb();
		writel(nm_native_desc(s->hw_ofs, end, n), hw->hw_addr + txr->tdt);
		s->hwcur = end;
	}
	/* TDH: the next descriptor the NIC will process. */
	hd = readl(hw->hw_addr + txr->tdh);
	if (hd < n) {
		done = nm_native_slot(s->hw_ofs, hd, n);
		/* Only slots that were given: [hwtail + 1, hwcur]. */
		if (nm_native_wrap(done + n - s->hwtail - 1, n) <=
		    nm_native_wrap(s->hwcur + n - s->hwtail - 1, n))
			s->hwtail = done == 0 ? n - 1 : done - 1;
	}
	return 0;
}

/* Give descriptor d, holding @slot, a buffer (the NIC gets it with RDT). */
static void nm_e1000_rx_arm(struct nm_native *nm, struct e1000_rx_ring *rxr,
			    struct netmap_slot *slot, u32 d)
{
	struct e1000_rx_desc *rxd = E1000_RX_DESC(*rxr, d);
	dma_addr_t dma;

	nm_native_buf(nm, slot, &dma);
	slot->flags &= ~NS_BUF_CHANGED;
	rxd->buffer_addr = cpu_to_le64(dma);
	rxd->status = 0;
}

static int nm_e1000_rxsync(struct nm_native_sync *s)
{
	struct e1000_adapter *adapter = netdev_priv(s->dev);
	struct e1000_rx_ring *rxr = &adapter->rx_ring[0];
	struct e1000_hw *hw = &adapter->hw;
	u32 n = s->num_slots, i, stop;
	bool fcs = hw->mac_type < e1000_82540;	/* no SECRC: FCS in the frame */

	/* Slots userspace gave back: to the NIC, up to (not incl.) head - 1. */
	if (s->head != s->hwcur) {
		for (i = s->hwcur; i != s->head; i = nm_native_next(i, n))
			nm_e1000_rx_arm(s->nm, rxr, &s->slot[i],
					nm_native_desc(s->hw_ofs, i, n));
		s->hwcur = s->head;
		stop = s->hwcur == 0 ? n - 1 : s->hwcur - 1;
		/* Descriptors in memory before the tail moves. */
		wmb();
		writel(nm_native_desc(s->hw_ofs, stop, n), hw->hw_addr + rxr->rdt);
	}
	stop = s->hwcur == 0 ? n - 1 : s->hwcur - 1;
	for (i = s->hwtail; i != stop; i = nm_native_next(i, n)) {
		struct netmap_slot *slot = &s->slot[i];
		u32 d = nm_native_desc(s->hw_ofs, i, n);
		struct e1000_rx_desc *rxd = E1000_RX_DESC(*rxr, d);
		u8 status = READ_ONCE(rxd->status);
		u32 len;
		dma_addr_t dma;

		if (!(status & E1000_RXD_STAT_DD))
			break;
		/* The frame and length after the status. */
		dma_rmb();
		len = le16_to_cpu(rxd->length);
		slot->flags = 0;
		if (!(status & E1000_RXD_STAT_EOP))
			slot->flags = NS_MOREFRAG;
		else if (fcs)
			len = len > ETH_FCS_LEN ? len - ETH_FCS_LEN : 0;
		if (rxd->errors & E1000_RXD_ERR_FRAME_ERR_MASK) {
			s->dev->stats.rx_errors++;
			len = 0;
		}
		nm_native_buf(s->nm, slot, &dma);
		nm_native_sync_for_cpu(s->nm, dma, len);
		slot->len = len;
	}
	s->hwtail = i;
	return 0;
}

/* Polling stopped: NAPI turns the interrupts it left off back on. */
static void nm_e1000_irq_on(struct net_device *dev)
{
	struct e1000_adapter *adapter = netdev_priv(dev);

	nm_native_napi_kick(&adapter->napi);
}

static const struct nm_native_ops nm_e1000_ops = {
	.reg = nm_e1000_reg,
	.txsync = nm_e1000_txsync,
	.rxsync = nm_e1000_rxsync,
	.irq_on = nm_e1000_irq_on,
};

/* Probe, after register_netdev(). */
static void nm_e1000_attach(struct e1000_adapter *adapter)
{
	struct nm_native_desc d = {
		.dev = adapter->netdev,
		.dma_dev = &adapter->pdev->dev,
		.num_tx_rings = 1,
		.num_rx_rings = 1,
		.num_tx_slots = adapter->tx_ring[0].count,
		.num_rx_slots = adapter->rx_ring[0].count,
		.ops = &nm_e1000_ops,
	};

	adapter->nm = nm_native_attach(&d);
}

/* RX buffer size the NIC may fill: the largest RCTL size in a netmap buffer. */
static u32 nm_e1000_rctl_size(u32 bufsz)
{
	if (bufsz >= 2048)
		return E1000_RCTL_SZ_2048;
	if (bufsz >= 1024)
		return E1000_RCTL_SZ_1024;
	if (bufsz >= 512)
		return E1000_RCTL_SZ_512;
	return E1000_RCTL_SZ_256;
}

/*
 * e1000_configure(), rings just programmed (empty): netmap's rings get
 * their buffers. True if the RX ring is netmap's (no socket buffers).
 */
static bool nm_e1000_configure(struct e1000_adapter *adapter)
{
	struct e1000_rx_ring *rxr = &adapter->rx_ring[0];
	struct e1000_hw *hw = &adapter->hw;
	struct nm_native_ring ring;
	u32 d, rctl;

	if (!adapter->nm)
		return false;
	nm_native_reset(adapter->nm, NM_NATIVE_TX, 0, &ring);	/* starts empty */
	if (!nm_native_reset(adapter->nm, NM_NATIVE_RX, 0, &ring))
		return false;
	for (d = 0; d < rxr->count; d++)
		nm_e1000_rx_arm(adapter->nm, rxr,
				&ring.slot[nm_native_slot(ring.hw_ofs, d, rxr->count)], d);

	rctl = er32(RCTL);
	rctl &= ~(E1000_RCTL_SZ_4096 | E1000_RCTL_BSEX);
	rctl |= nm_e1000_rctl_size(nm_native_buf_size(adapter->nm));
	if (hw->mac_type >= e1000_82540)
		rctl |= E1000_RCTL_SECRC;
	ew32(RCTL, rctl);
	/* Tags stay in the frames netmap hands out. */
	ew32(CTRL, er32(CTRL) & ~E1000_CTRL_VME);
	/* Descriptors in memory before the tail moves. */
	wmb();
	writel(ring.avail - 1, hw->hw_addr + rxr->rdt);
	return true;
}

#endif /* NM_E1000_H */
