// SPDX-License-Identifier: GPL-2.0
/*
 * netmap pipes: `parent{id` (master) and `parent}id` (slave), two ports whose
 * TX rings feed each other's RX rings by swapping slots (zero copy: both
 * ends live in the parent's region).
 *
 * Ring pairing: master TX ring i -> slave RX ring i, slave TX ring i ->
 * master RX ring i. Each pair of rings is a single-producer single-consumer
 * queue with one field per side:
 *  - the writer (txsync of the TX ring, under its sync_lock) fills the RX
 *    ring's kernel-owned slots [pipe_tail, hwcur - 1) and publishes pipe_tail
 *    with a store-release;
 *  - the reader (rxsync of the RX ring, under its sync_lock) returns slots by
 *    publishing hwcur with a store-release, and picks up pipe_tail with a
 *    load-acquire as its new hwtail.
 * Neither side writes the other's field, so no lock is shared.
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
 * TX ring @k to its peer RX ring: the slots [hwcur, rhead) that form
 * complete packets (the last one without NS_MOREFRAG) and fit in the peer's
 * free slots swap buffers with those slots. Each user slot is read once into
 * a local copy, validated there and written to the peer, so a slot the user
 * changes meanwhile never reaches the peer unchecked.
 */
static int nm_pipe_txsync(struct nm_kring *k, int flags)
{
	struct nm_kring *r = k->peer;
	struct netmap_slot *tslot = k->ring->slot, *rslot = r->ring->slot;
	u32 n = k->num_slots, rn = r->num_slots;
	u32 j = r->pipe_tail;		/* only this function writes it */
	/* Pairs with the release in nm_pipe_rxsync(): returned slots are free. */
	u32 rcur = smp_load_acquire(&r->hwcur);
	u32 space = nm_dist(j, nm_prev(rcur, rn), rn);
	u32 i = k->hwcur, m = min(nm_dist(i, k->rhead, n), space), last;

	/* A chain still open at the end waits for its last slot. */
	while (m) {
		last = i + m - 1;
		if (last >= n)
			last -= n;
		if (!(READ_ONCE(tslot[last].flags) & NS_MOREFRAG))
			break;
		m--;
	}
	space -= m;
	while (m--) {
		struct netmap_slot *rs = &rslot[j];
		struct netmap_slot s = {
			.buf_idx = READ_ONCE(tslot[i].buf_idx),
			.len = READ_ONCE(tslot[i].len),
			.flags = READ_ONCE(tslot[i].flags),
			.ptr = READ_ONCE(tslot[i].ptr),
		};

		if (unlikely(!nm_kring_buf_ok(k, s.buf_idx))) {
			s.buf_idx = 0;
			s.len = 0;
			tslot[i].len = 0;
		} else if (unlikely(s.len > k->bufs.size)) {
			s.len = k->bufs.size;
			tslot[i].len = s.len;
		}
		s.flags = (s.flags & NS_MOREFRAG) | NS_BUF_CHANGED;
		tslot[i].buf_idx = rs->buf_idx;
		tslot[i].ptr = rs->ptr;
		tslot[i].flags = NS_BUF_CHANGED;
		*rs = s;
		i = i + 1 == n ? 0 : i + 1;
		j = j + 1 == rn ? 0 : j + 1;
	}
	if (i != k->hwcur) {
		k->hwcur = i;
		/* Slots written above are visible before the new tail. */
		smp_store_release(&r->pipe_tail, j);
		nm_kring_notify(r);
	}
	/*
	 * Slots come back to the sender only as the receiver returns them:
	 * the sender may fill as many slots past hwcur as the peer has free.
	 */
	k->hwtail = (k->hwcur + min(space, n - 1)) % n;
	return 0;
}

static int nm_pipe_rxsync(struct nm_kring *r, int flags)
{
	struct nm_kring *k = r->peer;

	if (r->rhead != r->hwcur) {
		/* Pairs with the acquire in nm_pipe_txsync(). */
		smp_store_release(&r->hwcur, r->rhead);
		nm_kring_notify(k);
	}
	/* Pairs with the release in nm_pipe_txsync(): slots are filled. */
	r->hwtail = smp_load_acquire(&r->pipe_tail);
	return 0;
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
