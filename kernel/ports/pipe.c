// SPDX-License-Identifier: GPL-2.0
/*
 * netmap pipes: `parent{id` (master) and `parent}id` (slave), two ports whose
 * TX rings feed each other's RX rings (zero copy: both ends live in the
 * parent's region).
 *
 * Ring pairing: master TX ring i -> slave RX ring i, slave TX ring i ->
 * master RX ring i. The two rings of a pair have the same size and mirror
 * each other: one set of buffers, slot p of the one and slot p of the other
 * at the same position (nm_pipe_ring_share()), so sending a packet copies a
 * slot and touches no buffer, and the sender finds its own buffers again
 * when the receiver returns them. Each pair is a single-producer
 * single-consumer queue with one field per side:
 *  - the writer (txsync of the TX ring, under its sync_lock) fills the RX
 *    ring's slots [pipe_tail, its hwcur) and publishes its new hwcur in
 *    pipe_tail with a store-release;
 *  - the reader (rxsync of the RX ring, under its sync_lock) returns slots by
 *    publishing hwcur with a store-release, and picks up pipe_tail with a
 *    load-acquire as its new hwtail.
 * Neither side writes the other's field, so no lock is shared; each side
 * writes the other's slots only at positions the other's user does not own.
 *
 * Ring objects: while either end is bound, all rings of the other end are
 * pinned (created), so a writer always has a ring to write into.
 *
 * Lifetime: both ends are embedded in one struct nm_pipe, freed when both
 * ends' refcounts are zero. A pipe holds a reference on its parent.
 * Parents that are not existing ports are created implicitly (no rings, the
 * global region) and freed with their last pipe.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "../core/nm_kern.h"

#define NM_MAX_PIPES	64

struct nm_pipe;

struct nm_pipe_end {
	struct nm_adapter up;
	struct nm_pipe *pipe;
	int side;			/* 0 master, 1 slave */
};

struct nm_pipe {
	struct list_head link;		/* in parent->pipes, under nm_lock */
	struct nm_adapter *parent;	/* holds a reference */
	char id[NETMAP_REQ_IFNAMSIZ];
	struct nm_pipe_end end[2];
};

/* Implicit parents, under nm_lock. */
static LIST_HEAD(nm_implicit_parents);

struct nm_implicit_parent {
	struct nm_adapter up;
	struct list_head link;
};

static struct nm_pipe_end *to_end(struct nm_adapter *na)
{
	return container_of(na, struct nm_pipe_end, up);
}

static struct nm_adapter *nm_pipe_peer(struct nm_adapter *na)
{
	struct nm_pipe_end *e = to_end(na);

	return &e->pipe->end[!e->side].up;
}

/*
 * TX ring @k to its mirrored peer RX ring: the slots [hwcur, rhead) that
 * form complete packets (the last one without NS_MOREFRAG) are copied, after
 * validation, to the same positions of the peer. The buffer stays where it
 * is: only a slot whose buffer the user changed (NS_BUF_CHANGED) tells the
 * receiver about it, and the sender's slot is written only then or to repair
 * it. Each user slot is read once into a local copy, validated there and
 * written to the peer, so a slot the user changes meanwhile never reaches the
 * peer unchecked.
 */
static int nm_pipe_txsync(struct nm_kring *k, int flags)
{
	struct nm_kring *r = k->peer;
	struct netmap_slot *tslot = k->ring->slot, *rslot = r->ring->slot;
	u32 n = k->num_slots, i = k->hwcur, last;
	/* Pairs with the release in nm_pipe_rxsync(): returned slots are ours. */
	u32 rcur = smp_load_acquire(&r->hwcur);
	u32 m = nm_dist(i, k->rhead, n);

	/* A chain still open at the end waits for its last slot. */
	while (m) {
		last = i + m - 1;
		if (last >= n)
			last -= n;
		if (!(READ_ONCE(tslot[last].flags) & NS_MOREFRAG))
			break;
		m--;
	}
	while (m--) {
		struct netmap_slot *ts = &tslot[i];
		struct netmap_slot s = {
			.buf_idx = READ_ONCE(ts->buf_idx),
			.len = READ_ONCE(ts->len),
			.flags = READ_ONCE(ts->flags),
			.ptr = READ_ONCE(ts->ptr),
		};

		if (unlikely(s.flags & NS_BUF_CHANGED))
			ts->flags = s.flags & ~NS_BUF_CHANGED;
		if (unlikely(!nm_kring_buf_ok(k, s.buf_idx))) {
			s.buf_idx = 0;
			s.len = 0;
			ts->buf_idx = 0;
			ts->len = 0;
		} else if (unlikely(s.len > k->bufs.size)) {
			s.len = k->bufs.size;
			ts->len = s.len;
		}
		rslot[i] = s;
		i = i + 1 == n ? 0 : i + 1;
	}
	if (i != k->hwcur) {
		k->hwcur = i;
		/* Slots written above are visible before the new tail. */
		smp_store_release(&r->pipe_tail, i);
		nm_kring_notify(r);
	}
	/* The slot before the receiver's hwcur stays empty (full ring). */
	k->hwtail = nm_prev(rcur, n);
	return 0;
}

/*
 * RX ring @r returns [hwcur, rhead) to its mirrored TX ring. A buffer the
 * receiver swapped in (NS_BUF_CHANGED) goes back in the sender's slot, which
 * then carries NS_BUF_CHANGED; other slots are left alone.
 */
static int nm_pipe_rxsync(struct nm_kring *r, int flags)
{
	struct nm_kring *k = r->peer;
	u32 n = r->num_slots, i = r->hwcur, head = r->rhead;

	if (i != head) {
		struct netmap_slot *rslot = r->ring->slot, *tslot = k->ring->slot;

		do {
			u32 f = READ_ONCE(rslot[i].flags);

			if (unlikely(f & NS_BUF_CHANGED)) {
				u32 idx = READ_ONCE(rslot[i].buf_idx);

				rslot[i].flags = f & ~NS_BUF_CHANGED;
				if (!nm_kring_buf_ok(r, idx))
					idx = 0;
				if (tslot[i].buf_idx != idx) {
					tslot[i].buf_idx = idx;
					tslot[i].flags = NS_BUF_CHANGED;
				}
			}
			i = i + 1 == n ? 0 : i + 1;
		} while (i != head);
		/* Pairs with the acquire in nm_pipe_txsync(). */
		smp_store_release(&r->hwcur, head);
		nm_kring_notify(k);
	}
	/* Pairs with the release in nm_pipe_txsync(): slots are filled. */
	r->hwtail = smp_load_acquire(&r->pipe_tail);
	return 0;
}

/* Copy @cnt buffer indices from @from to @to, from slot @i on (validated). */
static void nm_pipe_copy_bufs(const struct nm_kring *from, struct nm_kring *to,
			      u32 i, u32 cnt)
{
	struct netmap_slot *fs = from->ring->slot, *ts = to->ring->slot;
	u32 n = from->num_slots;

	while (cnt--) {
		u32 idx = READ_ONCE(fs[i].buf_idx);

		ts[i].buf_idx = nm_kring_buf_ok(from, idx) ? idx : 0;
		i = i + 1 == n ? 0 : i + 1;
	}
}

/*
 * Mirrored rings: a TX ring and the peer RX ring it feeds hold one set of
 * buffers, position by position. Position p belongs to the receiver while
 * it lies in [rx hwcur, rx pipe_tail) (sent, not yet returned), else to the
 * sender, and the owner's slot names its buffer. The set is made once, by
 * the first of the two ring objects to exist; when one goes, the other
 * takes over the positions it owned. Both happen under nm_lock while
 * neither ring can be synced: a ring is synced only while its end is bound,
 * and a bound end keeps every ring of the other end in existence
 * (nm_pipe_reg()).
 */
static bool nm_pipe_ring_share(struct nm_kring *k, struct netmap_ring *ring)
{
	struct nm_kring *p = k->peer;
	struct netmap_slot *ps;
	u32 i, n = k->num_slots;

	if (!p || !p->ring)
		return false;
	ps = p->ring->slot;
	for (i = 0; i < n; i++) {
		u32 idx = READ_ONCE(ps[i].buf_idx);

		ring->slot[i].buf_idx = nm_kring_buf_ok(p, idx) ? idx : 0;
		ring->slot[i].len = k->bufs.size;
		ring->slot[i].flags = 0;
		ring->slot[i].ptr = 0;
	}
	if (k->tx == NR_TX)	/* free: up to the receiver's hwcur */
		nm_ring_set_indices(k, ring, p->pipe_tail, nm_prev(p->hwcur, n));
	else			/* empty: what was in flight is dropped */
		nm_ring_set_indices(k, ring, p->hwcur, p->hwcur);
	return true;
}

static bool nm_pipe_ring_unshare(struct nm_kring *k)
{
	struct nm_kring *p = k->peer;
	u32 n = k->num_slots, inflight;

	if (!p || !p->ring)
		return false;
	if (k->tx == NR_TX) {
		inflight = nm_dist(p->hwcur, p->pipe_tail, n);
		nm_pipe_copy_bufs(k, p, p->pipe_tail, n - inflight);
	} else {
		inflight = nm_dist(k->hwcur, k->pipe_tail, n);
		nm_pipe_copy_bufs(k, p, k->hwcur, inflight);
	}
	return true;
}

/* While an end is in use, keep every ring of the other end in existence. */
static int nm_pipe_reg(struct nm_adapter *na, bool on)
{
	struct nm_adapter *peer = nm_pipe_peer(na);
	int err;

	if (!on) {
		nm_rings_put(peer, NR_TX, 0, peer->num_rings[NR_TX]);
		nm_rings_put(peer, NR_RX, 0, peer->num_rings[NR_RX]);
		return 0;
	}
	err = nm_rings_get(peer, NR_TX, 0, peer->num_rings[NR_TX]);
	if (err)
		return err;
	err = nm_rings_get(peer, NR_RX, 0, peer->num_rings[NR_RX]);
	if (err)
		nm_rings_put(peer, NR_TX, 0, peer->num_rings[NR_TX]);
	return err;
}

static void nm_pipe_free(struct nm_pipe *pipe)
{
	struct nm_adapter *parent = pipe->parent;

	list_del(&pipe->link);
	parent->num_pipes--;
	nm_adapter_fini(&pipe->end[0].up);
	nm_adapter_fini(&pipe->end[1].up);
	kfree(pipe);
	nm_adapter_put(parent);
}

static void nm_pipe_dtor(struct nm_adapter *na)
{
	if (nm_pipe_peer(na)->refcount == 0)
		nm_pipe_free(to_end(na)->pipe);
}

static const struct nm_adapter_ops nm_pipe_ops = {
	.reg = nm_pipe_reg,
	.txsync = nm_pipe_txsync,
	.rxsync = nm_pipe_rxsync,
	.dtor = nm_pipe_dtor,
	.ring_share = nm_pipe_ring_share,
	.ring_unshare = nm_pipe_ring_unshare,
};

static void nm_implicit_parent_dtor(struct nm_adapter *na)
{
	struct nm_implicit_parent *p =
		container_of(na, struct nm_implicit_parent, up);

	list_del(&p->link);
	nm_adapter_fini(na);
	kfree(p);
}

static const struct nm_adapter_ops nm_implicit_parent_ops = {
	.dtor = nm_implicit_parent_dtor,
};

/* A parent name that is no port: find or create a placeholder for it. */
static int nm_implicit_parent_get(const char *name, struct nm_adapter **out)
{
	struct nm_implicit_parent *p;
	struct nm_mem *mem;
	int err;

	list_for_each_entry(p, &nm_implicit_parents, link) {
		if (!strcmp(p->up.name, name)) {
			nm_adapter_get(&p->up);
			*out = &p->up;
			return 0;
		}
	}
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	mem = nm_mem_global();
	p->up.num_slots[NR_TX] = NM_DEF_SLOTS;
	p->up.num_slots[NR_RX] = NM_DEF_SLOTS;
	err = nm_adapter_init(&p->up, name, &nm_implicit_parent_ops, mem);
	if (err) {
		kfree(p);
		return err;
	}
	p->up.refcount = 1;
	list_add(&p->link, &nm_implicit_parents);
	*out = &p->up;
	return 0;
}

static int nm_pipe_parent_get(const struct nm_port_req *req, const char *pname,
			      struct nm_adapter **out)
{
	struct nm_port_req preq = *req;
	int err;

	preq.name = pname;
	preq.mode = NR_REG_ALL_NIC;
	preq.flags = 0;
	err = nm_port_get(&preq, out);
	if (err == -ENXIO)
		err = nm_implicit_parent_get(pname, out);
	return err;
}

static u32 nm_pick(u32 wanted, u32 def, u32 max)
{
	if (!wanted)
		return def;
	return min(wanted, max);
}

static int nm_pipe_end_init(struct nm_pipe *pipe, int side,
			    const u32 rings[NR_TXRX], const u32 slots[NR_TXRX])
{
	struct nm_pipe_end *e = &pipe->end[side];
	struct nm_adapter *parent = pipe->parent;
	char name[NETMAP_REQ_IFNAMSIZ];
	enum nm_txrx t;

	/* The slave's TX is the master's RX and vice versa. */
	for (t = NR_TX; t < NR_TXRX; t++) {
		e->up.num_rings[t] = rings[side ? !t : t];
		e->up.num_slots[t] = slots[side ? !t : t];
	}
	e->up.offsets_ok = true;
	e->pipe = pipe;
	e->side = side;
	snprintf(name, sizeof(name), "%s%c%s", parent->name,
		 side ? '}' : '{', pipe->id);
	nm_mem_get(parent->mem);
	return nm_adapter_init(&e->up, name, &nm_pipe_ops, parent->mem);
}

static void nm_pipe_link_rings(struct nm_pipe *pipe)
{
	struct nm_adapter *m = &pipe->end[0].up, *s = &pipe->end[1].up;
	u32 i;

	for (i = 0; i < m->num_rings[NR_TX]; i++) {
		m->krings[NR_TX][i].peer = &s->krings[NR_RX][i];
		s->krings[NR_RX][i].peer = &m->krings[NR_TX][i];
	}
	for (i = 0; i < s->num_rings[NR_TX]; i++) {
		s->krings[NR_TX][i].peer = &m->krings[NR_RX][i];
		m->krings[NR_RX][i].peer = &s->krings[NR_TX][i];
	}
}

/* Create both ends; consumes the caller's reference to @parent. */
static int nm_pipe_create(struct nm_adapter *parent, const char *id, int side,
			  const struct nm_port_req *req, struct nm_pipe **out)
{
	u32 rings[NR_TXRX], slots[NR_TXRX];
	struct nm_pipe *pipe;
	enum nm_txrx t;
	int err;

	if (parent->num_pipes >= NM_MAX_PIPES) {
		nm_info_rl("%s: too many pipes (max %d)\n", parent->name,
			   NM_MAX_PIPES);
		err = -ENOMEM;
		goto err_put_parent;
	}
	/* rings[]/slots[] in the master's view. */
	for (t = NR_TX; t < NR_TXRX; t++) {
		enum nm_txrx mt = side ? !t : t;

		rings[mt] = nm_pick(req->rings[t], 1, NM_MAX_RINGS);
		slots[mt] = nm_pick(req->slots[t], parent->num_slots[t] ?: NM_DEF_SLOTS,
				    NM_MAX_SLOTS);
	}
	pipe = kzalloc(sizeof(*pipe), GFP_KERNEL);
	if (!pipe) {
		err = -ENOMEM;
		goto err_put_parent;
	}
	pipe->parent = parent;
	strscpy(pipe->id, id, sizeof(pipe->id));
	err = nm_pipe_end_init(pipe, 0, rings, slots);
	if (err)
		goto err_free_pipe;
	err = nm_pipe_end_init(pipe, 1, rings, slots);
	if (err)
		goto err_fini_master;
	nm_pipe_link_rings(pipe);
	list_add(&pipe->link, &parent->pipes);
	parent->num_pipes++;
	*out = pipe;
	return 0;

err_fini_master:
	nm_adapter_fini(&pipe->end[0].up);
err_free_pipe:
	kfree(pipe);
err_put_parent:
	nm_adapter_put(parent);
	return err;
}

int nm_pipe_get(const struct nm_port_req *req, struct nm_adapter **out)
{
	char pname[NETMAP_REQ_IFNAMSIZ];
	struct nm_adapter *parent, *na;
	const char *brace, *id;
	struct nm_pipe *pipe;
	int side = 0, err;

	brace = strrchr(req->name, '{');
	if (!brace) {
		brace = strrchr(req->name, '}');
		side = 1;
	}
	id = brace + 1;
	if (brace == req->name || !*id) {
		nm_info_rl("%s: invalid pipe name\n", req->name);
		return -EINVAL;
	}
	strscpy(pname, req->name, min_t(size_t, brace - req->name + 1, sizeof(pname)));
	if (strpbrk(pname, "{}")) {
		nm_info_rl("%s: a pipe cannot be the parent of a pipe\n", req->name);
		return -EINVAL;
	}
	if (req->mode != NR_REG_ALL_NIC && req->mode != NR_REG_ONE_NIC) {
		nm_info_rl("%s: pipes accept only NR_REG_ALL_NIC and NR_REG_ONE_NIC\n",
			   req->name);
		return -EINVAL;
	}
	err = nm_pipe_parent_get(req, pname, &parent);
	if (err)
		return err;
	list_for_each_entry(pipe, &parent->pipes, link) {
		if (!strcmp(pipe->id, id)) {
			nm_adapter_put(parent);
			goto found;
		}
	}
	err = nm_pipe_create(parent, id, side, req, &pipe);
	if (err)
		return err;
found:
	na = &pipe->end[side].up;
	nm_adapter_get(na);
	*out = na;
	return 0;
}
