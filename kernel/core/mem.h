/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory regions ("allocators"): the shared memory that userspace maps.
 *
 * A region is three pools laid out back to back in one offset space:
 * netmap_if objects at offset 0, then rings, then packet buffers. Each pool
 * is made of physically contiguous clusters (a whole number of pages holding
 * a whole number of objects), so no object straddles two clusters and buffer
 * i is at buf_pool_ofs + i * buf_size for every i. Buffers 0 and 1 are
 * reserved and never handed out.
 *
 * Lifetime: a region is refcounted (nm_mem_get/put); the region id stays
 * valid while a reference exists. The pools themselves are allocated by
 * nm_mem_activate(). A private region frees them when the last activation is
 * dropped by nm_mem_deactivate(); the global region keeps them while idle and
 * rebuilds them on the next activation only if its module parameters
 * changed. All functions may sleep unless noted.
 */
#ifndef NM_CORE_MEM_H
#define NM_CORE_MEM_H

#include <linux/types.h>

struct nm_mem;
struct nmreq_pools_info;
struct netmap_if;
struct netmap_ring;
struct vm_area_struct;

/* Requested geometry; sizes in bytes, counts in objects. */
struct nm_mem_params {
	u32 if_size, if_num;
	u32 ring_size, ring_num;
	u32 buf_size, buf_num;
};

#define NM_MEM_GLOBAL_ID 1

int nm_mem_init(void);		/* module load: creates the global region (id 1) */
void nm_mem_exit(void);		/* module unload */

/* Global region, sized by the if_/ring_/buf_ module parameters. Takes a reference. */
struct nm_mem *nm_mem_global(void);
/* New private region with a fresh id (NI_PRIV_MEM); params are raised to the priv_* minimums. */
struct nm_mem *nm_mem_private_new(const struct nm_mem_params *p);
/* Region by id, with a reference, or NULL. */
struct nm_mem *nm_mem_find(u16 id);
void nm_mem_get(struct nm_mem *mem);
void nm_mem_put(struct nm_mem *mem);

u16 nm_mem_id(const struct nm_mem *mem);
bool nm_mem_is_private(const struct nm_mem *mem);

/*
 * Allocate the pools if not done yet (configuration errors: -EINVAL; no
 * memory: -ENOMEM with a log line naming the parameter to raise).
 * Each successful call must be paired with nm_mem_deactivate().
 */
int nm_mem_activate(struct nm_mem *mem);
void nm_mem_deactivate(struct nm_mem *mem);

/* Valid only while activated. */
u64 nm_mem_size(const struct nm_mem *mem);
void nm_mem_pools_info(const struct nm_mem *mem, struct nmreq_pools_info *pi);
u32 nm_mem_buf_size(const struct nm_mem *mem);
u32 nm_mem_nbufs(const struct nm_mem *mem);	/* total, including reserved 0 and 1 */
u64 nm_mem_buf_pool_ofs(const struct nm_mem *mem);
u32 nm_mem_ring_objsize(const struct nm_mem *mem);	/* max bytes for one ring object */
u32 nm_mem_if_objsize(const struct nm_mem *mem);

/* Objects. Allocation returns NULL / 0 when the pool is exhausted. */
struct netmap_if *nm_mem_if_alloc(struct nm_mem *mem, size_t size);
void nm_mem_if_free(struct nm_mem *mem, struct netmap_if *nifp);
struct netmap_ring *nm_mem_ring_alloc(struct nm_mem *mem, size_t size);
void nm_mem_ring_free(struct nm_mem *mem, struct netmap_ring *ring);
/* Offset of an object (if, ring or buffer) from the start of the region. */
u64 nm_mem_ofs(const struct nm_mem *mem, const void *obj);

/* Buffers: index in [2, nbufs) or 0 when none is left. Safe in atomic context. */
u32 nm_mem_buf_alloc(struct nm_mem *mem);
/* Frees idx if it is a valid, allocated buffer index; silently ignores others. */
void nm_mem_buf_free(struct nm_mem *mem, u32 idx);
/* Kernel address of buffer idx; buffer 0 for any idx out of range. Never NULL while active. */
void *nm_mem_buf_addr(const struct nm_mem *mem, u32 idx);

/*
 * Where the buffers are, for the data paths (no calls into mem.c per
 * slot): a copy of the buffer pool's geometry. It stays valid while the
 * region is active, so for as long as a ring object made from the region
 * exists (the ring's adapter holds an activation).
 */
struct nm_buf_view {
	void * const *clust;	/* kernel address of each cluster */
	u32 shift;		/* log2(buffers per cluster) */
	u32 size;		/* bytes per buffer */
	u32 total;		/* buffers, the reserved 0 and 1 included */
};

void nm_mem_buf_view(const struct nm_mem *mem, struct nm_buf_view *v);

/* nm_mem_buf_addr() through a view. */
static inline void *nm_buf_addr(const struct nm_buf_view *v, u32 idx)
{
	if (unlikely(idx >= v->total))
		idx = 0;
	return (char *)v->clust[idx >> v->shift] +
	       (size_t)(idx & ((1U << v->shift) - 1)) * v->size;
}

/*
 * The buffer pool's clusters (physically contiguous, for DMA mapping by
 * native drivers): count, address and size of cluster c, and the cluster
 * holding buffer idx (buffer 0 for an idx out of range) with its offset.
 */
u32 nm_mem_buf_nclusters(const struct nm_mem *mem);
void *nm_mem_buf_cluster(const struct nm_mem *mem, u32 c, u32 *size);
u32 nm_mem_buf_cluster_of(const struct nm_mem *mem, u32 idx, u32 *offset);
static inline bool nm_mem_buf_valid(const struct nm_mem *mem, u32 idx)
{
	return idx >= 2 && idx < nm_mem_nbufs(mem);
}

/* Map the whole region (or part of it) into vma; -EINVAL outside [0, size). */
int nm_mem_mmap(struct nm_mem *mem, struct vm_area_struct *vma);

#endif /* NM_CORE_MEM_H */
