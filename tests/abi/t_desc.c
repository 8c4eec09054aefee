// SPDX-License-Identifier: BSD-2-Clause
/*
 * The NETMAP_WITH_LIBS descriptor functions on a hand-built region in a
 * file (fake.h): nm_mmap (own mapping, shared with a parent), the ring
 * ranges nm_open derives from the mode, nm_inject, nm_dispatch, nm_nextpkt
 * and nm_close.  Registering needs the kernel and is tested in the guest.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>

#include "abi_test.h"
#include "fake.h"
#include "tap.h"

static struct nm_desc *desc_new(int fd, uint16_t mem_id)
{
	struct nm_desc *d = calloc(1, sizeof(*d));

	if (d == NULL)
		abort();
	d->self = d;
	d->fd = fd;
	d->req.nr_memsize = FAKE_SIZE;
	d->req.nr_offset = FAKE_NIFP_OFS;
	d->req.nr_tx_rings = 2;
	d->req.nr_rx_rings = 2;
	d->req.nr_arg2 = mem_id;
	d->req.nr_flags = NR_REG_ALL_NIC;
	nm_set_ring_ranges_(d);
	return d;
}

static void check_ranges(void)
{
	static const struct {
		uint32_t mode;
		uint16_t ringid, ftx, ltx, frx, lrx;
	} c[] = {
		{ NR_REG_ALL_NIC, 0, 0, 3, 0, 1 },
		{ NR_REG_SW, 0, 4, 4, 2, 2 },
		{ NR_REG_NIC_SW, 0, 0, 4, 0, 2 },
		{ NR_REG_ONE_NIC, 1, 1, 1, 1, 1 },
		{ NR_REG_PIPE_MASTER, 3, 0, 0, 0, 0 },
		{ NR_REG_PIPE_SLAVE, 3, 0, 0, 0, 0 },
	};
	struct nm_desc *d = desc_new(-1, 0);
	size_t i;
	int ok = 1;

	d->req.nr_tx_rings = 4;
	d->req.nr_rx_rings = 2;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		d->req.nr_flags = c[i].mode | NR_EXCLUSIVE;
		d->req.nr_ringid = c[i].ringid | NETMAP_NO_TX_POLL;
		nm_set_ring_ranges_(d);
		if (d->first_tx_ring != c[i].ftx || d->last_tx_ring != c[i].ltx ||
		    d->first_rx_ring != c[i].frx || d->last_rx_ring != c[i].lrx) {
			tap_diag("mode %u: tx [%u, %u] rx [%u, %u]", c[i].mode,
				 d->first_tx_ring, d->last_tx_ring,
				 d->first_rx_ring, d->last_rx_ring);
			ok = 0;
		}
	}
	tap_ok(ok, "ring ranges of nm_open: ALL_NIC, SW, NIC_SW, ONE_NIC, pipes");
	free(d);
}

static void check_mmap(int fd)
{
	struct nm_desc *d = desc_new(fd, 3), *d2, *d3, *d4;
	char *mem;
	int r;

	r = nm_mmap(d, NULL);
	mem = d->mem;
	tap_ok(r == 0 && mem != NULL && d->done_mmap == 1 &&
	       d->memsize == FAKE_SIZE &&
	       (char *)d->nifp == mem + FAKE_NIFP_OFS &&
	       strcmp(d->nifp->ni_name, "fake0") == 0 &&
	       (char *)d->some_ring == mem + fake_ring_off[3] &&
	       (char *)d->buf_start == mem + FAKE_BUF_OFS &&
	       (char *)d->buf_end == mem + FAKE_SIZE,
	       "nm_mmap maps nr_memsize and sets nifp, some_ring (RX ring), buf_start, buf_end");
	tap_ok(nm_mmap(d, NULL) == 0 && d->mem == mem,
	       "nm_mmap on a mapped descriptor does nothing");

	d2 = desc_new(dup(fd), 3);
	tap_ok(nm_mmap(d2, d) == 0 && d2->mem == mem && d2->done_mmap == 0 &&
	       d2->nifp == d->nifp && d2->memsize == d->memsize,
	       "nm_mmap shares the parent's mapping when nr_arg2 matches");
	d3 = desc_new(dup(fd), 4);
	r = nm_mmap(d3, d);
	tap_ok(r == 0 && d3->mem != NULL && d3->mem != mem &&
	       d3->done_mmap == 1,
	       "nm_mmap maps again when the parent's nr_arg2 differs");
	d3->nifp->ni_bufs_head = 77;
	tap_ok(d->nifp->ni_bufs_head == 77, "both mappings see the same region");
	d->nifp->ni_bufs_head = 0;

	d4 = desc_new(-1, 5);
	tap_ok(nm_mmap(d4, NULL) == EINVAL && d4->mem == NULL &&
	       d4->nifp == NULL && d4->done_mmap == 0,
	       "nm_mmap failure returns EINVAL and leaves the descriptor unmapped");
	tap_ok(nm_close(d3) == 0 && nm_close(d2) == 0 && nm_close(d4) == 0 &&
	       strcmp(d->nifp->ni_name, "fake0") == 0,
	       "nm_close of descriptors that share or own mappings keeps the parent's");
	tap_ok(nm_close(d) == 0, "nm_close of the mapping owner");
}

static void check_mmap_txonly(void)
{
	int fd = fake_file(1);
	struct nm_desc *d;
	char *mem;

	if (fd < 0) {
		tap_ok(0, "temporary file for the TX-only region");
		return;
	}
	d = desc_new(fd, 1);
	tap_ok(nm_mmap(d, NULL) == 0 && (mem = d->mem) != NULL &&
	       (char *)d->some_ring == mem + fake_ring_off[0] &&
	       (char *)d->buf_start == mem + FAKE_BUF_OFS,
	       "nm_mmap: some_ring is the first TX ring when no RX ring is bound");
	nm_close(d);
}

/* gather a packet that nm_inject wrote from cur onwards */
static int check_slots(struct netmap_ring *r, uint32_t first,
		       const unsigned char *data, size_t size,
		       const uint16_t *lens, int nslots)
{
	uint32_t i = first;
	size_t done = 0;
	int k;

	for (k = 0; k < nslots; k++, i = nm_ring_next(r, i)) {
		struct netmap_slot *s = &r->slot[i];
		uint16_t want_flags = k + 1 < nslots ? NS_MOREFRAG : 0;

		if (s->len != lens[k] || s->flags != want_flags ||
		    memcmp(NETMAP_BUF(r, s->buf_idx), data + done, s->len)) {
			tap_diag("slot %u: len %u flags %#x", i, s->len, s->flags);
			return 0;
		}
		done += s->len;
	}
	return done == size;
}

static void check_inject(struct nm_desc *d)
{
	static unsigned char pkt[4 * FAKE_BUFSZ];
	struct netmap_ring *t0 = NETMAP_TXRING(d->nifp, 0);
	struct netmap_ring *t1 = NETMAP_TXRING(d->nifp, 1);
	struct netmap_ring *th = NETMAP_TXRING(d->nifp, 2);
	size_t i;
	int r;

	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (unsigned char)(i * 7 + 3);
	for (i = 0; i < FAKE_SLOTS; i++)
		t0->slot[i].flags = t1->slot[i].flags = NS_REPORT | NS_INDIRECT;

	r = nm_inject(d, pkt, 60);
	tap_ok(r == 60 && t0->head == 1 && t0->cur == 1 && t0->tail == 7 &&
	       d->cur_tx_ring == 0 &&
	       check_slots(t0, 0, pkt, 60, (const uint16_t[]){ 60 }, 1),
	       "nm_inject 60 bytes: one slot, flags 0, head = cur = 1");

	r = nm_inject(d, pkt, 5000);
	tap_ok(r == 5000 && t0->head == 4 && t0->cur == 4 &&
	       check_slots(t0, 1, pkt, 5000,
			   (const uint16_t[]){ 2048, 2048, 904 }, 3),
	       "nm_inject 5000 bytes: 3 slots 2048+2048+904, NS_MOREFRAG on all but the last");

	r = nm_inject(d, pkt, 6145);
	tap_ok(r == 6145 && t0->head == 4 && t1->head == 4 && t1->cur == 4 &&
	       d->cur_tx_ring == 1 &&
	       check_slots(t1, 0, pkt, 6145,
			   (const uint16_t[]){ 2048, 2048, 2048, 1 }, 4),
	       "nm_inject moves to the next TX ring when the current lacks room");

	r = nm_inject(d, pkt, 0);
	tap_ok(r == 0 && t1->head == 5 && t1->slot[4].len == 0 &&
	       t1->slot[4].flags == 0,
	       "nm_inject of 0 bytes takes one empty slot");

	r = nm_inject(d, pkt, 3 * FAKE_BUFSZ + 1);
	tap_ok(r == 0 && t0->head == 4 && t0->cur == 4 && t1->head == 5 &&
	       t1->cur == 5 && d->cur_tx_ring == 1,
	       "nm_inject returns 0 and changes nothing when no ring has room");

	r = nm_inject(d, pkt, 3 * FAKE_BUFSZ);
	tap_ok(r == 3 * FAKE_BUFSZ && t0->head == 7 && t0->cur == 7 &&
	       d->cur_tx_ring == 0 &&
	       check_slots(t0, 4, pkt, 3 * FAKE_BUFSZ,
			   (const uint16_t[]){ 2048, 2048, 2048 }, 3),
	       "nm_inject wraps around the TX ring range and fills a ring up to tail");

	t0->head = t0->cur = 6;
	t0->tail = 3;
	r = nm_inject(d, pkt, 2049);
	tap_ok(r == 2049 && t0->head == 0 &&
	       check_slots(t0, 6, pkt, 2049, (const uint16_t[]){ 2048, 1 }, 2),
	       "nm_inject across the end of the ring");
	r = nm_inject(d, pkt + 1, 4097);
	tap_ok(r == 4097 && t0->head == 3 && t0->cur == 3 &&
	       check_slots(t0, 0, pkt + 1, 4097,
			   (const uint16_t[]){ 2048, 2048, 1 }, 3),
	       "nm_inject up to tail after wrapping");

	tap_ok(th->head == 0 && th->cur == 0 && th->tail == 7 &&
	       th->slot[0].len == FAKE_BUFSZ && th->slot[0].flags == 0,
	       "nm_inject leaves rings outside the descriptor's range alone");

	d->cur_tx_ring = 9;	/* out of range: start from the first ring */
	t0->tail = 5;
	r = nm_inject(d, pkt, 10);
	tap_ok(r == 10 && t0->head == 4 && d->cur_tx_ring == 0,
	       "nm_inject with cur_tx_ring out of range starts at first_tx_ring");
}

struct seen {
	int n;
	struct {
		uint32_t len, caplen, ring_head;
		uint64_t flags;
		const unsigned char *buf;
		struct netmap_slot *slot;
		struct timeval ts;
		int hdr_ok;
	} p[16];
	struct nm_desc *d;
	struct netmap_ring *rings[2];
};

static void record(unsigned char *arg, const struct nm_pkthdr *h,
		   const unsigned char *buf)
{
	struct seen *s = (struct seen *)(void *)arg;
	int i = s->n++;

	if (i >= 16)
		return;
	s->p[i].len = h->len;
	s->p[i].caplen = h->caplen;
	s->p[i].flags = h->flags;
	s->p[i].buf = buf;
	s->p[i].slot = h->slot;
	s->p[i].ts = h->ts;
	s->p[i].hdr_ok = h->d == s->d && h->buf == buf;
	/* head of the ring holding the packet, when the callback runs */
	s->p[i].ring_head = (char *)h->slot < (char *)s->rings[1] ?
			    s->rings[0]->head : s->rings[1]->head;
}

static void put(struct netmap_ring *r, uint32_t i, uint32_t idx, uint16_t len,
		uint16_t flags)
{
	r->slot[i].buf_idx = idx;
	r->slot[i].len = len;
	r->slot[i].flags = flags;
}

static int seen_is(const struct seen *s, int i, uint32_t len, uint32_t caplen,
		   uint64_t flags, struct netmap_ring *r, uint32_t slot,
		   uint32_t head)
{
	int ok = s->p[i].len == len && s->p[i].caplen == caplen &&
		 s->p[i].flags == flags && s->p[i].slot == &r->slot[slot] &&
		 s->p[i].buf == (unsigned char *)NETMAP_BUF(r, r->slot[slot].buf_idx) &&
		 s->p[i].ts.tv_sec == r->ts.tv_sec &&
		 s->p[i].ts.tv_usec == r->ts.tv_usec &&
		 s->p[i].hdr_ok && s->p[i].ring_head == head;

	if (!ok)
		tap_diag("packet %d: len %u caplen %u flags %#llx head %u", i,
			 s->p[i].len, s->p[i].caplen,
			 (unsigned long long)s->p[i].flags, s->p[i].ring_head);
	return ok;
}

static void check_dispatch(struct nm_desc *d)
{
	struct netmap_ring *r0 = NETMAP_RXRING(d->nifp, 0);
	struct netmap_ring *r1 = NETMAP_RXRING(d->nifp, 1);
	struct netmap_ring *rh = NETMAP_RXRING(d->nifp, 2);
	struct seen s;
	int got;

	memset(&s, 0, sizeof(s));
	s.d = d;
	s.rings[0] = r0;
	s.rings[1] = r1;
	r0->ts.tv_sec = 1000;
	r0->ts.tv_usec = 5;
	r1->ts.tv_sec = 2000;
	r1->ts.tv_usec = 7;
	/* ring 0: A (1 slot), B (3 adjacent full buffers), C (2 apart) */
	put(r0, 0, 9, 100, 0);
	put(r0, 1, 30, 2048, NS_MOREFRAG);
	put(r0, 2, 31, 2048, NS_MOREFRAG);
	put(r0, 3, 32, 500, 0);
	put(r0, 4, 40, 2048, NS_MOREFRAG);
	put(r0, 5, 20, 300, 0);
	r0->tail = 6;
	/* ring 1: D (adjacent but first not full), E (1 slot) */
	put(r1, 0, 44, 1000, NS_MOREFRAG);
	put(r1, 1, 45, 200, 0);
	put(r1, 2, 50, 64, 0);
	r1->tail = 3;
	/* host ring: outside the range, must stay untouched */
	put(rh, 0, 60, 64, 0);
	rh->tail = 1;

	d->cur_rx_ring = 0;
	got = nm_dispatch(d, -1, record, (unsigned char *)&s);
	tap_ok(got == 5 && s.n == 5, "nm_dispatch(-1) hands up all 5 packets of both rings");
	tap_ok(s.n == 5 &&
	       seen_is(&s, 0, 100, 100, NM_MORE_PKTS, r0, 0, 1) &&
	       seen_is(&s, 1, 4596, 4596, NM_MORE_PKTS, r0, 1, 4) &&
	       seen_is(&s, 2, 2348, 2048, NM_MORE_PKTS, r0, 4, 6) &&
	       seen_is(&s, 3, 1200, 1000, NM_MORE_PKTS, r1, 0, 2) &&
	       seen_is(&s, 4, 64, 64, 0, r1, 2, 3),
	       "nm_dispatch: len = all fragments, caplen = contiguous full part, flags, ts, head advanced before the callback");
	tap_ok(r0->head == 6 && r0->cur == 6 && r1->head == 3 && r1->cur == 3 &&
	       rh->head == 0 && rh->cur == 0 && d->cur_rx_ring == 1,
	       "nm_dispatch gave every slot back and left the host ring alone");

	memset(&s.p, 0, sizeof(s.p));
	s.n = 0;
	tap_ok(nm_dispatch(d, 0, record, (unsigned char *)&s) == 0 && s.n == 0,
	       "nm_dispatch on empty rings: 0 packets, no callback");

	/* ring 0 again: F at 6, G at 7+0 (wrapping, not adjacent), H at 1 */
	put(r0, 6, 10, 70, 0);
	put(r0, 7, 12, 2048, NS_MOREFRAG);
	put(r0, 0, 11, 80, 0);
	put(r0, 1, 13, 90, 0);
	r0->tail = 2;
	d->cur_rx_ring = 0;
	got = nm_dispatch(d, 2, record, (unsigned char *)&s);
	tap_ok(got == 2 && s.n == 2 &&
	       seen_is(&s, 0, 70, 70, NM_MORE_PKTS, r0, 6, 7) &&
	       seen_is(&s, 1, 2128, 2048, 0, r0, 7, 1) &&
	       r0->head == 1 && d->cur_rx_ring == 0,
	       "nm_dispatch(2): stops after 2 packets (one wrapping), last callback with flags 0");
	memset(&s.p, 0, sizeof(s.p));
	s.n = 0;
	got = nm_dispatch(d, 5, record, (unsigned char *)&s);
	tap_ok(got == 1 && s.n == 1 && seen_is(&s, 0, 90, 90, 0, r0, 1, 2) &&
	       r0->head == 2,
	       "nm_dispatch resumes where it stopped");

	/* a fragment chain still open at tail: only what is there */
	put(r1, 3, 46, 2048, NS_MOREFRAG);
	r1->tail = 4;
	memset(&s.p, 0, sizeof(s.p));
	s.n = 0;
	got = nm_dispatch(d, -1, record, (unsigned char *)&s);
	tap_ok(got == 1 && s.n == 1 && seen_is(&s, 0, 2048, 2048, 0, r1, 3, 4) &&
	       r1->head == 4,
	       "nm_dispatch never reads past tail in an unfinished fragment chain");
	tap_ok(nm_dispatch(d, -1, NULL, NULL) == 0,
	       "nm_dispatch with a NULL callback");
}

static void check_nextpkt(struct nm_desc *d)
{
	struct netmap_ring *r0 = NETMAP_RXRING(d->nifp, 0);
	struct netmap_ring *r1 = NETMAP_RXRING(d->nifp, 1);
	static const struct { int ring; uint32_t slot, len; } want[] = {
		{ 0, 2, 10 }, { 0, 3, 2048 }, { 0, 4, 20 }, { 1, 4, 7 },
	};
	struct nm_pkthdr h;
	unsigned char *p;
	size_t i;
	int ok = 1;

	r0->ts.tv_sec = 3000;
	r1->ts.tv_sec = 4000;
	put(r0, 2, 14, 10, 0);
	put(r0, 3, 15, 2048, NS_MOREFRAG);
	put(r0, 4, 16, 20, 0);
	r0->tail = 5;
	put(r1, 4, 17, 7, 0);
	r1->tail = 5;
	d->cur_rx_ring = 0;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct netmap_ring *r = want[i].ring ? r1 : r0;

		memset(&h, 0, sizeof(h));
		p = nm_nextpkt(d, &h);
		if (p != (unsigned char *)NETMAP_BUF(r, r->slot[want[i].slot].buf_idx) ||
		    h.len != want[i].len || h.caplen != want[i].len ||
		    h.ts.tv_sec != r->ts.tv_sec || h.slot != &r->slot[want[i].slot] ||
		    r->head != want[i].slot + 1 || r->cur != r->head ||
		    d->cur_rx_ring != want[i].ring) {
			tap_diag("nm_nextpkt step %zu: len %u", i, h.len);
			ok = 0;
		}
	}
	tap_ok(ok, "nm_nextpkt returns slots one at a time (fragments unmerged), ring by ring");
	tap_ok(nm_nextpkt(d, &h) == NULL && r0->head == 5 && r1->head == 5,
	       "nm_nextpkt returns NULL when all bound RX rings are empty");
}

static void check_no_rings(void)
{
	struct nm_desc *d = desc_new(-1, 0);
	struct nm_pkthdr h;
	unsigned char byte = 0;

	d->first_tx_ring = d->first_rx_ring = 1;
	d->last_tx_ring = d->last_rx_ring = 0;
	tap_ok(nm_inject(d, &byte, 1) == 0 &&
	       nm_dispatch(d, -1, record, NULL) == 0 &&
	       nm_nextpkt(d, &h) == NULL,
	       "empty ring ranges: nothing injected, dispatched or returned");
	free(d);
}

static void check_close(void)
{
	struct nm_desc *d = calloc(1, sizeof(*d));

	if (d == NULL)
		abort();
	d->fd = -1;
	errno = 0;
	tap_ok(nm_close(d) == EINVAL && errno == EINVAL,
	       "nm_close refuses a descriptor whose self is not itself");
	free(d);
}

void test_desc(void)
{
	int fd = fake_file(0);
	struct nm_desc *d;

	check_ranges();
	if (fd < 0) {
		tap_ok(0, "temporary file for the fake region");
		return;
	}
	check_mmap(fd);	/* closes fd */
	check_mmap_txonly();

	fd = fake_file(0);
	d = desc_new(fd, 1);
	if (fd < 0 || nm_mmap(d, NULL) != 0) {
		tap_ok(0, "fake region mapped for inject/dispatch");
		return;
	}
	check_inject(d);
	check_dispatch(d);
	check_nextpkt(d);
	nm_close(d);
	check_no_rings();
	check_close();
}
