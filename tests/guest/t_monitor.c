// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_monitor: copy monitors (ABI.md §9.1 step 2, §7.2 NR_MONITOR_TX/RX,
 * §4.5 NS_TXMON) on a pipe end and on VALE ports: each monitor kind sees
 * exactly the frames of the rings it watches, in order, byte for byte,
 * NS_TXMON exactly on TX frames, multi-slot frames as sent; several
 * monitors at once; ring selection; a full monitor ring drops while the
 * monitored traffic all arrives; the monitored port or the monitor closing
 * first while traffic flows; the errors; the legacy NIOCREGIF flags and
 * libnetmap's /t /r /rt /z suffixes.
 */
#define _GNU_SOURCE
#include "vale_util.h"

#include <libnetmap.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MON_TX NR_MONITOR_TX
#define MON_RX NR_MONITOR_RX

/* One expected frame: sequence number, slot lengths, seen on TX or RX. */
struct frame {
	uint64_t seq;
	uint32_t nslots;
	uint32_t len[3];
	int tx;
};

/* Slot f of frame seq: a header in slot 0, a pattern of (seq, f) after it. */
static uint64_t frag_pat(uint64_t seq, uint32_t f)
{
	return seq * 8 + f;
}

/* Put frame @fr at ring->head (broadcast, so that a VALE switch floods it). */
static void put(struct netmap_ring *r, const struct frame *fr)
{
	uint8_t src[6];
	uint32_t f;

	mac_of(src, 1);
	for (f = 0; f < fr->nslots; f++) {
		struct netmap_slot *s = &r->slot[r->head];
		uint8_t *b = (uint8_t *)NETMAP_BUF(r, s->buf_idx);

		if (f == 0) {
			memcpy(b, BCAST, 6);
			memcpy(b + 6, src, 6);
			b[12] = ETHTYPE >> 8;
			b[13] = ETHTYPE & 0xff;
			nmt_fill(b + 14, fr->len[0] - 14, frag_pat(fr->seq, 0));
		} else {
			nmt_fill(b, fr->len[f], frag_pat(fr->seq, f));
		}
		s->len = fr->len[f];
		s->flags = f + 1 < fr->nslots ? NS_MOREFRAG : 0;
		nmt_advance(r, 1);
	}
}

static int slot_ok(struct netmap_ring *r, struct netmap_slot *s,
		   const struct frame *fr, uint32_t f)
{
	const uint8_t *b = (const uint8_t *)NETMAP_BUF(r, s->buf_idx);

	if (s->len != fr->len[f])
		return 0;
	if (f == 0)
		return !memcmp(b, BCAST, 6) &&
		       nmt_check(b + 14, fr->len[0] - 14, frag_pat(fr->seq, 0)) == -1;
	return nmt_check(b, fr->len[f], frag_pat(fr->seq, f)) == -1;
}

/*
 * Ring @r of monitor fd @fd holds exactly frames @e[0..n) and nothing
 * more (after a sync); consumes them. 1 if so.
 */
static int expect(int fd, struct netmap_ring *r, const struct frame *e,
		  uint32_t n, const char *what)
{
	uint32_t want = 0, avail, i, f, k;
	int good = 1;

	for (i = 0; i < n; i++)
		want += e[i].nslots;
	avail = nmt_rx_wait(fd, r, want, 500);
	nmt_sleep_ms(20);
	nmt_rxsync(fd);
	avail = nmt_dist(r, r->head, r->tail);
	if (avail != want) {
		diag("%s: %u slots, want %u", what, avail, want);
		good = 0;
	}
	k = r->head;
	for (i = 0; i < n && good; i++) {
		for (f = 0; f < e[i].nslots; f++) {
			struct netmap_slot *s = &r->slot[k];
			uint16_t fl = (f + 1 < e[i].nslots ? NS_MOREFRAG : 0) |
				      (e[i].tx ? NS_TXMON : 0);

			if ((s->flags & (NS_MOREFRAG | NS_TXMON)) != fl ||
			    !slot_ok(r, s, &e[i], f)) {
				diag("%s: frame %u (seq %llu) slot %u: len %u flags 0x%x, want len %u flags 0x%x",
				     what, i, (unsigned long long)e[i].seq, f,
				     s->len, s->flags, e[i].len[f], fl);
				good = 0;
				break;
			}
			k = nmt_next(r, k);
		}
	}
	nmt_advance(r, avail);
	nmt_rxsync(fd);
	return ok(good, "%s", what);
}

/* Send frames @e on ring @r of @p with one NIOCTXSYNC. */
static void send_frames(struct nmt_port *p, struct netmap_ring *r,
			const struct frame *e, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		put(r, &e[i]);
	nmt_txsync(p->fd);
}

/* @p receives exactly frames @e (all on ring @r); consumes them. */
static int receive(struct nmt_port *p, struct netmap_ring *r,
		   const struct frame *e, uint32_t n, const char *what)
{
	struct frame c[16];
	uint32_t i;

	for (i = 0; i < n && i < 16; i++) {
		c[i] = e[i];
		c[i].tx = 0;
	}
	/* NS_TXMON is not set on a port's own RX ring either. */
	return expect(p->fd, r, c, n, what);
}

static int mon_open(struct nmt_port *m, const char *name, uint64_t flags,
		    uint32_t mode, uint16_t ringid, uint32_t rx_slots)
{
	struct nmt_req rq = { .mode = mode, .ringid = ringid, .flags = flags,
			      .rx_slots = rx_slots };

	return nmt_port_open(m, name, &rq);
}

/* ------------------------------------------------------------ errors */

static void errors(void)
{
	struct nmt_port a, b, m;
	int err;

	err = mon_open(&m, "mq{1", MON_TX, NR_REG_ALL_NIC, 0, 0);
	is_err(err, EINVAL, "monitor of a pipe nobody opened: EINVAL");
	if (!err)
		nmt_port_close(&m);
	err = mon_open(&m, "valeE:nobody", MON_RX, NR_REG_ALL_NIC, 0, 0);
	is_err(err, EINVAL, "monitor of a VALE port nobody opened: EINVAL");
	if (!err)
		nmt_port_close(&m);
	err = mon_open(&m, "nm_no_such_if0", MON_RX, NR_REG_ALL_NIC, 0, 0);
	is_err(err, ENXIO, "monitor of no such interface: ENXIO");
	if (!err)
		nmt_port_close(&m);

	if (nmt_port_open(&a, "mq{1", &NMT_REQ_ALL))
		bail("open mq{1");
	if (nmt_port_open(&b, "mq}1", &NMT_REQ_ALL))
		bail("open mq}1");
	err = mon_open(&m, "mq{1", NR_ZCOPY_MON, NR_REG_ALL_NIC, 0, 0);
	is_err(err, EOPNOTSUPP, "zero-copy monitor: EOPNOTSUPP");
	if (!err)
		nmt_port_close(&m);
	err = mon_open(&m, "mq{1", MON_TX, NR_REG_ONE_NIC, 5, 0);
	is_err(err, EINVAL, "monitor of ring 5 of a one-ring pipe: EINVAL");
	if (!err)
		nmt_port_close(&m);
	err = mon_open(&m, "mq{1", MON_TX, NR_REG_SW, 0, 0);
	is_err(err, EINVAL, "monitor of the host rings of a pipe: EINVAL");
	if (!err)
		nmt_port_close(&m);
	nmt_port_close(&b);
	nmt_port_close(&a);
}

/* ------------------------------------------------- pipe: kinds, frames */

static void pipe_kinds(void)
{
	static const struct frame atx[] = {
		{ 0, 1, { 60 }, 1 }, { 1, 1, { 1514 }, 1 },
		{ 2, 3, { 2048, 2048, 100 }, 1 }, { 3, 1, { 14 }, 1 },
		{ 4, 2, { 700, 1 }, 1 },
	};
	static const struct frame brx[] = {
		{ 10, 1, { 64 }, 0 }, { 11, 2, { 2048, 33 }, 0 },
		{ 12, 1, { 999 }, 0 },
	};
	struct frame both[8];
	struct nmt_port a, b, mt, mr, mrt;
	uint32_t i;

	if (nmt_port_open(&a, "mp{1", &NMT_REQ_ALL) ||
	    nmt_port_open(&b, "mp}1", &NMT_REQ_ALL))
		bail("open pipe mp");
	if (mon_open(&mt, "mp{1", MON_TX, NR_REG_ALL_NIC, 0, 0) ||
	    mon_open(&mr, "mp{1", MON_RX, NR_REG_ALL_NIC, 0, 0) ||
	    mon_open(&mrt, "mp{1", MON_TX | MON_RX, NR_REG_ALL_NIC, 0, 0))
		bail("open the three monitors of mp{1");
	ok(!strcmp(mt.nifp->ni_name, "mp{1/t#0") &&
	   !strcmp(mr.nifp->ni_name, "mp{1/r#1") &&
	   !strcmp(mrt.nifp->ni_name, "mp{1/rt#2"),
	   "names mp{1/t#0, mp{1/r#1, mp{1/rt#2 (got %s %s %s)",
	   mt.nifp->ni_name, mr.nifp->ni_name, mrt.nifp->ni_name);
	ok(mt.reg.nr_tx_rings == 1 && mt.reg.nr_rx_rings == 1 &&
	   mt.reg.nr_rx_slots == a.reg.nr_rx_slots &&
	   mt.reg.nr_host_rx_rings == 0,
	   "geometry: 1 TX ring, 1 RX ring of the pipe's %u slots",
	   a.reg.nr_rx_slots);
	ok(mt.reg.nr_mem_id != a.reg.nr_mem_id &&
	   mr.reg.nr_mem_id != mt.reg.nr_mem_id &&
	   (mt.nifp->ni_flags & NI_PRIV_MEM),
	   "each copy monitor has a private region (ids %u %u, pipe %u)",
	   mt.reg.nr_mem_id, mr.reg.nr_mem_id, a.reg.nr_mem_id);

	send_frames(&a, nmt_txring(&a, 0), atx, 5);
	receive(&b, nmt_rxring(&b, 0), atx, 5, "the pipe's slave gets the 5 frames");
	send_frames(&b, nmt_txring(&b, 0), brx, 3);
	receive(&a, nmt_rxring(&a, 0), brx, 3, "the master gets the slave's 3 frames");

	expect(mt.fd, nmt_rxring(&mt, 0), atx, 5,
	       "/t: the master's 5 TX frames, NS_TXMON, multi-slot as sent");
	expect(mr.fd, nmt_rxring(&mr, 0), brx, 3,
	       "/r: the master's 3 RX frames, no NS_TXMON");
	for (i = 0; i < 5; i++)
		both[i] = atx[i];
	for (i = 0; i < 3; i++)
		both[5 + i] = brx[i];
	expect(mrt.fd, nmt_rxring(&mrt, 0), both, 8,
	       "/rt: TX then RX frames, in the order the syncs saw them");

	/* The slave's traffic is not the master's monitors' business. */
	nmt_port_close(&mr);
	send_frames(&a, nmt_txring(&a, 0), &atx[0], 1);
	receive(&b, nmt_rxring(&b, 0), &atx[0], 1, "the slave gets one more");
	expect(mt.fd, nmt_rxring(&mt, 0), &atx[0], 1,
	       "/t still sees it after another monitor closed");
	nmt_port_close(&mrt);
	nmt_port_close(&mt);
	send_frames(&a, nmt_txring(&a, 0), &atx[1], 1);
	receive(&b, nmt_rxring(&b, 0), &atx[1], 1,
		"with no monitor left the pipe still carries frames");
	nmt_port_close(&b);
	nmt_port_close(&a);
}

/* ------------------------------------------------- ring selection */

static void ring_select(void)
{
	static const struct frame r0[] = {
		{ 20, 1, { 60 }, 1 }, { 21, 1, { 61 }, 1 },
	};
	static const struct frame r1[] = {
		{ 30, 1, { 70 }, 1 }, { 31, 2, { 2048, 71 }, 1 },
		{ 32, 1, { 72 }, 1 },
	};
	struct nmt_req two = { .mode = NR_REG_ALL_NIC, .tx_rings = 2, .rx_rings = 2 };
	struct nmt_port a, b, m1, mall;

	if (nmt_port_open(&a, "ms{1", &two) || nmt_port_open(&b, "ms}1", &NMT_REQ_ALL))
		bail("open two-ring pipe ms");
	is(a.reg.nr_tx_rings, 2, "the pipe has 2 TX rings");
	if (mon_open(&m1, "ms{1", MON_TX, NR_REG_ONE_NIC, 1, 0) ||
	    mon_open(&mall, "ms{1", MON_TX, NR_REG_ALL_NIC, 0, 0))
		bail("open monitors of ms{1");
	ok(m1.reg.nr_rx_rings == 2 && !nmt_rxring(&m1, 0) && nmt_rxring(&m1, 1),
	   "ring-1 monitor: 2 RX rings, its fd bound to ring 1 only");
	send_frames(&a, nmt_txring(&a, 0), r0, 2);
	send_frames(&a, nmt_txring(&a, 1), r1, 3);
	receive(&b, nmt_rxring(&b, 0), r0, 2, "slave RX ring 0 gets ring 0's frames");
	receive(&b, nmt_rxring(&b, 1), r1, 3, "slave RX ring 1 gets ring 1's frames");
	expect(m1.fd, nmt_rxring(&m1, 1), r1, 3, "ring-1 monitor sees only ring 1's 3 frames");
	expect(mall.fd, nmt_rxring(&mall, 0), r0, 2, "all-rings monitor: ring 0's frames in its ring 0");
	expect(mall.fd, nmt_rxring(&mall, 1), r1, 3, "all-rings monitor: ring 1's frames in its ring 1");
	nmt_port_close(&m1);
	nmt_port_close(&mall);
	nmt_port_close(&b);
	nmt_port_close(&a);
}

/* ------------------------------------------------- full monitor ring */

static void full_ring(void)
{
	struct frame e[12];
	struct nmt_port a, b, m;
	uint32_t i;

	for (i = 0; i < 12; i++)
		e[i] = (struct frame){ 40 + i, 1, { 60 + i }, 1 };
	if (nmt_port_open(&a, "mf{1", &NMT_REQ_ALL) || nmt_port_open(&b, "mf}1", &NMT_REQ_ALL))
		bail("open pipe mf");
	if (mon_open(&m, "mf{1", MON_TX, NR_REG_ALL_NIC, 0, 4))
		bail("open monitor of mf{1 with 4 slots");
	is(m.reg.nr_rx_slots, 4, "the monitor's RX ring has the 4 slots asked");
	send_frames(&a, nmt_txring(&a, 0), e, 10);
	receive(&b, nmt_rxring(&b, 0), e, 10, "all 10 frames reach the slave");
	expect(m.fd, nmt_rxring(&m, 0), e, 3, "the 4-slot monitor kept the first 3, dropped 7");
	send_frames(&a, nmt_txring(&a, 0), &e[10], 2);
	receive(&b, nmt_rxring(&b, 0), &e[10], 2, "the slave gets 2 more");
	expect(m.fd, nmt_rxring(&m, 0), &e[10], 2, "emptied, the monitor sees the next 2");
	nmt_port_close(&m);
	nmt_port_close(&b);
	nmt_port_close(&a);
}

/* --------------------------------------------------------- VALE ports */

static void vale(void)
{
	static const struct frame tx[] = {
		{ 50, 1, { 60 }, 1 }, { 51, 2, { 2048, 500 }, 1 },
		{ 52, 1, { 1514 }, 1 }, { 53, 1, { 128 }, 1 },
	};
	struct nmt_port a, b, mat, mbr, mbrt;

	if (nmt_port_open(&a, "valeM:a", &NMT_REQ_ALL) ||
	    nmt_port_open(&b, "valeM:b", &NMT_REQ_ALL))
		bail("open valeM:a, valeM:b");
	if (mon_open(&mat, "valeM:a", MON_TX, NR_REG_ALL_NIC, 0, 0) ||
	    mon_open(&mbr, "valeM:b", MON_RX, NR_REG_ALL_NIC, 0, 0) ||
	    mon_open(&mbrt, "valeM:b", MON_RX | MON_TX, NR_REG_ALL_NIC, 0, 0))
		bail("open monitors of valeM:a and valeM:b");
	ok(!strcmp(mat.nifp->ni_name, "valeM:a/t#0"), "name valeM:a/t#0 (got %s)",
	   mat.nifp->ni_name);
	send_frames(&a, nmt_txring(&a, 0), tx, 4);
	receive(&b, nmt_rxring(&b, 0), tx, 4, "valeM:b gets a's 4 frames");
	expect(mat.fd, nmt_rxring(&mat, 0), tx, 4, "VALE /t: a's 4 TX frames with NS_TXMON");
	{
		struct frame rx[4];
		int i;

		for (i = 0; i < 4; i++) {
			rx[i] = tx[i];
			rx[i].tx = 0;
		}
		expect(mbr.fd, nmt_rxring(&mbr, 0), rx, 4, "VALE /r: b's 4 RX frames");
		expect(mbrt.fd, nmt_rxring(&mbrt, 0), rx, 4,
		       "VALE /rt on b: the same 4, b sent nothing");
	}
	nmt_port_close(&mat);
	nmt_port_close(&mbr);
	nmt_port_close(&mbrt);
	nmt_port_close(&b);
	nmt_port_close(&a);
}

/* ------------------------------------------ emulated adapter (veth) */

static void emulated(void)
{
	static const struct frame tx[] = {
		{ 80, 1, { 60 }, 1 }, { 81, 1, { 1514 }, 1 }, { 82, 1, { 333 }, 1 },
	};
	struct frame rx[3];
	struct nmt_port a, b, mat, mbr;
	int i;

	if (system("/sbin/ip link add nmmv0 numtxqueues 1 numrxqueues 1 type veth "
		   "peer name nmmv1 numtxqueues 1 numrxqueues 1 2>/dev/null") ||
	    system("ip link set dev nmmv0 up && ip link set dev nmmv1 up")) {
		skip("no veth", "emulated adapter: monitors of a veth pair");
		return;
	}
	if (nmt_port_open(&a, "nmmv0", &NMT_REQ_ALL) ||
	    nmt_port_open(&b, "nmmv1", &NMT_REQ_ALL))
		bail("open nmmv0, nmmv1");
	if (mon_open(&mat, "nmmv0", MON_TX, NR_REG_ALL_NIC, 0, 0) ||
	    mon_open(&mbr, "nmmv1", MON_RX, NR_REG_ALL_NIC, 0, 0))
		bail("open monitors of nmmv0 and nmmv1");
	is(mat.reg.nr_host_rx_rings, 1, "monitor of an emulated NIC: 1 host RX ring too");
	nmt_sleep_ms(100);
	send_frames(&a, nmt_txring(&a, 0), tx, 3);
	for (i = 0; i < 3; i++) {
		rx[i] = tx[i];
		rx[i].tx = 0;
	}
	receive(&b, nmt_rxring(&b, 0), tx, 3, "nmmv1 gets nmmv0's 3 frames");
	expect(mat.fd, nmt_rxring(&mat, 0), tx, 3, "emulated /t: nmmv0's 3 TX frames");
	expect(mbr.fd, nmt_rxring(&mbr, 0), rx, 3, "emulated /r: nmmv1's 3 RX frames");
	nmt_port_close(&mat);
	nmt_port_close(&mbr);
	nmt_port_close(&b);
	nmt_port_close(&a);
	if (system("ip link del nmmv0"))
		diag("ip link del nmmv0 failed");
}

/* ------------------------------------------------- close orders */

struct flow {
	struct nmt_port *a, *b;
	uint32_t count;		/* frames to send */
	uint32_t got, bad;	/* received, out of order or corrupt */
};

static void *flow_rx(void *arg)
{
	struct flow *fl = arg;
	struct netmap_ring *r = nmt_rxring(fl->b, 0);
	uint64_t end = nmt_now_ms() + 20000;

	while (fl->got < fl->count && nmt_now_ms() < end) {
		nmt_rxsync(fl->b->fd);
		while (r->head != r->tail) {
			struct frame e = { fl->got, 1, { 60 + fl->got % 900 }, 0 };

			if (!slot_ok(r, &r->slot[r->head], &e, 0))
				fl->bad++;
			nmt_advance(r, 1);
			fl->got++;
		}
	}
	return NULL;
}

static void *flow_tx(void *arg)
{
	struct flow *fl = arg;
	struct netmap_ring *t = nmt_txring(fl->a, 0);
	uint64_t end = nmt_now_ms() + 20000;
	uint32_t sent = 0;

	while (sent < fl->count && nmt_now_ms() < end) {
		nmt_txsync(fl->a->fd);
		while (sent < fl->count && nmt_dist(t, t->head, t->tail) > 0) {
			struct frame e = { sent, 1, { 60 + sent % 900 }, 1 };

			put(t, &e);
			sent++;
		}
	}
	nmt_tx_drain(fl->a->fd, t, 2000);
	return NULL;
}

/* Monitors come and go while frames flow; each one sees them in order. */
static void monitor_closes_first(void)
{
	struct nmt_port a, b, m;
	struct flow fl = { &a, &b, 200000, 0, 0 };
	pthread_t tx, rx;
	uint32_t rounds = 0, misordered = 0, seen = 0;
	uint64_t end;

	if (nmt_port_open(&a, "mcl{1", &NMT_REQ_ALL) || nmt_port_open(&b, "mcl}1", &NMT_REQ_ALL))
		bail("open pipe mcl");
	pthread_create(&rx, NULL, flow_rx, &fl);
	pthread_create(&tx, NULL, flow_tx, &fl);
	end = nmt_now_ms() + 15000;
	while (fl.got < fl.count && nmt_now_ms() < end && rounds < 200) {
		struct netmap_ring *r;
		uint32_t last = 0;
		int first = 1, k;

		if (mon_open(&m, "mcl{1", MON_TX, NR_REG_ALL_NIC, 0, 0)) {
			if (fl.got >= fl.count)
				break;	/* the sender closed: nothing to watch */
			misordered++;
			break;
		}
		r = nmt_rxring(&m, 0);
		for (k = 0; k < 5; k++) {
			nmt_rxsync(m.fd);
			while (r->head != r->tail) {
				struct netmap_slot *s = &r->slot[r->head];
				uint32_t seq = *(uint32_t *)((char *)NETMAP_BUF(r, s->buf_idx) + 14) / 8;

				if (!(s->flags & NS_TXMON) || (!first && seq <= last))
					misordered++;
				last = seq;
				first = 0;
				seen++;
				nmt_advance(r, 1);
			}
			nmt_sleep_ms(1);
		}
		nmt_port_close(&m);	/* with frames still flowing */
		rounds++;
	}
	pthread_join(tx, NULL);
	pthread_join(rx, NULL);
	is(fl.got, fl.count, "%u frames arrive while monitors come and go", fl.count);
	is(fl.bad, 0, "none of them corrupt or out of order");
	ok(rounds > 0 && seen > 0 && misordered == 0,
	   "%u monitors opened and closed mid-flow saw %u frames, all NS_TXMON and in order (%u bad)",
	   rounds, seen, misordered);
	nmt_port_close(&b);
	nmt_port_close(&a);
}

struct waiter {
	int fd;
	int ret;
	short revents;
	uint64_t ms;
};

static void *poll_wait(void *arg)
{
	struct waiter *w = arg;
	struct pollfd p = { .fd = w->fd, .events = POLLIN };
	uint64_t t0 = nmt_now_ms();

	w->ret = poll(&p, 1, 5000);
	w->revents = p.revents;
	w->ms = nmt_now_ms() - t0;
	return NULL;
}

/* The monitored port closes first: the monitor stops (EIO, POLLERR). */
static void port_closes_first(void)
{
	static const struct frame e = { 60, 1, { 90 }, 1 };
	struct nmt_port a, b, m, m2, v, mv;
	struct waiter w = { 0 };
	struct pollfd p;
	pthread_t th;

	if (nmt_port_open(&a, "mpc{1", &NMT_REQ_ALL) || nmt_port_open(&b, "mpc}1", &NMT_REQ_ALL))
		bail("open pipe mpc");
	if (mon_open(&m, "mpc{1", MON_TX | MON_RX, NR_REG_ALL_NIC, 0, 0))
		bail("open monitor of mpc{1");
	send_frames(&a, nmt_txring(&a, 0), &e, 1);
	receive(&b, nmt_rxring(&b, 0), &e, 1, "mpc: the slave gets the frame");
	expect(m.fd, nmt_rxring(&m, 0), &e, 1, "mpc: the monitor sees it");
	w.fd = m.fd;
	pthread_create(&th, NULL, poll_wait, &w);
	nmt_sleep_ms(200);
	nmt_port_close(&a);	/* the slave stays: the pipe's rings remain */
	pthread_join(th, NULL);
	ok(w.ret == 1 && (w.revents & POLLERR) && w.ms < 4000,
	   "a monitor sleeping in poll() wakes with POLLERR when the port closes (ret %d revents 0x%x, %llu ms)",
	   w.ret, w.revents, (unsigned long long)w.ms);
	is_err(nmt_rxsync(m.fd), EIO, "NIOCRXSYNC on the stopped monitor: EIO");
	p = (struct pollfd){ .fd = m.fd, .events = POLLIN };
	ok(poll(&p, 1, 0) == 1 && (p.revents & POLLERR), "poll on it: POLLERR");
	if (nmt_port_open(&a, "mpc{1", &NMT_REQ_ALL))
		bail("reopen mpc{1");
	send_frames(&a, nmt_txring(&a, 0), &e, 1);
	receive(&b, nmt_rxring(&b, 0), &e, 1, "the reopened master still sends");
	is_err(nmt_rxsync(m.fd), EIO, "the old monitor stays stopped");
	if (mon_open(&m2, "mpc{1", MON_TX, NR_REG_ALL_NIC, 0, 0))
		bail("open a new monitor of mpc{1");
	send_frames(&a, nmt_txring(&a, 0), &e, 1);
	receive(&b, nmt_rxring(&b, 0), &e, 1, "and once more");
	expect(m2.fd, nmt_rxring(&m2, 0), &e, 1, "a new monitor of the reopened port works");
	nmt_port_close(&m);
	nmt_port_close(&m2);
	nmt_port_close(&b);
	nmt_port_close(&a);

	/* A VALE port's last fd goes: the port itself is destroyed. */
	if (nmt_port_open(&v, "valeC:x", &NMT_REQ_ALL))
		bail("open valeC:x");
	if (mon_open(&mv, "valeC:x", MON_TX, NR_REG_ALL_NIC, 0, 0))
		bail("open monitor of valeC:x");
	nmt_port_close(&v);
	is_err(nmt_rxsync(mv.fd), EIO, "monitor of a VALE port that went away: EIO");
	nmt_port_close(&mv);
}

/* ------------------------------------------- legacy API and libnetmap */

static void legacy_and_lib(void)
{
	static const struct frame e = { 70, 1, { 100 }, 1 };
	struct nmt_port a, b, lm;
	struct nmport_d *d;
	struct nmreq nmr;
	int fd;

	if (nmt_port_open(&a, "ml{1", &NMT_REQ_ALL) || nmt_port_open(&b, "ml}1", &NMT_REQ_ALL))
		bail("open pipe ml");
	fd = nmt_open_dev();
	memset(&nmr, 0, sizeof(nmr));
	strcpy(nmr.nr_name, "ml{1");
	nmr.nr_version = NETMAP_API;
	nmr.nr_flags = NR_REG_ALL_NIC | NR_MONITOR_TX;
	if (is_err(nmt_ioctl(fd, NIOCREGIF, &nmr), 0, "legacy NIOCREGIF with NR_MONITOR_TX")) {
		lm.fd = fd;
		memset(&lm.reg, 0, sizeof(lm.reg));
		lm.reg.nr_memsize = nmr.nr_memsize;
		lm.reg.nr_offset = nmr.nr_offset;
		lm.mem = mmap(NULL, nmr.nr_memsize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (lm.mem == MAP_FAILED)
			bail("mmap legacy monitor");
		lm.memsize = nmr.nr_memsize;
		lm.nifp = NETMAP_IF(lm.mem, nmr.nr_offset);
		is(nmr.nr_rx_rings, 1, "legacy monitor: 1 RX ring");
		send_frames(&a, nmt_txring(&a, 0), &e, 1);
		receive(&b, nmt_rxring(&b, 0), &e, 1, "ml: the slave gets the frame");
		expect(fd, nmt_rxring(&lm, 0), &e, 1, "the legacy monitor sees it with NS_TXMON");
		munmap(lm.mem, lm.memsize);
	}
	close(fd);

	d = nmport_open("netmap:ml{1/t");
	ok(d && (d->reg.nr_flags & NR_MONITOR_TX) && !(d->reg.nr_flags & NR_MONITOR_RX) &&
	   !strcmp(d->nifp->ni_name, "ml{1/t#1"),
	   "libnetmap netmap:ml{1/t opens a TX monitor (%s)", d ? d->nifp->ni_name : "-");
	if (d)
		nmport_close(d);
	d = nmport_open("netmap:ml{1/r");
	ok(d && !strcmp(d->nifp->ni_name, "ml{1/r#2"), "netmap:ml{1/r opens an RX monitor");
	if (d)
		nmport_close(d);
	d = nmport_open("netmap:ml{1/rt");
	ok(d && !strcmp(d->nifp->ni_name, "ml{1/rt#3"), "netmap:ml{1/rt opens a TX+RX monitor");
	if (d)
		nmport_close(d);
	errno = 0;
	d = nmport_open("netmap:ml{1/z");
	ok(!d && errno == EOPNOTSUPP, "netmap:ml{1/z: EOPNOTSUPP (zero-copy not built)");
	if (d)
		nmport_close(d);
	nmt_port_close(&b);
	nmt_port_close(&a);
}

int main(void)
{
	tap_start(120);
	errors();
	pipe_kinds();
	ring_select();
	full_ring();
	vale();
	emulated();
	port_closes_first();
	monitor_closes_first();
	legacy_and_lib();
	return tap_end();
}
