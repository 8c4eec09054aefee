// SPDX-License-Identifier: GPL-2.0
/*
 * Memory regions: the pools of netmap_if objects, rings and buffers that
 * userspace maps (model and interface in mem.h).
 *
 * Each pool is an array of clusters allocated with alloc_pages_exact(): a
 * cluster is the smallest size that is a multiple of both PAGE_SIZE and the
 * object size, so objects never straddle clusters and, in the offset space
 * userspace sees, object i of a pool is at pool offset + i * object size.
 * The number of objects per cluster is PAGE_SIZE / gcd(objsize, PAGE_SIZE),
 * always a power of two, so index -> address is a shift and a mask.
 * Pages come zeroed from the page allocator and netmap_if/ring objects are
 * zeroed again at each allocation; buffers are not (their old contents were
 * visible to every user of the region anyway, and they are on hot paths).
 *
 * Locking:
 *  - nm_mem_ids_lock (mutex) protects the id registry and is held while a
 *    refcount drops to zero, so nm_mem_find() never returns a dying region.
 *  - nm_mem.cfg_lock (mutex) protects the activation count, the pool
 *    geometry and the pool memory: they change only under it, when the count
 *    goes 0 -> 1 or 1 -> 0. While a region is active they are immutable and
 *    read without locks (sizes, offsets, cluster tables, page faults).
 *  - nm_pool.lock (spinlock, irqsave) protects the bits of the free bitmap,
 *    the free count and the search hint.
 * nm_mem_init/exit, nm_mem_private_new, nm_mem_find, nm_mem_put,
 * nm_mem_activate and nm_mem_deactivate may sleep; nothing else does, and
 * object/buffer allocation and release are safe in any context.
 */
#define pr_fmt(fmt) "netmap: " fmt

#include <linux/bitmap.h>
#include <linux/gcd.h>
#include <linux/idr.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <net/netmap.h>

#include "mem.h"
#include "../linux/compat.h"

/* Global region geometry, read each time the region is activated from zero. */
static int nm_if_size = 1024, nm_if_num = 100;
static int nm_ring_size = 36864, nm_ring_num = 200;
static int nm_buf_size = 2048, nm_buf_num = 163840;
module_param_named(if_size, nm_if_size, int, 0644);
MODULE_PARM_DESC(if_size, "global region: netmap_if object size");
module_param_named(if_num, nm_if_num, int, 0644);
MODULE_PARM_DESC(if_num, "global region: number of netmap_if objects");
module_param_named(ring_size, nm_ring_size, int, 0644);
MODULE_PARM_DESC(ring_size, "global region: ring object size");
module_param_named(ring_num, nm_ring_num, int, 0644);
MODULE_PARM_DESC(ring_num, "global region: number of rings");
module_param_named(buf_size, nm_buf_size, int, 0644);
MODULE_PARM_DESC(buf_size, "global region: buffer size");
module_param_named(buf_num, nm_buf_num, int, 0644);
MODULE_PARM_DESC(buf_num, "global region: number of buffers");

/* What the global region got when it was last configured. */
static int nm_if_curr_size, nm_if_curr_num;
static int nm_ring_curr_size, nm_ring_curr_num;
static int nm_buf_curr_size, nm_buf_curr_num;
module_param_named(if_curr_size, nm_if_curr_size, int, 0444);
module_param_named(if_curr_num, nm_if_curr_num, int, 0444);
module_param_named(ring_curr_size, nm_ring_curr_size, int, 0444);
module_param_named(ring_curr_num, nm_ring_curr_num, int, 0444);
module_param_named(buf_curr_size, nm_buf_curr_size, int, 0444);
module_param_named(buf_curr_num, nm_buf_curr_num, int, 0444);

/* Minimums for private regions, applied when one is created. */
static int nm_priv_if_size = 1024, nm_priv_if_num = 2;
static int nm_priv_ring_size = 20480, nm_priv_ring_num = 4;
static int nm_priv_buf_size = 2048, nm_priv_buf_num = 4098;
module_param_named(priv_if_size, nm_priv_if_size, int, 0644);
MODULE_PARM_DESC(priv_if_size, "private regions: minimum netmap_if size");
module_param_named(priv_if_num, nm_priv_if_num, int, 0644);
MODULE_PARM_DESC(priv_if_num, "private regions: minimum netmap_if count");
module_param_named(priv_ring_size, nm_priv_ring_size, int, 0644);
MODULE_PARM_DESC(priv_ring_size, "private regions: minimum ring size");
module_param_named(priv_ring_num, nm_priv_ring_num, int, 0644);
MODULE_PARM_DESC(priv_ring_num, "private regions: minimum ring count");
module_param_named(priv_buf_size, nm_priv_buf_size, int, 0644);
MODULE_PARM_DESC(priv_buf_size, "private regions: buffer size");
module_param_named(priv_buf_num, nm_priv_buf_num, int, 0644);
MODULE_PARM_DESC(priv_buf_num, "private regions: minimum buffer count");

enum nm_pool_kind { NM_POOL_IF, NM_POOL_RING, NM_POOL_BUF, NM_POOL_NR };

/* Limits of ABI.md §4.1; [0] global region, [1] private regions. */
struct nm_pool_desc {
	const char *param;	/* stem of the module parameter names */
	const char *what;	/* the objects, for log lines */
	u32 min_size, max_size;
	u32 min_num[2], max_num[2];
	/* May the object size grow to a page multiple to keep clusters small? */
	bool pad_ok;
};

static const struct nm_pool_desc nm_pool_desc[NM_POOL_NR] = {
	[NM_POOL_IF] = {
		.param = "if", .what = "netmap_if objects",
		.min_size = 56, .max_size = 4096,
		.min_num = { 10, 1 }, .max_num = { 10000, 100 },
		.pad_ok = true,
	},
	[NM_POOL_RING] = {
		.param = "ring", .what = "rings",
		.min_size = 256, .max_size = 32 * PAGE_SIZE,
		.min_num = { 2, 2 }, .max_num = { 1024, 1024 },
		.pad_ok = true,
	},
	[NM_POOL_BUF] = {
		.param = "buf", .what = "buffers",
		.min_size = 64, .max_size = 65536,
		.min_num = { 4, 4 }, .max_num = { 1000000, 1000000 },
	},
};

#define NM_RESERVED_BUFS 2
#define NM_GFP (GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL)

struct nm_pool {
	/* Geometry and memory: cfg_lock, immutable while the region is active. */
	u32 objsize;		/* bytes, multiple of 64 */
	u32 objtotal;		/* objects, always whole clusters */
	u32 shift;		/* log2(objects per cluster) */
	u32 clustsize;		/* bytes, multiple of PAGE_SIZE and objsize */
	u32 nclust;
	u64 ofs;		/* where the pool starts in the region */
	void **clust;		/* kernel address of each cluster, offset order */
	u32 *by_addr;		/* cluster numbers sorted by kernel address */
	unsigned long *used;	/* bit set: object allocated or reserved */
	/* Allocation state. */
	spinlock_t lock;	/* protects the bits of used, nfree, hint */
	u32 nfree;
	u32 hint;		/* next-fit: the next search starts here */
};

struct nm_mem {
	u16 id;			/* constant once registered */
	bool priv;
	refcount_t refcnt;	/* drops to 0 under nm_mem_ids_lock */
	struct mutex cfg_lock;
	unsigned int active;	/* cfg_lock: nm_mem_activate() calls held */
	struct nm_mem_params params;	/* private regions: constant */
	u64 size;		/* cfg_lock; 0 while no pools are allocated */
	s64 built[2][NM_POOL_NR];	/* cfg_lock: sizes and counts the pools came from */
	struct nm_pool pool[NM_POOL_NR];
};

static DEFINE_MUTEX(nm_mem_ids_lock);
static DEFINE_IDR(nm_mem_ids);		/* id -> region; nm_mem_ids_lock */
static struct nm_mem *nm_mem_global_region;	/* set at init, cleared at exit */

/* Requested geometry, wide enough for negative module parameters. */
struct nm_geom {
	s64 size[NM_POOL_NR];
	s64 num[NM_POOL_NR];
};

/* ---- Geometry ---------------------------------------------------------- */

static bool nm_param_ok(const struct nm_mem *mem, enum nm_pool_kind k,
			const char *field, s64 val, u32 min, u32 max)
{
	if (val >= min && val <= max)
		return true;
	pr_err("mem %u: %s%s_%s %lld out of range [%u, %u]\n", mem->id,
	       mem->priv ? "priv_" : "", nm_pool_desc[k].param, field, val,
	       min, max);
	return false;
}

/*
 * Exact clusters of buffers of up to 64 KiB need at most 4 MiB; pools whose
 * object size userspace does not depend on pad objects to a page multiple
 * rather than use clusters above 64 KiB.
 */
static u64 nm_clust_limit(const struct nm_pool_desc *d)
{
	if (d->pad_ok)
		return SZ_64K;
	return min_t(u64, SZ_4M, PAGE_SIZE << nm_max_page_order());
}

static int nm_pool_config(struct nm_mem *mem, enum nm_pool_kind k,
			  s64 size, s64 num)
{
	const struct nm_pool_desc *d = &nm_pool_desc[k];
	struct nm_pool *p = &mem->pool[k];
	u32 objsize, per;

	if (!nm_param_ok(mem, k, "size", size, d->min_size, d->max_size) ||
	    !nm_param_ok(mem, k, "num", num, d->min_num[mem->priv],
			 d->max_num[mem->priv]))
		return -EINVAL;

	objsize = ALIGN((u32)size, 64);
	per = PAGE_SIZE / gcd(objsize, PAGE_SIZE);
	if ((u64)per * objsize > nm_clust_limit(d)) {
		if (!d->pad_ok) {
			pr_err("mem %u: %s%s_size %u would need clusters of %llu bytes\n",
			       mem->id, mem->priv ? "priv_" : "", d->param,
			       objsize, (u64)per * objsize);
			return -EINVAL;
		}
		objsize = PAGE_ALIGN(objsize);
		per = 1;
	}
	p->objsize = objsize;
	p->shift = ilog2(per);
	p->clustsize = per * objsize;
	p->nclust = DIV_ROUND_UP((u32)num, per);
	p->objtotal = p->nclust * per;
	return 0;
}

static u64 nm_pool_bytes(const struct nm_pool *p)
{
	return (u64)p->nclust * p->clustsize;
}

/* Sizes and offsets of all pools; nothing is allocated yet. */
static int nm_mem_layout(struct nm_mem *mem, const struct nm_geom *g)
{
	u64 ofs = 0;
	int k, err;

	for (k = 0; k < NM_POOL_NR; k++) {
		err = nm_pool_config(mem, k, g->size[k], g->num[k]);
		if (err)
			return err;
		mem->pool[k].ofs = ofs;
		ofs += nm_pool_bytes(&mem->pool[k]);
	}
	return 0;
}

static void nm_global_geom(struct nm_geom *g)
{
	g->size[NM_POOL_IF] = READ_ONCE(nm_if_size);
	g->num[NM_POOL_IF] = READ_ONCE(nm_if_num);
	g->size[NM_POOL_RING] = READ_ONCE(nm_ring_size);
	g->num[NM_POOL_RING] = READ_ONCE(nm_ring_num);
	g->size[NM_POOL_BUF] = READ_ONCE(nm_buf_size);
	g->num[NM_POOL_BUF] = READ_ONCE(nm_buf_num);
}

static void nm_private_geom(const struct nm_mem_params *p, struct nm_geom *g)
{
	g->size[NM_POOL_IF] = p->if_size;
	g->num[NM_POOL_IF] = p->if_num;
	g->size[NM_POOL_RING] = p->ring_size;
	g->num[NM_POOL_RING] = p->ring_num;
	g->size[NM_POOL_BUF] = p->buf_size;
	g->num[NM_POOL_BUF] = p->buf_num;
}

static void nm_publish_curr(const struct nm_mem *mem)
{
	const struct nm_pool *p = mem->pool;

	WRITE_ONCE(nm_if_curr_size, p[NM_POOL_IF].objsize);
	WRITE_ONCE(nm_if_curr_num, p[NM_POOL_IF].objtotal);
	WRITE_ONCE(nm_ring_curr_size, p[NM_POOL_RING].objsize);
	WRITE_ONCE(nm_ring_curr_num, p[NM_POOL_RING].objtotal);
	WRITE_ONCE(nm_buf_curr_size, p[NM_POOL_BUF].objsize);
	WRITE_ONCE(nm_buf_curr_num, p[NM_POOL_BUF].objtotal);
}

/* ---- Pool memory ------------------------------------------------------- */

static int nm_clust_cmp(const void *a, const void *b, const void *priv)
{
	void * const *clust = priv;
	unsigned long x = (unsigned long)clust[*(const u32 *)a];
	unsigned long y = (unsigned long)clust[*(const u32 *)b];

	return x < y ? -1 : x > y;
}

/* Frees whatever nm_pool_alloc() got, even partially; resets the geometry. */
static void nm_pool_release(struct nm_pool *p)
{
	u32 c;

	for (c = 0; p->clust && c < p->nclust; c++) {
		if (p->clust[c])
			free_pages_exact(p->clust[c], p->clustsize);
		cond_resched();
	}
	kvfree(p->clust);
	kvfree(p->by_addr);
	kvfree(p->used);
	p->clust = NULL;
	p->by_addr = NULL;
	p->used = NULL;
	p->objtotal = 0;
	p->nclust = 0;
	p->nfree = 0;
}

static int nm_pool_alloc_tables(struct nm_pool *p)
{
	p->clust = kvcalloc(p->nclust, sizeof(*p->clust), NM_GFP);
	p->by_addr = kvcalloc(p->nclust, sizeof(*p->by_addr), NM_GFP);
	p->used = kvcalloc(BITS_TO_LONGS(p->objtotal), sizeof(*p->used),
			   NM_GFP);
	return p->clust && p->by_addr && p->used ? 0 : -ENOMEM;
}

static int nm_pool_alloc(struct nm_mem *mem, enum nm_pool_kind k)
{
	const struct nm_pool_desc *d = &nm_pool_desc[k];
	struct nm_pool *p = &mem->pool[k];
	const char *pfx = mem->priv ? "priv_" : "";
	u32 c;

	/* Do not push the whole machine into reclaim for a hopeless request. */
	if (nm_pool_bytes(p) > (u64)totalram_pages() << PAGE_SHIFT)
		goto err_nomem;
	if (nm_pool_alloc_tables(p))
		goto err_nomem;
	for (c = 0; c < p->nclust; c++) {
		p->clust[c] = alloc_pages_exact(p->clustsize,
						NM_GFP | __GFP_ZERO);
		if (!p->clust[c])
			goto err_nomem;
		p->by_addr[c] = c;
		cond_resched();
	}
	sort_r(p->by_addr, p->nclust, sizeof(*p->by_addr), nm_clust_cmp,
	       NULL, p->clust);
	p->nfree = p->objtotal;
	p->hint = 0;
	return 0;

err_nomem:
	pr_err("cannot allocate %u %s of %u bytes (%s%s_num/%s%s_size)\n",
	       p->objtotal, d->what, p->objsize, pfx, d->param, pfx, d->param);
	nm_pool_release(p);
	return -ENOMEM;
}

static void nm_pool_reserve(struct nm_pool *p, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		__set_bit(i, p->used);
	p->nfree -= n;
	p->hint = n;
}

/* ---- Objects ----------------------------------------------------------- */

static void *nm_pool_addr(const struct nm_pool *p, u32 i)
{
	u32 in_clust = i & ((1U << p->shift) - 1);

	return (char *)p->clust[i >> p->shift] + (size_t)in_clust * p->objsize;
}

/* Offset of ptr from the start of pool p, if ptr points into p. */
static bool nm_pool_lookup(const struct nm_pool *p, const void *ptr, u64 *rel)
{
	unsigned long a = (unsigned long)ptr, base;
	u32 lo = 0, hi = p->nclust, mid, c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((unsigned long)p->clust[p->by_addr[mid]] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return false;
	c = p->by_addr[lo - 1];
	base = (unsigned long)p->clust[c];
	if (a - base >= p->clustsize)
		return false;
	*rel = (u64)c * p->clustsize + (a - base);
	return true;
}

static bool nm_pool_get(struct nm_pool *p, u32 *idx)
{
	unsigned long flags, i = ULONG_MAX;

	spin_lock_irqsave(&p->lock, flags);
	if (p->nfree) {
		i = find_next_zero_bit(p->used, p->objtotal, p->hint);
		if (i >= p->objtotal)
			i = find_first_zero_bit(p->used, p->objtotal);
	}
	if (i < p->objtotal) {
		__set_bit(i, p->used);
		p->nfree--;
		p->hint = i + 1 < p->objtotal ? i + 1 : 0;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	*idx = i;
	return i < p->objtotal;
}

/* False if object i (in range) was not allocated. */
static bool nm_pool_put(struct nm_pool *p, u32 i)
{
	unsigned long flags;
	bool was_used;

	spin_lock_irqsave(&p->lock, flags);
	was_used = __test_and_clear_bit(i, p->used);
	if (was_used)
		p->nfree++;
	spin_unlock_irqrestore(&p->lock, flags);
	return was_used;
}

static void *nm_obj_alloc(struct nm_mem *mem, enum nm_pool_kind k,
			  size_t size)
{
	struct nm_pool *p = &mem->pool[k];
	void *obj;
	u32 i;

	if (size > p->objsize || !nm_pool_get(p, &i))
		return NULL;
	obj = nm_pool_addr(p, i);
	memset(obj, 0, p->objsize);
	return obj;
}

static void nm_obj_free(struct nm_mem *mem, enum nm_pool_kind k,
			const void *obj)
{
	struct nm_pool *p = &mem->pool[k];
	u64 rel;

	if (!obj)
		return;
	if (!nm_pool_lookup(p, obj, &rel) || do_div(rel, p->objsize) ||
	    !nm_pool_put(p, rel))
		pr_err_ratelimited("mem %u: ignoring free of a non-allocated %s object\n",
				   mem->id, nm_pool_desc[k].param);
}

struct netmap_if *nm_mem_if_alloc(struct nm_mem *mem, size_t size)
{
	return nm_obj_alloc(mem, NM_POOL_IF, size);
}

void nm_mem_if_free(struct nm_mem *mem, struct netmap_if *nifp)
{
	nm_obj_free(mem, NM_POOL_IF, nifp);
}

struct netmap_ring *nm_mem_ring_alloc(struct nm_mem *mem, size_t size)
{
	return nm_obj_alloc(mem, NM_POOL_RING, size);
}

void nm_mem_ring_free(struct nm_mem *mem, struct netmap_ring *ring)
{
	nm_obj_free(mem, NM_POOL_RING, ring);
}

u64 nm_mem_ofs(const struct nm_mem *mem, const void *obj)
{
	u64 rel;
	int k;

	for (k = 0; k < NM_POOL_NR; k++)
		if (nm_pool_lookup(&mem->pool[k], obj, &rel))
			return mem->pool[k].ofs + rel;
	pr_err_ratelimited("mem %u: offset of an address outside the region\n",
			   mem->id);
	return 0;
}

/* ---- Buffers ----------------------------------------------------------- */

u32 nm_mem_buf_alloc(struct nm_mem *mem)
{
	u32 idx;

	return nm_pool_get(&mem->pool[NM_POOL_BUF], &idx) ? idx : 0;
}

void nm_mem_buf_free(struct nm_mem *mem, u32 idx)
{
	struct nm_pool *p = &mem->pool[NM_POOL_BUF];

	/* Reserved buffers show up in fake host rings and list terminators. */
	if (idx < NM_RESERVED_BUFS)
		return;
	if (idx >= p->objtotal)
		pr_warn_ratelimited("mem %u: ignoring free of buffer %u: out of range\n",
				    mem->id, idx);
	else if (!nm_pool_put(p, idx))
		pr_warn_ratelimited("mem %u: ignoring free of buffer %u: not allocated\n",
				    mem->id, idx);
}

void *nm_mem_buf_addr(const struct nm_mem *mem, u32 idx)
{
	const struct nm_pool *p = &mem->pool[NM_POOL_BUF];

	if (unlikely(idx >= p->objtotal))
		idx = 0;
	return nm_pool_addr(p, idx);
}

u32 nm_mem_buf_size(const struct nm_mem *mem)
{
	return mem->pool[NM_POOL_BUF].objsize;
}

u32 nm_mem_nbufs(const struct nm_mem *mem)
{
	return mem->pool[NM_POOL_BUF].objtotal;
}

u32 nm_mem_buf_nclusters(const struct nm_mem *mem)
{
	return mem->pool[NM_POOL_BUF].nclust;
}

void *nm_mem_buf_cluster(const struct nm_mem *mem, u32 c, u32 *size)
{
	const struct nm_pool *p = &mem->pool[NM_POOL_BUF];

	*size = p->clustsize;
	return c < p->nclust ? p->clust[c] : NULL;
}

u32 nm_mem_buf_cluster_of(const struct nm_mem *mem, u32 idx, u32 *offset)
{
	const struct nm_pool *p = &mem->pool[NM_POOL_BUF];

	if (unlikely(idx >= p->objtotal))
		idx = 0;
	*offset = (idx & ((1U << p->shift) - 1)) * p->objsize;
	return idx >> p->shift;
}

u64 nm_mem_buf_pool_ofs(const struct nm_mem *mem)
{
	return mem->pool[NM_POOL_BUF].ofs;
}

u32 nm_mem_ring_objsize(const struct nm_mem *mem)
{
	return mem->pool[NM_POOL_RING].objsize;
}

u32 nm_mem_if_objsize(const struct nm_mem *mem)
{
	return mem->pool[NM_POOL_IF].objsize;
}

u64 nm_mem_size(const struct nm_mem *mem)
{
	return mem->size;
}

void nm_mem_pools_info(const struct nm_mem *mem, struct nmreq_pools_info *pi)
{
	const struct nm_pool *p = mem->pool;

	memset(pi, 0, sizeof(*pi));
	pi->nr_memsize = mem->size;
	pi->nr_mem_id = mem->id;
	pi->nr_if_pool_offset = p[NM_POOL_IF].ofs;
	pi->nr_if_pool_objtotal = p[NM_POOL_IF].objtotal;
	pi->nr_if_pool_objsize = p[NM_POOL_IF].objsize;
	pi->nr_ring_pool_offset = p[NM_POOL_RING].ofs;
	pi->nr_ring_pool_objtotal = p[NM_POOL_RING].objtotal;
	pi->nr_ring_pool_objsize = p[NM_POOL_RING].objsize;
	pi->nr_buf_pool_offset = p[NM_POOL_BUF].ofs;
	pi->nr_buf_pool_objtotal = p[NM_POOL_BUF].objtotal;
	pi->nr_buf_pool_objsize = p[NM_POOL_BUF].objsize;
}

/* ---- Activation -------------------------------------------------------- */

static void nm_mem_release_pools(struct nm_mem *mem)
{
	int k;

	for (k = NM_POOL_NR - 1; k >= 0; k--)
		nm_pool_release(&mem->pool[k]);
}

static int nm_mem_setup(struct nm_mem *mem)
{
	struct nm_pool *bufs = &mem->pool[NM_POOL_BUF];
	struct nm_geom g;
	int k, err;

	if (mem->priv)
		nm_private_geom(&mem->params, &g);
	else
		nm_global_geom(&g);
	memcpy(mem->built[0], g.size, sizeof(g.size));
	memcpy(mem->built[1], g.num, sizeof(g.num));
	err = nm_mem_layout(mem, &g);
	if (err)
		goto err_release;
	for (k = 0; k < NM_POOL_NR; k++) {
		err = nm_pool_alloc(mem, k);
		if (err)
			goto err_release;
	}
	nm_pool_reserve(bufs, NM_RESERVED_BUFS);
	mem->size = bufs->ofs + nm_pool_bytes(bufs);
	if (!mem->priv)
		nm_publish_curr(mem);
	return 0;

err_release:
	nm_mem_release_pools(mem);
	return err;
}

/* Objects still allocated at teardown are a kernel-side imbalance. */
static void nm_pool_check_idle(const struct nm_mem *mem, enum nm_pool_kind k)
{
	const struct nm_pool *p = &mem->pool[k];

	if (p->nfree != p->objtotal)
		pr_err("mem %u: leak: %u %s still allocated at teardown\n",
		       mem->id, p->objtotal - p->nfree, nm_pool_desc[k].what);
}

static void nm_mem_teardown(struct nm_mem *mem)
{
	mem->size = 0;
	nm_mem_release_pools(mem);
}

/* Have the module parameters of the global region changed since it was built? */
static bool nm_mem_params_changed(const struct nm_mem *mem)
{
	struct nm_geom g;

	nm_global_geom(&g);
	return memcmp(mem->built[0], g.size, sizeof(g.size)) ||
	       memcmp(mem->built[1], g.num, sizeof(g.num));
}

/* Idle global region reused as it is: every buffer but 0 and 1 is free again. */
static void nm_mem_recycle(struct nm_mem *mem)
{
	struct nm_pool *bufs = &mem->pool[NM_POOL_BUF];
	unsigned long flags;

	spin_lock_irqsave(&bufs->lock, flags);
	bitmap_zero(bufs->used, bufs->objtotal);
	bufs->nfree = bufs->objtotal;
	nm_pool_reserve(bufs, NM_RESERVED_BUFS);
	spin_unlock_irqrestore(&bufs->lock, flags);
}

/*
 * Private regions are built on first activation and freed on the last
 * deactivation. The global region keeps its pools while idle (building
 * hundreds of megabytes for each open would be slow) and is rebuilt only
 * when its module parameters changed; it is freed at module unload.
 */
int nm_mem_activate(struct nm_mem *mem)
{
	int err = 0;

	mutex_lock(&mem->cfg_lock);
	if (!mem->active) {
		if (mem->size && !mem->priv && !nm_mem_params_changed(mem)) {
			nm_mem_recycle(mem);
		} else {
			if (mem->size)
				nm_mem_teardown(mem);
			err = nm_mem_setup(mem);
		}
	}
	if (!err)
		mem->active++;
	mutex_unlock(&mem->cfg_lock);
	return err;
}

void nm_mem_deactivate(struct nm_mem *mem)
{
	mutex_lock(&mem->cfg_lock);
	if (!mem->active) {
		pr_err("mem %u: deactivated more times than activated\n",
		       mem->id);
	} else if (!--mem->active) {
		nm_pool_check_idle(mem, NM_POOL_IF);
		nm_pool_check_idle(mem, NM_POOL_RING);
		if (mem->priv)
			nm_mem_teardown(mem);
	}
	mutex_unlock(&mem->cfg_lock);
}

/* ---- mmap -------------------------------------------------------------- */

/* The page at offset ofs of an active region, or NULL beyond its end. */
static struct page *nm_mem_page(const struct nm_mem *mem, u64 ofs)
{
	const struct nm_pool *p;
	u32 in_clust;
	u64 c;
	int k;

	if (ofs >= mem->size)
		return NULL;
	for (k = NM_POOL_NR - 1; k > 0 && ofs < mem->pool[k].ofs; k--)
		;
	p = &mem->pool[k];
	c = div_u64_rem(ofs - p->ofs, p->clustsize, &in_clust);
	return virt_to_page((char *)p->clust[c] + in_clust);
}

/* The vma holds the file open, and the file keeps the region active. */
static vm_fault_t nm_mem_fault(struct vm_fault *vmf)
{
	struct nm_mem *mem = vmf->vma->vm_private_data;
	struct page *page;

	page = nm_mem_page(mem, (u64)vmf->pgoff << PAGE_SHIFT);
	if (!page)
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct nm_mem_vm_ops = {
	.fault = nm_mem_fault,
};

int nm_mem_mmap(struct nm_mem *mem, struct vm_area_struct *vma)
{
	u64 len = vma->vm_end - vma->vm_start;
	u64 start, end;

	if ((u64)vma->vm_pgoff > (U64_MAX >> PAGE_SHIFT))
		return -EINVAL;
	start = (u64)vma->vm_pgoff << PAGE_SHIFT;
	if (check_add_overflow(start, len, &end) || end > mem->size)
		return -EINVAL;
	vma->vm_ops = &nm_mem_vm_ops;
	vma->vm_private_data = mem;
	nm_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	return 0;
}

/* ---- Registry and lifetime --------------------------------------------- */

static struct nm_mem *nm_mem_new(bool priv)
{
	struct nm_mem *mem = kzalloc(sizeof(*mem), GFP_KERNEL);
	int k;

	if (!mem)
		return NULL;
	mem->priv = priv;
	refcount_set(&mem->refcnt, 1);
	mutex_init(&mem->cfg_lock);
	for (k = 0; k < NM_POOL_NR; k++)
		spin_lock_init(&mem->pool[k].lock);
	return mem;
}

/* Unregistered regions only (and from the last put). */
static void nm_mem_destroy(struct nm_mem *mem)
{
	if (mem->active)
		pr_err("mem %u: freed while active\n", mem->id);
	if (mem->size)
		nm_mem_teardown(mem);
	mutex_destroy(&mem->cfg_lock);
	kfree(mem);
}

/* Gives mem an id in [start, end), cycling and skipping ids in use. */
static int nm_mem_register(struct nm_mem *mem, int start, int end)
{
	int id;

	mutex_lock(&nm_mem_ids_lock);
	id = idr_alloc_cyclic(&nm_mem_ids, mem, start, end, GFP_KERNEL);
	if (id >= 0)
		mem->id = id;
	mutex_unlock(&nm_mem_ids_lock);
	return id < 0 ? id : 0;
}

struct nm_mem *nm_mem_global(void)
{
	nm_mem_get(nm_mem_global_region);
	return nm_mem_global_region;
}

static u32 nm_at_least(u32 val, const int *min)
{
	int m = READ_ONCE(*min);

	return m > 0 && val < (u32)m ? m : val;
}

struct nm_mem *nm_mem_private_new(const struct nm_mem_params *p)
{
	struct nm_mem *mem = nm_mem_new(true);
	struct nm_mem_params *q;
	int err;

	if (!mem)
		return NULL;
	q = &mem->params;
	q->if_size = nm_at_least(p->if_size, &nm_priv_if_size);
	q->if_num = nm_at_least(p->if_num, &nm_priv_if_num);
	q->ring_size = nm_at_least(p->ring_size, &nm_priv_ring_size);
	q->ring_num = nm_at_least(p->ring_num, &nm_priv_ring_num);
	q->buf_size = nm_at_least(p->buf_size, &nm_priv_buf_size);
	q->buf_num = nm_at_least(p->buf_num, &nm_priv_buf_num);
	err = nm_mem_register(mem, NM_MEM_GLOBAL_ID + 1, U16_MAX + 1);
	if (err) {
		if (err == -ENOSPC)
			pr_err("no free memory region id\n");
		nm_mem_destroy(mem);
		return NULL;
	}
	return mem;
}

struct nm_mem *nm_mem_find(u16 id)
{
	struct nm_mem *mem;

	mutex_lock(&nm_mem_ids_lock);
	mem = idr_find(&nm_mem_ids, id);
	if (mem)
		refcount_inc(&mem->refcnt);
	mutex_unlock(&nm_mem_ids_lock);
	return mem;
}

void nm_mem_get(struct nm_mem *mem)
{
	refcount_inc(&mem->refcnt);
}

void nm_mem_put(struct nm_mem *mem)
{
	if (!mem || !refcount_dec_and_mutex_lock(&mem->refcnt,
						 &nm_mem_ids_lock))
		return;
	idr_remove(&nm_mem_ids, mem->id);
	mutex_unlock(&nm_mem_ids_lock);
	nm_mem_destroy(mem);
}

u16 nm_mem_id(const struct nm_mem *mem)
{
	return mem->id;
}

bool nm_mem_is_private(const struct nm_mem *mem)
{
	return mem->priv;
}

#ifdef NM_MEM_SELFTEST
static int nm_mem_selftest(void);
#else
static inline int nm_mem_selftest(void)
{
	return 0;
}
#endif

int nm_mem_init(void)
{
	struct nm_mem *mem = nm_mem_new(false);
	int err;

	if (!mem)
		return -ENOMEM;
	err = nm_mem_register(mem, NM_MEM_GLOBAL_ID, NM_MEM_GLOBAL_ID + 1);
	if (err) {
		nm_mem_destroy(mem);
		return err;
	}
	nm_mem_global_region = mem;
	err = nm_mem_selftest();
	if (err)
		nm_mem_exit();
	return err;
}

void nm_mem_exit(void)
{
	struct nm_mem *mem = nm_mem_global_region;

	if (!mem)
		return;
	if (refcount_read(&mem->refcnt) != 1)
		pr_err("leak: global memory region still referenced at exit\n");
	nm_mem_global_region = NULL;
	nm_mem_put(mem);
	if (!idr_is_empty(&nm_mem_ids))
		pr_err("leak: private memory regions left at exit\n");
	idr_destroy(&nm_mem_ids);
}

#ifdef NM_MEM_SELFTEST
#include "mem_selftest.c"
#endif
