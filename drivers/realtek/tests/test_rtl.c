// SPDX-License-Identifier: BSD-2-Clause
/*
 * The Realtek descriptor logic (rtl_nm.h) against a simulated chip that
 * follows the descriptor rules: it sends owned TX descriptors in ring order
 * (frames from first to last fragment), writes received frames into owned
 * RX descriptors (dropping when the next one is not owned), clears the own
 * bit and wraps at the end-of-ring bit. TAP output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtl_nm.h"

/* ------------------------------------------------ netmap side (mock) */

#define NBUFS 512
#define BUFSZ 2048
#define DMA_BASE 0x100000ull

static unsigned char bufs[NBUFS][BUFSZ];
struct nm_native { int unused; };
static struct nm_native the_nm;

void *nm_native_buf(struct nm_native *nm, struct netmap_slot *slot,
		    dma_addr_t *dma)
{
	(void)nm;
	if (slot->buf_idx < 2 || slot->buf_idx >= NBUFS)
		slot->buf_idx = 0;
	if (slot->len > BUFSZ)
		slot->len = BUFSZ;
	if (dma)
		*dma = DMA_BASE + (dma_addr_t)slot->buf_idx * BUFSZ;
	return bufs[slot->buf_idx];
}

u32 nm_native_buf_size(struct nm_native *nm)
{
	(void)nm;
	return BUFSZ;
}

void nm_native_sync_for_device(struct nm_native *nm, dma_addr_t dma, u32 len)
{
	(void)nm; (void)dma; (void)len;
}

void nm_native_sync_for_cpu(struct nm_native *nm, dma_addr_t dma, u32 len)
{
	(void)nm; (void)dma; (void)len;
}

static unsigned char *dma_to_buf(u64 dma)
{
	u64 i = (dma - DMA_BASE) / BUFSZ;

	if (dma < DMA_BASE || i >= NBUFS)
		return NULL;
	return bufs[i] + (dma - DMA_BASE) % BUFSZ;
}

/* ---------------------------------------------------------------- TAP */

static int tests, failed;

static int ok(int cond, const char *what)
{
	tests++;
	if (!cond)
		failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tests, what);
	return cond;
}

/* -------------------------------------------------- the simulated chip */

#define N 64
#define LENMASK 0x1fff
#define RX_ERR (1u << 20)

struct chip {
	struct rtl_desc tx[N], rx[N];
	u32 txp, rxp;			/* the chip's next descriptors */
	/* what went out */
	unsigned char sent[4096][1600];
	u32 sent_len[4096];
	u32 nsent, bad_flags, eor_bad;
	u32 rx_drops;
	u32 false_drops;		/* dropped while another descriptor was armed */
};

static struct chip c;

static u32 next_d(const struct rtl_desc *ring, u32 d)
{
	return (le32_to_cpu(ring[d].opts1) & RTL_EOR) ? 0 : d + 1;
}

/* Send what is owned, one frame at a time; returns frames sent. */
static u32 chip_tx(void)
{
	u32 frames = 0;

	for (;;) {
		u32 d = c.txp, len = 0, o = le32_to_cpu(c.tx[d].opts1);

		if (!(o & RTL_OWN))
			return frames;
		if (!(o & RTL_FS))
			c.bad_flags++;
		for (;;) {
			u32 flen;

			o = le32_to_cpu(c.tx[d].opts1);
			if (!(o & RTL_OWN))
				return frames;	/* half a frame: wait */
			if (((o & RTL_EOR) != 0) != (d == N - 1))
				c.eor_bad++;
			flen = o & LENMASK;
			memcpy(c.sent[c.nsent] + len, dma_to_buf(le64_to_cpu(c.tx[d].addr)),
			       flen);
			len += flen;
			c.tx[d].opts1 = cpu_to_le32(o & ~RTL_OWN);
			d = next_d(c.tx, d);
			if (o & RTL_LS)
				break;
		}
		c.sent_len[c.nsent++] = len;
		c.txp = d;
		frames++;
	}
}

/* One frame arrives; false if the chip had no descriptor for it. */
static bool chip_rx(const unsigned char *frame, u32 len, u32 err)
{
	u32 d = c.rxp, o = le32_to_cpu(c.rx[d].opts1);
	unsigned char *b;

	if (!(o & RTL_OWN)) {
		u32 i;

		c.rx_drops++;
		for (i = 0; i < N; i++)
			if (le32_to_cpu(c.rx[i].opts1) & RTL_OWN)
				c.false_drops++;
		return false;
	}
	if (((o & RTL_EOR) != 0) != (d == N - 1))
		c.eor_bad++;
	b = dma_to_buf(le64_to_cpu(c.rx[d].addr));
	memcpy(b, frame, len);
	memset(b + len, 0xfc, RTL_FCS_LEN);
	c.rx[d].opts1 = cpu_to_le32((o & RTL_EOR) | RTL_FS | RTL_LS | err |
				    (len + RTL_FCS_LEN));
	c.rxp = next_d(c.rx, d);
	return true;
}

/* -------------------------------------------------------- the netmap ring */

struct uring {
	struct netmap_slot slot[N];
	u32 head, tail;			/* userspace */
	u32 hwcur, hwtail, hw_ofs;	/* kernel */
};

static void fill(unsigned char *p, u32 len, u32 seq)
{
	u32 i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(seq * 7 + i * 13 + (i >> 8));
}

static bool check(const unsigned char *p, u32 len, u32 seq)
{
	u32 i;

	for (i = 0; i < len; i++)
		if (p[i] != (unsigned char)(seq * 7 + i * 13 + (i >> 8)))
			return false;
	return true;
}

static void ring_init(struct uring *u, bool tx, u32 first_buf)
{
	u32 i;

	memset(u, 0, sizeof(*u));
	for (i = 0; i < N; i++)
		u->slot[i].buf_idx = first_buf + i;
	u->tail = u->hwtail = tx ? N - 1 : 0;
}

static struct nm_native_sync mksync(struct uring *u)
{
	struct nm_native_sync s = {
		.nm = &the_nm, .slot = u->slot, .num_slots = N, .head = u->head,
		.hwcur = u->hwcur, .hwtail = u->hwtail, .hw_ofs = u->hw_ofs,
	};
	return s;
}

static struct rtl_nm_ring mkring(struct rtl_desc *d)
{
	struct rtl_nm_ring r = {
		.desc = d, .n = N, .len_mask = LENMASK, .rx_err = RX_ERR, .min_len = 60,
	};
	return r;
}

static void doorbell(void *chip)
{
	(void)chip;
}

static void txsync(struct uring *u)
{
	struct rtl_nm_ring r = mkring(c.tx);
	struct nm_native_sync s = mksync(u);

	rtl_nm_txsync(&r, &s, doorbell, NULL);
	u->hwcur = s.hwcur;
	u->hwtail = s.hwtail;
	u->tail = u->hwtail;
}

static u32 rxsync(struct uring *u)
{
	struct rtl_nm_ring r = mkring(c.rx);
	struct nm_native_sync s = mksync(u);
	u32 bad = rtl_nm_rx(&r, &s);

	u->hwcur = s.hwcur;
	u->hwtail = s.hwtail;
	u->tail = u->hwtail;
	return bad;
}

/* The core's ring reset (native.c), for a chip that starts over. */
static void tx_reset(struct uring *u)
{
	memset(c.tx, 0, sizeof(c.tx));
	c.tx[N - 1].opts1 = cpu_to_le32(RTL_EOR);
	c.txp = 0;
	u->hwtail = u->hwcur == 0 ? N - 1 : u->hwcur - 1;
	u->hw_ofs = u->hwcur;
}

static void rx_reset(struct uring *u)
{
	struct rtl_nm_ring r = mkring(c.rx);
	struct nm_native_ring ring = {
		.slot = u->slot, .num_slots = N, .hw_ofs = u->hwtail,
		.avail = u->hwcur == u->hwtail ? N : (u->hwcur + N - u->hwtail) % N,
	};

	c.rxp = 0;
	u->hw_ofs = u->hwtail;
	rtl_nm_rx_init(&r, &the_nm, &ring);
}

static u32 space(const struct uring *u)
{
	return (u->tail + N - u->head) % N;
}

/* --------------------------------------------------------------- tests */

/* Send total frames of the given lengths (fragments of frag bytes if > 0). */
static void tx_run(u32 total, u32 frag, const char *what)
{
	struct uring u;
	u32 seq = 0, rounds = 0, bad = 0, i;
	char msg[160];

	memset(&c, 0, sizeof(c));
	ring_init(&u, true, 2);
	tx_reset(&u);
	while (c.nsent < total && rounds++ < 100000) {
		/* userspace: queue frames while there is room */
		while (seq < total) {
			u32 len = 60 + (seq * 37) % 1400, nfr = frag ? (len + frag - 1) / frag : 1;
			unsigned char tmp[1600];

			if (space(&u) < nfr)
				break;
			fill(tmp, len, seq);
			for (i = 0; i < nfr; i++) {
				struct netmap_slot *s = &u.slot[u.head];
				u32 off = i * (frag ? frag : len);
				u32 l = (i == nfr - 1) ? len - off : frag;

				memcpy(bufs[s->buf_idx], tmp + off, l);
				s->len = (uint16_t)l;
				s->flags = i == nfr - 1 ? 0 : NS_MOREFRAG;
				u.head = (u.head + 1) % N;
			}
			seq++;
		}
		txsync(&u);
		chip_tx();
		if (rounds % 3 == 0)
			txsync(&u);	/* reclaim */
	}
	for (i = 0; i < c.nsent; i++)
		if (c.sent_len[i] != 60 + (i * 37) % 1400 || !check(c.sent[i], c.sent_len[i], i))
			bad++;
	snprintf(msg, sizeof(msg), "%s: %u frames out in order, bytes intact", what, total);
	ok(c.nsent == total && bad == 0, msg);
	snprintf(msg, sizeof(msg), "%s: first/last fragment and end-of-ring bits right", what);
	ok(c.bad_flags == 0 && c.eor_bad == 0, msg);
}

static void test_tx_padding_and_hold(void)
{
	struct uring u;

	memset(&c, 0, sizeof(c));
	ring_init(&u, true, 2);
	tx_reset(&u);
	u.slot[0].len = 20;
	u.slot[0].flags = 0;
	u.slot[1].len = 100;
	u.slot[1].flags = NS_MOREFRAG;	/* its last fragment is not there yet */
	u.head = 2;
	txsync(&u);
	ok(u.hwcur == 1, "an incomplete multi-slot frame at head is held");
	chip_tx();
	ok(c.nsent == 1 && c.sent_len[0] == 60, "a 20-byte frame goes out padded to 60");
	ok(le32_to_cpu(c.tx[1].opts1) == 0, "the held frame's descriptor was not touched");
	txsync(&u);
	ok(u.hwtail == 0, "the sent slot comes back, the held one does not");
	/* a descriptor the chip still owns stops the reclaim */
	u.slot[1].flags = 0;
	txsync(&u);
	ok(u.hwcur == 2 && u.hwtail == 0, "a frame the chip has not sent keeps its slot");
	chip_tx();
	txsync(&u);
	ok(u.hwtail == 1 && c.nsent == 2, "after sending, the slot is free again");
}

static void test_tx_offset(void)
{
	struct uring u;
	u32 i;

	memset(&c, 0, sizeof(c));
	ring_init(&u, true, 2);
	/* userspace had sent 13 slots before the chip was reset */
	u.head = u.hwcur = 13;
	u.hwtail = 12;
	tx_reset(&u);
	for (i = 0; i < 5; i++) {
		struct netmap_slot *s = &u.slot[u.head];

		fill(bufs[s->buf_idx], 64, i);
		s->len = 64;
		s->flags = 0;
		u.head++;
	}
	txsync(&u);
	chip_tx();
	ok(c.nsent == 5 && check(c.sent[0], 64, 0) && check(c.sent[4], 64, 4),
	   "after a reset at slot 13, descriptor 0 sends slot 13");
}

static void rx_run(u32 total, u32 batch, const char *what)
{
	struct uring u;
	u32 seq = 0, got = 0, bad = 0, rounds = 0;
	unsigned char f[1600];
	char msg[160];

	memset(&c, 0, sizeof(c));
	ring_init(&u, false, 100);
	rx_reset(&u);
	while (got < total && rounds++ < 100000) {
		/* the wire: up to 10 frames, no more than the chip can hold */
		u32 k;

		for (k = 0; k < 10 && seq < total; k++) {
			u32 len = 60 + (seq * 53) % 1450;

			fill(f, len, seq);
			if (!chip_rx(f, len, 0))
				break;
			seq++;
		}
		rxsync(&u);
		/* userspace: consume up to batch slots */
		for (k = 0; k < batch && u.head != u.tail; k++) {
			struct netmap_slot *s = &u.slot[u.head];
			u32 len = 60 + (got * 53) % 1450;

			if (s->len != len || !check(bufs[s->buf_idx], len, got))
				bad++;
			got++;
			u.head = (u.head + 1) % N;
		}
	}
	snprintf(msg, sizeof(msg), "%s: %u frames in, in order, FCS stripped, bytes intact",
		 what, total);
	ok(got == total && bad == 0, msg);
	snprintf(msg, sizeof(msg),
		 "%s: the chip lacked a descriptor only with the ring full (%u times), EOR right",
		 what, c.rx_drops);
	ok(c.false_drops == 0 && c.eor_bad == 0, msg);
}

static void test_rx_full_and_errors(void)
{
	struct uring u;
	unsigned char f[100];
	u32 i, in = 0;

	memset(&c, 0, sizeof(c));
	ring_init(&u, false, 100);
	rx_reset(&u);
	fill(f, 100, 1);
	for (i = 0; i < N + 5; i++)
		in += chip_rx(f, 100, 0);
	ok(in == N && c.rx_drops == 5, "a full ring takes exactly its 64 frames, then drops");
	rxsync(&u);
	ok(space(&u) == N - 1, "63 show up: the 64th waits in the slot before head");
	u.head = u.tail;
	rxsync(&u);
	ok(space(&u) == 1, "returning them shows the 64th");
	u.head = u.tail;
	rxsync(&u);
	ok(chip_rx(f, 100, RX_ERR) && chip_rx(f, 100, 0), "the chip takes frames again");
	rxsync(&u);
	ok(space(&u) == 2 && u.slot[u.head].len == 0 &&
	   u.slot[(u.head + 1) % N].len == 100,
	   "a frame with an error bit arrives as an empty slot, the next intact");
}

static void test_rx_bad_index(void)
{
	struct uring u;
	unsigned char f[80];

	memset(&c, 0, sizeof(c));
	ring_init(&u, false, 100);
	rx_reset(&u);
	fill(f, 80, 3);
	chip_rx(f, 80, 0);
	rxsync(&u);
	u.slot[u.head].buf_idx = 99999;		/* userspace breaks the index */
	u.head = u.tail;
	rxsync(&u);
	ok(dma_to_buf(le64_to_cpu(c.rx[0].addr)) == bufs[0],
	   "a returned slot with a bad buffer index is armed with buffer 0");
}

int main(void)
{
	printf("TAP version 13\n");
	tx_run(1000, 0, "tx single-slot");
	tx_run(1000, 512, "tx 512-byte fragments");
	test_tx_padding_and_hold();
	test_tx_offset();
	rx_run(2000, 7, "rx, batches of 7");
	rx_run(2000, 64, "rx, whole ring");
	test_rx_full_and_errors();
	test_rx_bad_index();
	printf("1..%d\n", tests);
	printf("%d passed, %d failed\n", tests - failed, failed);
	return failed != 0;
}
