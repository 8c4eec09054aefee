// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_sync: ring validation and the sync rules (ABI.md §5.2 - §5.4, §5.9)
 * on a pipe: corrupted head/cur/tail, bad buffer indices and lengths in
 * slots being sent, draining, the "one slot always empty" rule, timestamps.
 */
#define _GNU_SOURCE
#include "common.h"

#include <poll.h>
#include <sys/time.h>
#include <unistd.h>

struct pair {
	struct nmt_port m, s;
	struct netmap_ring *tx, *rx;	/* master TX 0, slave RX 0 */
	uint32_t n;			/* slots per ring */
};

static int open_pair(struct pair *p, const char *base, uint32_t slots)
{
	struct nmt_req rq = { .mode = NR_REG_ALL_NIC, .tx_slots = slots,
			      .rx_slots = slots };
	char name[32];
	int err;

	snprintf(name, sizeof(name), "%s{1", base);
	err = nmt_port_open(&p->m, name, &rq);
	if (!is_err(err, 0, "open %s", name))
		return 0;
	snprintf(name, sizeof(name), "%s}1", base);
	err = nmt_port_open(&p->s, name, &NMT_REQ_ALL);
	if (!is_err(err, 0, "open %s", name)) {
		nmt_port_close(&p->m);
		return 0;
	}
	p->tx = nmt_txring(&p->m, 0);
	p->rx = nmt_rxring(&p->s, 0);
	p->n = p->tx->num_slots;
	if (slots)
		is(p->n, slots, "%s: %u slots", base, slots);
	return 1;
}

static void close_pair(struct pair *p)
{
	nmt_port_close(&p->s);
	nmt_port_close(&p->m);
}

/* master sends k packets (seq0...), slave consumes and returns them */
static int round_trip(struct pair *p, unsigned int k, uint64_t seq0)
{
	unsigned int i, good = 1;

	for (i = 0; i < k; i++)
		nmt_put(p->tx, 120, seq0 + i);
	if (nmt_txsync(p->m.fd))
		return 0;
	if (nmt_rx_wait(p->s.fd, p->rx, k, 1000) < k)
		return 0;
	for (i = 0; i < k; i++) {
		struct netmap_slot *sl = &p->rx->slot[p->rx->head];

		good &= sl->len == 120 &&
			nmt_check(NETMAP_BUF(p->rx, sl->buf_idx), 120,
				  seq0 + i) == -1;
		nmt_advance(p->rx, 1);
	}
	nmt_rxsync(p->s.fd);
	return good && nmt_tx_drain(p->m.fd, p->tx, 1000);
}

static void tx_corruption(void)
{
	struct pair p;
	uint32_t h0, t0;

	if (!open_pair(&p, "stx", 0))
		return;
	ok(round_trip(&p, 3, 10), "3 packets through, TX ring drained");
	h0 = p.tx->head;
	t0 = p.tx->tail;
	is(h0, 3, "TX head 3");
	is(t0, 2, "TX tail = head - 1 after draining");

	/* ABI.md §5.4: out-of-range head -> reset to hwcur/hwtail, ioctl returns 0 */
	p.tx->head = p.n + 5;
	is_err(nmt_txsync(p.m.fd), 0, "TX head = num_slots + 5: NIOCTXSYNC 0");
	is(p.tx->head, h0, "TX head reset to hwcur");
	is(p.tx->cur, h0, "TX cur reset to hwcur");
	is(p.tx->tail, t0, "TX tail reset to hwtail");

	p.tx->cur = p.n;
	is_err(nmt_txsync(p.m.fd), 0, "TX cur = num_slots: NIOCTXSYNC 0");
	ok(p.tx->head == h0 && p.tx->cur == h0 && p.tx->tail == t0,
	   "TX ring reset (head %u cur %u tail %u)", p.tx->head, p.tx->cur,
	   p.tx->tail);

	/* prepared but not committed slots are forgotten by the reset */
	nmt_put(p.tx, 120, 20);
	nmt_put(p.tx, 120, 21);
	p.tx->cur = 0xffffffffu;
	is_err(nmt_txsync(p.m.fd), 0, "2 packets queued, cur = 2^32-1: 0");
	is(p.tx->head, h0, "TX head back to hwcur, the 2 packets dropped");
	is(nmt_rx_wait(p.s.fd, p.rx, 1, 50), 0, "the peer got nothing");

	/* ABI.md §5.2 txsync step 1, §5.4: a modified tail is restored */
	p.tx->tail = p.n + 100;
	is_err(nmt_txsync(p.m.fd), 0, "TX tail = num_slots + 100: NIOCTXSYNC 0");
	ok(p.tx->head == h0 && p.tx->cur == h0 && p.tx->tail == t0,
	   "TX tail restored (head %u cur %u tail %u)", p.tx->head,
	   p.tx->cur, p.tx->tail);
	p.tx->tail = 0;
	is_err(nmt_txsync(p.m.fd), 0, "TX tail = 0 (valid, wrong): NIOCTXSYNC 0");
	is(p.tx->tail, t0, "TX tail restored");

	ok(round_trip(&p, 4, 30), "traffic works after the resets");
	close_pair(&p);
}

static void rx_corruption(void)
{
	struct pair p;
	uint32_t h0;
	int good, i;

	if (!open_pair(&p, "srx", 0))
		return;
	ok(round_trip(&p, 3, 10), "3 packets through");
	h0 = p.rx->head;
	is(h0, 3, "RX head 3");
	nmt_put(p.tx, 120, 40);
	nmt_put(p.tx, 120, 41);
	is_err(nmt_txsync(p.m.fd), 0, "master sends 2 more");

	/* ABI.md §5.4: RX reinit, then the sync still runs */
	p.rx->head = p.n + 1;
	is_err(nmt_rxsync(p.s.fd), 0, "RX head = num_slots + 1: NIOCRXSYNC 0");
	is(p.rx->head, h0, "RX head reset to hwcur");
	is(p.rx->cur, h0, "RX cur reset to hwcur");
	is(p.rx->tail, h0 + 2, "RX tail shows the 2 new packets (sync ran)");

	p.rx->cur = p.n + 7;
	is_err(nmt_rxsync(p.s.fd), 0, "RX cur = num_slots + 7: NIOCRXSYNC 0");
	ok(p.rx->head == h0 && p.rx->cur == h0 && p.rx->tail == h0 + 2,
	   "RX ring reset (head %u cur %u tail %u)", p.rx->head, p.rx->cur,
	   p.rx->tail);
	p.rx->tail = 0xffffffffu;
	is_err(nmt_rxsync(p.s.fd), 0, "RX tail = 2^32-1: NIOCRXSYNC 0");
	ok(p.rx->head == h0 && p.rx->cur == h0 && p.rx->tail == h0 + 2,
	   "RX tail restored (head %u cur %u tail %u)", p.rx->head,
	   p.rx->cur, p.rx->tail);
	p.rx->tail = 1;
	is_err(nmt_rxsync(p.s.fd), 0, "RX tail = 1 (valid, wrong): NIOCRXSYNC 0");
	is(p.rx->tail, h0 + 2, "RX tail restored");

	for (good = 1, i = 0; i < 2; i++) {
		struct netmap_slot *sl = &p.rx->slot[p.rx->head];

		good &= sl->len == 120 &&
			nmt_check(NETMAP_BUF(p.rx, sl->buf_idx), 120,
				  40 + i) == -1;
		nmt_advance(p.rx, 1);
	}
	ok(good, "the 2 packets survived the resets intact");
	nmt_rxsync(p.s.fd);
	ok(nmt_tx_drain(p.m.fd, p.tx, 1000), "master TX ring drains");
	close_pair(&p);
}

static void poll_pollerr(void)
{
	struct pollfd pfd;
	struct pair p;
	uint32_t h0;

	if (!open_pair(&p, "spl", 0))
		return;
	ok(round_trip(&p, 2, 10), "2 packets through");
	h0 = p.tx->head;

	/* ABI.md §5.4, §5.8 step 3: validation failure in poll -> POLLERR */
	p.tx->head = p.n + 7;
	pfd = (struct pollfd){ .fd = p.m.fd, .events = POLLOUT };
	is(poll(&pfd, 1, 0), 1, "poll(POLLOUT) with TX head out of range: ready");
	ok(pfd.revents & POLLERR, "... with POLLERR (revents 0x%x)",
	   pfd.revents);
	is(p.tx->head, h0, "... and the TX ring reset");

	p.rx->cur = p.n + 3;
	pfd = (struct pollfd){ .fd = p.s.fd, .events = POLLIN };
	is(poll(&pfd, 1, 0), 1, "poll(POLLIN) with RX cur out of range: ready");
	ok(pfd.revents & POLLERR, "... with POLLERR (revents 0x%x)",
	   pfd.revents);
	is(p.rx->cur, p.rx->head, "... and the RX ring reset");

	pfd = (struct pollfd){ .fd = p.m.fd, .events = POLLOUT };
	is(poll(&pfd, 1, 0), 1, "valid rings: poll(POLLOUT) ready");
	is(pfd.revents, POLLOUT, "valid rings: POLLOUT only");
	ok(round_trip(&p, 2, 20), "traffic works afterwards");
	close_pair(&p);
}

static void reinit_scans_slots(void)
{
	struct pair p;
	uint32_t nbufs;

	if (!open_pair(&p, "srs", 0))
		return;
	nbufs = nmt_nbufs(&p.m);
	/* ABI.md §5.4: the reinit fixes bad slots all over the ring */
	p.tx->slot[10].buf_idx = 0xfffffff0u;
	p.tx->slot[11].buf_idx = nbufs;
	p.tx->slot[12].len = (uint16_t)(p.tx->nr_buf_size + 1);
	p.tx->head = p.n;
	is_err(nmt_txsync(p.m.fd), 0, "reinit with bad slots: NIOCTXSYNC 0");
	ok(p.tx->slot[10].buf_idx == 0 && p.tx->slot[10].len == 0,
	   "slot with buf_idx 0xfffffff0 -> buf_idx 0, len 0 (got %u, %u)",
	   p.tx->slot[10].buf_idx, p.tx->slot[10].len);
	ok(p.tx->slot[11].buf_idx == 0 && p.tx->slot[11].len == 0,
	   "slot with buf_idx nbufs -> buf_idx 0, len 0 (got %u, %u)",
	   p.tx->slot[11].buf_idx, p.tx->slot[11].len);
	is(p.tx->slot[12].len, 0, "slot with len > buffer size -> len 0");
	ok(p.tx->slot[12].buf_idx >= 2 && p.tx->slot[12].buf_idx < nbufs,
	   "slot 12 keeps its valid buffer");
	ok(round_trip(&p, 3, 50), "traffic works afterwards");
	close_pair(&p);
}

static void bad_slots_sent(void)
{
	static const uint32_t lens[] = { 3000, 0xffff };
	struct pair p;
	uint32_t nbufs, bad[4], i, avail, bufsize, lenbuf[2];
	int good;

	if (!open_pair(&p, "sbs", 0))
		return;
	nbufs = nmt_nbufs(&p.m);
	bufsize = p.tx->nr_buf_size;
	bad[0] = 0;
	bad[1] = 1;
	bad[2] = nbufs;
	bad[3] = 0xffffffffu;
	for (i = 0; i < 4; i++) {
		struct netmap_slot *sl = &p.tx->slot[p.tx->head];

		sl->buf_idx = bad[i];
		sl->len = 100;
		sl->flags = NS_BUF_CHANGED;
		p.tx->head = p.tx->cur = nmt_next(p.tx, p.tx->head);
	}
	for (i = 0; i < 2; i++) {
		struct netmap_slot *sl = &p.tx->slot[p.tx->head];

		lenbuf[i] = sl->buf_idx;
		nmt_fill(NETMAP_BUF(p.tx, sl->buf_idx), bufsize, 60 + i);
		sl->len = (uint16_t)lens[i];
		sl->flags = 0;
		p.tx->head = p.tx->cur = nmt_next(p.tx, p.tx->head);
	}
	nmt_put(p.tx, 100, 77);
	is_err(nmt_txsync(p.m.fd), 0, "send slots with bad buf_idx and len");

	/* ABI.md §5.2: out-of-region indices map to buffer 0, lengths clamped */
	avail = nmt_rx_wait(p.s.fd, p.rx, 7, 1000);
	is(avail, 7, "all 7 packets delivered");
	for (good = 1, i = 0; i < 4 && i < avail; i++) {
		struct netmap_slot *sl = &p.rx->slot[p.rx->head];

		if (sl->buf_idx >= 2 || sl->len > bufsize) {
			diag("sent buf_idx %u: peer sees buf_idx %u len %u",
			     bad[i], sl->buf_idx, sl->len);
			good = 0;
		}
		nmt_advance(p.rx, 1);
	}
	ok(good, "bad indices reach the peer as reserved buffers (< 2) only");
	for (i = 0; i < 2 && i + 4 < avail; i++) {
		struct netmap_slot *sl = &p.rx->slot[p.rx->head];

		is(sl->len, bufsize, "len %u sent: the peer sees len clamped to "
		   "the buffer size", lens[i]);
		is(sl->buf_idx, lenbuf[i], "len %u sent: same buffer", lens[i]);
		is(nmt_check(NETMAP_BUF(p.rx, sl->buf_idx), bufsize, 60 + i), -1,
		   "len %u sent: buffer content intact", lens[i]);
		nmt_advance(p.rx, 1);
	}
	if (avail == 7) {
		struct netmap_slot *sl = &p.rx->slot[p.rx->head];

		ok(sl->len == 100 &&
		   nmt_check(NETMAP_BUF(p.rx, sl->buf_idx), 100, 77) == -1,
		   "the valid packet after them is intact");
		nmt_advance(p.rx, 1);
	}
	nmt_rxsync(p.s.fd);
	ok(nmt_tx_drain(p.m.fd, p.tx, 1000), "master TX ring drains");
	close_pair(&p);
}

static int space_ok(const struct netmap_ring *r)
{
	return r->head < r->num_slots && r->cur < r->num_slots &&
	       r->tail < r->num_slots &&
	       nmt_dist(r, r->head, r->tail) <= r->num_slots - 1;
}

static void one_slot_empty(void)
{
	struct pair p;
	uint32_t i, n;

	if (!open_pair(&p, "sse", 64))
		return;
	n = p.n;
	/* ABI.md §4.9, §5.1: one slot always empty */
	is(nmt_dist(p.tx, p.tx->head, p.tx->tail), n - 1,
	   "fresh TX ring: num_slots - 1 free");
	for (i = 0; i < n - 1; i++)
		nmt_put(p.tx, 60, i);
	is_err(nmt_txsync(p.m.fd), 0, "fill the whole TX ring and sync");
	is(nmt_rx_wait(p.s.fd, p.rx, n - 1, 1000), n - 1,
	   "the peer holds num_slots - 1 packets");
	nmt_txsync(p.m.fd);
	is(nmt_dist(p.tx, p.tx->head, p.tx->tail), 0,
	   "TX ring full: no free slot (tail == head)");
	ok(space_ok(p.tx) && space_ok(p.rx), "indices in range");
	nmt_txsync(p.m.fd);
	nmt_rxsync(p.s.fd);
	is(nmt_dist(p.rx, p.rx->head, p.rx->tail), n - 1,
	   "RX ring never shows more than num_slots - 1");

	nmt_advance(p.rx, 10);
	nmt_rxsync(p.s.fd);
	nmt_txsync(p.m.fd);
	is(nmt_dist(p.tx, p.tx->head, p.tx->tail), 10,
	   "10 slots returned by the peer: 10 free TX slots");
	for (i = 0; i < 10; i++)
		nmt_put(p.tx, 60, 1000 + i);
	nmt_txsync(p.m.fd);
	is(nmt_rx_wait(p.s.fd, p.rx, n - 1, 1000), n - 1,
	   "peer: num_slots - 1 again");
	ok(space_ok(p.tx) && space_ok(p.rx), "indices in range");

	nmt_advance(p.rx, n - 1);
	nmt_rxsync(p.s.fd);
	ok(nmt_tx_drain(p.m.fd, p.tx, 1000),
	   "all returned: TX ring drained (tail == head - 1)");
	is(nmt_dist(p.tx, p.tx->head, p.tx->tail), n - 1,
	   "num_slots - 1 free again");
	close_pair(&p);
}

static int ts_near(const struct timeval *ts, const struct timeval *a,
		   const struct timeval *b)
{
	return ts->tv_sec >= a->tv_sec - 1 && ts->tv_sec <= b->tv_sec + 1;
}

static void timestamps(void)
{
	struct timeval before, after;
	struct pollfd pfd;
	struct pair p;

	if (!open_pair(&p, "sts", 0))
		return;
	/* ABI.md §5.9: every RX sync stamps ring->ts; TX syncs never do */
	memset(&p.rx->ts, 0, sizeof(p.rx->ts));
	gettimeofday(&before, NULL);
	nmt_rxsync(p.s.fd);
	gettimeofday(&after, NULL);
	ok(ts_near(&p.rx->ts, &before, &after),
	   "NIOCRXSYNC sets ring->ts to now (%ld.%06ld)",
	   (long)p.rx->ts.tv_sec, (long)p.rx->ts.tv_usec);
	memset(&p.rx->ts, 0, sizeof(p.rx->ts));
	pfd = (struct pollfd){ .fd = p.s.fd, .events = POLLIN };
	gettimeofday(&before, NULL);
	poll(&pfd, 1, 0);
	gettimeofday(&after, NULL);
	ok(ts_near(&p.rx->ts, &before, &after),
	   "poll(POLLIN) sets ring->ts to now (%ld.%06ld)",
	   (long)p.rx->ts.tv_sec, (long)p.rx->ts.tv_usec);

	p.tx->ts.tv_sec = 1;
	p.tx->ts.tv_usec = 2;
	nmt_put(p.tx, 60, 1);
	nmt_txsync(p.m.fd);
	ok(p.tx->ts.tv_sec == 1 && p.tx->ts.tv_usec == 2,
	   "NIOCTXSYNC leaves the TX ring's ts alone");
	close_pair(&p);
}

int main(void)
{
	tap_start(120);
	tx_corruption();
	rx_corruption();
	poll_pollerr();
	reinit_scans_slots();
	bad_slots_sent();
	one_slot_empty();
	timestamps();
	return tap_end();
}
