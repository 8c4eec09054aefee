// SPDX-License-Identifier: GPL-2.0
/*
 * Adapter (port) lifecycle shared by every port kind: kernel rings, the ring
 * objects in the shared region, reference counting.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "nm_kern.h"

DEFINE_MUTEX(nm_lock);

static void nm_kring_init(struct nm_adapter *na, struct nm_kring *k,
			  enum nm_txrx t, u32 id)
{
	k->na = na;
	k->tx = t;
	k->ring_id = id;
	k->host = id >= na->num_rings[t];
	if (k->host)
		k->sync = t == NR_TX ? na->ops->host_txsync : na->ops->host_rxsync;
	else
		k->sync = t == NR_TX ? na->ops->txsync : na->ops->rxsync;
	k->num_slots = na->num_slots[t];
	INIT_LIST_HEAD(&k->monitors);
	mutex_init(&k->sync_lock);
	init_waitqueue_head(&k->wq);
}

/*
 * Set up the kernel rings of a port whose geometry (num_rings, num_host_rings,
 * num_slots) is filled in. Takes an activation of @mem, which the adapter
 * keeps until nm_adapter_fini(), and consumes the caller's reference to @mem.
 */
int nm_adapter_init(struct nm_adapter *na, const char *name,
		    const struct nm_adapter_ops *ops, struct nm_mem *mem)
{
	enum nm_txrx t;
	u32 i, max_slots;
	int err;

	if ((na->num_host_rings[NR_TX] && !ops->host_txsync) ||
	    (na->num_host_rings[NR_RX] && !ops->host_rxsync)) {
		pr_err(NM_NAME ": %s: host rings without host syncs\n", name);
		nm_mem_put(mem);
		return -EINVAL;
	}
	strscpy(na->name, name, sizeof(na->name));
	na->ops = ops;
	na->mem = mem;
	INIT_LIST_HEAD(&na->pipes);

	err = nm_mem_activate(mem);
	if (err)
		goto err_put_mem;

	max_slots = (nm_mem_ring_objsize(mem) - sizeof(struct netmap_ring)) /
		    sizeof(struct netmap_slot);
	for (t = NR_TX; t < NR_TXRX; t++) {
		if (na->num_slots[t] > max_slots) {
			nm_info_rl("%s: %u %s slots do not fit in ring_size, using %u\n",
				   name, na->num_slots[t], nm_txrx_str(t), max_slots);
			na->num_slots[t] = max_slots;
		}
		na->krings[t] = kcalloc(nm_total_rings(na, t),
					sizeof(struct nm_kring), GFP_KERNEL);
		if (!na->krings[t]) {
			err = -ENOMEM;
			goto err_free_krings;
		}
		for (i = 0; i < nm_total_rings(na, t); i++)
			nm_kring_init(na, &na->krings[t][i], t, i);
	}
	return 0;

err_free_krings:
	kfree(na->krings[NR_TX]);
	na->krings[NR_TX] = NULL;
	nm_mem_deactivate(mem);
err_put_mem:
	nm_mem_put(mem);
	na->mem = NULL;
	return err;
}

/* Undo nm_adapter_init(); every ring object must be gone already. */
void nm_adapter_fini(struct nm_adapter *na)
{
	enum nm_txrx t;

	for (t = NR_TX; t < NR_TXRX; t++) {
		kfree(na->krings[t]);
		na->krings[t] = NULL;
	}
	if (na->mem) {
		nm_mem_deactivate(na->mem);
		nm_mem_put(na->mem);
		na->mem = NULL;
	}
}

void nm_adapter_get(struct nm_adapter *na)
{
	lockdep_assert_held(&nm_lock);
	na->refcount++;
}

void nm_adapter_put(struct nm_adapter *na)
{
	lockdep_assert_held(&nm_lock);
	if (--na->refcount == 0)
		na->ops->dtor(na);
}

static void nm_ring_free_bufs(struct nm_mem *mem, struct netmap_ring *ring,
			      u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		nm_mem_buf_free(mem, ring->slot[i].buf_idx);
}

/*
 * Set the indices of @k and of its ring object @ring (not yet published in
 * k->ring): the kernel owns [tail, cur), the user [cur, tail).
 */
void nm_ring_set_indices(struct nm_kring *k, struct netmap_ring *ring,
			 u32 cur, u32 tail)
{
	k->hwcur = cur;
	k->hwtail = tail;
	k->rhead = cur;
	k->rcur = cur;
	k->rtail = tail;
	k->pipe_tail = tail;
	ring->head = cur;
	ring->cur = cur;
	ring->tail = tail;
}

/* Give every slot of @ring a fresh buffer of @mem. */
static int nm_ring_fill_bufs(struct nm_kring *k, struct netmap_ring *ring)
{
	struct nm_mem *mem = k->na->mem;
	u32 bufsz = nm_mem_buf_size(mem);
	u32 i;

	for (i = 0; i < k->num_slots; i++) {
		u32 idx = nm_mem_buf_alloc(mem);

		if (!idx) {
			nm_err_rl("%s: out of buffers for %u-slot ring (buf_num)\n",
				  k->na->name, k->num_slots);
			nm_ring_free_bufs(mem, ring, i);
			return -ENOMEM;
		}
		ring->slot[i].buf_idx = idx;
		ring->slot[i].len = bufsz;
		ring->slot[i].flags = 0;
		ring->slot[i].ptr = 0;
	}
	return 0;
}

/*
 * Create the shared ring object of @k, in its initial state (ABI.md §4.9),
 * with buffers of its own or shared with another ring (ops->ring_share).
 */
static int nm_ring_create(struct nm_kring *k)
{
	const struct nm_adapter_ops *ops = k->na->ops;
	struct nm_mem *mem = k->na->mem;
	u32 n = k->num_slots;
	struct netmap_ring *ring;
	int err;

	ring = nm_mem_ring_alloc(mem, sizeof(*ring) + n * sizeof(struct netmap_slot));
	if (!ring) {
		nm_err_rl("%s: out of ring objects (ring_num)\n", k->na->name);
		return -ENOMEM;
	}
	*(s64 *)&ring->buf_ofs = (s64)nm_mem_buf_pool_ofs(mem) -
				 (s64)nm_mem_ofs(mem, ring);
	*(u32 *)&ring->num_slots = n;
	*(u32 *)&ring->nr_buf_size = nm_mem_buf_size(mem);
	*(u16 *)&ring->ringid = k->ring_id;
	*(u16 *)&ring->dir = k->tx == NR_TX ? 1 : 0;
	k->offset_mask = 0;
	k->offset_max = 0;
	nm_mem_buf_view(mem, &k->bufs);
	k->stopped = false;
	if (!ops->ring_share || !ops->ring_share(k, ring)) {
		err = nm_ring_fill_bufs(k, ring);
		if (err) {
			nm_mem_ring_free(mem, ring);
			return err;
		}
		nm_ring_set_indices(k, ring, 0, k->tx == NR_TX ? n - 1 : 0);
	}
	k->ring = ring;
	return 0;
}

static void nm_ring_delete(struct nm_kring *k)
{
	const struct nm_adapter_ops *ops = k->na->ops;
	struct nm_mem *mem = k->na->mem;

	mutex_lock(&k->sync_lock);
	if (!ops->ring_unshare || !ops->ring_unshare(k))
		nm_ring_free_bufs(mem, k->ring, k->num_slots);
	nm_mem_ring_free(mem, k->ring);
	k->ring = NULL;
	mutex_unlock(&k->sync_lock);
}

/*
 * Take a user reference on rings [first, last) of direction @t, creating the
 * ring objects that had no user. All or nothing.
 */
int nm_rings_get(struct nm_adapter *na, enum nm_txrx t, u32 first, u32 last)
{
	u32 i;
	int err;

	lockdep_assert_held(&nm_lock);
	for (i = first; i < last; i++) {
		struct nm_kring *k = &na->krings[t][i];

		if (k->users == 0) {
			err = nm_ring_create(k);
			if (err)
				goto err_put;
		}
		k->users++;
	}
	return 0;

err_put:
	nm_rings_put(na, t, first, i);
	return err;
}

void nm_rings_put(struct nm_adapter *na, enum nm_txrx t, u32 first, u32 last)
{
	u32 i;

	lockdep_assert_held(&nm_lock);
	for (i = first; i < last; i++) {
		struct nm_kring *k = &na->krings[t][i];

		if (--k->users == 0) {
			if (unlikely(!list_empty(&k->monitors)))
				nm_monitor_ring_off(k);
			nm_ring_delete(k);
		}
	}
}

/*
 * The port's device is gone: every ring stops (syncs fail with EIO, poll
 * reports POLLERR), waiting for a sync in progress; sleepers are woken.
 */
void nm_adapter_stop(struct nm_adapter *na)
{
	enum nm_txrx t;
	u32 i;

	for (t = NR_TX; t < NR_TXRX; t++) {
		for (i = 0; i < nm_total_rings(na, t); i++) {
			struct nm_kring *k = &na->krings[t][i];

			mutex_lock(&k->sync_lock);
			k->stopped = true;
			mutex_unlock(&k->sync_lock);
			nm_kring_notify(k);
		}
	}
}

/* Wake whoever waits for this ring's tail to move (poll, select, epoll). */
void nm_kring_notify(struct nm_kring *kring)
{
	if (wq_has_sleeper(&kring->wq))
		wake_up_interruptible_poll(&kring->wq, EPOLLIN | EPOLLOUT |
					   EPOLLRDNORM | EPOLLWRNORM);
}
