// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_pipe: netmap pipes (ABI.md §5.2, §5.7, §9.1 step 3).
 *
 * Deterministic checks first (zero copy, NS_BUF_CHANGED, multi-slot packets
 * published as a unit, ring pairing, configuration, open/close orders, the
 * 64-pipe limit), then bulk traffic: at least 1,000,000 packets of mixed
 * sizes, every byte checked, in both directions, with poll() and with busy
 * NIOCTXSYNC/NIOCRXSYNC loops, sender and receiver in two threads.
 *
 * Usage: t_pipe [total_packets]   (default 1000000, split over 4 runs)
 */
#define _GNU_SOURCE
#include "common.h"

#include <libnetmap.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#define STALL_MS 5000

/* ------------------------------------------------ deterministic checks */

/* Fragment f of multi-slot packet seq uses its own pattern. */
static uint64_t frag_seq(uint64_t seq, unsigned int f)
{
	return (1ULL << 40) + seq * 4 + f;
}

static void zero_copy_and_frags(void)
{
	struct nmt_port m, s;
	struct netmap_ring *tx, *rx, *stx, *mrx;
	uint32_t sent_buf[3], prev_buf[3], i, avail;
	unsigned int f;
	int err, good;

	err = nmt_port_open(&m, "pz{1", &NMT_REQ_ALL);
	if (!is_err(err, 0, "open pz{1"))
		return;
	err = nmt_port_open(&s, "pz}1", &NMT_REQ_ALL);
	if (!is_err(err, 0, "open pz}1")) {
		nmt_port_close(&m);
		return;
	}
	/* ABI.md §4.1: zero copy iff same region */
	is(m.reg.nr_mem_id, s.reg.nr_mem_id, "both ends report the same mem id");
	tx = nmt_txring(&m, 0);
	rx = nmt_rxring(&s, 0);
	stx = nmt_txring(&s, 0);
	mrx = nmt_rxring(&m, 0);

	for (i = 0; i < 3; i++) {
		sent_buf[i] = tx->slot[tx->head].buf_idx;
		prev_buf[i] = rx->slot[(rx->head + i) % rx->num_slots].buf_idx;
		nmt_put(tx, 64 + 10 * i, 100 + i);
	}
	is_err(nmt_txsync(m.fd), 0, "master NIOCTXSYNC");
	avail = nmt_rx_wait(s.fd, rx, 3, 1000);
	is(avail, 3, "slave receives 3 packets");
	for (good = 1, i = 0; i < 3 && i < avail; i++) {
		struct netmap_slot *sl = &rx->slot[rx->head];

		/* ABI.md §5.2: the slot is moved, buffer index included */
		if (sl->buf_idx != sent_buf[i]) {
			diag("packet %u: RX buf %u, sent in buf %u", i,
			     sl->buf_idx, sent_buf[i]);
			good = 0;
		}
		if (sl->buf_idx != prev_buf[i] && !(sl->flags & NS_BUF_CHANGED)) {
			diag("packet %u: buffer changed, no NS_BUF_CHANGED", i);
			good = 0;
		}
		if (sl->len != 64 + 10 * i || (sl->flags & NS_MOREFRAG) ||
		    nmt_check(NETMAP_BUF(rx, sl->buf_idx), sl->len, 100 + i) != -1) {
			diag("packet %u: len %u flags 0x%x or payload wrong", i,
			     sl->len, sl->flags);
			good = 0;
		}
		nmt_advance(rx, 1);
	}
	ok(good, "zero copy: RX slots carry the sender's buffers, data intact, "
	   "NS_BUF_CHANGED on changed buffers");
	nmt_rxsync(s.fd);
	ok(nmt_tx_drain(m.fd, tx, 1000), "master TX ring drains (tail = head - 1)");

	/* ABI.md §5.7: pipes publish only complete packets */
	for (f = 0; f < 2; f++) {
		struct netmap_slot *sl = &tx->slot[tx->head];

		nmt_fill(NETMAP_BUF(tx, sl->buf_idx), tx->nr_buf_size,
			 frag_seq(7, f));
		sl->len = (uint16_t)tx->nr_buf_size;
		sl->flags = NS_MOREFRAG;
		tx->head = tx->cur = nmt_next(tx, tx->head);
	}
	is_err(nmt_txsync(m.fd), 0, "send 2 fragments with NS_MOREFRAG");
	nmt_sleep_ms(20);
	is(nmt_rx_wait(s.fd, rx, 1, 100), 0,
	   "an incomplete packet is not published");
	{
		struct netmap_slot *sl = &tx->slot[tx->head];

		nmt_fill(NETMAP_BUF(tx, sl->buf_idx), 77, frag_seq(7, 2));
		sl->len = 77;
		sl->flags = 0;
		tx->head = tx->cur = nmt_next(tx, tx->head);
	}
	is_err(nmt_txsync(m.fd), 0, "send the last fragment");
	avail = nmt_rx_wait(s.fd, rx, 3, 1000);
	is(avail, 3, "the 3-slot packet arrives as a unit");
	for (good = 1, f = 0; f < 3 && f < avail; f++) {
		struct netmap_slot *sl = &rx->slot[rx->head];
		uint32_t len = f < 2 ? rx->nr_buf_size : 77;

		if (sl->len != len || !!(sl->flags & NS_MOREFRAG) != (f < 2) ||
		    nmt_check(NETMAP_BUF(rx, sl->buf_idx), len,
			      frag_seq(7, f)) != -1) {
			diag("fragment %u: len %u flags 0x%x", f, sl->len,
			     sl->flags);
			good = 0;
		}
		nmt_advance(rx, 1);
	}
	ok(good, "fragments: lengths, NS_MOREFRAG on all but the last, data");
	nmt_rxsync(s.fd);

	/* and back */
	nmt_put(stx, 1000, 55);
	is_err(nmt_txsync(s.fd), 0, "slave NIOCTXSYNC");
	if (is(nmt_rx_wait(m.fd, mrx, 1, 1000), 1, "master receives 1 packet")) {
		struct netmap_slot *sl = &mrx->slot[mrx->head];

		ok(sl->len == 1000 &&
		   nmt_check(NETMAP_BUF(mrx, sl->buf_idx), 1000, 55) == -1,
		   "slave -> master payload intact");
		nmt_advance(mrx, 1);
		nmt_rxsync(m.fd);
	}
	ok(nmt_tx_drain(s.fd, stx, 1000), "slave TX ring drains");
	ok(nmt_tx_drain(m.fd, tx, 1000), "master TX ring drained");
	nmt_port_close(&s);
	nmt_port_close(&m);
}

/* Send one packet from a's TX ring i to b's RX ring j and check it. */
static int one_packet(struct nmt_port *a, unsigned int i, struct nmt_port *b,
		      unsigned int j, uint64_t seq)
{
	struct netmap_ring *tx = nmt_txring(a, i), *rx = nmt_rxring(b, j);
	struct netmap_slot *sl;
	int good;

	if (!tx || !rx)
		return 0;
	nmt_put(tx, 90, seq);
	if (nmt_txsync(a->fd))
		return 0;
	if (nmt_rx_wait(b->fd, rx, 1, 1000) < 1)
		return 0;
	sl = &rx->slot[rx->head];
	good = sl->len == 90 &&
	       nmt_check(NETMAP_BUF(rx, sl->buf_idx), 90, seq) == -1;
	nmt_advance(rx, 1);
	nmt_rxsync(b->fd);
	return good && nmt_tx_drain(a->fd, tx, 1000);
}

static uint32_t rx_pending(struct nmt_port *p, unsigned int j)
{
	struct netmap_ring *rx = nmt_rxring(p, j);

	nmt_rxsync(p->fd);
	return rx ? nmt_dist(rx, rx->head, rx->tail) : 0;
}

static void ring_pairing_and_config(void)
{
	struct nmt_req rq = { .mode = NR_REG_ALL_NIC, .tx_rings = 2,
			      .rx_rings = 2 };
	struct nmt_req cf = { .mode = NR_REG_ALL_NIC, .tx_rings = 3,
			      .rx_rings = 1, .tx_slots = 128,
			      .rx_slots = 256 };
	struct nmt_port m, s;
	int err;

	err = nmt_port_open(&m, "pr{1", &rq);
	if (is_err(err, 0, "open pr{1 with 2+2 rings") &&
	    is_err(nmt_port_open(&s, "pr}1", &NMT_REQ_ALL), 0, "open pr}1")) {
		/* master TX ring i feeds slave RX ring i, and vice versa */
		ok(one_packet(&m, 1, &s, 1, 11), "master TX 1 -> slave RX 1");
		is(rx_pending(&s, 0), 0, "nothing on slave RX 0");
		ok(one_packet(&m, 0, &s, 0, 12), "master TX 0 -> slave RX 0");
		is(rx_pending(&s, 1), 0, "nothing on slave RX 1");
		ok(one_packet(&s, 1, &m, 1, 13), "slave TX 1 -> master RX 1");
		ok(one_packet(&s, 0, &m, 0, 14), "slave TX 0 -> master RX 0");
		is(rx_pending(&m, 1), 0, "nothing left on master RX 1");
		nmt_port_close(&s);
	}
	if (!err)
		nmt_port_close(&m);

	/* ABI.md §9.1 step 3: slave TX = master RX, slave RX = master TX */
	err = nmt_port_open(&m, "pf{1", &cf);
	if (!is_err(err, 0, "open pf{1 with 3/1 rings, 128/256 slots"))
		return;
	is(m.reg.nr_tx_rings, 3, "master 3 TX rings");
	is(m.reg.nr_rx_rings, 1, "master 1 RX ring");
	is(m.reg.nr_tx_slots, 128, "master 128 TX slots");
	is(m.reg.nr_rx_slots, 256, "master 256 RX slots");
	if (is_err(nmt_port_open(&s, "pf}1", &NMT_REQ_ALL), 0, "open pf}1")) {
		is(s.reg.nr_tx_rings, 1, "slave TX rings = master RX rings");
		is(s.reg.nr_rx_rings, 3, "slave RX rings = master TX rings");
		is(s.reg.nr_tx_slots, 256, "slave TX slots = master RX slots");
		is(s.reg.nr_rx_slots, 128, "slave RX slots = master TX slots");
		ok(one_packet(&m, 2, &s, 2, 21), "master TX 2 -> slave RX 2");
		ok(one_packet(&s, 0, &m, 0, 22), "slave TX 0 -> master RX 0");
		nmt_port_close(&s);
	}
	nmt_port_close(&m);
}

static void open_order(void)
{
	struct nmt_port m, s;
	int err;

	err = nmt_port_open(&s, "po}1", &NMT_REQ_ALL);
	if (!is_err(err, 0, "open the slave po}1 first"))
		return;
	if (is_err(nmt_port_open(&m, "po{1", &NMT_REQ_ALL), 0,
		   "then the master po{1")) {
		ok(one_packet(&m, 0, &s, 0, 31), "master -> slave");
		ok(one_packet(&s, 0, &m, 0, 32), "slave -> master");
		nmt_port_close(&m);
	}
	nmt_port_close(&s);
}

/*
 * Receive on ring j of p the packets seq0 .. seq0+n-1 (90 bytes each),
 * tolerating stale packets (seq < seq0) queued before; 1 if all arrived.
 */
static int recv_fresh(struct nmt_port *p, uint64_t seq0, unsigned int n)
{
	struct netmap_ring *rx = nmt_rxring(p, 0);
	uint64_t end = nmt_now_ms() + 2000;
	unsigned int got = 0;

	while (got < n && nmt_now_ms() < end) {
		nmt_rxsync(p->fd);
		while (rx->head != rx->tail && got < n) {
			struct netmap_slot *sl = &rx->slot[rx->head];
			char *buf = NETMAP_BUF(rx, sl->buf_idx);

			if (sl->len == 90 &&
			    nmt_check(buf, 90, seq0 + got) == -1)
				got++;
			else if (got > 0)
				return 0;	/* garbage after fresh data */
			nmt_advance(rx, 1);
		}
		nmt_sleep_ms(1);
	}
	nmt_rxsync(p->fd);
	return got == n;
}

static void send_n(struct nmt_port *p, uint64_t seq0, unsigned int n)
{
	struct netmap_ring *tx = nmt_txring(p, 0);
	unsigned int i;

	for (i = 0; i < n; i++)
		nmt_put(tx, 90, seq0 + i);
	nmt_txsync(p->fd);
}

/* One end closes while the other stays; then it reopens. */
static void close_first(const char *closer, const char *stayer)
{
	struct nmt_port c, s;
	struct pollfd pfd;
	int err, rc;

	if (!is_err(nmt_port_open(&c, closer, &NMT_REQ_ALL), 0, "open %s",
		    closer))
		return;
	if (!is_err(nmt_port_open(&s, stayer, &NMT_REQ_ALL), 0, "open %s",
		    stayer)) {
		nmt_port_close(&c);
		return;
	}
	ok(one_packet(&c, 0, &s, 0, 41), "%s -> %s before the close", closer,
	   stayer);
	nmt_port_close(&c);

	/* ABI.md §5.10: syncs return 0, or EIO when the peer is going away */
	err = nmt_txsync(s.fd);
	ok(err == 0 || err == EIO, "%s closed: %s NIOCTXSYNC -> %s", closer,
	   stayer, errname(err));
	err = nmt_rxsync(s.fd);
	ok(err == 0 || err == EIO, "%s closed: %s NIOCRXSYNC -> %s", closer,
	   stayer, errname(err));
	send_n(&s, 8000, 1);
	err = nmt_txsync(s.fd);
	ok(err == 0 || err == EIO, "%s closed: sending on %s -> %s", closer,
	   stayer, errname(err));
	pfd = (struct pollfd){ .fd = s.fd, .events = POLLIN | POLLOUT };
	rc = poll(&pfd, 1, 100);
	ok(rc >= 0, "%s closed: poll on %s returns (%d, revents 0x%x)", closer,
	   stayer, rc, rc > 0 ? pfd.revents : 0);

	err = nmt_port_open(&c, closer, &NMT_REQ_ALL);
	if (is_err(err, 0, "reopen %s", closer)) {
		send_n(&s, 9000, 5);
		ok(recv_fresh(&c, 9000, 5), "%s -> reopened %s: 5 packets",
		   stayer, closer);
		send_n(&c, 9100, 5);
		ok(recv_fresh(&s, 9100, 5), "reopened %s -> %s: 5 packets",
		   closer, stayer);
		nmt_port_close(&c);
	}
	nmt_port_close(&s);
}

/* 1 if the buffers of r are all different and valid. */
static int ring_bufs_distinct(const struct netmap_ring *r, uint32_t nbufs)
{
	unsigned char *seen = calloc(nbufs, 1);
	uint32_t i;
	int good = seen != NULL;

	for (i = 0; good && i < r->num_slots; i++) {
		uint32_t b = r->slot[i].buf_idx;

		if (b < 2 || b >= nbufs || seen[b])
			good = 0;
		else
			seen[b] = 1;
	}
	free(seen);
	return good;
}

/*
 * ABI.md §5.7: a TX ring and the RX ring it feeds share one set of buffers,
 * slot by slot. Sending leaves the sender's slots alone (no NS_BUF_CHANGED,
 * so a sender need not rewrite its frames); a buffer either side swaps in
 * with NS_BUF_CHANGED reaches the other side with the flag.
 */
static void mirrored_rings(void)
{
	struct netmap_ring *tx, *rx;
	struct nmt_port m, s;
	uint32_t n, i, h, a, b, *orig, nbufs, got;
	int good, flags_ok;

	if (!is_err(nmt_port_open(&m, "pmr{1", &NMT_REQ_ALL), 0, "open pmr{1"))
		return;
	if (!is_err(nmt_port_open(&s, "pmr}1", &NMT_REQ_ALL), 0, "open pmr}1")) {
		nmt_port_close(&m);
		return;
	}
	tx = nmt_txring(&m, 0);
	rx = nmt_rxring(&s, 0);
	n = tx->num_slots;
	nbufs = nmt_nbufs(&m);
	orig = calloc(n, sizeof(*orig));
	if (!orig)
		exit(2);
	for (good = 1, i = 0; i < n; i++) {
		orig[i] = tx->slot[i].buf_idx;
		good &= rx->slot[i].buf_idx == orig[i];
	}
	ok(good, "master TX and slave RX rings name the same buffer in each slot");
	ok(ring_bufs_distinct(tx, nbufs), "the %u buffers of the pair are all "
	   "different", n);

	for (i = 0; i + 1 < n; i++)
		nmt_put(tx, 60 + i % 100, 5000 + i);
	is_err(nmt_txsync(m.fd), 0, "send %u frames", n - 1);
	for (good = 1, i = 0; i < n; i++)
		good &= tx->slot[i].buf_idx == orig[i] && tx->slot[i].flags == 0;
	ok(good, "sending leaves every sender slot as it was (buffer, flags 0)");
	got = nmt_rx_wait(s.fd, rx, n - 1, 1000);
	is(got, n - 1, "the receiver has all %u", n - 1);
	for (good = 1, i = 0; i < got; i++) {
		struct netmap_slot *sl = &rx->slot[(rx->head + i) % n];

		if (sl->buf_idx != orig[(rx->head + i) % n] || sl->flags != 0 ||
		    sl->len != 60 + i % 100 ||
		    nmt_check(NETMAP_BUF(rx, sl->buf_idx), sl->len, 5000 + i) != -1)
			good = 0;
	}
	ok(good, "each frame arrives in the sender's buffer of its slot, flags 0, "
	   "payload intact");

	/* The receiver swaps the buffers of its first two slots. */
	h = rx->head;
	a = rx->slot[h].buf_idx;
	b = rx->slot[nmt_next(rx, h)].buf_idx;
	rx->slot[h].buf_idx = b;
	rx->slot[h].flags = NS_BUF_CHANGED;
	rx->slot[nmt_next(rx, h)].buf_idx = a;
	rx->slot[nmt_next(rx, h)].flags = NS_BUF_CHANGED;
	nmt_advance(rx, got);
	is_err(nmt_rxsync(s.fd), 0, "return them, two with swapped buffers");
	ok(rx->slot[h].flags == 0 && rx->slot[nmt_next(rx, h)].flags == 0,
	   "the kernel cleared NS_BUF_CHANGED on the returned slots");
	ok(nmt_tx_drain(m.fd, tx, 1000), "the sender gets its slots back");
	is(tx->slot[h].buf_idx, b, "sender slot %u now holds the receiver's "
	   "buffer %u", h, b);
	is(tx->slot[nmt_next(tx, h)].buf_idx, a, "and the next one buffer %u", a);
	for (flags_ok = 1, i = 0; i < n; i++) {
		uint16_t want = i == h || i == nmt_next(tx, h) ? NS_BUF_CHANGED : 0;

		flags_ok &= tx->slot[i].flags == want;
	}
	ok(flags_ok, "exactly those two sender slots carry NS_BUF_CHANGED");

	/* The sender swaps the buffers of two free slots and sends them. */
	h = tx->head;
	a = tx->slot[h].buf_idx;
	b = tx->slot[nmt_next(tx, h)].buf_idx;
	tx->slot[h].buf_idx = b;
	tx->slot[nmt_next(tx, h)].buf_idx = a;
	nmt_put(tx, 200, 7000);
	nmt_put(tx, 201, 7001);
	tx->slot[h].flags = NS_BUF_CHANGED;
	tx->slot[nmt_next(tx, h)].flags = NS_BUF_CHANGED;
	is_err(nmt_txsync(m.fd), 0, "send two frames in swapped buffers");
	ok(tx->slot[h].flags == 0 && tx->slot[nmt_next(tx, h)].flags == 0,
	   "the kernel cleared NS_BUF_CHANGED on the sent slots");
	got = nmt_rx_wait(s.fd, rx, 2, 1000);
	if (is(got, 2, "both arrive")) {
		struct netmap_slot *s0 = &rx->slot[rx->head];
		struct netmap_slot *s1 = &rx->slot[nmt_next(rx, rx->head)];

		ok(s0->buf_idx == b && s1->buf_idx == a &&
		   s0->flags == NS_BUF_CHANGED && s1->flags == NS_BUF_CHANGED,
		   "in the swapped buffers, with NS_BUF_CHANGED");
		ok(nmt_check(NETMAP_BUF(rx, s0->buf_idx), 200, 7000) == -1 &&
		   nmt_check(NETMAP_BUF(rx, s1->buf_idx), 201, 7001) == -1,
		   "payloads intact");
		nmt_advance(rx, 2);
		nmt_rxsync(s.fd);
	}
	ok(nmt_tx_drain(m.fd, tx, 1000), "sender drained");
	ok(ring_bufs_distinct(tx, nbufs), "the pair still holds %u different "
	   "buffers", n);
	free(orig);
	nmt_port_close(&s);
	nmt_port_close(&m);
}

/* Send n frames from p's TX ring j (not received: left in flight). */
static void leave_in_flight(struct nmt_port *p, unsigned int j, unsigned int n)
{
	struct netmap_ring *tx = nmt_txring(p, j);

	if (!tx)
		return;
	while (n--)
		nmt_put(tx, 90, 3000 + n);
	nmt_txsync(p->fd);
}

/* Drop what waits on p's RX ring j (frames sent before a reopen). */
static void flush_rx(struct nmt_port *p, unsigned int j)
{
	struct netmap_ring *rx = nmt_rxring(p, j);

	if (!rx)
		return;
	nmt_rxsync(p->fd);
	rx->head = rx->cur = rx->tail;
	nmt_rxsync(p->fd);
}

/*
 * ABI.md §5.7: each pair's buffers come back to the region exactly once,
 * whatever the order of opens and closes and whatever is in flight, also
 * when an end binds one ring only and the other end keeps the rest alive.
 */
static void buffer_accounting(void)
{
	struct nmt_req two = { .mode = NR_REG_ALL_NIC, .tx_rings = 2,
			       .rx_rings = 2 };
	struct nmt_req one = { .mode = NR_REG_ONE_NIC, .ringid = 1,
			       .tx_rings = 2, .rx_rings = 2 };
	struct nmt_port keep, m, s;
	uint32_t before, after;
	unsigned int round, bad = 0;

	/* A region that goes idle is rebuilt: keep region 1 in use. */
	if (!is_err(nmt_port_open(&keep, "pkeep{1", &NMT_REQ_ALL), 0,
		    "open pkeep{1 to keep region 1 in use"))
		return;
	before = nmt_free_bufs();
	for (round = 0; round < 40; round++) {
		const char *mn = round % 2 ? "pac{1" : "pac{2";
		const char *sn = round % 2 ? "pac}1" : "pac}2";
		unsigned int sr = round % 4 < 2 ? 0 : 1;	/* a ring s holds */

		if (round % 4 < 2) {
			if (nmt_port_open(&m, mn, &two) ||
			    nmt_port_open(&s, sn, &NMT_REQ_ALL)) {
				bad++;
				break;
			}
		} else {
			if (nmt_port_open(&s, sn, &one) ||
			    nmt_port_open(&m, mn, &two)) {
				bad++;
				break;
			}
		}
		leave_in_flight(&m, 0, 5);
		leave_in_flight(&m, 1, 6);
		leave_in_flight(&s, sr, 3);
		switch (round % 3) {
		case 0:		/* master goes, comes back, goes again */
			nmt_port_close(&m);
			if (nmt_port_open(&m, mn, &two))
				bad++;
			flush_rx(&m, sr);
			if (!one_packet(&s, sr, &m, sr, 77 + round))
				bad++;
			leave_in_flight(&m, 1, 4);
			nmt_port_close(&m);
			nmt_port_close(&s);
			break;
		case 1:		/* slave goes, comes back, goes again */
			nmt_port_close(&s);
			if (nmt_port_open(&s, sn, &NMT_REQ_ALL))
				bad++;
			flush_rx(&s, 1);
			if (!one_packet(&m, 1, &s, 1, 99 + round))
				bad++;
			leave_in_flight(&s, 0, 2);
			nmt_port_close(&s);
			nmt_port_close(&m);
			break;
		default:
			nmt_port_close(&m);
			nmt_port_close(&s);
			break;
		}
	}
	is(bad, 0, "40 rounds of opens, traffic and closes in varied orders");
	after = nmt_free_bufs();
	is(after, before, "the region has as many free buffers as before (%u)",
	   before);
	nmt_port_close(&keep);
}

static void many_pipes(void)
{
	struct nmt_req rq = { .mode = NR_REG_ALL_NIC, .tx_slots = 32,
			      .rx_slots = 32 };
	int fds[64], i, failed = 0, fd, err, raised = 0;
	long ring_num = 0, curr = 0;
	char name[32];

	/*
	 * 64 pipes pin 256 rings: more than the 200 of region 1 with the
	 * default parameters. ABI.md §13: pool parameters are writable at run time
	 * and apply when the region is next configured (it is idle here).
	 */
	if (nmt_param_read("ring_num", &ring_num) == 0 && ring_num < 300) {
		err = nmt_param_write("ring_num", 300);
		raised = is_err(err, 0, "raise ring_num from %ld to 300 for 64 "
				"pipes", ring_num);
	}

	/* ABI.md §9.1 step 3: at most 64 pipes per parent */
	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "pm{%d", i + 1);
		fds[i] = nmt_open_dev();
		err = nmt_register(fds[i], name, &rq, NULL);
		if (err && failed++ < 3)
			diag("register %s: %s", name, errname(err));
	}
	if (raised && nmt_param_read("ring_curr_num", &curr) == 0)
		is(curr, 300, "region 1 reconfigured with 300 rings");
	is(failed, 0, "64 pipes on one parent (pm{1 .. pm{64)");
	fd = nmt_open_dev();
	is_err(nmt_register(fd, "pm{65", &rq, NULL), ENOMEM,
	       "the 65th pipe -> ENOMEM");
	is_err(nmt_register(fd, "pm}17", &rq, NULL), 0,
	       "the other end of an existing pipe still opens");
	close(fd);
	for (i = 0; i < 64; i++)
		close(fds[i]);
	fd = nmt_open_dev();
	is_err(nmt_register(fd, "pm{65", &rq, NULL), 0,
	       "pm{65 opens once the others are closed");
	close(fd);
	if (raised)
		is_err(nmt_param_write("ring_num", ring_num), 0,
		       "restore ring_num %ld", ring_num);
}

/* ------------------------------------------------------ bulk transfer */

/* Every 997th packet is a 3-slot packet: two full buffers and a tail. */
static int is_multi(uint64_t seq)
{
	return seq % 997 == 500;
}

static uint32_t frag_len(uint64_t seq, unsigned int f, uint32_t bufsize)
{
	return f < 2 ? bufsize : 60 + (uint32_t)(seq % 200);
}

struct xfer {
	struct nmport_d *tx, *rx;
	int use_poll;
	uint64_t count;
	/* sender results */
	uint64_t sent;
	int tx_err, tx_stall, drained;
	/* receiver results */
	uint64_t received, bad_len, bad_data, bad_flags, no_bufchg, split;
	int rx_err, rx_stall;
};

static int wait_ring(int fd, short ev, int use_poll, int *err)
{
	struct pollfd pfd = { .fd = fd, .events = ev };
	int rc;

	if (!use_poll) {
		rc = ioctl(fd, ev == POLLOUT ? NIOCTXSYNC : NIOCRXSYNC, NULL);
		if (rc)
			*err = errno;
		return rc == 0;
	}
	rc = poll(&pfd, 1, STALL_MS);
	if (rc < 0)
		*err = errno;
	else if (rc > 0 && (pfd.revents & (POLLERR | POLLNVAL)))
		*err = EIO;
	return rc > 0 && !*err;
}

static void *sender(void *arg)
{
	struct xfer *x = arg;
	struct netmap_ring *r = NETMAP_TXRING(x->tx->nifp, x->tx->first_tx_ring);
	uint32_t bufsize = r->nr_buf_size;
	uint64_t seq = 0, last = nmt_now_ms();
	int fd = x->tx->fd;

	while (seq < x->count && !x->tx_err) {
		uint32_t head, space;
		uint64_t before = seq;

		if (!wait_ring(fd, POLLOUT, x->use_poll, &x->tx_err) &&
		    !x->tx_err && x->use_poll) {
			x->tx_stall = 1;
			break;
		}
		head = r->head;
		space = nmt_dist(r, head, r->tail);
		while (space > 0 && seq < x->count) {
			struct netmap_slot *sl = &r->slot[head];

			if (is_multi(seq)) {
				unsigned int f;

				if (space < 3)
					break;
				for (f = 0; f < 3; f++) {
					uint32_t len = frag_len(seq, f, bufsize);

					sl = &r->slot[head];
					nmt_fill(NETMAP_BUF(r, sl->buf_idx), len,
						 frag_seq(seq, f));
					sl->len = (uint16_t)len;
					sl->flags = f < 2 ? NS_MOREFRAG : 0;
					head = nmt_next(r, head);
				}
				space -= 3;
			} else {
				uint32_t len = nmt_pkt_len(seq, bufsize);

				nmt_fill(NETMAP_BUF(r, sl->buf_idx), len, seq);
				sl->len = (uint16_t)len;
				sl->flags = 0;
				head = nmt_next(r, head);
				space--;
			}
			seq++;
		}
		r->head = head;
		/* not enough room for the next packet: wake up on more */
		r->cur = seq < x->count && space > 0 ? r->tail : head;
		if (seq != before) {
			last = nmt_now_ms();
		} else if (nmt_now_ms() - last > STALL_MS) {
			x->tx_stall = 1;
			break;
		} else if (!x->use_poll) {
			sched_yield();
		}
	}
	x->sent = seq;
	r->cur = r->head;
	x->drained = nmt_tx_drain(fd, r, STALL_MS);
	return NULL;
}

static void *receiver(void *arg)
{
	struct xfer *x = arg;
	struct netmap_ring *r = NETMAP_RXRING(x->rx->nifp, x->rx->first_rx_ring);
	uint32_t bufsize = r->nr_buf_size, i, *last_buf;
	uint64_t seq = 0, last = nmt_now_ms();
	int fd = x->rx->fd;

	last_buf = malloc(r->num_slots * sizeof(*last_buf));
	if (!last_buf) {
		x->rx_err = ENOMEM;
		return NULL;
	}
	for (i = 0; i < r->num_slots; i++)
		last_buf[i] = r->slot[i].buf_idx;

	while (seq < x->count && !x->rx_err) {
		uint32_t head, avail;
		uint64_t before = seq;

		if (!wait_ring(fd, POLLIN, x->use_poll, &x->rx_err) &&
		    !x->rx_err && x->use_poll) {
			x->rx_stall = 1;
			break;
		}
		head = r->head;
		avail = nmt_dist(r, head, r->tail);
		while (avail > 0 && seq < x->count) {
			unsigned int f, nfrags = is_multi(seq) ? 3 : 1;

			if (avail < nfrags) {
				x->split++;	/* ABI.md §5.7: published as a unit */
				break;
			}
			for (f = 0; f < nfrags; f++) {
				struct netmap_slot *sl = &r->slot[head];
				uint32_t len = nfrags == 3 ?
					frag_len(seq, f, bufsize) :
					nmt_pkt_len(seq, bufsize);
				uint16_t more = f + 1 < nfrags ? NS_MOREFRAG : 0;

				if (sl->buf_idx != last_buf[head] &&
				    !(sl->flags & NS_BUF_CHANGED))
					x->no_bufchg++;
				last_buf[head] = sl->buf_idx;
				if ((sl->flags & ~NS_BUF_CHANGED) != more)
					x->bad_flags++;
				if (sl->len != len)
					x->bad_len++;
				else if (nmt_check(NETMAP_BUF(r, sl->buf_idx),
						   len, nfrags == 3 ?
						   frag_seq(seq, f) : seq) != -1)
					x->bad_data++;
				head = nmt_next(r, head);
				avail--;
			}
			seq++;
		}
		r->head = r->cur = head;
		if (seq != before) {
			last = nmt_now_ms();
		} else if (nmt_now_ms() - last > STALL_MS) {
			x->rx_stall = 1;
			break;
		} else if (!x->use_poll) {
			sched_yield();
		}
	}
	x->received = seq;
	ioctl(fd, NIOCRXSYNC, NULL);	/* hand the last slots back */
	free(last_buf);
	return NULL;
}

static void run_xfer(struct nmport_d *from, struct nmport_d *to, int use_poll,
		     uint64_t count, const char *what)
{
	struct xfer x = { .tx = from, .rx = to, .use_poll = use_poll,
			  .count = count };
	pthread_t ts, tr;
	uint64_t t0 = nmt_now_ms(), dt;

	if (pthread_create(&tr, NULL, receiver, &x) ||
	    pthread_create(&ts, NULL, sender, &x))
		bail("pthread_create");
	pthread_join(ts, NULL);
	pthread_join(tr, NULL);
	dt = nmt_now_ms() - t0;
	diag("%s: %llu packets in %llu ms (%llu pps)", what,
	     (unsigned long long)x.received, (unsigned long long)dt,
	     (unsigned long long)(dt ? x.received * 1000 / dt : 0));

	is_err(x.tx_err, 0, "%s: sender syncs without error", what);
	ok(!x.tx_stall, "%s: sender never stalled %d ms", what, STALL_MS);
	is((long long)x.sent, (long long)count, "%s: all packets sent", what);
	is_err(x.rx_err, 0, "%s: receiver syncs without error", what);
	ok(!x.rx_stall, "%s: receiver never stalled %d ms", what, STALL_MS);
	is((long long)x.received, (long long)count, "%s: all packets received "
	   "in order", what);
	is((long long)x.bad_len, 0, "%s: every length right", what);
	is((long long)x.bad_data, 0, "%s: every payload byte right", what);
	is((long long)x.bad_flags, 0, "%s: slot flags right (NS_MOREFRAG)",
	   what);
	is((long long)x.no_bufchg, 0, "%s: NS_BUF_CHANGED on every changed "
	   "buffer", what);
	is((long long)x.split, 0, "%s: multi-slot packets never split", what);
	ok(x.drained, "%s: sender TX ring drained at the end", what);
}

static void bulk(uint64_t total)
{
	static const char *const names[2][2] = {
		{ "netmap:pt{1", "netmap:pt}1" },
		{ "netmap:pb{1", "netmap:pb}1" },
	};
	uint64_t quarter = (total + 3) / 4;
	int busy;

	for (busy = 0; busy < 2; busy++) {
		struct nmport_d *m = nmport_open(names[busy][0]);
		struct nmport_d *s = nmport_open(names[busy][1]);
		const char *how = busy ? "busy" : "poll";
		char what[64];

		if (!ok(m && s, "%s: nmport_open both ends", how)) {
			nmport_close(m);
			nmport_close(s);
			continue;
		}
		is(m->reg.nr_mem_id, s->reg.nr_mem_id, "%s: same mem id", how);
		snprintf(what, sizeof(what), "master->slave, %s", how);
		run_xfer(m, s, !busy, quarter, what);
		snprintf(what, sizeof(what), "slave->master, %s", how);
		run_xfer(s, m, !busy, quarter, what);
		nmport_close(s);
		nmport_close(m);
	}
}

int main(int argc, char **argv)
{
	uint64_t total = argc > 1 ? strtoull(argv[1], NULL, 0) : 1000000;

	tap_start(280);
	zero_copy_and_frags();
	ring_pairing_and_config();
	open_order();
	close_first("pc{1", "pc}1");
	close_first("pd}1", "pd{1");
	mirrored_rings();
	buffer_accounting();
	many_pipes();
	bulk(total);
	return tap_end();
}
