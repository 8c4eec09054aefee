// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_vale: VALE switches with ephemeral ports (ABI.md §14, §6.10, §9.1).
 *
 * Flooding of broadcast and unknown unicast to every other port, learning
 * (after one frame from each port unicast reaches only its port), isolation
 * of two switches, frames shorter than a header and frames to the sender
 * dropped, multi-slot frames (fragment count in the high byte), a full
 * destination ring keeps what fits, private regions, VALE_LIST lookup and
 * enumeration, the switch going away with its last port, name errors, the
 * max_bridges limit, NS_INDIRECT payloads, NR_EXCLUSIVE, and a bulk run of
 * mixed sizes with every byte checked.
 */
#include "common.h"
#include "vale_util.h"

#include <unistd.h>

static int open3(struct nmt_port p[3], const char *sw)
{
	char name[64];
	int i, err;

	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "%s:p%d", sw, i);
		err = nmt_port_open(&p[i], name, &NMT_REQ_ALL);
		if (!is_err(err, 0, "open %s", name)) {
			while (i--)
				nmt_port_close(&p[i]);
			return -1;
		}
	}
	return 0;
}

static void learning(void)
{
	struct nmt_port p[3], o;
	uint8_t dst[6];
	uint64_t seq = 0;
	int i;

	if (open3(p, "valeL"))
		return;
	ok(p[0].reg.nr_mem_id != p[1].reg.nr_mem_id && p[1].reg.nr_mem_id != 1,
	   "each ephemeral port has a private region (%u, %u)",
	   p[0].reg.nr_mem_id, p[1].reg.nr_mem_id);
	ok(p[0].nifp->ni_flags & NI_PRIV_MEM, "NI_PRIV_MEM is set");
	is_err(nmt_port_open(&o, "valeM:x", &NMT_REQ_ALL), 0, "open valeM:x (another switch)");

	/* Broadcast from each port: the two others get it, nobody else. */
	for (i = 0; i < 3; i++) {
		send_one(&p[i], BCAST, i, 60, 100 + i);
		is(drain(&p[(i + 1) % 3], &seq), 1, "broadcast from p%d reaches p%d", i, (i + 1) % 3);
		is((long long)seq, 100 + i, "with its payload");
		is(drain(&p[(i + 2) % 3], NULL), 1, "broadcast from p%d reaches p%d", i, (i + 2) % 3);
		is(drain(&p[i], NULL), 0, "and not its sender");
	}
	is(drain(&o, NULL), 0, "valeM:x saw none of valeL's frames");

	/* Every source is learned now: unicast goes to its port only. */
	mac_of(dst, 2);
	send_one(&p[0], dst, 0, 60, 7);
	is(drain(&p[2], &seq), 1, "unicast p0 -> MAC of p2 reaches p2");
	is((long long)seq, 7, "with its payload");
	is(drain(&p[1], NULL), 0, "and not p1");
	mac_of(dst, 0);
	send_one(&p[1], dst, 1, 1514, 8);
	is(drain(&p[0], &seq), 1, "unicast p1 -> MAC of p0 (1514 bytes) reaches p0");
	is(drain(&p[2], NULL), 0, "and not p2");

	/* Unknown unicast floods. */
	mac_of(dst, 99);
	send_one(&p[2], dst, 2, 60, 9);
	is(drain(&p[0], NULL) + drain(&p[1], NULL), 2, "unknown unicast floods to both others");

	/* Dropped: shorter than a header; addressed to the sender itself. */
	send_one(&p[0], BCAST, 0, 13, 10);
	is(drain(&p[1], NULL) + drain(&p[2], NULL), 0, "a 13-byte frame is dropped");
	mac_of(dst, 1);
	send_one(&p[1], dst, 1, 60, 11);
	is(drain(&p[0], NULL) + drain(&p[2], NULL) + drain(&p[1], NULL), 0,
	   "a frame to the sender's own MAC is dropped");

	/* A port that moves: p2 sends with p0's MAC, unicast to it goes to p2. */
	send_one(&p[2], BCAST, 0, 60, 12);
	drain(&p[0], NULL);
	drain(&p[1], NULL);
	mac_of(dst, 0);
	send_one(&p[1], dst, 1, 60, 13);
	is(drain(&p[2], NULL), 1, "a MAC that moved to p2 is learned there");
	is(drain(&p[0], NULL), 0, "and p0 no longer gets its frames");

	for (i = 0; i < 3; i++)
		nmt_port_close(&p[i]);
	nmt_port_close(&o);
}

/* NS_INDIRECT: the payload at a user address in slot->ptr. */
static void indirect(void)
{
	static uint8_t frame[5000];
	struct nmt_port a, b;
	struct netmap_ring *tx, *rx;
	struct netmap_slot *sl;
	uint32_t n;

	if (!is_err(nmt_port_open(&a, "valeI:a", &NMT_REQ_ALL), 0, "open valeI:a") ||
	    !is_err(nmt_port_open(&b, "valeI:b", &NMT_REQ_ALL), 0, "open valeI:b"))
		return;
	tx = nmt_txring(&a, 0);
	rx = nmt_rxring(&b, 0);
	memcpy(frame, BCAST, 6);
	mac_of(frame + 6, 1);
	frame[12] = ETHTYPE >> 8;
	frame[13] = ETHTYPE & 0xff;
	nmt_fill(frame + 14, sizeof(frame) - 14, 4242);

	sl = &tx->slot[tx->head];
	sl->ptr = (uint64_t)(uintptr_t)frame;
	sl->len = 300;
	sl->flags = NS_INDIRECT;
	nmt_advance(tx, 1);
	nmt_txsync(a.fd);
	nmt_rxsync(b.fd);
	n = nmt_dist(rx, rx->head, rx->tail);
	sl = &rx->slot[rx->head];
	ok(n == 1 && sl->len == 300 && !memcmp(NETMAP_BUF(rx, sl->buf_idx), frame, 300),
	   "a 300-byte NS_INDIRECT frame arrives with the bytes at slot->ptr");
	drain(&b, NULL);

	sl = &tx->slot[tx->head];
	sl->ptr = 8;		/* no mapping there */
	sl->len = 300;
	sl->flags = NS_INDIRECT;
	nmt_advance(tx, 1);
	nmt_txsync(a.fd);
	is(drain(&b, NULL), 0, "a bad slot->ptr: the frame is dropped");

	sl = &tx->slot[tx->head];
	sl->ptr = (uint64_t)(uintptr_t)frame;
	sl->len = sizeof(frame);
	sl->flags = NS_INDIRECT;
	nmt_advance(tx, 1);
	nmt_txsync(a.fd);
	nmt_rxsync(b.fd);
	sl = &rx->slot[rx->head];
	ok(rx->head != rx->tail && sl->len == tx->nr_buf_size &&
	   !memcmp(NETMAP_BUF(rx, sl->buf_idx), frame, sl->len),
	   "a %zu-byte NS_INDIRECT frame is cut to a buffer (%u bytes)", sizeof(frame),
	   rx->head != rx->tail ? sl->len : 0);
	drain(&b, NULL);
	nmt_port_close(&a);
	nmt_port_close(&b);
}

static void frags_and_full(void)
{
	struct nmt_port a, b;
	struct nmt_req rq = NMT_REQ_ALL;
	struct netmap_ring *tx, *rx;
	uint32_t i, n, bad = 0;
	uint8_t src[6];

	rq.rx_slots = 64;
	if (!is_err(nmt_port_open(&a, "valeF:a", &NMT_REQ_ALL), 0, "open valeF:a"))
		return;
	if (!is_err(nmt_port_open(&b, "valeF:b", &rq), 0, "open valeF:b with 64 RX slots")) {
		nmt_port_close(&a);
		return;
	}
	is(nmt_rxring(&b, 0)->num_slots, 64, "valeF:b has 64 RX slots");
	tx = nmt_txring(&a, 0);
	rx = nmt_rxring(&b, 0);

	/* One frame of three slots: header in the first. */
	mac_of(src, 1);
	put_frame(tx, BCAST, src, 100, 1);
	tx->slot[nmt_prev(tx, tx->head)].flags = NS_MOREFRAG;
	for (i = 0; i < 2; i++) {
		struct netmap_slot *s = &tx->slot[tx->head];

		memset(NETMAP_BUF(tx, s->buf_idx), 0xa0 + i, 200);
		s->len = 200;
		s->flags = i == 0 ? NS_MOREFRAG : 0;
		nmt_advance(tx, 1);
	}
	nmt_txsync(a.fd);
	n = nmt_rx_wait(b.fd, rx, 3, 1000);
	is(n, 3, "a 3-slot frame arrives in 3 slots");
	if (n == 3) {
		struct netmap_slot *s = &rx->slot[rx->head];

		is(s[0].flags, (3 << 8) | NS_MOREFRAG, "first fragment: count 3, NS_MOREFRAG");
		is(rx->slot[(rx->head + 2) % 64].flags, 3 << 8, "last fragment: count 3 only");
		is(rx->slot[(rx->head + 1) % 64].len, 200, "middle fragment length");
		ok(((uint8_t *)NETMAP_BUF(rx, rx->slot[(rx->head + 2) % 64].buf_idx))[199] == 0xa1,
		   "last fragment's bytes");
		nmt_advance(rx, 3);
		nmt_rxsync(b.fd);
	}

	/* 100 frames into a 64-slot ring nobody reads: 63 fit, in order. */
	for (i = 0; i < 100; i++)
		put_frame(tx, BCAST, src, 60 + i, 1000 + i);
	nmt_txsync(a.fd);
	n = nmt_rx_wait(b.fd, rx, 63, 1000);
	is(n, 63, "a full ring keeps 63 of 100 frames, the rest is dropped");
	for (i = 0; i < n; i++) {
		struct netmap_slot *s = &rx->slot[(rx->head + i) % 64];

		if (s->len != 60 + i ||
		    nmt_check((uint8_t *)NETMAP_BUF(rx, s->buf_idx) + 14, s->len - 14, 1000 + i) >= 0)
			bad++;
	}
	is(bad, 0, "the first 63, in order, bytes checked");
	nmt_port_close(&a);
	nmt_port_close(&b);
}

static void listing_and_names(void)
{
	struct nmt_port p[3], x;
	char name[NETMAP_REQ_IFNAMSIZ];
	uint16_t b = 0;
	uint32_t port = 0, found = 0;
	int fd = nmt_open_dev(), err, i;
	long maxb = 8;

	if (open3(p, "valeZ"))
		return;
	is_err(vale_list(fd, "valeZ:p1", &b, &port, NULL), 0, "VALE_LIST valeZ:p1");
	is(port, 1, "p1 is port 1");
	is_err(vale_list(fd, "valeZ:nope", &b, &port, NULL), 0, "VALE_LIST of an unknown port");
	is(port, 255, "reports NM_BDG_NOPORT");
	is_err(vale_list(fd, "valeNone:x", &b, &port, NULL), ENOENT, "VALE_LIST of an unknown switch");
	is_err(vale_list(fd, "foo:x", &b, &port, NULL), EINVAL, "VALE_LIST of a non-VALE name");
	for (b = 0, port = 0;; port++) {
		err = vale_list(fd, "", &b, &port, name);
		if (err)
			break;
		found += !strncmp(name, "valeZ:p", 7);
	}
	is_err(err, ENOENT, "enumeration ends with ENOENT");
	is(found, 3, "enumeration lists valeZ's 3 ports");

	for (i = 0; i < 3; i++)
		nmt_port_close(&p[i]);
	b = 0;
	port = 0;
	is_err(vale_list(fd, "valeZ:p1", &b, &port, NULL), ENOENT,
	       "the switch is gone with its last port");

	is_err(nmt_port_open(&x, "valeZ:lo", &NMT_REQ_ALL), EINVAL,
	       "valeZ:lo (a network interface) cannot be registered");
	is_err(nmt_port_open(&x, "vale-1:a", &NMT_REQ_ALL), ENOMEM,
	       "a malformed switch name -> ENOMEM");
	is_err(nmt_port_open(&x, "valeZ:", &NMT_REQ_ALL), EINVAL, "an empty port part -> EINVAL");
	{
		struct nmt_req rq = { .mode = NR_REG_SW };

		is_err(nmt_port_open(&x, "valeZ:h", &rq), EINVAL, "host rings of a VALE port -> EINVAL");
	}

	/* max_bridges switches, then ENOMEM. */
	nmt_param_read("max_bridges", &maxb);
	{
		struct nmt_port s[64];
		int n = 0;

		for (i = 0; i < maxb && i < 64; i++) {
			snprintf(name, sizeof(name), "valeB%d:a", i);
			if (nmt_port_open(&s[n], name, &NMT_REQ_ALL) == 0)
				n++;
		}
		is(n, maxb, "%ld switches can exist", maxb);
		is_err(nmt_port_open(&x, "valeBX:a", &NMT_REQ_ALL), ENOMEM,
		       "one more switch -> ENOMEM");
		while (n--)
			nmt_port_close(&s[n]);
		is_err(nmt_port_open(&x, "valeBX:a", &NMT_REQ_ALL), 0,
		       "after closing them a new switch can be made");
		nmt_port_close(&x);
	}
	close(fd);
}

/* Bulk: mixed sizes a -> b with every byte checked, then b -> a. */
static void bulk(uint32_t total)
{
	struct nmt_port p[2];
	uint8_t dst[6];
	uint32_t dir, bad;

	if (!is_err(nmt_port_open(&p[0], "valeK:a", &NMT_REQ_ALL), 0, "open valeK:a") ||
	    !is_err(nmt_port_open(&p[1], "valeK:b", &NMT_REQ_ALL), 0, "open valeK:b"))
		return;
	for (dir = 0; dir < 2; dir++) {
		mac_of(dst, !dir);
		is(vale_cross(&p[dir], dir, dst, &p[!dir], total, 60000, &bad), total,
		   "%s: %u frames arrive", dir ? "b -> a" : "a -> b", total);
		is(bad, 0, "in order, every byte checked");
	}
	nmt_port_close(&p[0]);
	nmt_port_close(&p[1]);
}

/*
 * NR_EXCLUSIVE on a VALE port: while one fd holds it exclusively, any other
 * register of it fails with EBUSY; an exclusive register of a port in use
 * fails too; the switch's other ports are not affected, frames still reach
 * the exclusive port, and closing it frees the name.
 */
static void exclusive(void)
{
	struct nmt_req x = { .mode = NR_REG_ALL_NIC, .flags = NR_EXCLUSIVE };
	struct nmt_port a, a2, b;
	uint64_t seq = 0;

	is_err(nmt_port_open(&a, "valeE:a", &x), 0, "valeE:a registered exclusively");
	is_err(nmt_port_open(&a2, "valeE:a", &NMT_REQ_ALL), EBUSY,
	       "valeE:a again -> EBUSY");
	is_err(nmt_port_open(&a2, "valeE:a", &x), EBUSY,
	       "valeE:a again, exclusive -> EBUSY");
	is_err(nmt_port_open(&b, "valeE:b", &NMT_REQ_ALL), 0, "valeE:b beside it");
	is_err(nmt_port_open(&a2, "valeE:b", &x), EBUSY,
	       "valeE:b (in use) exclusively -> EBUSY");
	is_err(send_one(&b, BCAST, 2, 60, 7), 0, "valeE:b sends a broadcast");
	nmt_sleep_ms(50);
	is(drain(&a, &seq), 1, "the exclusive port gets it");
	is(seq, 7, "the right frame");
	nmt_port_close(&a);
	is_err(nmt_port_open(&a2, "valeE:a", &NMT_REQ_ALL), 0,
	       "closed: valeE:a registers again");
	nmt_port_close(&a2);
	nmt_port_close(&b);
}

int main(int argc, char **argv)
{
	uint32_t total = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 200000;

	tap_start(300);
	learning();
	frags_and_full();
	indirect();
	exclusive();
	listing_and_names();
	bulk(total);
	return tap_end();
}
