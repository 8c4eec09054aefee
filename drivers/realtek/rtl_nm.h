/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netmap rings on Realtek descriptor rings: the logic 8139cp (C+ mode) and
 * r8169 share. Both chips use 16-byte descriptors { opts1, opts2, addr }
 * with, in opts1: bit 31 owned by the NIC, bit 30 end of ring, bit 29 first
 * fragment, bit 28 last fragment, and the length in the low bits (13 bits
 * on 8139cp, 14 on r8169; on RX the received length with the 4-byte FCS).
 * What differs (length mask, RX error bits, minimum frame, the doorbell)
 * comes in struct rtl_nm_ring.
 *
 * Descriptor d holds the buffer of slot d + hw_ofs (netmap_native.h). Also
 * built in userspace by drivers/realtek/tests against a simulated chip.
 */
#ifndef RTL_NM_H
#define RTL_NM_H

#include "netmap_native.h"

#define RTL_OWN		(1u << 31)
#define RTL_EOR		(1u << 30)
#define RTL_FS		(1u << 29)
#define RTL_LS		(1u << 28)
#define RTL_FCS_LEN	4

struct rtl_desc {
	__le32 opts1;
	__le32 opts2;
	__le64 addr;
};

struct rtl_nm_ring {
	struct rtl_desc *desc;
	u32 n;			/* descriptors, = slots */
	u32 len_mask;		/* length bits of opts1 */
	u32 rx_err;		/* RX status bits that mean a bad frame */
	u32 min_len;		/* TX: shorter single-slot frames are padded */
};

static inline u32 rtl_eor(const struct rtl_nm_ring *r, u32 d)
{
	return d == r->n - 1 ? RTL_EOR : 0;
}

/*
 * TX: queue the complete frames of [hwcur, head) (a frame = slots up to one
 * without NS_MOREFRAG; an incomplete one at head waits). The first
 * descriptor of a frame is handed to the NIC last. Returns the number of
 * frames queued; the caller rings the doorbell if any.
 */
static inline u32 rtl_nm_tx(struct rtl_nm_ring *r, struct nm_native_sync *s)
{
	u32 n = s->num_slots, i = s->hwcur, frames = 0;

	while (i != s->head) {
		u32 j = i, cnt = 1, first_d = 0, first_opts = 0;

		while (j != s->head && (s->slot[j].flags & NS_MOREFRAG)) {
			j = nm_native_next(j, n);
			cnt++;
		}
		if (j == s->head)
			break;
		j = nm_native_next(j, n);
		for (; i != j; i = nm_native_next(i, n)) {
			struct netmap_slot *slot = &s->slot[i];
			u32 d = nm_native_desc(s->hw_ofs, i, n);
			struct rtl_desc *txd = &r->desc[d];
			u32 len, opts;
			dma_addr_t dma;

			nm_native_buf(s->nm, slot, &dma);
			len = slot->len;
			if (cnt == 1 && len < r->min_len)
				len = r->min_len;
			if (len > r->len_mask)
				len = r->len_mask;
			nm_native_sync_for_device(s->nm, dma, len);
			slot->flags &= ~(NS_BUF_CHANGED | NS_REPORT);
			opts = RTL_OWN | rtl_eor(r, d) | len;
			if (!first_opts)
				opts |= RTL_FS;
			if (!(slot->flags & NS_MOREFRAG))
				opts |= RTL_LS;
			txd->opts2 = 0;
			txd->addr = cpu_to_le64(dma);
			if (!first_opts) {
				first_opts = opts;
				first_d = d;
				continue;
			}
			/* The NIC must see the address before ownership. */
			wmb();
			txd->opts1 = cpu_to_le32(opts);
		}
		/* The rest of the frame before its first descriptor. */
		wmb();
		r->desc[first_d].opts1 = cpu_to_le32(first_opts);
		frames++;
	}
	s->hwcur = i;
	return frames;
}

/* TX: give back the slots whose descriptors the NIC is done with, in order. */
static inline void rtl_nm_tx_reclaim(struct rtl_nm_ring *r,
				     struct nm_native_sync *s)
{
	u32 n = s->num_slots, i;

	for (i = nm_native_next(s->hwtail, n); i != s->hwcur;
	     i = nm_native_next(i, n)) {
		u32 d = nm_native_desc(s->hw_ofs, i, n);

		if (le32_to_cpu(READ_ONCE(r->desc[d].opts1)) & RTL_OWN)
			break;
	}
	s->hwtail = i == 0 ? n - 1 : i - 1;
}

/* A whole txsync: queue, ring @doorbell(@chip) if anything was, reclaim. */
static inline void rtl_nm_txsync(struct rtl_nm_ring *r, struct nm_native_sync *s,
				 void (*doorbell)(void *chip), void *chip)
{
	if (rtl_nm_tx(r, s)) {
		/* Descriptors in memory before the doorbell. */
		wmb();
		doorbell(chip);
	}
	rtl_nm_tx_reclaim(r, s);
}

/* RX: give descriptor d (holding @slot) to the NIC. */
static inline void rtl_nm_rx_arm(struct rtl_nm_ring *r, struct nm_native *nm,
				 struct netmap_slot *slot, u32 d)
{
	struct rtl_desc *rxd = &r->desc[d];
	u32 bufsz = nm_native_buf_size(nm);
	dma_addr_t dma;

	if (bufsz > r->len_mask)
		bufsz = r->len_mask;
	nm_native_buf(nm, slot, &dma);
	slot->flags &= ~NS_BUF_CHANGED;
	rxd->opts2 = 0;
	rxd->addr = cpu_to_le64(dma);
	/* The NIC must see the address before ownership. */
	wmb();
	rxd->opts1 = cpu_to_le32(RTL_OWN | rtl_eor(r, d) | bufsz);
}

/* RX: a descriptor the driver does not give the NIC (it stops there). */
static inline void rtl_nm_rx_idle(struct rtl_nm_ring *r, u32 d)
{
	r->desc[d].opts2 = 0;
	r->desc[d].addr = 0;
	r->desc[d].opts1 = cpu_to_le32(rtl_eor(r, d));
}

/*
 * RX sync: the slots userspace returned go back to the NIC, then the frames
 * the NIC completed are imported from hwtail on (a bad or fragmented frame
 * as an empty slot, so that descriptors and slots stay paired). Returns the
 * number of bad frames.
 */
static inline u32 rtl_nm_rx(struct rtl_nm_ring *r, struct nm_native_sync *s)
{
	u32 n = s->num_slots, i, stop, bad = 0;

	for (i = s->hwcur; i != s->head; i = nm_native_next(i, n))
		rtl_nm_rx_arm(r, s->nm, &s->slot[i],
			      nm_native_desc(s->hw_ofs, i, n));
	s->hwcur = s->head;
	stop = s->hwcur == 0 ? n - 1 : s->hwcur - 1;
	for (i = s->hwtail; i != stop; i = nm_native_next(i, n)) {
		struct netmap_slot *slot = &s->slot[i];
		u32 d = nm_native_desc(s->hw_ofs, i, n);
		u32 status = le32_to_cpu(READ_ONCE(r->desc[d].opts1));
		u32 len = status & r->len_mask;
		dma_addr_t dma;

		if (status & RTL_OWN)
			break;
		/* The frame after its status. */
		dma_rmb();
		len = len > RTL_FCS_LEN ? len - RTL_FCS_LEN : 0;
		if ((status & r->rx_err) ||
		    (status & (RTL_FS | RTL_LS)) != (RTL_FS | RTL_LS)) {
			len = 0;
			bad++;
		}
		nm_native_buf(s->nm, slot, &dma);
		nm_native_sync_for_cpu(s->nm, dma, len);
		slot->len = len;
		slot->flags = 0;
	}
	s->hwtail = i;
	return bad;
}

/* RX ring setup for netmap: descriptors 0..avail-1 armed, the rest idle. */
static inline void rtl_nm_rx_init(struct rtl_nm_ring *r, struct nm_native *nm,
				  const struct nm_native_ring *ring)
{
	u32 d;

	for (d = 0; d < r->n; d++) {
		if (d < ring->avail)
			rtl_nm_rx_arm(r, nm, &ring->slot[nm_native_slot(ring->hw_ofs, d,
									 ring->num_slots)], d);
		else
			rtl_nm_rx_idle(r, d);
	}
}

#endif /* RTL_NM_H */
