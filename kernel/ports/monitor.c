// SPDX-License-Identifier: GPL-2.0
/*
 * Copy monitors (ABI.md §9.1 step 2): a register with NR_MONITOR_TX and/or
 * NR_MONITOR_RX opens a new port that receives a copy of every frame the
 * watched rings of another port (already in netmap mode) carry: TX frames
 * when that port's txsync takes them (before they are consumed), marked
 * NS_TXMON, RX frames when its rxsync delivers them. nr_mode and nr_ringid
 * pick the watched rings of the monitored port.
 *
 * The monitor: 1 TX ring (its txsync does nothing), max(TX, RX) rings of
 * the monitored port as RX rings, host RX rings likewise if that port has
 * host rings; TX ring i and RX ring i of the monitored port copy into RX
 * ring i of the monitor, host ring h into the monitor's host RX ring h.
 * Slots default to the monitored port's (the larger direction), at most
 * 4096; a private region of its own. Name `<parent>/<r><t>#<n>`, n counting
 * the monitors opened on that port.
 *
 * Mechanism (core, every port kind): while a ring has monitors, its sync is
 * nm_mon_txsync()/nm_mon_rxsync() and the port's own sync is in
 * kring->mon_sync; the last monitor leaving puts it back. Every sync runs
 * through nm_txsync()/nm_rxsync() with the ring's sync_lock held, so the
 * copies are serialised by the monitored ring's sync_lock.
 *
 * Locking:
 *  - kring->monitors (nm_mon_link) changes under nm_lock and the watched
 *    ring's sync_lock; walked under that sync_lock.
 *  - A monitor RX ring may be written by several watched rings (TX i and
 *    RX i), each under its own sync_lock: nm_mon_ring.lock (spinlock,
 *    inside those sync_locks) serialises them. The producer publishes
 *    nm_mon_ring.tail with a store-release; the monitor's rxsync (under the
 *    monitor ring's sync_lock) reads it with a load-acquire and returns
 *    slots by publishing hwcur with a store-release, read by the producer
 *    with a load-acquire. The two sync_locks never nest.
 *  - A full monitor ring drops the frame (whole); the monitored port is
 *    never held back.
 *
 * Lifetime: the monitor holds a reference on the monitored port. Its RX
 * rings are pinned while it is registered, so a producer always has a ring
 * to write into. When a watched ring is deleted or the monitored port
 * leaves netmap mode (its last fd unbinds), the links go; a monitor left
 * with no link is stopped (syncs EIO, poll POLLERR, as nm_adapter_stop()).
 * The monitor closing detaches its links first.
 */
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "../core/nm_kern.h"

#define NM_MON_FLAGS	(NR_MONITOR_TX | NR_MONITOR_RX)

struct nm_monitor;

/* The producer side of one monitor RX ring. */
struct nm_mon_ring {
	struct nm_kring *k;		/* the monitor's RX ring */
	spinlock_t lock;		/* producers (watched rings' syncs) */
	u32 tail;			/* next slot to fill, under lock */
};

/* One watched ring feeding one monitor ring. */
struct nm_mon_link {
	struct list_head link;		/* in watched->monitors */
	struct nm_kring *watched;	/* NULL when not attached (nm_lock) */
	struct nm_mon_ring *dst;
	struct nm_monitor *mon;
};

struct nm_monitor {
	struct nm_adapter up;
	struct nm_adapter *parent;	/* holds a reference */
	u64 flags;			/* NR_MONITOR_TX / NR_MONITOR_RX */
	struct nm_sel psel;		/* watched rings of the parent */
	struct nm_mon_ring *rings;	/* one per RX ring, host rings last */
	struct nm_mon_link *links[NR_TXRX];	/* one per parent ring */
	int nlinks;			/* attached links, nm_lock */
};

static struct nm_monitor *to_mon(struct nm_adapter *na)
{
	return container_of(na, struct nm_monitor, up);
}

/* The monitor RX ring fed by ring @k of the parent. */
static struct nm_mon_ring *nm_mon_dst(struct nm_monitor *mon,
				      const struct nm_kring *k)
{
	struct nm_adapter *p = mon->parent;
	u32 nic = p->num_rings[k->tx];

	if (k->ring_id < nic)
		return &mon->rings[k->ring_id];
	return &mon->rings[mon->up.num_rings[NR_RX] + k->ring_id - nic];
}

/*
 * Copy the frame in slots [start, start + m) of @k into @mr, whole or not
 * at all. Under @k's sync_lock.
 */
static void nm_mon_put(struct nm_mon_ring *mr, struct nm_kring *k, u32 start,
		       u32 m, u16 txmon)
{
	struct nm_kring *r = mr->k;
	struct netmap_slot *src = k->ring->slot, *dst = r->ring->slot;
	u32 n = k->num_slots, rn = r->num_slots, i = start, j, x;

	spin_lock(&mr->lock);
	j = mr->tail;
	/* Pairs with the release in nm_mon_rxsync(): returned slots are free. */
	if (m > nm_dist(j, nm_prev(smp_load_acquire(&r->hwcur), rn), rn)) {
		spin_unlock(&mr->lock);
		return;
	}
	for (x = 0; x < m; x++) {
		struct netmap_slot *d = &dst[j];
		u32 idx = READ_ONCE(src[i].buf_idx);
		u32 len = READ_ONCE(src[i].len);
		u64 off = READ_ONCE(src[i].ptr) & k->offset_mask;
		u32 didx = READ_ONCE(d->buf_idx);

		if (!nm_kring_buf_ok(k, idx) || off >= k->bufs.size)
			len = 0;
		else
			len = min_t(u64, len, k->bufs.size - off);
		if (!nm_kring_buf_ok(r, didx))
			len = 0;	/* the monitor's user broke this slot */
		len = min(len, r->bufs.size);
		if (len)
			memcpy(nm_kring_buf(r, didx),
			       (char *)nm_kring_buf(k, idx) + off, len);
		d->len = len;
		d->flags = (x + 1 < m ? NS_MOREFRAG : 0) | txmon;
		i = nm_next(i, n);
		j = nm_next(j, rn);
	}
	/* The slots above are visible before the new tail. */
	smp_store_release(&mr->tail, j);
	spin_unlock(&mr->lock);
	nm_kring_notify(r);
}

/*
 * Copy the complete frames of slots [k->mon_seen, to) into every monitor
 * of @k; a frame still open at @to waits for its last slot.
 */
static void nm_mon_frames(struct nm_kring *k, u32 to, u16 txmon)
{
	struct netmap_slot *slot = k->ring->slot;
	u32 n = k->num_slots, i = k->mon_seen;
	struct nm_mon_link *l;

	while (i != to) {
		u32 start = i, m = 0;
		bool whole = false;

		do {
			u16 f = READ_ONCE(slot[i].flags);

			i = nm_next(i, n);
			m++;
			if (!(f & NS_MOREFRAG)) {
				whole = true;
				break;
			}
		} while (i != to);
		if (!whole) {
			i = start;
			break;
		}
		list_for_each_entry(l, &k->monitors, link)
			nm_mon_put(l->dst, k, start, m, txmon);
	}
	k->mon_seen = i;
}

/* A watched TX ring: what the user sends, before the port consumes it. */
static int nm_mon_txsync(struct nm_kring *k, int flags)
{
	if (!nm_in_range(k->mon_seen, k->hwcur, k->rhead, k->num_slots))
		k->mon_seen = k->hwcur;
	nm_mon_frames(k, k->rhead, NS_TXMON);
	return k->mon_sync(k, flags);
}

/* A watched RX ring: what the port's rxsync just delivered. */
static int nm_mon_rxsync(struct nm_kring *k, int flags)
{
	int err = k->mon_sync(k, flags);

	if (!nm_in_range(k->mon_seen, k->hwcur, k->hwtail, k->num_slots))
		k->mon_seen = k->hwcur;
	nm_mon_frames(k, k->hwtail, 0);
	return err;
}

/* Hook @l into its watched ring. Under nm_lock. */
static void nm_mon_attach(struct nm_mon_link *l, struct nm_kring *k)
{
	lockdep_assert_held(&nm_lock);
	mutex_lock(&k->sync_lock);
	if (list_empty(&k->monitors)) {
		k->mon_sync = k->sync;
		k->sync = k->tx == NR_TX ? nm_mon_txsync : nm_mon_rxsync;
		/* Frames already in flight are not the monitor's. */
		k->mon_seen = k->tx == NR_TX ? k->rhead : k->hwtail;
	}
	list_add_tail(&l->link, &k->monitors);
	mutex_unlock(&k->sync_lock);
	l->watched = k;
	l->mon->nlinks++;
}

/* Unhook @l; returns true if its monitor has no link left. Under nm_lock. */
static bool nm_mon_detach(struct nm_mon_link *l)
{
	struct nm_kring *k = l->watched;

	lockdep_assert_held(&nm_lock);
	mutex_lock(&k->sync_lock);
	list_del(&l->link);
	if (list_empty(&k->monitors)) {
		k->sync = k->mon_sync;
		k->mon_sync = NULL;
	}
	mutex_unlock(&k->sync_lock);
	l->watched = NULL;
	return --l->mon->nlinks == 0;
}

/* Watched ring @k goes away (its last user unbinds). Under nm_lock. */
void nm_monitor_ring_off(struct nm_kring *k)
{
	struct nm_mon_link *l, *tmp;

	lockdep_assert_held(&nm_lock);
	list_for_each_entry_safe(l, tmp, &k->monitors, link) {
		if (nm_mon_detach(l))
			nm_adapter_stop(&l->mon->up);
	}
}

/* @na leaves netmap mode: its monitors stop. Under nm_lock. */
void nm_monitor_port_off(struct nm_adapter *na)
{
	enum nm_txrx t;
	u32 i;

	for (t = NR_TX; t < NR_TXRX; t++)
		for (i = 0; i < nm_total_rings(na, t); i++)
			if (!list_empty(&na->krings[t][i].monitors))
				nm_monitor_ring_off(&na->krings[t][i]);
}

static bool nm_mon_watches(const struct nm_monitor *mon, enum nm_txrx t)
{
	return mon->flags & (t == NR_TX ? NR_MONITOR_TX : NR_MONITOR_RX);
}

static void nm_mon_detach_all(struct nm_monitor *mon)
{
	enum nm_txrx t;
	u32 i;

	for (t = NR_TX; t < NR_TXRX; t++)
		for (i = 0; i < nm_total_rings(mon->parent, t); i++)
			if (mon->links[t][i].watched)
				nm_mon_detach(&mon->links[t][i]);
}

/*
 * The monitor's fd binds (on): pin every RX ring, then hook the watched
 * rings that exist. Unbinds (off): the reverse.
 */
static int nm_mon_reg(struct nm_adapter *na, bool on)
{
	struct nm_monitor *mon = to_mon(na);
	u32 nrx = nm_total_rings(na, NR_RX), i;
	enum nm_txrx t;
	int err;

	if (!on) {
		nm_mon_detach_all(mon);
		nm_rings_put(na, NR_RX, 0, nrx);
		return 0;
	}
	err = nm_rings_get(na, NR_RX, 0, nrx);
	if (err)
		return err;
	for (i = 0; i < nrx; i++)
		mon->rings[i].tail = mon->rings[i].k->hwtail;
	for (t = NR_TX; t < NR_TXRX; t++) {
		if (!nm_mon_watches(mon, t))
			continue;
		for (i = mon->psel.first[t]; i < mon->psel.last[t]; i++) {
			struct nm_kring *k = &mon->parent->krings[t][i];

			if (k->users && k->ring)
				nm_mon_attach(&mon->links[t][i], k);
		}
	}
	if (!mon->nlinks) {
		/* Checked at lookup; the port left netmap mode since. */
		nm_rings_put(na, NR_RX, 0, nrx);
		return -EINVAL;
	}
	return 0;
}

/* Nothing is sent through a monitor. */
static int nm_mon_own_txsync(struct nm_kring *k, int flags)
{
	return 0;
}

static int nm_mon_own_rxsync(struct nm_kring *r, int flags)
{
	struct nm_mon_ring *mr = &to_mon(r->na)->rings[r->ring_id];

	/* Pairs with the acquire in nm_mon_put(). */
	if (r->rhead != r->hwcur)
		smp_store_release(&r->hwcur, r->rhead);
	/* Pairs with the release in nm_mon_put(): the slots are filled. */
	r->hwtail = smp_load_acquire(&mr->tail);
	return 0;
}

static void nm_mon_free(struct nm_monitor *mon)
{
	kfree(mon->links[NR_TX]);
	kfree(mon->links[NR_RX]);
	kfree(mon->rings);
	kfree(mon);
}

static void nm_mon_dtor(struct nm_adapter *na)
{
	struct nm_monitor *mon = to_mon(na);
	struct nm_adapter *parent = mon->parent;

	nm_adapter_fini(na);
	nm_mon_free(mon);
	nm_adapter_put(parent);
}

static const struct nm_adapter_ops nm_mon_ops = {
	.reg = nm_mon_reg,
	.txsync = nm_mon_own_txsync,
	.rxsync = nm_mon_own_rxsync,
	.host_rxsync = nm_mon_own_rxsync,
	.dtor = nm_mon_dtor,
};

/* A private region for the monitor's rings. */
static struct nm_mem *nm_mon_mem(struct nm_monitor *mon)
{
	struct nm_adapter *na = &mon->up;
	u32 ntx = nm_total_rings(na, NR_TX), nrx = nm_total_rings(na, NR_RX);
	u32 slots = max(na->num_slots[NR_TX], na->num_slots[NR_RX]);
	struct nm_mem_params p = {
		.if_size = sizeof(struct netmap_if) +
			   2 * (ntx + nrx + 2) * sizeof(s64),
		.if_num = 2,
		.ring_size = sizeof(struct netmap_ring) +
			     slots * sizeof(struct netmap_slot),
		.ring_num = ntx + nrx,
		.buf_size = nm_mem_buf_size(mon->parent->mem),
		.buf_num = ntx * na->num_slots[NR_TX] +
			   nrx * na->num_slots[NR_RX] + 2,
	};

	return nm_mem_private_new(&p);
}

static u32 nm_mon_slots(u32 wanted, u32 def)
{
	return wanted ? min_t(u32, wanted, NM_MAX_SLOTS) : def;
}

/* Geometry, links and producer rings of @mon, whose parent is set. */
static int nm_mon_init(struct nm_monitor *mon, const struct nm_port_req *req)
{
	struct nm_adapter *p = mon->parent, *na = &mon->up;
	char name[NETMAP_REQ_IFNAMSIZ];
	u32 def = max(p->num_slots[NR_TX], p->num_slots[NR_RX]), nrx, i;
	struct nm_mem *mem;
	enum nm_txrx t;
	int err;

	na->num_rings[NR_TX] = 1;
	na->num_rings[NR_RX] = max(p->num_rings[NR_TX], p->num_rings[NR_RX]);
	na->num_host_rings[NR_RX] = max(p->num_host_rings[NR_TX],
					p->num_host_rings[NR_RX]);
	na->num_slots[NR_TX] = nm_mon_slots(req->slots[NR_TX], def);
	na->num_slots[NR_RX] = nm_mon_slots(req->slots[NR_RX], def);
	nrx = nm_total_rings(na, NR_RX);
	mon->rings = kcalloc(nrx, sizeof(*mon->rings), GFP_KERNEL);
	if (!mon->rings)
		return -ENOMEM;
	for (t = NR_TX; t < NR_TXRX; t++) {
		mon->links[t] = kcalloc(nm_total_rings(p, t),
					sizeof(*mon->links[t]), GFP_KERNEL);
		if (!mon->links[t])
			return -ENOMEM;
	}
	mem = nm_mon_mem(mon);
	if (!mem)
		return -ENOMEM;
	if (snprintf(name, sizeof(name), "%s/%s%s#%u", p->name,
		     mon->flags & NR_MONITOR_RX ? "r" : "",
		     mon->flags & NR_MONITOR_TX ? "t" : "",
		     p->monitor_id) >= (int)sizeof(name))
		nm_info_rl("%s: monitor name cut to %s\n", p->name, name);
	err = nm_adapter_init(na, name, &nm_mon_ops, mem);
	if (err)
		return err;
	p->monitor_id++;
	for (i = 0; i < nrx; i++) {
		spin_lock_init(&mon->rings[i].lock);
		mon->rings[i].k = &na->krings[NR_RX][i];
	}
	for (t = NR_TX; t < NR_TXRX; t++) {
		for (i = 0; i < nm_total_rings(p, t); i++) {
			struct nm_mon_link *l = &mon->links[t][i];

			INIT_LIST_HEAD(&l->link);
			l->mon = mon;
			l->dst = nm_mon_dst(mon, &p->krings[t][i]);
		}
	}
	return 0;
}

/* Any watched ring of @p in @sel has a ring object (some fd uses it). */
static bool nm_mon_any_on(const struct nm_adapter *p, const struct nm_sel *sel,
			  u64 flags)
{
	enum nm_txrx t;
	u32 i;

	for (t = NR_TX; t < NR_TXRX; t++) {
		if (!(flags & (t == NR_TX ? NR_MONITOR_TX : NR_MONITOR_RX)))
			continue;
		for (i = sel->first[t]; i < sel->last[t]; i++)
			if (p->krings[t][i].users && p->krings[t][i].ring)
				return true;
	}
	return false;
}

/* A new copy monitor of the port req->name names without the flags. */
int nm_monitor_get(const struct nm_port_req *req, struct nm_adapter **out)
{
	struct nmreq_register reg = {
		.nr_mode = req->mode,
		.nr_ringid = req->ringid,
		.nr_flags = req->flags,
	};
	struct nm_port_req preq = { .name = req->name, .mode = NR_REG_ALL_NIC };
	struct nm_monitor *mon;
	struct nm_adapter *p;
	int err;

	lockdep_assert_held(&nm_lock);
	if (req->flags & NR_ZCOPY_MON) {
		nm_info_rl("%s: zero-copy monitors are not supported\n",
			   req->name);
		return -EOPNOTSUPP;
	}
	err = nm_port_get(&preq, &p);
	if (err)
		return err;
	if (!p->active_fds) {
		nm_info_rl("%s: cannot monitor a port not in netmap mode\n",
			   p->name);
		err = -EINVAL;
		goto err_put;
	}
	mon = kzalloc(sizeof(*mon), GFP_KERNEL);
	if (!mon) {
		err = -ENOMEM;
		goto err_put;
	}
	mon->parent = p;
	mon->flags = req->flags & NM_MON_FLAGS;
	err = nm_select_rings(p, &reg, &mon->psel);
	if (err)
		goto err_free;
	if (!nm_mon_any_on(p, &mon->psel, mon->flags)) {
		nm_info_rl("%s: no watched ring in netmap mode\n", p->name);
		err = -EINVAL;
		goto err_free;
	}
	err = nm_mon_init(mon, req);
	if (err)
		goto err_free;
	mon->up.refcount = 1;
	*out = &mon->up;
	return 0;

err_free:
	nm_mon_free(mon);
err_put:
	nm_adapter_put(p);
	return err;
}
