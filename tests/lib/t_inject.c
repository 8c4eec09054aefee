/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nmport_inject() on a hand-built region (netmap_if, rings, buffers in
 * ordinary memory): slot use, fragmentation, ring choice, wrap-around,
 * the "no room" result.
 */
#include <stdlib.h>

#include "nmtest.h"

static const struct fake_port port = {
	.ntx = 2, .nrx = 1, .nhtx = 1, .nhrx = 1, .slots = 8, .bufsz = 64,
};

static char *region;
static struct nmport_d *d;
static uint8_t pkt[1024];

static struct netmap_ring *txr(unsigned int i)
{
	return NETMAP_TXRING(d->nifp, i);
}

static void set_ring(unsigned int i, uint32_t head, uint32_t cur,
		     uint32_t tail)
{
	struct netmap_ring *r = txr(i);
	uint32_t s;

	r->head = head;
	r->cur = cur;
	r->tail = tail;
	for (s = 0; s < r->num_slots; s++) {
		r->slot[s].len = 0;
		r->slot[s].flags = NS_REPORT | NS_BUF_CHANGED | NS_INDIRECT;
		memset(NETMAP_BUF(r, r->slot[s].buf_idx), 0xee, r->nr_buf_size);
	}
}

/* Slot s of ring i holds len bytes of pkt from offset off, with flags. */
static int slot_is(unsigned int i, uint32_t s, size_t off, uint16_t len,
		   uint16_t flags)
{
	struct netmap_ring *r = txr(i);
	struct netmap_slot *slot = &r->slot[s];

	return slot->len == len && slot->flags == flags &&
	       memcmp(NETMAP_BUF(r, slot->buf_idx), pkt + off, len) == 0;
}

static int ring_is(unsigned int i, uint32_t head, uint32_t tail)
{
	struct netmap_ring *r = txr(i);

	return r->head == head && r->cur == head && r->tail == tail;
}

static void test_basic(void)
{
	set_ring(0, 0, 0, 7);
	set_ring(1, 0, 0, 7);
	d->cur_tx_ring = 0;

	is_int(nmport_inject(d, pkt, 60), 60, "60 bytes: returns the size");
	ok(slot_is(0, 0, 0, 60, 0), "60 bytes: one slot, flags 0");
	ok(ring_is(0, 1, 7), "60 bytes: head = cur = 1, tail unchanged");
	ok(d->cur_tx_ring == 0, "cur_tx_ring stays 0");

	is_int(nmport_inject(d, pkt, 150), 150, "150 bytes: returns the size");
	ok(slot_is(0, 1, 0, 64, NS_MOREFRAG) &&
	   slot_is(0, 2, 64, 64, NS_MOREFRAG) && slot_is(0, 3, 128, 22, 0),
	   "150 bytes: 64+64+22 in three slots, NS_MOREFRAG on the first two");
	ok(ring_is(0, 4, 7), "150 bytes: head = cur = 4");

	is_int(nmport_inject(d, pkt, 128), 128, "128 bytes");
	ok(slot_is(0, 4, 0, 64, NS_MOREFRAG) && slot_is(0, 5, 64, 64, 0),
	   "128 bytes: exactly two full slots");
	ok(ring_is(0, 6, 7), "128 bytes: head = cur = 6");

	is_int(nmport_inject(d, pkt, 0), 0, "empty packet: returns 0 (its size)");
	ok(slot_is(0, 6, 0, 0, 0) && ring_is(0, 7, 7),
	   "empty packet: one slot of length 0");

	is_int(nmport_inject(d, pkt + 5, 10), 10, "ring 0 full: 10 bytes");
	ok(ring_is(0, 7, 7) && ring_is(1, 1, 7) && d->cur_tx_ring == 1,
	   "ring 0 full: the packet went to ring 1, cur_tx_ring = 1");
	ok(txr(1)->slot[0].len == 10 &&
	   memcmp(NETMAP_BUF(txr(1), txr(1)->slot[0].buf_idx), pkt + 5, 10) == 0,
	   "ring 1 slot 0 holds the packet");
}

static void test_ring_choice(void)
{
	set_ring(0, 0, 0, 7);
	set_ring(1, 0, 0, 7);
	d->cur_tx_ring = 1;
	is_int(nmport_inject(d, pkt, 20), 20, "start at cur_tx_ring 1");
	ok(ring_is(0, 0, 7) && ring_is(1, 1, 7), "... ring 1 used");

	set_ring(1, 4, 4, 4);
	is_int(nmport_inject(d, pkt, 20), 20, "ring 1 full, wrap to ring 0");
	ok(ring_is(0, 1, 7) && d->cur_tx_ring == 0, "... ring 0 used");

	set_ring(0, 0, 0, 7);
	d->cur_tx_ring = 9;
	is_int(nmport_inject(d, pkt, 20), 20, "cur_tx_ring out of range");
	ok(ring_is(0, 1, 7) && d->cur_tx_ring == 0, "... starts at the first");
}

static void test_no_room(void)
{
	static uint8_t before[2][FR_RING_SIZE];
	size_t sz = 256 + 8 * sizeof(struct netmap_slot);

	set_ring(0, 3, 3, 4);	/* one free slot */
	set_ring(1, 0, 0, 2);	/* two free slots */
	d->cur_tx_ring = 0;
	memcpy(before[0], txr(0), sz);
	memcpy(before[1], txr(1), sz);
	is_int(nmport_inject(d, pkt, 129), 0, "129 bytes need 3 slots: 0");
	ok(memcmp(before[0], txr(0), sz) == 0 &&
	   memcmp(before[1], txr(1), sz) == 0 && d->cur_tx_ring == 0,
	   "... no ring modified");
	is_int(nmport_inject(d, pkt, 128), 128, "128 bytes fit in 2 slots");
	ok(ring_is(0, 3, 4) && ring_is(1, 2, 2) && d->cur_tx_ring == 1,
	   "... in ring 1");

	set_ring(0, 5, 5, 5);
	set_ring(1, 2, 2, 2);
	is_int(nmport_inject(d, pkt, 1), 0, "all rings full: 0");
}

static void test_wrap(void)
{
	set_ring(0, 6, 6, 2);
	set_ring(1, 0, 0, 0);
	d->cur_tx_ring = 0;
	is_int(nmport_inject(d, pkt, 200), 200, "wrap: 200 bytes");
	ok(slot_is(0, 6, 0, 64, NS_MOREFRAG) &&
	   slot_is(0, 7, 64, 64, NS_MOREFRAG) &&
	   slot_is(0, 0, 128, 64, NS_MOREFRAG) && slot_is(0, 1, 192, 8, 0),
	   "wrap: slots 6, 7, 0, 1");
	ok(ring_is(0, 2, 2), "wrap: head = cur = 2");

	/* the packet is placed at cur, and head follows */
	set_ring(0, 0, 2, 7);
	is_int(nmport_inject(d, pkt, 10), 10, "cur ahead of head");
	ok(slot_is(0, 2, 0, 10, 0) && ring_is(0, 3, 7),
	   "... written at cur, head = cur = 3");
	set_ring(0, 0, 6, 7);
	is_int(nmport_inject(d, pkt, 65), 0,
	       "only cur..tail counts as room (1 slot for 65 bytes)");
}

static void test_ranges(void)
{
	uint16_t first = d->first_tx_ring, last = d->last_tx_ring;

	set_ring(0, 0, 0, 7);
	set_ring(1, 0, 0, 7);
	d->first_tx_ring = d->last_tx_ring = d->cur_tx_ring = 1;
	is_int(nmport_inject(d, pkt, 10), 10, "one bound ring (1)");
	ok(ring_is(0, 0, 7) && ring_is(1, 1, 7), "... only ring 1 used");
	set_ring(1, 3, 3, 3);
	is_int(nmport_inject(d, pkt, 10), 0, "ring 1 full, ring 0 not bound");
	ok(ring_is(0, 0, 7), "... ring 0 untouched");

	d->first_tx_ring = 3;
	d->last_tx_ring = 2;
	is_int(nmport_inject(d, pkt, 10), 0, "no TX ring bound: 0");
	d->first_tx_ring = first;
	d->last_tx_ring = last;
	d->mmap_done = 0;
	is_int(nmport_inject(d, pkt, 10), 0, "not mapped: 0");
	d->mmap_done = 1;

	/* the host TX ring is injected into like any other bound ring */
	d->first_tx_ring = 0;
	d->last_tx_ring = 2;
	d->cur_tx_ring = 2;
	set_ring(2, 0, 0, 7);
	is_int(nmport_inject(d, pkt, 10), 10, "host TX ring in the range");
	ok(ring_is(2, 1, 7), "... used");
	ok(NETMAP_RXRING(d->nifp, 0)->head == 0 &&
	   NETMAP_RXRING(d->nifp, 0)->tail == 0, "RX ring untouched");
	d->first_tx_ring = first;
	d->last_tx_ring = last;
}

int main(void)
{
	size_t i;

	region = aligned_alloc(4096, FR_SIZE);
	d = nmport_new();
	if (!ok(region != NULL && d != NULL, "fake region and descriptor"))
		return tap_done();
	memset(region, 0, FR_SIZE);
	fr_build_rings(region, &port);
	d->nifp = fr_build_if(region, 0, &port, 0x7, 0x3);
	d->mmap_done = 1;
	d->first_tx_ring = d->cur_tx_ring = 0;
	d->last_tx_ring = 1;
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i * 7 + 1);

	test_basic();
	test_ring_choice();
	test_no_room();
	test_wrap();
	test_ranges();

	d->mmap_done = 0;
	nmport_delete(d);
	free(region);
	return tap_done();
}
