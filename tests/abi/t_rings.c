// SPDX-License-Identifier: BSD-2-Clause
/*
 * Ring index helpers on hand-built rings, the address arithmetic macros on
 * a hand-built region, and nm_pkt_copy().
 */
#include <stdlib.h>
#include <string.h>

#include <net/netmap_user.h>

#include "abi_test.h"
#include "fake.h"
#include "tap.h"

static struct netmap_ring *ring_alloc(uint32_t num_slots)
{
	size_t size = sizeof(struct netmap_ring) +
		      num_slots * sizeof(struct netmap_slot);
	struct netmap_ring *r;

	size = (size + 127) / 128 * 128;
	r = aligned_alloc(128, size);
	if (r == NULL)
		abort();
	memset(r, 0, size);
	set_u32(r, offsetof(struct netmap_ring, num_slots), num_slots);
	return r;
}

/* every (head, tail) pair of a 5-slot ring, against the definitions */
static void check_index_helpers(void)
{
	const uint32_t n = 5;
	struct netmap_ring *r = ring_alloc(n);
	int next_ok = 1, space_ok = 1, empty_ok = 1, pend_ok = 1, other_ok = 1;
	uint32_t h, t, i;

	for (i = 0; i < n; i++) {
		if (nm_ring_next(r, i) != (i + 1) % n)
			next_ok = 0;
	}
	for (h = 0; h < n; h++) {
		for (t = 0; t < n; t++) {
			r->head = r->cur = h;
			r->tail = t;
			if (nm_ring_space(r) != (t + n - h) % n) {
				tap_diag("space(head %u, tail %u) = %u", h, t,
					 nm_ring_space(r));
				space_ok = 0;
			}
			if (nm_ring_empty(r) != (h == t))
				empty_ok = 0;
			if (nm_tx_pending(r) != ((t + 1) % n != h))
				pend_ok = 0;
			if (hdr_user_space(r) != nm_ring_space(r) ||
			    hdr_bare_empty(r) != nm_ring_empty(r))
				other_ok = 0;
		}
	}
	tap_ok(next_ok, "nm_ring_next steps by one and wraps at num_slots (5)");
	tap_ok(space_ok, "nm_ring_space = (tail - head) mod num_slots, all 25 pairs");
	tap_ok(empty_ok, "nm_ring_empty = (head == tail), all 25 pairs");
	tap_ok(pend_ok, "nm_tx_pending = (next(tail) != head), all 25 pairs");
	tap_ok(other_ok, "single-header units compute the same space/empty");

	/* cur does not matter to these helpers, only head and tail */
	r->head = 1;
	r->cur = 3;
	r->tail = 4;
	tap_ok(nm_ring_space(r) == 3 && !nm_ring_empty(r) && nm_tx_pending(r),
	       "nm_ring_space/empty/tx_pending use head, not cur");
	/* a freshly created TX ring: nothing pending, all but one slot free */
	r->head = r->cur = 0;
	r->tail = n - 1;
	tap_ok(!nm_tx_pending(r) && nm_ring_space(r) == n - 1,
	       "fresh TX ring (tail = num_slots - 1): no pending, space num_slots - 1");
	free(r);

	r = ring_alloc(1024);
	r->head = 1000;
	r->tail = 10;
	tap_ok(nm_ring_space(r) == 34 && nm_ring_next(r, 1023) == 0 &&
	       nm_ring_next(r, 1022) == 1023,
	       "1024-slot ring: wrapped space and next");
	free(r);
}

static void check_ring_macros(char *mem)
{
	struct netmap_if *nifp = NETMAP_IF(mem, FAKE_NIFP_OFS);
	int ok = 1;
	uint32_t i;

	tap_ok((char *)nifp == mem + FAKE_NIFP_OFS &&
	       strcmp(nifp->ni_name, "fake0") == 0,
	       "NETMAP_IF(base, nr_offset) = base + nr_offset");
	for (i = 0; i < 3; i++) {
		if ((char *)NETMAP_TXRING(nifp, i) != mem + fake_ring_off[i]) {
			tap_diag("NETMAP_TXRING(nifp, %u) off by %td", i,
				 (char *)NETMAP_TXRING(nifp, i) -
				 (mem + fake_ring_off[i]));
			ok = 0;
		}
	}
	tap_ok(ok, "NETMAP_TXRING: NIC rings then host ring, negative and positive ring_ofs");
	ok = 1;
	for (i = 0; i < 3; i++) {
		if ((char *)NETMAP_RXRING(nifp, i) != mem + fake_ring_off[3 + i] ||
		    hdr_user_rxring(nifp, i) != NETMAP_RXRING(nifp, i)) {
			tap_diag("NETMAP_RXRING(nifp, %u) wrong", i);
			ok = 0;
		}
	}
	tap_ok(ok, "NETMAP_RXRING skips ni_tx_rings + ni_host_tx_rings entries");
	tap_ok(NETMAP_TXRING(nifp, 2)->ringid == 2 &&
	       NETMAP_TXRING(nifp, 2)->dir == 1 &&
	       NETMAP_RXRING(nifp, 1)->ringid == 1 &&
	       NETMAP_RXRING(nifp, 1)->dir == 0,
	       "rings found through ring_ofs carry their ringid and dir");
}

static void check_buf_macros(char *mem)
{
	struct netmap_if *nifp = NETMAP_IF(mem, FAKE_NIFP_OFS);
	int ok = 1, idx_ok = 1;
	uint32_t k, idx;

	for (k = 0; k < 6; k++) {
		struct netmap_ring *r = k < 3 ? NETMAP_TXRING(nifp, k) :
						NETMAP_RXRING(nifp, k - 3);

		for (idx = 0; idx < FAKE_NBUFS; idx++) {
			char *want = mem + FAKE_BUF_OFS + (size_t)idx * FAKE_BUFSZ;
			char *b = NETMAP_BUF(r, idx);

			if (b != want || hdr_user_buf(r, idx) != want ||
			    (unsigned char)b[FAKE_BUFSZ - 1] != idx)
				ok = 0;
			if (NETMAP_BUF_IDX(r, b) != idx ||
			    NETMAP_BUF_IDX(r, b + FAKE_BUFSZ - 1) != idx)
				idx_ok = 0;
		}
	}
	tap_ok(ok, "NETMAP_BUF(ring, i) = ring + buf_ofs + i * nr_buf_size, from all 6 rings (buf_ofs < 0 too)");
	tap_ok(idx_ok, "NETMAP_BUF_IDX inverts NETMAP_BUF, also from inside a buffer");
}

static void check_offset_macros(char *mem)
{
	struct netmap_if *nifp = NETMAP_IF(mem, FAKE_NIFP_OFS);
	struct netmap_ring *r = NETMAP_RXRING(nifp, 0);
	struct netmap_slot *slot = &r->slot[3];
	uint64_t o = 0x456;

	set_u64(r, offsetof(struct netmap_ring, offset_mask), 0xfff);
	slot->ptr = 0xabc000123ULL;
	tap_ok(NETMAP_ROFFSET(r, slot) == 0x123,
	       "NETMAP_ROFFSET = ptr & offset_mask");
	NETMAP_WOFFSET(r, slot, o);
	tap_ok(slot->ptr == 0xabc000456ULL,
	       "NETMAP_WOFFSET replaces only the offset bits");
	NETMAP_WOFFSET(r, slot, 0x1789);
	tap_ok(slot->ptr == 0xabc000789ULL,
	       "NETMAP_WOFFSET keeps an offset to the mask");
	tap_ok(NETMAP_BUF_OFFSET(r, slot) ==
	       NETMAP_BUF(r, slot->buf_idx) + 0x789,
	       "NETMAP_BUF_OFFSET = buffer + read offset");
	set_u64(r, offsetof(struct netmap_ring, offset_mask), 0);
	NETMAP_WOFFSET(r, slot, 0x55);
	tap_ok(NETMAP_ROFFSET(r, slot) == 0 && slot->ptr == 0xabc000789ULL &&
	       NETMAP_BUF_OFFSET(r, slot) == NETMAP_BUF(r, slot->buf_idx),
	       "offset_mask 0: no offsets read or written");
	tap_ok((char *)_NETMAP_OFFSET(struct netmap_ring *, nifp, -2048) == mem,
	       "_NETMAP_OFFSET(type, ptr, off) = (type)((char *)ptr + off)");
}

static void check_pkt_copy(void)
{
	/* aligned_alloc wants a size that is a multiple of the alignment */
	enum { MAXL = 2100, GUARD = 80, BUFLEN = (MAXL + 2 * GUARD + 63) / 64 * 64 };
	unsigned char *src = aligned_alloc(64, BUFLEN);
	unsigned char *dst = aligned_alloc(64, BUFLEN);
	static const struct { int soff, doff; const char *what; } align[] = {
		{ 0, 0, "64-byte aligned" },
		{ 1, 3, "unaligned" },
		{ 8, 0, "8-byte aligned source" },
	};
	size_t a, i;
	int l;

	if (src == NULL || dst == NULL)
		abort();
	srand(12345);
	for (i = 0; i < BUFLEN; i++)
		src[i] = (unsigned char)rand();
	for (a = 0; a < sizeof(align) / sizeof(align[0]); a++) {
		int bad = 0;

		for (l = 1; l <= MAXL; l++) {
			unsigned char *d = dst + GUARD + align[a].doff;

			memset(dst, 0xa5, BUFLEN);
			nm_pkt_copy(src + GUARD + align[a].soff, d, l);
			if (memcmp(d, src + GUARD + align[a].soff, (size_t)l) ||
			    d[-1] != 0xa5 || d[l] != 0xa5 ||
			    dst[BUFLEN - 1] != 0xa5) {
				if (bad++ < 5)
					tap_diag("nm_pkt_copy wrong for l = %d", l);
			}
			/* nothing beyond l, up to the end of the guard */
			for (i = (size_t)l; i + GUARD + align[a].doff <
			     BUFLEN; i++) {
				if (d[i] != 0xa5) {
					if (bad++ < 5)
						tap_diag("l = %d wrote byte %zu",
							 l, i);
					break;
				}
			}
		}
		tap_ok(bad == 0, "nm_pkt_copy copies exactly l bytes, l = 1..%d, %s",
		       MAXL, align[a].what);
	}
	memset(dst, 0xa5, BUFLEN);
	nm_pkt_copy(src, dst + GUARD, 0);
	nm_pkt_copy(src, dst + GUARD, -64);
	for (i = 0; i < BUFLEN && dst[i] == 0xa5; i++)
		;
	tap_ok(i == BUFLEN, "nm_pkt_copy with l <= 0 copies nothing");
	free(src);
	free(dst);
}

void test_rings(void)
{
	char *mem;

	check_index_helpers();
	mem = fake_alloc(0);
	if (mem == NULL)
		abort();
	check_ring_macros(mem);
	check_buf_macros(mem);
	check_offset_macros(mem);
	free(mem);
	check_pkt_copy();
}
