// SPDX-License-Identifier: GPL-2.0
/*
 * Binding a file descriptor to a port (NETMAP_REQ_REGISTER) and unbinding it
 * on close: ring selection, exclusive use, ring objects, extra buffers, the
 * netmap_if that tells userspace where its rings are.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "nm_kern.h"

/* Rings selected by nr_mode/nr_ringid/nr_flags (ABI.md §7.1). */
int nm_select_rings(const struct nm_adapter *na,
			   const struct nmreq_register *reg, struct nm_sel *sel)
{
	bool has_host = na->num_host_rings[NR_TX] || na->num_host_rings[NR_RX];
	u32 j = reg->nr_ringid;
	enum nm_txrx t;

	for (t = NR_TX; t < NR_TXRX; t++) {
		u32 nic = na->num_rings[t], host = na->num_host_rings[t];

		switch (reg->nr_mode) {
		case NR_REG_ALL_NIC:
		case NR_REG_NULL:
			sel->first[t] = 0;
			sel->last[t] = nic;
			break;
		case NR_REG_SW:
		case NR_REG_NIC_SW:
			if (!has_host)
				goto no_host;
			sel->first[t] = reg->nr_mode == NR_REG_SW ? nic : 0;
			sel->last[t] = nic + host;
			break;
		case NR_REG_ONE_NIC:
			if (j >= na->num_rings[NR_TX] && j >= na->num_rings[NR_RX])
				goto bad_ring;
			sel->first[t] = j < nic ? j : 0;
			sel->last[t] = nic ? sel->first[t] + 1 : 0;
			break;
		case NR_REG_ONE_SW:
			if (!has_host)
				goto no_host;
			if (j >= na->num_host_rings[NR_TX] &&
			    j >= na->num_host_rings[NR_RX])
				goto bad_ring;
			sel->first[t] = nic + (j < host ? j : 0);
			sel->last[t] = host ? sel->first[t] + 1 : nic;
			break;
		default:
			nm_info_rl("%s: invalid register mode %u\n", na->name,
				   reg->nr_mode);
			return -EINVAL;
		}
	}
	if (reg->nr_flags & NR_RX_RINGS_ONLY)
		sel->first[NR_TX] = sel->last[NR_TX] = 0;
	if (reg->nr_flags & NR_TX_RINGS_ONLY)
		sel->first[NR_RX] = sel->last[NR_RX] = 0;
	return 0;

no_host:
	nm_info_rl("%s: port has no host rings (mode %u)\n", na->name,
		   reg->nr_mode);
	return -EINVAL;
bad_ring:
	nm_info_rl("%s: ring id %u out of range\n", na->name, j);
	return -EINVAL;
}

static int nm_check_exclusive(const struct nm_adapter *na,
			      const struct nm_sel *sel, bool excl)
{
	enum nm_txrx t;
	u32 i;

	for (t = NR_TX; t < NR_TXRX; t++) {
		for (i = sel->first[t]; i < sel->last[t]; i++) {
			const struct nm_kring *k = &na->krings[t][i];

			if (k->exclusive || (excl && k->fd_users)) {
				nm_info_rl("%s: %s ring %u busy%s\n", na->name,
					   nm_txrx_str(t), i,
					   k->exclusive ? " (exclusive)" : "");
				return -EBUSY;
			}
		}
	}
	return 0;
}

/* Validate NETMAP_REQ_OPT_OFFSETS (ABI.md §10.3); 0 if absent or valid. */
static int nm_offsets_check(const struct nm_adapter *na,
			    const struct nm_sel *sel,
			    struct nmreq_opt_offsets *o, u64 *mask)
{
	enum nm_txrx t;
	u32 i;

	if (!na->offsets_ok)
		return -EOPNOTSUPP;
	if (o->nro_offset_bits > 64)
		return -EINVAL;
	if (o->nro_offset_bits == 0 || o->nro_offset_bits == 64)
		*mask = ~0ULL;
	else
		*mask = (1ULL << o->nro_offset_bits) - 1;
	if (o->nro_max_offset > nm_mem_buf_size(na->mem) ||
	    o->nro_max_offset > *mask ||
	    o->nro_initial_offset > o->nro_max_offset)
		return -EINVAL;
	for (t = NR_TX; t < NR_TXRX; t++) {
		for (i = sel->first[t]; i < sel->last[t]; i++) {
			const struct nm_kring *k = &na->krings[t][i];

			if (!k->fd_users)
				continue;
			if ((*mask & ~k->offset_mask) ||
			    o->nro_max_offset > k->offset_max)
				return -EBUSY;
		}
	}
	return 0;
}

static void nm_offsets_apply(struct nm_adapter *na, const struct nm_sel *sel,
			     struct nmreq_opt_offsets *o, u64 mask)
{
	enum nm_txrx t;
	u32 i, s;

	for (t = NR_TX; t < NR_TXRX; t++) {
		for (i = sel->first[t]; i < sel->last[t]; i++) {
			struct nm_kring *k = &na->krings[t][i];

			if (k->fd_users)
				continue;	/* already configured, checked above */
			k->offset_mask = mask;
			k->offset_max = o->nro_max_offset;
			*(u64 *)&k->ring->offset_mask = mask;
			*(u64 *)&k->ring->buf_align = 0;
			for (s = 0; s < k->num_slots && o->nro_initial_offset; s++) {
				struct netmap_slot *slot = &k->ring->slot[s];

				slot->ptr = (slot->ptr & ~mask) |
					    (o->nro_initial_offset & mask);
			}
		}
	}
}

static void nm_mark_users(struct nm_adapter *na, const struct nm_sel *sel,
			  bool excl, int delta)
{
	enum nm_txrx t;
	u32 i;

	for (t = NR_TX; t < NR_TXRX; t++) {
		for (i = sel->first[t]; i < sel->last[t]; i++) {
			struct nm_kring *k = &na->krings[t][i];

			k->fd_users += delta;
			if (excl)
				k->exclusive = delta > 0;
		}
	}
}

/* Allocate up to @n extra buffers as a LIFO list (ABI.md §4.7). */
static u32 nm_extra_bufs_alloc(struct nm_mem *mem, struct netmap_if *nifp,
			       u32 n)
{
	u32 head = 0, got;

	for (got = 0; got < n; got++) {
		u32 idx = nm_mem_buf_alloc(mem);

		if (!idx)
			break;
		*(u32 *)nm_mem_buf_addr(mem, idx) = head;
		head = idx;
	}
	nifp->ni_bufs_head = head;
	return got;
}

/* Free the list userspace left at ni_bufs_head, trusting nothing in it. */
static void nm_extra_bufs_free(struct nm_mem *mem, struct netmap_if *nifp)
{
	u32 idx = READ_ONCE(nifp->ni_bufs_head);
	u32 budget = nm_mem_nbufs(mem);

	while (budget-- && nm_mem_buf_valid(mem, idx)) {
		u32 *link = nm_mem_buf_addr(mem, idx);
		u32 next = READ_ONCE(*link);

		*link = 0;
		nm_mem_buf_free(mem, idx);
		idx = next;
	}
	nifp->ni_bufs_head = 0;
}

static struct netmap_if *nm_nifp_create(struct nm_adapter *na,
					const struct nm_sel *sel)
{
	u32 rep_host[NR_TXRX], base[NR_TXRX], i;
	struct netmap_if *nifp;
	enum nm_txrx t;
	size_t size;
	u64 ofs;

	for (t = NR_TX; t < NR_TXRX; t++)
		rep_host[t] = max_t(u32, na->num_host_rings[t], 1);
	base[NR_TX] = 0;
	base[NR_RX] = na->num_rings[NR_TX] + rep_host[NR_TX];
	size = sizeof(*nifp) + sizeof(nifp->ring_ofs[0]) *
	       (base[NR_RX] + na->num_rings[NR_RX] + rep_host[NR_RX]);
	nifp = nm_mem_if_alloc(na->mem, size);
	if (!nifp) {
		nm_err_rl("%s: out of netmap_if objects (if_num/if_size)\n",
			  na->name);
		return NULL;
	}
	ofs = nm_mem_ofs(na->mem, nifp);
	strscpy(nifp->ni_name, na->name, sizeof(nifp->ni_name));
	*(u32 *)&nifp->ni_flags = nm_mem_is_private(na->mem) ? NI_PRIV_MEM : 0;
	*(u32 *)&nifp->ni_tx_rings = na->num_rings[NR_TX];
	*(u32 *)&nifp->ni_rx_rings = na->num_rings[NR_RX];
	*(u32 *)&nifp->ni_host_tx_rings = rep_host[NR_TX];
	*(u32 *)&nifp->ni_host_rx_rings = rep_host[NR_RX];
	for (t = NR_TX; t < NR_TXRX; t++) {
		for (i = sel->first[t]; i < sel->last[t]; i++) {
			struct netmap_ring *ring = na->krings[t][i].ring;

			*(ssize_t *)&nifp->ring_ofs[base[t] + i] =
				(ssize_t)(nm_mem_ofs(na->mem, ring) - ofs);
		}
	}
	return nifp;
}

static void nm_port_req_from_reg(struct nm_port_req *pr,
				 const struct nmreq_header *hdr,
				 const struct nmreq_register *reg)
{
	memset(pr, 0, sizeof(*pr));
	pr->name = hdr->nr_name;
	pr->mode = reg->nr_mode;
	pr->ringid = reg->nr_ringid;
	pr->flags = reg->nr_flags;
	pr->mem_id = reg->nr_mem_id;
	pr->slots[NR_TX] = reg->nr_tx_slots;
	pr->slots[NR_RX] = reg->nr_rx_slots;
	pr->rings[NR_TX] = reg->nr_tx_rings;
	pr->rings[NR_RX] = reg->nr_rx_rings;
	pr->host_rings[NR_TX] = reg->nr_host_tx_rings;
	pr->host_rings[NR_RX] = reg->nr_host_rx_rings;
}

/* The geometry part of a register reply: region, rings and slots. */
void nm_reg_geometry(struct nmreq_register *reg, struct nm_adapter *na)
{
	reg->nr_memsize = nm_mem_size(na->mem);
	reg->nr_tx_slots = na->num_slots[NR_TX];
	reg->nr_rx_slots = na->num_slots[NR_RX];
	reg->nr_tx_rings = na->num_rings[NR_TX];
	reg->nr_rx_rings = na->num_rings[NR_RX];
	reg->nr_host_tx_rings = na->num_host_rings[NR_TX];
	reg->nr_host_rx_rings = na->num_host_rings[NR_RX];
	reg->nr_mem_id = nm_mem_id(na->mem);
}

static void nm_fill_reply(struct nmreq_register *reg, struct nm_adapter *na,
			  struct netmap_if *nifp)
{
	nm_reg_geometry(reg, na);
	reg->nr_offset = nm_mem_ofs(na->mem, nifp);
}

static int nm_bind_locked(struct nm_priv *priv, struct nmreq_header *hdr,
			  struct nmreq_register *reg, struct nm_opts *opts)
{
	struct nmreq_opt_offsets *oo = (void *)opts->opt[NETMAP_REQ_OPT_OFFSETS];
	bool excl = reg->nr_flags & NR_EXCLUSIVE;
	struct netmap_if *nifp;
	struct nm_port_req pr;
	struct nm_adapter *na;
	struct nm_sel sel;
	u64 mask = 0;
	int err;

	if (priv->na)
		return -EBUSY;
	if (reg->nr_mem_id) {
		struct nm_mem *mem = nm_mem_find(reg->nr_mem_id);

		if (!mem) {
			nm_info_rl("%s: no memory region %u\n", hdr->nr_name,
				   reg->nr_mem_id);
			return -EINVAL;
		}
		nm_mem_put(mem);
	}
	nm_port_req_from_reg(&pr, hdr, reg);
	err = nm_port_get(&pr, &na);
	if (err)
		return err;
	if (na->virt_hdr_len && !(reg->nr_flags & NR_ACCEPT_VNET_HDR)) {
		nm_info_rl("%s: needs NR_ACCEPT_VNET_HDR\n", na->name);
		err = -EIO;
		goto err_put_na;
	}
	err = nm_select_rings(na, reg, &sel);
	if (err)
		goto err_put_na;
	err = nm_check_exclusive(na, &sel, excl);
	if (err)
		goto err_put_na;
	if (oo) {
		err = nm_offsets_check(na, &sel, oo, &mask);
		oo->nro_opt.nro_status = -err;
		if (err)
			goto err_put_na;
	}
	err = nm_rings_get(na, NR_TX, sel.first[NR_TX], sel.last[NR_TX]);
	if (err)
		goto err_put_na;
	err = nm_rings_get(na, NR_RX, sel.first[NR_RX], sel.last[NR_RX]);
	if (err)
		goto err_put_tx;
	if (oo)
		nm_offsets_apply(na, &sel, oo, mask);
	if (na->active_fds == 0 && na->ops->reg) {
		err = na->ops->reg(na, true);
		if (err)
			goto err_put_rx;
	}
	nifp = nm_nifp_create(na, &sel);
	if (!nifp) {
		err = -ENOMEM;
		goto err_unreg;
	}
	na->active_fds++;
	nm_mark_users(na, &sel, excl, 1);
	reg->nr_extra_bufs = nm_extra_bufs_alloc(na->mem, nifp,
						 reg->nr_extra_bufs);
	nm_fill_reply(reg, na, nifp);
	if (reg->nr_flags & NR_ZCOPY_MON)
		reg->nr_flags |= NR_MONITOR_TX | NR_MONITOR_RX;

	memcpy(priv->first, sel.first, sizeof(sel.first));
	memcpy(priv->last, sel.last, sizeof(sel.last));
	priv->flags = reg->nr_flags;
	priv->exclusive = excl;
	priv->nifp = nifp;
	/* Publish last: sync paths test priv->na without nm_lock. */
	smp_store_release(&priv->na, na);
	return 0;

err_unreg:
	if (na->active_fds == 0 && na->ops->reg)
		na->ops->reg(na, false);
err_put_rx:
	nm_rings_put(na, NR_RX, sel.first[NR_RX], sel.last[NR_RX]);
err_put_tx:
	nm_rings_put(na, NR_TX, sel.first[NR_TX], sel.last[NR_TX]);
err_put_na:
	nm_adapter_put(na);
	return err;
}

int nm_bind(struct nm_priv *priv, struct nmreq_header *hdr,
	    struct nmreq_register *reg, struct nm_opts *opts)
{
	int err;

	mutex_lock(&nm_lock);
	err = nm_bind_locked(priv, hdr, reg, opts);
	mutex_unlock(&nm_lock);
	return err;
}

/*
 * A binding made by the kernel itself (a switch taking a NIC): @priv is the
 * caller's, @name a port name, @mode an NR_REG_* mode, @flags NR_* flags.
 * Undone with nm_unbind_locked(). Under nm_lock.
 */
int nm_bind_kernel(struct nm_priv *priv, const char *name, u32 mode,
		   u64 flags, struct nmreq_register *reply)
{
	struct nmreq_header hdr = { .nr_reqtype = NETMAP_REQ_REGISTER };
	struct nmreq_register reg = { .nr_mode = mode, .nr_flags = flags };
	struct nm_opts opts = { };
	int err;

	lockdep_assert_held(&nm_lock);
	strscpy(hdr.nr_name, name, sizeof(hdr.nr_name));
	err = nm_bind_locked(priv, &hdr, &reg, &opts);
	if (!err && reply)
		*reply = reg;
	return err;
}

/* Undo a binding; @priv must not be in use by any sync. Under nm_lock. */
void nm_unbind_locked(struct nm_priv *priv)
{
	struct nm_adapter *na = priv->na;
	struct nm_sel sel;

	lockdep_assert_held(&nm_lock);
	if (!na)
		return;
	memcpy(sel.first, priv->first, sizeof(sel.first));
	memcpy(sel.last, priv->last, sizeof(sel.last));

	nm_extra_bufs_free(na->mem, priv->nifp);
	nm_mark_users(na, &sel, priv->exclusive, -1);
	if (--na->active_fds == 0) {
		/* Out of netmap mode: its monitors stop (ports/monitor.c). */
		nm_monitor_port_off(na);
		if (na->ops->reg)
			na->ops->reg(na, false);
	}
	nm_rings_put(na, NR_TX, sel.first[NR_TX], sel.last[NR_TX]);
	nm_rings_put(na, NR_RX, sel.first[NR_RX], sel.last[NR_RX]);
	nm_mem_if_free(na->mem, priv->nifp);
	priv->nifp = NULL;
	priv->na = NULL;
	nm_adapter_put(na);
}

/* Called on the last close of the file: no ioctl or poll can be running. */
void nm_unbind(struct nm_priv *priv)
{
	if (!priv->na)
		return;
	mutex_lock(&nm_lock);
	nm_unbind_locked(priv);
	mutex_unlock(&nm_lock);
}
