// SPDX-License-Identifier: GPL-2.0
/*
 * Native mode: netmap rings on a NIC's own descriptor rings, through the
 * driver-facing API of netmap_native.h.
 *
 * Two objects:
 *  - struct nm_native: one per NIC whose driver attached, from probe to
 *    remove; listed in nm_native_list. It holds what the driver gave (desc)
 *    and the per-ring ownership flags the driver's hot paths read;
 *  - struct nm_nport: the netmap port (adapter) of that NIC, created by the
 *    first open and freed after the last close, so that a NIC nobody opens
 *    costs no region.
 *
 * Switching modes (reg, under RTNL): the region's buffer clusters are
 * DMA-mapped for the NIC, want_on is set, and the driver's reg() restarts
 * the NIC; its ring setup calls nm_native_reset(), which hands netmap's
 * slots over and marks the ring netmap's (ring_on). Off is the reverse; the
 * flags only change inside the driver's quiesced window, so its interrupt
 * and transmit paths always see the ring mode that matches the
 * descriptors.
 *
 * Host rings: the stack's frames are taken by the egress hook of
 * linux/host.c while the NIC is netmap's, the host TX ring feeds netif_rx.
 *
 * Driver removal (nm_native_detach) stops an open port's rings (EIO),
 * switches the NIC back and forgets the driver: nothing calls into the
 * driver module after detach returns.
 *
 * Locking: nm_native_lock (a mutex) guards nm_native_list and the links
 * between a NIC and its port (nm->port, port->nm). Order: nm_lock -> RTNL
 * -> nm_native_lock -> kring sync_lock. Attach and detach take no nm_lock,
 * so that a driver may call them under RTNL (a virtual device's init and
 * uninit).
 */
#include <linux/dma-mapping.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "../core/nm_kern.h"
#include "../linux/host.h"
#include "netmap_native.h"
#include "native.h"

struct nm_nport {
	struct nm_adapter up;
	struct nm_native *nm;		/* nm_native_lock; NULL once detached */
	struct nm_host host;
	dma_addr_t *dma;		/* per buffer cluster, while registered */
	u32 ndma;
};

struct nm_native {
	/* Fixed from attach, but the slot counts: written under RTNL. */
	struct nm_native_desc desc;
	struct list_head link;		/* nm_native_list, nm_native_lock */
	struct nm_nport *port;		/* nm_native_lock: the open port, if any */
	bool want_on;			/* RTNL: what reg() is switching to */
	/* RTNL to write; VALE polling threads own the NIC: no interrupts. */
	bool irq_off;
	/* Per ring: netmap owns it (driver hot paths read these). */
	bool *ring_on[2];
	/* Per ring: the kring to wake and descriptor 0's slot, while ring_on. */
	struct nm_kring **kring[2];
	u32 *hw_ofs[2];
};

static LIST_HEAD(nm_native_list);
static DEFINE_MUTEX(nm_native_lock);

static struct nm_nport *to_nport(struct nm_adapter *na)
{
	return container_of(na, struct nm_nport, up);
}

/* ---------------------------------------------------------- DMA map */

static void nm_nport_dma_unmap(struct nm_nport *p, struct device *dev)
{
	u32 c, size;

	if (!dev)
		return;

	for (c = 0; p->dma && c < p->ndma; c++) {
		nm_mem_buf_cluster(p->up.mem, c, &size);
		dma_unmap_single(dev, p->dma[c], size, DMA_BIDIRECTIONAL);
	}
	kvfree(p->dma);
	p->dma = NULL;
	p->ndma = 0;
}

/* Every buffer of the region may land in the NIC's rings: map them all. */
static int nm_nport_dma_map(struct nm_nport *p, struct device *dev)
{
	u32 n = nm_mem_buf_nclusters(p->up.mem), c, size;

	if (!dev)
		return 0;	/* a software device: the CPU copies */

	p->dma = kvcalloc(n, sizeof(*p->dma), GFP_KERNEL);
	if (!p->dma)
		return -ENOMEM;
	for (c = 0; c < n; c++) {
		void *addr = nm_mem_buf_cluster(p->up.mem, c, &size);

		p->dma[c] = dma_map_single(dev, addr, size, DMA_BIDIRECTIONAL);
		if (dma_mapping_error(dev, p->dma[c])) {
			nm_err_rl("%s: cannot map buffers for DMA\n", p->up.name);
			p->ndma = c;
			nm_nport_dma_unmap(p, dev);
			return -ENOMEM;
		}
	}
	p->ndma = n;
	return 0;
}

/* ------------------------------------------------------- driver API */

void *nm_native_buf(struct nm_native *nm, struct netmap_slot *slot,
		    dma_addr_t *dma)
{
	struct nm_nport *p = nm->port;
	struct nm_mem *mem = p->up.mem;
	u32 bufsz = nm_mem_buf_size(mem), off, c;

	if (unlikely(!nm_mem_buf_valid(mem, slot->buf_idx)))
		slot->buf_idx = 0;
	if (unlikely(slot->len > bufsz))
		slot->len = bufsz;
	c = nm_mem_buf_cluster_of(mem, slot->buf_idx, &off);
	if (dma)
		*dma = p->dma ? p->dma[c] + off : 0;
	return nm_mem_buf_addr(mem, slot->buf_idx);
}
EXPORT_SYMBOL_GPL(nm_native_buf);

u32 nm_native_buf_size(struct nm_native *nm)
{
	return nm_mem_buf_size(nm->port->up.mem);
}
EXPORT_SYMBOL_GPL(nm_native_buf_size);

void nm_native_sync_for_device(struct nm_native *nm, dma_addr_t dma, u32 len)
{
	if (nm->desc.dma_dev)
		dma_sync_single_for_device(nm->desc.dma_dev, dma, len, DMA_TO_DEVICE);
}
EXPORT_SYMBOL_GPL(nm_native_sync_for_device);

void nm_native_sync_for_cpu(struct nm_native *nm, dma_addr_t dma, u32 len)
{
	if (nm->desc.dma_dev)
		dma_sync_single_for_cpu(nm->desc.dma_dev, dma, len, DMA_FROM_DEVICE);
}
EXPORT_SYMBOL_GPL(nm_native_sync_for_cpu);

static u32 nm_native_hw_slots(struct nm_native *nm, enum nm_native_dir dir)
{
	return dir == NM_NATIVE_TX ? READ_ONCE(nm->desc.num_tx_slots) :
				     READ_ONCE(nm->desc.num_rx_slots);
}

bool nm_native_busy(struct nm_native *nm)
{
	ASSERT_RTNL();
	return nm && nm->want_on;
}
EXPORT_SYMBOL_GPL(nm_native_busy);

void nm_native_set_slots(struct nm_native *nm, u32 num_tx_slots,
			 u32 num_rx_slots)
{
	ASSERT_RTNL();
	if (!nm)
		return;
	/* Checked when the next port is created. */
	WRITE_ONCE(nm->desc.num_tx_slots, num_tx_slots);
	WRITE_ONCE(nm->desc.num_rx_slots, num_rx_slots);
}
EXPORT_SYMBOL_GPL(nm_native_set_slots);

bool nm_native_reset(struct nm_native *nm, enum nm_native_dir dir, u32 q,
		     struct nm_native_ring *ring)
{
	struct nm_nport *p;
	struct nm_kring *k;
	u32 n;

	if (!nm)
		return false;
	p = nm->port;
	n = dir == NM_NATIVE_TX ? nm->desc.num_tx_rings : nm->desc.num_rx_rings;
	if (q >= n)
		return false;
	k = p && nm->want_on ? &p->up.krings[dir][q] : NULL;
	if (!k || !k->ring || k->num_slots != nm_native_hw_slots(nm, dir)) {
		/*
		 * Not in netmap mode, or no fd selected this ring: the stack's
		 * (a port whose rings no longer match the hardware never gets
		 * here: nm_native_switch() refuses it).
		 */
		WRITE_ONCE(nm->ring_on[dir][q], false);
		return false;
	}
	ring->slot = k->ring->slot;
	ring->num_slots = k->num_slots;
	if (dir == NM_NATIVE_TX) {
		/* The hardware starts empty: what was in flight is gone. */
		k->hwtail = nm_prev(k->hwcur, k->num_slots);
		ring->hw_ofs = k->hwcur;
		ring->avail = 0;
	} else {
		/*
		 * Descriptor 0 receives into the first slot the kernel owns;
		 * the NIC gets every such slot, the one before hwcur included
		 * (a frame there waits, unseen, until hwcur moves on).
		 */
		ring->hw_ofs = k->hwtail;
		ring->avail = k->hwcur == k->hwtail ? k->num_slots :
			      nm_dist(k->hwtail, k->hwcur, k->num_slots);
	}
	nm->hw_ofs[dir][q] = ring->hw_ofs;
	nm->kring[dir][q] = k;
	WRITE_ONCE(nm->ring_on[dir][q], true);
	return true;
}
EXPORT_SYMBOL_GPL(nm_native_reset);

void nm_native_stop(struct nm_native *nm)
{
	enum nm_txrx t;
	u32 q, n;

	if (!nm)
		return;
	might_sleep();
	for (t = NR_TX; t < NR_TXRX; t++) {
		n = t == NR_TX ? nm->desc.num_tx_rings : nm->desc.num_rx_rings;
		for (q = 0; q < n; q++) {
			struct nm_kring *k = nm->kring[t][q];

			if (!READ_ONCE(nm->ring_on[t][q]))
				continue;
			/* A sync running now finishes before the rings go. */
			mutex_lock(&k->sync_lock);
			WRITE_ONCE(nm->ring_on[t][q], false);
			mutex_unlock(&k->sync_lock);
		}
	}
}
EXPORT_SYMBOL_GPL(nm_native_stop);

static bool nm_native_irq(struct nm_native *nm, enum nm_native_dir dir, u32 q)
{
	if (!READ_ONCE(nm->ring_on[dir][q]))
		return false;
	nm_kring_notify(nm->kring[dir][q]);
	return true;
}

bool nm_native_rx_irq(struct nm_native *nm, u32 q)
{
	return nm && q < nm->desc.num_rx_rings && nm_native_irq(nm, NM_NATIVE_RX, q);
}
EXPORT_SYMBOL_GPL(nm_native_rx_irq);

bool nm_native_tx_irq(struct nm_native *nm, u32 q)
{
	return nm && q < nm->desc.num_tx_rings && nm_native_irq(nm, NM_NATIVE_TX, q);
}
EXPORT_SYMBOL_GPL(nm_native_tx_irq);

bool nm_native_irq_wanted(struct nm_native *nm)
{
	return !nm || !READ_ONCE(nm->irq_off);
}
EXPORT_SYMBOL_GPL(nm_native_irq_wanted);

void nm_native_napi_kick(struct napi_struct *napi)
{
	local_bh_disable();
	napi_schedule(napi);
	local_bh_enable();
}
EXPORT_SYMBOL_GPL(nm_native_napi_kick);

bool nm_native_tx_owned(struct nm_native *nm, u32 q)
{
	return nm && q < nm->desc.num_tx_rings &&
	       READ_ONCE(nm->ring_on[NM_NATIVE_TX][q]);
}
EXPORT_SYMBOL_GPL(nm_native_tx_owned);

bool nm_native_xmit_drop(struct nm_native *nm, u32 q, struct sk_buff *skb)
{
	if (!nm_native_tx_owned(nm, q))
		return false;
	nm->desc.dev->stats.tx_dropped++;
	dev_kfree_skb_any(skb);
	return true;
}
EXPORT_SYMBOL_GPL(nm_native_xmit_drop);

struct sk_buff *nm_native_skb_wire(struct sk_buff *skb)
{
	return nm_skb_wire(skb, true);
}
EXPORT_SYMBOL_GPL(nm_native_skb_wire);

/* ------------------------------------------------------------ port */

static int nm_nport_sync(struct nm_kring *k, int flags)
{
	struct nm_nport *p = to_nport(k->na);
	struct nm_native *nm = p->nm;
	struct nm_native_sync s;
	int err;

	if (!nm)
		return -EIO;		/* the driver went away */
	if (!READ_ONCE(nm->ring_on[k->tx][k->ring_id]))
		return 0;		/* the NIC is down: nothing moves */
	s.nm = nm;
	s.dev = nm->desc.dev;
	s.slot = k->ring->slot;
	s.num_slots = k->num_slots;
	s.ring_id = k->ring_id;
	s.head = k->rhead;
	s.hwcur = k->hwcur;
	s.hwtail = k->hwtail;
	s.hw_ofs = nm->hw_ofs[k->tx][k->ring_id];
	s.force = flags & NM_SYNC_FORCE;
	if (k->tx == NR_TX)
		err = nm->desc.ops->txsync(&s);
	else
		err = nm->desc.ops->rxsync(&s);
	if (s.hwcur < k->num_slots && s.hwtail < k->num_slots) {
		k->hwcur = s.hwcur;
		k->hwtail = s.hwtail;
	}
	return err;
}

/* RTNL held. Switch the NIC into or out of netmap mode. */
static int nm_native_switch(struct nm_native *nm, bool on)
{
	struct nm_nport *p = nm->port;
	int err;

	ASSERT_RTNL();
	WRITE_ONCE(nm->irq_off, false);
	if (on) {
		if (p->up.num_slots[NR_TX] != nm->desc.num_tx_slots ||
		    p->up.num_slots[NR_RX] != nm->desc.num_rx_slots) {
			/* ethtool resized the rings since this port was made */
			nm_info_rl("%s: ring sizes changed, open again\n", p->up.name);
			return -EAGAIN;
		}
		err = nm_nport_dma_map(p, nm->desc.dma_dev);
		if (err)
			return err;
		err = nm_host_attach(&p->host, nm->desc.dev);
		if (err)
			goto err_unmap;
		nm->want_on = true;
		err = nm->desc.ops->reg(nm->desc.dev, true);
		if (err) {
			nm_info_rl("%s: the driver refused netmap mode (%d)\n",
				   p->up.name, err);
			nm->want_on = false;
			nm->desc.ops->reg(nm->desc.dev, false);
			nm_host_detach(&p->host);
			goto err_unmap;
		}
		return 0;
	}
	nm->want_on = false;
	nm->desc.ops->reg(nm->desc.dev, false);
	nm_host_detach(&p->host);
	nm_nport_dma_unmap(p, nm->desc.dma_dev);
	return 0;

err_unmap:
	nm_nport_dma_unmap(p, nm->desc.dma_dev);
	return err;
}

static int nm_nport_reg(struct nm_adapter *na, bool on)
{
	struct nm_nport *p = to_nport(na);
	int err = 0;

	rtnl_lock();
	if (p->nm)
		err = nm_native_switch(p->nm, on);
	else if (on)
		err = -ENXIO;
	rtnl_unlock();
	if (!on) {
		synchronize_net();	/* no egress hook runs any more */
		nm_host_purge(&p->host);
	}
	return err;
}

/*
 * Polling threads took the NIC's RX rings (off) or gave them back (on);
 * the caller syncs every RX ring once after. nm_lock.
 */
static void nm_nport_intr(struct nm_adapter *na, bool on)
{
	struct nm_nport *p = to_nport(na);
	struct nm_native *nm;

	rtnl_lock();
	nm = p->nm;
	if (nm && nm->want_on) {
		WRITE_ONCE(nm->irq_off, !on);
		if (on && nm->desc.ops->irq_on)
			nm->desc.ops->irq_on(nm->desc.dev);
	}
	rtnl_unlock();
}

static void nm_nport_dtor(struct nm_adapter *na)
{
	struct nm_nport *p = to_nport(na);

	mutex_lock(&nm_native_lock);
	if (p->nm)
		p->nm->port = NULL;
	mutex_unlock(&nm_native_lock);
	nm_adapter_fini(na);
	nm_host_fini(&p->host);
	kfree(p);
}

static const struct nm_adapter_ops nm_nport_ops = {
	.reg = nm_nport_reg,
	.txsync = nm_nport_sync,
	.rxsync = nm_nport_sync,
	.intr = nm_nport_intr,
	.dtor = nm_nport_dtor,
	.host_txsync = nm_host_txsync,
	.host_rxsync = nm_host_rxsync,
	.host_send = nm_host_send,
};

static int nm_nport_create(struct nm_native *nm)
{
	const struct nm_native_desc *d = &nm->desc;
	u32 tx_slots = READ_ONCE(d->num_tx_slots);
	u32 rx_slots = READ_ONCE(d->num_rx_slots);
	struct nm_nport *p;
	int err;

	if (tx_slots < 2 || rx_slots < 2 ||
	    tx_slots > NM_MAX_SLOTS || rx_slots > NM_MAX_SLOTS) {
		nm_err_rl("%s: hardware rings of %u/%u descriptors are not supported\n",
			  d->dev->name, tx_slots, rx_slots);
		return -EINVAL;
	}
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->nm = nm;
	p->up.num_rings[NR_TX] = d->num_tx_rings;
	p->up.num_rings[NR_RX] = d->num_rx_rings;
	p->up.num_slots[NR_TX] = tx_slots;
	p->up.num_slots[NR_RX] = rx_slots;
	p->up.num_host_rings[NR_TX] = nm_host_rings_avail();
	p->up.num_host_rings[NR_RX] = nm_host_rings_avail();
	err = nm_host_init(&p->host, &p->up, d->dev, NULL);
	if (err)
		goto err_free;
	err = nm_adapter_init(&p->up, d->dev->name, &nm_nport_ops, nm_mem_global());
	if (err)
		goto err_host;
	if (p->up.num_slots[NR_TX] != tx_slots ||
	    p->up.num_slots[NR_RX] != rx_slots) {
		nm_err_rl("%s: hardware rings do not fit in ring_size\n", d->dev->name);
		err = -EINVAL;
		goto err_fini;
	}
	p->up.refcount = 1;
	nm->port = p;
	return 0;

err_fini:
	nm_adapter_fini(&p->up);
err_host:
	nm_host_fini(&p->host);
err_free:
	kfree(p);
	return err;
}

/* The native port of @dev, with a reference, or -ENOENT. Under nm_lock. */
int nm_native_get(struct net_device *dev, struct nm_adapter **out)
{
	struct nm_native *nm;
	int err = -ENOENT;

	lockdep_assert_held(&nm_lock);
	mutex_lock(&nm_native_lock);
	list_for_each_entry(nm, &nm_native_list, link) {
		if (nm->desc.dev != dev)
			continue;
		if (nm->port) {
			nm_adapter_get(&nm->port->up);
			err = 0;
		} else {
			err = nm_nport_create(nm);
		}
		if (!err)
			*out = &nm->port->up;
		break;
	}
	mutex_unlock(&nm_native_lock);
	return err;
}

/* ------------------------------------------------------ attach/detach */

struct nm_native *nm_native_attach(const struct nm_native_desc *desc)
{
	struct nm_native *nm;
	enum nm_txrx t;

	if (!desc->dev || !desc->ops || !desc->ops->reg ||
	    !desc->ops->txsync || !desc->ops->rxsync ||
	    !desc->num_tx_rings || !desc->num_rx_rings ||
	    desc->num_tx_rings > NM_MAX_RINGS || desc->num_rx_rings > NM_MAX_RINGS ||
	    desc->num_tx_slots < 2 || desc->num_rx_slots < 2 ||
	    desc->num_tx_slots > NM_MAX_SLOTS || desc->num_rx_slots > NM_MAX_SLOTS) {
		pr_err(NM_NAME ": native attach: bad description\n");
		return NULL;
	}
	nm = kzalloc(sizeof(*nm), GFP_KERNEL);
	if (!nm)
		return NULL;
	nm->desc = *desc;
	for (t = NR_TX; t < NR_TXRX; t++) {
		u32 n = t == NR_TX ? desc->num_tx_rings : desc->num_rx_rings;

		nm->ring_on[t] = kcalloc(n, sizeof(bool), GFP_KERNEL);
		nm->kring[t] = kcalloc(n, sizeof(void *), GFP_KERNEL);
		nm->hw_ofs[t] = kcalloc(n, sizeof(u32), GFP_KERNEL);
		if (!nm->ring_on[t] || !nm->kring[t] || !nm->hw_ofs[t])
			goto err;
	}
	mutex_lock(&nm_native_lock);
	list_add(&nm->link, &nm_native_list);
	mutex_unlock(&nm_native_lock);
	pr_info(NM_NAME ": %s: native mode available (%u/%u rings, %u/%u slots)\n",
		netdev_name(desc->dev), desc->num_tx_rings, desc->num_rx_rings,
		desc->num_tx_slots, desc->num_rx_slots);
	return nm;
err:
	for (t = NR_TX; t < NR_TXRX; t++) {
		kfree(nm->ring_on[t]);
		kfree(nm->kring[t]);
		kfree(nm->hw_ofs[t]);
	}
	kfree(nm);
	return NULL;
}
EXPORT_SYMBOL_GPL(nm_native_attach);

void nm_native_detach_locked(struct nm_native **nmp)
{
	struct nm_native *nm = *nmp;
	struct nm_nport *p;
	enum nm_txrx t;

	ASSERT_RTNL();
	if (!nm)
		return;
	mutex_lock(&nm_native_lock);
	list_del(&nm->link);
	p = nm->port;
	if (p) {
		/* Stop an open port's rings: its syncs fail from now on. */
		nm_adapter_stop(&p->up);
		if (nm->want_on)
			nm_native_switch(nm, false);
		nm_host_forget(&p->host);
		/* The port lives on, without its NIC, until its last close. */
		p->nm = NULL;
		nm->port = NULL;
	}
	/* The driver's paths under RTNL see NULL from here on. */
	WRITE_ONCE(*nmp, NULL);
	mutex_unlock(&nm_native_lock);
	/* Interrupt and transmit paths that read the pointer before are done. */
	synchronize_net();
	for (t = NR_TX; t < NR_TXRX; t++) {
		kfree(nm->ring_on[t]);
		kfree(nm->kring[t]);
		kfree(nm->hw_ofs[t]);
	}
	kfree(nm);
}
EXPORT_SYMBOL_GPL(nm_native_detach_locked);

void nm_native_detach(struct nm_native **nmp)
{
	rtnl_lock();
	nm_native_detach_locked(nmp);
	rtnl_unlock();
}
EXPORT_SYMBOL_GPL(nm_native_detach);
