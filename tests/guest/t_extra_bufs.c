// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_extra_bufs: nr_extra_bufs (ABI.md §4.7): the list at ni_bufs_head,
 * swapping list buffers into TX slots and sending them through a pipe, and
 * the return of every buffer on close (no leak over many registrations).
 */
#define _GNU_SOURCE
#include "common.h"

#include <unistd.h>

struct bitmap {
	unsigned char *bits;
	uint32_t n;
};

static void bm_init(struct bitmap *b, uint32_t n)
{
	b->n = n;
	b->bits = calloc(n / 8 + 1, 1);
	if (!b->bits)
		bail("calloc");
}

static int bm_test_set(struct bitmap *b, uint32_t i)
{
	int was = (b->bits[i / 8] >> (i % 8)) & 1;

	b->bits[i / 8] |= (unsigned char)(1u << (i % 8));
	return was;
}

static int bm_test(const struct bitmap *b, uint32_t i)
{
	return (b->bits[i / 8] >> (i % 8)) & 1;
}

/* Mark the buffers of every bound ring of p. */
static void mark_slots(const struct nmt_port *p, struct bitmap *b)
{
	unsigned int i, j;

	for (i = 0; i < p->nifp->ni_tx_rings; i++) {
		struct netmap_ring *r = nmt_txring(p, i);

		for (j = 0; r && j < r->num_slots; j++)
			if (r->slot[j].buf_idx < b->n)
				bm_test_set(b, r->slot[j].buf_idx);
	}
	for (i = 0; i < p->nifp->ni_rx_rings; i++) {
		struct netmap_ring *r = nmt_rxring(p, i);

		for (j = 0; r && j < r->num_slots; j++)
			if (r->slot[j].buf_idx < b->n)
				bm_test_set(b, r->slot[j].buf_idx);
	}
}

static uint32_t *link_of(const struct nmt_port *p, uint32_t idx)
{
	struct netmap_ring *r = nmt_txring(p, 0);

	return (uint32_t *)NETMAP_BUF(r, idx);
}

/*
 * Walk the list of p into out[] (at most max entries, stopping at 0 or at an
 * invalid index). Returns the number of entries; *bad is set if an invalid
 * index or a repeated one was met.
 */
static uint32_t walk(const struct nmt_port *p, uint32_t nbufs, uint32_t *out,
		     uint32_t max, int *bad)
{
	struct bitmap seen;
	uint32_t idx = p->nifp->ni_bufs_head, n = 0;

	*bad = 0;
	bm_init(&seen, nbufs);
	while (idx != 0) {
		if (idx < 2 || idx >= nbufs || bm_test_set(&seen, idx) ||
		    n == max) {
			*bad = 1;
			break;
		}
		out[n++] = idx;
		idx = *link_of(p, idx);
	}
	free(seen.bits);
	return n;
}

static void list_and_swap(void)
{
	struct nmt_req rq = { .mode = NR_REG_ALL_NIC, .extra_bufs = 100 };
	uint32_t list[101], list2[101], taken[5], old[5];
	struct netmap_ring *tx, *rx;
	struct nmt_port m, s;
	struct bitmap slots;
	uint32_t n, nbufs, i, in_slots = 0, bad_range = 0, avail;
	int bad, err, ok_all;

	err = nmt_port_open(&s, "ebx}2", &NMT_REQ_ALL);
	if (!is_err(err, 0, "open ebx}2"))
		return;
	err = nmt_port_open(&m, "ebx{2", &rq);
	if (!is_err(err, 0, "open ebx{2 with 100 extra buffers")) {
		nmt_port_close(&s);
		return;
	}
	/* ABI.md §4.7 */
	is(m.reg.nr_extra_bufs, 100, "reply: 100 extra buffers");
	is(s.reg.nr_extra_bufs, 0, "the peer asked none, got 0");
	is(s.nifp->ni_bufs_head, 0, "peer: ni_bufs_head 0");
	nbufs = nmt_nbufs(&m);
	n = walk(&m, nbufs, list, 101, &bad);
	is(n, 100, "the list holds 100 buffers");
	ok(!bad, "the list has valid, distinct indices and ends with 0");

	bm_init(&slots, nbufs);
	mark_slots(&m, &slots);
	mark_slots(&s, &slots);
	for (i = 0; i < n; i++) {
		if (list[i] < 2 || list[i] >= nbufs)
			bad_range++;
		else if (bm_test(&slots, list[i]))
			in_slots++;
	}
	is(bad_range, 0, "every list index in [2, %u)", nbufs);
	is(in_slots, 0, "no list buffer is also a ring slot buffer");
	free(slots.bits);
	if (n < 6) {
		nmt_port_close(&m);
		nmt_port_close(&s);
		return;
	}

	/* take the first 5 list buffers into TX slots, list the old ones */
	tx = nmt_txring(&m, 0);
	rx = nmt_rxring(&s, 0);
	m.nifp->ni_bufs_head = list[5];
	for (i = 0; i < 5; i++) {
		struct netmap_slot *sl = &tx->slot[tx->head];

		taken[i] = list[i];
		old[i] = sl->buf_idx;
		sl->buf_idx = taken[i];
		sl->flags = NS_BUF_CHANGED;
		sl->len = 200;
		nmt_fill(NETMAP_BUF(tx, taken[i]), 200, 500 + i);
		*link_of(&m, old[i]) = m.nifp->ni_bufs_head;
		m.nifp->ni_bufs_head = old[i];
		tx->head = tx->cur = nmt_next(tx, tx->head);
	}
	is_err(nmt_txsync(m.fd), 0, "send the 5 swapped-in buffers");
	avail = nmt_rx_wait(s.fd, rx, 5, 1000);
	is(avail, 5, "the peer receives 5 packets");
	for (ok_all = 1, i = 0; i < 5 && i < avail; i++) {
		struct netmap_slot *sl = &rx->slot[rx->head];

		/* ABI.md §5.2: pipes move the slot, buffer included (zero copy) */
		if (sl->buf_idx != taken[i] || sl->len != 200 ||
		    !(sl->flags & NS_BUF_CHANGED) ||
		    nmt_check(NETMAP_BUF(rx, sl->buf_idx), 200, 500 + i) != -1) {
			diag("packet %u: buf %u (sent %u) len %u flags 0x%x",
			     i, sl->buf_idx, taken[i], sl->len, sl->flags);
			ok_all = 0;
		}
		rx->head = rx->cur = nmt_next(rx, rx->head);
	}
	ok(ok_all, "the peer sees the extra buffers themselves, data intact, "
	   "NS_BUF_CHANGED set");
	nmt_rxsync(s.fd);
	ok(nmt_tx_drain(m.fd, tx, 1000), "the TX ring drains");

	n = walk(&m, nbufs, list2, 101, &bad);
	is(n, 100, "the rearranged list still holds 100 buffers");
	ok(!bad, "the rearranged list is well formed");
	for (ok_all = 1, i = 0; i < 5; i++)
		ok_all &= list2[i] == old[4 - i];
	ok(ok_all, "the old slot buffers head the list");
	nmt_port_close(&m);
	nmt_port_close(&s);
}

static void many_registrations(void)
{
	struct nmt_req rq = { .mode = NR_REG_ALL_NIC, .extra_bufs = 1000 };
	struct nmt_port keep, p;
	uint32_t *list;
	int it, bad, short_reply = 0, bad_walk = 0, err = 0;

	/* ABI.md §4.7: close returns the list; 200 x 1000 > 163840 buffers */
	err = nmt_port_open(&keep, "ebx}3", &NMT_REQ_ALL);
	if (!is_err(err, 0, "open ebx}3 (kept open during the loop)"))
		return;
	list = malloc(1001 * sizeof(*list));
	if (!list)
		bail("malloc");
	for (it = 0; it < 200; it++) {
		if (it % 40 == 0) {
			err = nmt_port_open(&p, "ebx{3", &rq);
			if (err)
				break;
			if (walk(&p, nmt_nbufs(&p), list, 1001, &bad) != 1000 ||
			    bad)
				bad_walk++;
		} else {
			p.fd = nmt_open_dev();
			p.mem = NULL;
			err = nmt_register(p.fd, "ebx{3", &rq, &p.reg);
			if (err) {
				close(p.fd);
				break;
			}
		}
		if (p.reg.nr_extra_bufs != 1000 && short_reply++ < 3)
			diag("iteration %d: got %u extra buffers", it,
			     p.reg.nr_extra_bufs);
		nmt_port_close(&p);
	}
	is_err(err, 0, "200 registrations with 1000 extra buffers succeed");
	is(it, 200, "all 200 iterations ran");
	is(short_reply, 0, "every registration got all 1000 buffers");
	is(bad_walk, 0, "the walked lists were complete");
	free(list);
	nmt_port_close(&keep);
}

int main(void)
{
	struct nmt_port keep;
	uint32_t before, after;
	int err;

	tap_start(180);
	/*
	 * Every port here is a pipe of parent "ebx". Keeping one end open all
	 * along keeps the parent and its region in use: a region that goes
	 * idle may be rebuilt, which would hide leaked buffers.
	 */
	err = nmt_port_open(&keep, "ebx}1", &NMT_REQ_ALL);
	if (!is_err(err, 0, "open ebx}1, kept open to keep the region in use"))
		return tap_end();
	before = nmt_free_bufs();
	ok(before > 1000, "a register can take most free buffers (%u)", before);
	list_and_swap();
	after = nmt_free_bufs();
	is(after, before, "no buffer lost after the swap test and close");
	many_registrations();
	after = nmt_free_bufs();
	is(after, before, "no buffer lost after 200 registrations");
	nmt_port_close(&keep);
	return tap_end();
}
