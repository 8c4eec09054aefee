// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the region allocator, run by nm_mem_init() in builds with
 * -DNM_MEM_SELFTEST. Included at the end of mem.c, so it sees the internals.
 * It only uses private regions (the global one is left untouched) and logs
 * one line per failed check; the module refuses to load if any fails.
 */

struct nm_st {
	int failed;
};

#define NM_ST_CHECK(st, cond)						\
	do {								\
		if (!(cond)) {						\
			pr_err("mem selftest %s:%d: %s\n", __func__,	\
			       __LINE__, #cond);			\
			(st)->failed++;					\
		}							\
	} while (0)

static struct nm_mem *nm_st_region(struct nm_st *st, u32 if_size, u32 if_num,
				   u32 ring_size, u32 ring_num,
				   u32 buf_size, u32 buf_num)
{
	struct nm_mem_params p = {
		.if_size = if_size, .if_num = if_num,
		.ring_size = ring_size, .ring_num = ring_num,
		.buf_size = buf_size, .buf_num = buf_num,
	};
	struct nm_mem *mem = nm_mem_private_new(&p);

	NM_ST_CHECK(st, mem);
	return mem;
}

static void nm_st_pool_geometry(struct nm_st *st, const struct nm_pool *p,
				u32 size, u32 num)
{
	NM_ST_CHECK(st, p->objsize % 64 == 0 && p->objsize >= size);
	NM_ST_CHECK(st, p->objtotal >= num);
	NM_ST_CHECK(st, p->clustsize % PAGE_SIZE == 0);
	NM_ST_CHECK(st, p->clustsize % p->objsize == 0);
	NM_ST_CHECK(st, p->clustsize / p->objsize == 1U << p->shift);
	NM_ST_CHECK(st, p->ofs % PAGE_SIZE == 0);
	NM_ST_CHECK(st, p->objtotal == p->nclust << p->shift);
}

static void nm_st_geometry(struct nm_st *st, struct nm_mem *mem)
{
	const struct nm_mem_params *q = &mem->params;
	const struct nm_pool *p = mem->pool;
	struct nmreq_pools_info pi;

	nm_st_pool_geometry(st, &p[NM_POOL_IF], q->if_size, q->if_num);
	nm_st_pool_geometry(st, &p[NM_POOL_RING], q->ring_size, q->ring_num);
	nm_st_pool_geometry(st, &p[NM_POOL_BUF], q->buf_size, q->buf_num);
	NM_ST_CHECK(st, p[NM_POOL_IF].ofs == 0);
	NM_ST_CHECK(st, p[NM_POOL_RING].ofs == nm_pool_bytes(&p[NM_POOL_IF]));
	NM_ST_CHECK(st, p[NM_POOL_BUF].ofs ==
		    p[NM_POOL_RING].ofs + nm_pool_bytes(&p[NM_POOL_RING]));
	NM_ST_CHECK(st, nm_mem_size(mem) ==
		    p[NM_POOL_BUF].ofs + nm_pool_bytes(&p[NM_POOL_BUF]));

	nm_mem_pools_info(mem, &pi);
	NM_ST_CHECK(st, pi.nr_memsize == nm_mem_size(mem));
	NM_ST_CHECK(st, pi.nr_mem_id == nm_mem_id(mem));
	NM_ST_CHECK(st, pi.nr_if_pool_offset == 0);
	NM_ST_CHECK(st, pi.nr_ring_pool_offset == p[NM_POOL_RING].ofs);
	NM_ST_CHECK(st, pi.nr_buf_pool_offset == nm_mem_buf_pool_ofs(mem));
	NM_ST_CHECK(st, pi.nr_buf_pool_objtotal == nm_mem_nbufs(mem));
	NM_ST_CHECK(st, pi.nr_buf_pool_objsize == nm_mem_buf_size(mem));
	NM_ST_CHECK(st, pi.nr_if_pool_objsize == nm_mem_if_objsize(mem));
	NM_ST_CHECK(st, pi.nr_ring_pool_objsize == nm_mem_ring_objsize(mem));
}

/* Every buffer is where linear indexing says, and holds its own data. */
static void nm_st_buf_layout(struct nm_st *st, struct nm_mem *mem)
{
	u32 n = nm_mem_nbufs(mem), sz = nm_mem_buf_size(mem), i, bad = 0;
	u64 base = nm_mem_buf_pool_ofs(mem);
	u8 *b;

	for (i = 0; i < n; i++) {
		b = nm_mem_buf_addr(mem, i);
		if (nm_mem_ofs(mem, b) != base + (u64)i * sz ||
		    nm_mem_ofs(mem, b + sz - 1) != base + (u64)i * sz + sz - 1)
			bad++;
		*(u32 *)b = i;
		b[sz - 1] = (u8)i;
	}
	for (i = 0; i < n; i++) {
		b = nm_mem_buf_addr(mem, i);
		if (*(u32 *)b != i || b[sz - 1] != (u8)i)
			bad++;
	}
	NM_ST_CHECK(st, bad == 0);
	NM_ST_CHECK(st, nm_mem_buf_addr(mem, n) == nm_mem_buf_addr(mem, 0));
	NM_ST_CHECK(st, nm_mem_buf_addr(mem, U32_MAX) ==
		    nm_mem_buf_addr(mem, 0));
}

static void nm_st_bufs(struct nm_st *st, struct nm_mem *mem)
{
	u32 n = nm_mem_nbufs(mem), got = 0, dup = 0, idx, again;
	unsigned long *seen = bitmap_zalloc(n, GFP_KERNEL);

	NM_ST_CHECK(st, seen);
	if (!seen)
		return;
	while ((idx = nm_mem_buf_alloc(mem)) != 0) {
		NM_ST_CHECK(st, nm_mem_buf_valid(mem, idx));
		if (idx >= n || __test_and_set_bit(idx, seen))
			dup++;
		if (++got > n)
			break;
	}
	NM_ST_CHECK(st, dup == 0);
	NM_ST_CHECK(st, got == n - NM_RESERVED_BUFS);
	NM_ST_CHECK(st, mem->pool[NM_POOL_BUF].nfree == 0);

	/* Reserved, out of range and double frees are all ignored. */
	nm_mem_buf_free(mem, 0);
	nm_mem_buf_free(mem, 1);
	nm_mem_buf_free(mem, n);
	nm_mem_buf_free(mem, U32_MAX);
	NM_ST_CHECK(st, nm_mem_buf_alloc(mem) == 0);
	nm_mem_buf_free(mem, n / 2);
	nm_mem_buf_free(mem, n / 2);
	NM_ST_CHECK(st, mem->pool[NM_POOL_BUF].nfree == 1);
	again = nm_mem_buf_alloc(mem);
	NM_ST_CHECK(st, again == n / 2);
	NM_ST_CHECK(st, nm_mem_buf_alloc(mem) == 0);

	for (idx = NM_RESERVED_BUFS; idx < n; idx++)
		nm_mem_buf_free(mem, idx);
	NM_ST_CHECK(st, mem->pool[NM_POOL_BUF].nfree == n - NM_RESERVED_BUFS);
	bitmap_free(seen);
}

static bool nm_st_zeroed(const u8 *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

static void nm_st_objs(struct nm_st *st, struct nm_mem *mem,
		       enum nm_pool_kind k)
{
	struct nm_pool *p = &mem->pool[k];
	u64 lo = p->ofs, hi = p->ofs + nm_pool_bytes(p), ofs;
	u32 n = p->objtotal, i, bad = 0;
	void **objs = kcalloc(n, sizeof(*objs), GFP_KERNEL);

	NM_ST_CHECK(st, objs);
	if (!objs)
		return;
	NM_ST_CHECK(st, !nm_obj_alloc(mem, k, p->objsize + 1));
	for (i = 0; i < n; i++) {
		objs[i] = nm_obj_alloc(mem, k, p->objsize);
		if (!objs[i] || !nm_st_zeroed(objs[i], p->objsize)) {
			bad++;
			continue;
		}
		ofs = nm_mem_ofs(mem, objs[i]);
		if (ofs < lo || ofs >= hi || (ofs - lo) % p->objsize)
			bad++;
		memset(objs[i], 0xa5, p->objsize);
	}
	NM_ST_CHECK(st, bad == 0);
	NM_ST_CHECK(st, !nm_obj_alloc(mem, k, 1));

	/* Misaligned, foreign and double frees are ignored. */
	nm_obj_free(mem, k, (char *)objs[0] + 8);
	nm_obj_free(mem, k, nm_mem_buf_addr(mem, 2));
	nm_obj_free(mem, k, NULL);
	NM_ST_CHECK(st, p->nfree == 0);
	nm_obj_free(mem, k, objs[n - 1]);
	nm_obj_free(mem, k, objs[n - 1]);
	NM_ST_CHECK(st, p->nfree == 1);
	objs[n - 1] = nm_obj_alloc(mem, k, 1);
	NM_ST_CHECK(st, objs[n - 1] && nm_st_zeroed(objs[n - 1], p->objsize));

	for (i = 0; i < n; i++)
		nm_obj_free(mem, k, objs[i]);
	NM_ST_CHECK(st, p->nfree == n);
	kfree(objs);
}

static void nm_st_activation(struct nm_st *st, struct nm_mem *mem)
{
	NM_ST_CHECK(st, nm_mem_size(mem) == 0 && nm_mem_nbufs(mem) == 0);
	NM_ST_CHECK(st, nm_mem_activate(mem) == 0);
	NM_ST_CHECK(st, nm_mem_activate(mem) == 0);
	nm_mem_deactivate(mem);
	NM_ST_CHECK(st, nm_mem_size(mem) != 0 && nm_mem_nbufs(mem) != 0);
	nm_st_geometry(st, mem);
	nm_st_buf_layout(st, mem);
	nm_st_bufs(st, mem);
	nm_st_objs(st, mem, NM_POOL_IF);
	nm_st_objs(st, mem, NM_POOL_RING);
	nm_mem_deactivate(mem);
	NM_ST_CHECK(st, nm_mem_size(mem) == 0 && nm_mem_nbufs(mem) == 0);
	/* Re-activation gets fresh, zeroed memory. */
	NM_ST_CHECK(st, nm_mem_activate(mem) == 0);
	NM_ST_CHECK(st, nm_st_zeroed(nm_mem_buf_addr(mem, 2),
				     nm_mem_buf_size(mem)));
	nm_mem_deactivate(mem);
}

static void nm_st_invalid(struct nm_st *st)
{
	static const struct nm_mem_params bad[] = {
		{ 1024, 101, 20480, 4, 2048, 4098 },	/* too many ifs */
		{ 4097, 2, 20480, 4, 2048, 4098 },	/* if too large */
		{ 1024, 2, 32 * PAGE_SIZE + 1, 4, 2048, 4098 },
		{ 1024, 2, 20480, 1025, 2048, 4098 },
		{ 1024, 2, 20480, 4, 65537, 4098 },
		{ 1024, 2, 20480, 4, 2048, 1000001 },
	};
	struct nm_mem *mem;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		mem = nm_mem_private_new(&bad[i]);
		NM_ST_CHECK(st, mem);
		if (!mem)
			continue;
		NM_ST_CHECK(st, nm_mem_activate(mem) == -EINVAL);
		NM_ST_CHECK(st, nm_mem_size(mem) == 0 && nm_mem_nbufs(mem) == 0);
		nm_mem_put(mem);
	}
}

/* Ring sizes with awkward factors are padded to pages, not clustered. */
static void nm_st_padding(struct nm_st *st)
{
	struct nm_mem *mem = nm_st_region(st, 1024, 2, 20480 + 64, 4,
					  2048, 4098);

	if (!mem)
		return;
	NM_ST_CHECK(st, nm_mem_activate(mem) == 0);
	NM_ST_CHECK(st, nm_mem_ring_objsize(mem) == PAGE_ALIGN(20480 + 64));
	NM_ST_CHECK(st, mem->pool[NM_POOL_RING].shift == 0);
	nm_mem_deactivate(mem);
	nm_mem_put(mem);
}

static void nm_st_ids(struct nm_st *st)
{
	struct nm_mem *a = nm_st_region(st, 0, 0, 0, 0, 0, 0);
	struct nm_mem *b = nm_st_region(st, 0, 0, 0, 0, 0, 0);
	struct nm_mem *c, *g, *f;
	u16 bid;

	if (!a || !b)
		goto out;
	NM_ST_CHECK(st, nm_mem_id(a) > NM_MEM_GLOBAL_ID);
	NM_ST_CHECK(st, nm_mem_id(b) > NM_MEM_GLOBAL_ID);
	NM_ST_CHECK(st, nm_mem_id(a) != nm_mem_id(b));
	NM_ST_CHECK(st, nm_mem_is_private(a));
	f = nm_mem_find(nm_mem_id(a));
	NM_ST_CHECK(st, f == a);
	nm_mem_put(f);
	g = nm_mem_find(NM_MEM_GLOBAL_ID);
	NM_ST_CHECK(st, g && g == nm_mem_global_region);
	NM_ST_CHECK(st, g && !nm_mem_is_private(g));
	nm_mem_put(g);
	NM_ST_CHECK(st, !nm_mem_find(0));

	/* After a wrap-around the next id skips those still in use. */
	mutex_lock(&nm_mem_ids_lock);
	idr_set_cursor(&nm_mem_ids, U16_MAX);
	mutex_unlock(&nm_mem_ids_lock);
	c = nm_st_region(st, 0, 0, 0, 0, 0, 0);
	NM_ST_CHECK(st, c && nm_mem_id(c) == U16_MAX);
	nm_mem_put(c);
	mutex_lock(&nm_mem_ids_lock);
	idr_set_cursor(&nm_mem_ids, nm_mem_id(a));
	mutex_unlock(&nm_mem_ids_lock);
	c = nm_st_region(st, 0, 0, 0, 0, 0, 0);
	NM_ST_CHECK(st, c && nm_mem_id(c) != nm_mem_id(a) &&
		    nm_mem_id(c) != nm_mem_id(b) &&
		    nm_mem_id(c) > NM_MEM_GLOBAL_ID);
	nm_mem_put(c);

	bid = nm_mem_id(b);
	nm_mem_put(b);
	b = NULL;
	NM_ST_CHECK(st, !nm_mem_find(bid));
out:
	nm_mem_put(a);
	nm_mem_put(b);
}

static int nm_mem_selftest(void)
{
	struct nm_st st = { 0 };
	struct nm_mem *mem;

	/* Below the private minimums, which must be applied. */
	mem = nm_st_region(&st, 100, 1, 1000, 2, 64, 4);
	if (mem) {
		NM_ST_CHECK(&st, mem->params.if_size >= nm_priv_if_size &&
			    mem->params.ring_size >= nm_priv_ring_size &&
			    mem->params.buf_num >= nm_priv_buf_num);
		nm_st_activation(&st, mem);
		nm_mem_put(mem);
	}
	/* Objects of odd sizes, several per cluster. */
	mem = nm_st_region(&st, 1088, 7, 36864 + 192, 9, 2048 + 64, 5001);
	if (mem) {
		nm_st_activation(&st, mem);
		nm_mem_put(mem);
	}
	nm_st_invalid(&st);
	nm_st_padding(&st);
	nm_st_ids(&st);
	if (st.failed) {
		pr_err("mem selftest: %d checks failed\n", st.failed);
		return -EINVAL;
	}
	pr_info("mem selftest: passed\n");
	return 0;
}
