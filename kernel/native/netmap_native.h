/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netmap native mode: the whole API a NIC driver sees.
 *
 * A driver with netmap support keeps one struct nm_native pointer in its
 * private data and calls:
 *
 *   probe:   nm = nm_native_attach(&desc);     (desc: rings, slots, ops)
 *   remove:  nm_native_detach(&priv->nm);  (sets it to NULL; the _locked
 *            variant with RTNL held)
 *   open / ring (re)initialisation, for each ring it sets up:
 *            if (nm_native_reset(nm, NM_NATIVE_RX, q, &rs)) the ring is
 *            netmap's: descriptor d holds the buffer of slot
 *            nm_native_slot(&rs, d) (nm_native_buf()) instead of a socket
 *            buffer; on RX the first rs.avail descriptors are given to the
 *            NIC, on TX none (the ring starts empty);
 *   close, or any path that frees or stops using the rings (process
 *            context, before the rings go): nm_native_stop(nm); the
 *            next ring setup hands them back with nm_native_reset();
 *   irq / NAPI poll, before touching a ring:
 *            if (nm_native_rx_irq(nm, q)) -> netmap took the event: do not
 *            process the ring, complete NAPI, re-enable interrupts;
 *            same with nm_native_tx_irq() for TX completions; NAPI
 *            done with netmap's rings turns the NIC's interrupts back on
 *            only if nm_native_irq_wanted(nm): while VALE polling threads
 *            own the NIC they stay off (the interrupt that scheduled NAPI
 *            masked them), until ops->irq_on;
 *   ndo_start_xmit: if (nm_native_xmit_drop(nm, q, skb)) return
 *            NETDEV_TX_OK (the stack's frames normally never get there while
 *            netmap owns the NIC: this covers qdisc bypass);
 *   ethtool ring resize (RTNL held): refuse with -EBUSY while
 *            nm_native_busy(nm), and tell the new sizes with
 *            nm_native_set_slots() once the rings have them.
 * All of these take nm == NULL (a NIC netmap could not attach) as "no".
 * A software device (veth) has no DMA and no descriptors: dma_dev NULL,
 * and its syncs copy frames themselves (nm_native_skb_wire() for what its
 * stack side hands over).
 *
 * and provides, in desc.ops:
 *
 *   reg(dev, on):  called under RTNL when the first netmap port opens (on)
 *                  or the last one closes (off): quiesce the NIC if it runs,
 *                  then bring it up again; its ring setup then asks
 *                  nm_native_reset() which rings are netmap's;
 *   txsync(sync):  give the hardware slots [sync->hwcur, sync->head), advance
 *                  sync->hwcur; reclaim completed descriptors and move
 *                  sync->hwtail (the last slot the kernel keeps);
 *   rxsync(sync):  slots [sync->hwcur, sync->head) came back from userspace:
 *                  hand their descriptors to the NIC again, sync->hwcur =
 *                  head; then import received frames from sync->hwtail on
 *                  (slot len and flags) and advance sync->hwtail; a
 *                  driver whose rxsync turns interrupts on does it only if
 *                  nm_native_irq_wanted();
 *   irq_on(dev):   optional, under RTNL: polling stopped, interrupts are
 *                  wanted again: turn back on what the NAPI path left off
 *                  (nm_native_napi_kick()); the core then syncs every RX
 *                  ring once (enough for a driver whose rxsync does it).
 *
 * The syncs run in process context, one at a time per ring (the ring's
 * lock held), never concurrently with reg() for the same NIC. Indices in
 * struct nm_native_sync are ring slots; descriptor d is slot d + hw_ofs
 * (modulo the ring size): a reset keeps userspace's indices and moves the
 * hardware's origin instead.
 */
#ifndef NETMAP_NATIVE_H
#define NETMAP_NATIVE_H

#include <linux/netdevice.h>
#include <linux/types.h>
#include <net/netmap.h>

struct nm_native;
struct napi_struct;

enum nm_native_dir { NM_NATIVE_TX = 0, NM_NATIVE_RX = 1 };

/* One ring's sync: the core's view, handed to the driver. */
struct nm_native_sync {
	struct nm_native *nm;
	struct net_device *dev;
	struct netmap_slot *slot;	/* the ring's slots */
	u32 num_slots;
	u32 ring_id;
	u32 head;			/* userspace's head (read only) */
	u32 hwcur;			/* in/out, see txsync/rxsync above */
	u32 hwtail;			/* in/out */
	u32 hw_ofs;			/* slot of descriptor 0 */
	bool force;			/* an explicit ioctl: reclaim eagerly */
};

/* What a ring reset hands to the driver. */
struct nm_native_ring {
	struct netmap_slot *slot;
	u32 num_slots;
	u32 hw_ofs;			/* slot of descriptor 0 */
	u32 avail;			/* RX: descriptors 0..avail-1 to arm */
};

static inline u32 nm_native_wrap(u32 i, u32 n)
{
	return i >= n ? i - n : i;
}

/* Slot of descriptor d, descriptor of slot s. */
static inline u32 nm_native_slot(u32 ofs, u32 d, u32 n)
{
	return nm_native_wrap(d + ofs, n);
}

static inline u32 nm_native_desc(u32 ofs, u32 s, u32 n)
{
	return nm_native_wrap(s + n - ofs, n);
}

struct nm_native_ops {
	int (*reg)(struct net_device *dev, bool on);
	int (*txsync)(struct nm_native_sync *sync);
	int (*rxsync)(struct nm_native_sync *sync);
	void (*irq_on)(struct net_device *dev);
};

struct nm_native_desc {
	struct net_device *dev;
	/* The device DMA is mapped for; NULL: a software device, no DMA. */
	struct device *dma_dev;
	u32 num_tx_rings, num_rx_rings;
	u32 num_tx_slots, num_rx_slots;	/* the hardware ring sizes */
	const struct nm_native_ops *ops;
};

/* Probe: NULL (and a log line) if netmap cannot take this NIC; it works on. */
struct nm_native *nm_native_attach(const struct nm_native_desc *desc);
/*
 * Remove, while the device is still registered: an open port is stopped
 * (its syncs fail with EIO) and the NIC given back to the stack; *nm is set
 * to NULL under RTNL and freed after the driver's irq and transmit paths
 * that may still hold it are done.
 */
void nm_native_detach(struct nm_native **nm);
/* The same with RTNL held (a virtual device's ndo_uninit). */
void nm_native_detach_locked(struct nm_native **nm);

/* Ring setup: true (and *ring filled) if netmap owns the ring. */
bool nm_native_reset(struct nm_native *nm, enum nm_native_dir dir, u32 q,
		     struct nm_native_ring *ring);
/* Rings going away: waits for running syncs, netmap stops using the rings. */
void nm_native_stop(struct nm_native *nm);
/* Interrupt/NAPI: true if netmap owns the ring (its readers are woken). */
bool nm_native_rx_irq(struct nm_native *nm, u32 q);
bool nm_native_tx_irq(struct nm_native *nm, u32 q);
/* NAPI done with netmap's rings: may the NIC's interrupts go back on? */
bool nm_native_irq_wanted(struct nm_native *nm);
/*
 * irq_on for a driver whose NAPI poll turns interrupts on when it
 * completes: run it once (nothing happens while NAPI is disabled).
 */
void nm_native_napi_kick(struct napi_struct *napi);
/* RTNL: netmap has the NIC (ring geometry must not change). */
bool nm_native_busy(struct nm_native *nm);
/* RTNL, !nm_native_busy(): the hardware rings now have these sizes. */
void nm_native_set_slots(struct nm_native *nm, u32 num_tx_slots,
			 u32 num_rx_slots);
/* Transmit path: true if the stack must not use TX queue q now. */
bool nm_native_tx_owned(struct nm_native *nm, u32 q);
/* ndo_start_xmit: if netmap owns queue q, drop @skb (counted) and say so. */
bool nm_native_xmit_drop(struct nm_native *nm, u32 q, struct sk_buff *skb);

/*
 * The buffer of a slot: kernel address, and bus address for the NIC. An
 * index userspace broke (out of the region) gives the reserved buffer 0,
 * never memory outside the region; *len is clamped to the buffer size.
 */
void *nm_native_buf(struct nm_native *nm, struct netmap_slot *slot,
		    dma_addr_t *dma);
u32 nm_native_buf_size(struct nm_native *nm);

/* Before the NIC reads a buffer the CPU wrote (TX), after it wrote one (RX). */
void nm_native_sync_for_device(struct nm_native *nm, dma_addr_t dma, u32 len);
void nm_native_sync_for_cpu(struct nm_native *nm, dma_addr_t dma, u32 len);

/*
 * A software device receiving @skb into a ring: the frames it would be on
 * a wire (GSO cut into segments, VLAN tag and checksums in the frame).
 * Consumes @skb; returns a list (skb->next), NULL if nothing is left.
 */
struct sk_buff *nm_native_skb_wire(struct sk_buff *skb);

static inline u32 nm_native_next(u32 i, u32 n)
{
	return i + 1 == n ? 0 : i + 1;
}

static inline u32 nm_native_prev(u32 i, u32 n)
{
	return i ? i - 1 : n - 1;
}

#endif /* NETMAP_NATIVE_H */
