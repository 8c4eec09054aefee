/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the apps' host unit tests (apps/<app>/tests/test_<app>.c): TAP
 * checks, and (when the test defines T_SLOTS and T_BUFSZ before including
 * this) an RX ring and a TX ring built in ordinary memory, ring headers,
 * slot arrays and a buffer pool in one block as in a netmap region, for the
 * apps' ring-moving functions.
 */
#ifndef NM_APPS_UNIT_TEST_H
#define NM_APPS_UNIT_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <net/netmap_user.h>

static int t_n, t_fail;

static inline void t_ok(int cond, const char *what)
{
	t_n++;
	if (!cond)
		t_fail++;
	printf("%sok %d - %s\n", cond ? "" : "not ", t_n, what);
}

/* The plan, and the exit status: 0 iff every check passed. */
static inline int t_done(void)
{
	printf("1..%d\n", t_n);
	return t_fail ? 1 : 0;
}

#if defined(T_SLOTS) && defined(T_BUFSZ)
#define T_RING_BYTES	(sizeof(struct netmap_ring) + \
			 T_SLOTS * sizeof(struct netmap_slot))

/* Two rings (rx at 0, tx after it) and the 2 * T_SLOTS buffers they index. */
struct t_region {
	char *base;
	struct netmap_ring *rx, *tx;
};

static inline struct netmap_ring *t_ring_init(char *at, char *bufs,
					      uint32_t first)
{
	struct netmap_ring *r = (struct netmap_ring *)at;
	uint32_t i;

	*(int64_t *)&r->buf_ofs = bufs - at;
	*(uint32_t *)&r->num_slots = T_SLOTS;
	*(uint32_t *)&r->nr_buf_size = T_BUFSZ;
	for (i = 0; i < T_SLOTS; i++)
		r->slot[i].buf_idx = first + i;
	return r;
}

/* rx: nothing received; tx: every slot but one free. Free g->base after. */
static inline void t_region_init(struct t_region *g)
{
	size_t rings = 2 * ((T_RING_BYTES + 63) & ~(size_t)63);
	char *bufs;

	g->base = calloc(1, rings + 2 * T_SLOTS * T_BUFSZ);
	if (g->base == NULL) {
		perror("calloc");
		exit(1);
	}
	bufs = g->base + rings;
	g->rx = t_ring_init(g->base, bufs, 0);
	g->tx = t_ring_init(g->base + rings / 2, bufs, T_SLOTS);
	g->tx->tail = T_SLOTS - 1;
}
#endif

#endif
