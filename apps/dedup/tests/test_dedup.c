/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host unit tests of dedup: the detector with a fake clock, dd_forward()
 * over rings built in ordinary memory, option parsing.  TAP output.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <net/netmap_user.h>

#include "dedup.h"

#define T_SLOTS		16
#define T_BUFSZ		256

#include "unit_test.h"

/* A 60-byte frame: fill everywhere, tag in byte at. */
static void t_frame(unsigned char *f, unsigned char fill, unsigned int at,
		    unsigned char tag)
{
	memset(f, fill, 60);
	f[at] = tag;
}

static struct dd_table t_table(unsigned int size, uint64_t win)
{
	struct dd_table t;

	if (dd_table_init(&t, size, T_BUFSZ, win) < 0) {
		fprintf(stderr, "dd_table_init failed\n");
		exit(1);
	}
	return t;
}

static void test_exact(void)
{
	struct dd_table t = t_table(4, 100);
	unsigned char a[60], b[60];

	t_frame(a, 1, 0, 1);
	t_frame(b, 1, 0, 1);
	t_ok(!dd_seen(&t, a, 60), "empty window: nothing seen");
	dd_remember(&t, a, 60, 1000);
	t_ok(dd_seen(&t, b, 60), "same bytes, same length: duplicate");
	t_ok(!dd_seen(&t, b, 59), "same bytes, shorter: not a duplicate");
	b[59] = 2;
	t_ok(!dd_seen(&t, b, 60), "last byte differs: not a duplicate");
	t_frame(b, 1, 30, 9);
	t_ok(!dd_seen(&t, b, 60), "middle byte differs: not a duplicate");
	t_frame(b, 1, 0, 1);
	b[0] = 0;
	t_ok(!dd_seen(&t, b, 60), "first byte differs: not a duplicate");
	dd_table_fini(&t);
}

static void test_long_same_head(void)
{
	struct dd_table t = t_table(4, 100);
	unsigned char a[200], b[200];

	memset(a, 7, sizeof(a));
	memcpy(b, a, sizeof(b));
	b[150] = 8;		/* past the hashed bytes */
	dd_remember(&t, a, 200, 0);
	t_ok(dd_hash(a, 200) == dd_hash(b, 200) && !dd_seen(&t, b, 200),
	     "same first 64 bytes, byte 150 differs: not a duplicate");
	t_ok(dd_seen(&t, a, 200), "200-byte frame again: duplicate");
	dd_table_fini(&t);
}

static void test_time(void)
{
	struct dd_table t = t_table(4, 100);
	unsigned char a[60];

	t_frame(a, 3, 0, 3);
	dd_remember(&t, a, 60, 1000);
	dd_expire(&t, 1100);
	t_ok(dd_seen(&t, a, 60) && t.count == 1,
	     "age == window (100 us): still a duplicate");
	dd_expire(&t, 1101);
	t_ok(!dd_seen(&t, a, 60) && t.count == 0 && t.expired == 1,
	     "age 101 us > window: expired, passes");
	dd_remember(&t, a, 60, 2000);
	a[1] = 4;
	dd_remember(&t, a, 60, 2050);
	dd_expire(&t, 2120);
	t_ok(t.count == 1 && dd_seen(&t, a, 60) && (a[1] = 3, !dd_seen(&t, a, 60)),
	     "expiry goes oldest first: 2000 gone at 2120, 2050 kept");
	dd_table_fini(&t);

	t = t_table(4, 0);
	dd_remember(&t, a, 60, 5);
	dd_expire(&t, 5);
	t_ok(dd_seen(&t, a, 60), "window 0: same microsecond is a duplicate");
	dd_expire(&t, 6);
	t_ok(!dd_seen(&t, a, 60), "window 0: next microsecond is not");
	dd_table_fini(&t);
}

static void test_full(void)
{
	struct dd_table t = t_table(3, 1000000);
	unsigned char f[60];
	int i, seen = 0;

	for (i = 0; i < 4; i++) {
		t_frame(f, 5, 10, (unsigned char)i);
		dd_remember(&t, f, 60, (uint64_t)i);
	}
	t_ok(t.count == 3 && t.evicted == 1, "4 frames in a table of 3: one evicted");
	t_frame(f, 5, 10, 0);
	t_ok(!dd_seen(&t, f, 60), "the oldest (frame 0) evicted: passes");
	for (i = 1; i < 4; i++) {
		t_frame(f, 5, 10, (unsigned char)i);
		seen += dd_seen(&t, f, 60);
	}
	t_ok(seen == 3, "frames 1..3 still duplicates");
	dd_table_fini(&t);
	t_ok(dd_table_init(&t, 0, T_BUFSZ, 1) < 0, "table of 0 refused");
}

/* ---- forwarding over rings in memory ---- */

static void t_receive(struct netmap_ring *rx, unsigned char tag)
{
	struct netmap_slot *s = &rx->slot[rx->tail];

	t_frame((unsigned char *)NETMAP_BUF(rx, s->buf_idx), 0x55, 20, tag);
	s->len = 60;
	rx->tail = nm_ring_next(rx, rx->tail);
}

static int t_sent_tag(struct netmap_ring *tx, unsigned int i)
{
	const unsigned char *p =
		(const unsigned char *)NETMAP_BUF(tx, tx->slot[i].buf_idx);

	return tx->slot[i].len == 60 ? p[20] : -1;
}

static void t_fwd_init(struct dd_fwd *f, struct t_region *g,
		       struct dd_table *t, bool zcopy)
{
	memset(f, 0, sizeof(*f));
	f->rx = g->rx;
	f->tx = g->tx;
	f->zcopy = zcopy;
	f->table = t;
}

static void test_forward(bool zcopy)
{
	static const unsigned char seq[] = { 1, 2, 1, 3, 1, 2, 4 };
	struct t_region g;
	struct dd_table t = t_table(2, 1000);
	struct dd_fwd f;
	unsigned int i, pending;
	uint32_t rbuf0;

	t_region_init(&g);
	t_fwd_init(&f, &g, &t, zcopy);
	for (i = 0; i < sizeof(seq); i++)
		t_receive(g.rx, seq[i]);
	rbuf0 = g.rx->slot[0].buf_idx;
	/* window of 2 frames: 1 2 [1: dup] 3 (evicts 1) 1 (evicts 2) 2 4 */
	t_ok(dd_forward(&f, 10, &pending) == 6 && pending == 0,
	     zcopy ? "zero-copy: 6 of 7 forwarded" : "copy: 6 of 7 forwarded");
	t_ok(t_sent_tag(g.tx, 0) == 1 && t_sent_tag(g.tx, 1) == 2 &&
	     t_sent_tag(g.tx, 2) == 3 && t_sent_tag(g.tx, 3) == 1 &&
	     t_sent_tag(g.tx, 4) == 2 && t_sent_tag(g.tx, 5) == 4,
	     zcopy ? "zero-copy: payloads 1 2 3 1 2 4" :
		     "copy: payloads 1 2 3 1 2 4");
	t_ok(f.stats.received == 7 && f.stats.forwarded == 6 &&
	     f.stats.dropped == 1 && f.stats.bytes == 360,
	     zcopy ? "zero-copy: counters" : "copy: counters");
	t_ok(g.rx->head == 7 && g.rx->cur == 7 && g.tx->head == 6 &&
	     g.tx->cur == 6, zcopy ? "zero-copy: heads advanced" :
				     "copy: heads advanced");
	if (zcopy)
		t_ok(g.tx->slot[0].buf_idx == rbuf0 &&
		     g.rx->slot[0].buf_idx == T_SLOTS &&
		     (g.tx->slot[0].flags & NS_BUF_CHANGED) &&
		     (g.rx->slot[0].flags & NS_BUF_CHANGED),
		     "zero-copy: buffers swapped, NS_BUF_CHANGED on both");
	else
		t_ok(g.tx->slot[0].buf_idx == T_SLOTS &&
		     g.rx->slot[0].buf_idx == rbuf0 &&
		     !(g.tx->slot[0].flags & NS_BUF_CHANGED),
		     "copy: buffers stay in their rings");
	free(g.base);
	dd_table_fini(&t);
}

static void test_forward_full(void)
{
	struct t_region g;
	struct dd_table t = t_table(8, 1000);
	struct dd_fwd f;
	unsigned int pending;

	t_region_init(&g);
	t_fwd_init(&f, &g, &t, true);
	g.tx->tail = 2;			/* room for 2 */
	t_receive(g.rx, 1);
	t_receive(g.rx, 1);
	t_receive(g.rx, 2);
	t_receive(g.rx, 3);
	t_receive(g.rx, 2);
	t_ok(dd_forward(&f, 0, &pending) == 2 && pending == 2 &&
	     g.rx->head == 3 && f.stats.dropped == 1,
	     "TX full: 1 [dup] 2 moved, 3 and 2 left on the RX ring");
	g.tx->tail = 5;
	t_ok(dd_forward(&f, 1, &pending) == 1 && pending == 0 &&
	     f.stats.dropped == 2 && t_sent_tag(g.tx, 2) == 3,
	     "room again: 3 moved, the later 2 dropped as a duplicate");
	t_ok(dd_forward(&f, 2000, &pending) == 0 && t.count == 0,
	     "a pass after the window empties the table");
	free(g.base);
	dd_table_fini(&t);
}

/* ---- options ---- */

static enum dd_parse t_parse(struct dd_conf *c, FILE *err, const char *a0, ...)
{
	char *argv[20];
	int argc = 0;
	va_list ap;
	const char *s;

	argv[argc++] = (char *)"dedup";
	va_start(ap, a0);
	for (s = a0; s != NULL && argc < 19; s = va_arg(ap, const char *))
		argv[argc++] = (char *)s;
	va_end(ap);
	argv[argc] = NULL;
	return dd_parse_args(c, argc, argv, err);
}

static void test_options(FILE *err)
{
	struct dd_conf c;

	t_ok(t_parse(&c, err, "-i", "a", "-i", "b", NULL) == DD_PARSE_OK &&
	     !strcmp(c.ifa, "a") && !strcmp(c.ifb, "b") && c.zerocopy &&
	     !c.hold && c.verbose == 0 && c.wait_link == 2 &&
	     c.win_us == 50 && c.fifo_size == 10, "options: defaults");
	t_ok(t_parse(&c, err, "-c", "-H", "-v", "-v", "-w", "0", "-W",
		     "2147483647", "-F", "16384", "-i", "a", "-i", "b",
		     NULL) == DD_PARSE_OK && !c.zerocopy && c.hold &&
	     c.verbose == 2 && c.wait_link == 0 &&
	     c.win_us == 2147483647u && c.fifo_size == 16384,
	     "options: every option, largest values");
	t_ok(t_parse(&c, err, "-i", "a", "-i", "b", "-i", "c", NULL) ==
	     DD_PARSE_OK && !strcmp(c.ifb, "b"), "options: third -i ignored");
	t_ok(t_parse(&c, err, "-h", NULL) == DD_PARSE_HELP, "options: -h");
	t_ok(t_parse(&c, err, "-i", "a", NULL) == DD_PARSE_ERROR,
	     "options: one port refused");
	t_ok(t_parse(&c, err, "-F", "0", "-i", "a", "-i", "b", NULL) ==
	     DD_PARSE_ERROR, "options: -F 0 refused");
	t_ok(t_parse(&c, err, "-F", "16385", "-i", "a", "-i", "b", NULL) ==
	     DD_PARSE_ERROR, "options: -F 16385 refused");
	t_ok(t_parse(&c, err, "-W", "-1", "-i", "a", "-i", "b", NULL) ==
	     DD_PARSE_ERROR, "options: -W -1 refused");
	t_ok(t_parse(&c, err, "-W", "2147483648", "-i", "a", "-i", "b",
		     NULL) == DD_PARSE_ERROR, "options: -W 2147483648 refused");
	t_ok(t_parse(&c, err, "-w", "3601", "-i", "a", "-i", "b", NULL) ==
	     DD_PARSE_ERROR, "options: -w 3601 refused");
	t_ok(t_parse(&c, err, "-W", "5x", "-i", "a", "-i", "b", NULL) ==
	     DD_PARSE_ERROR, "options: -W 5x refused");
	t_ok(t_parse(&c, err, "-Q", "-i", "a", "-i", "b", NULL) ==
	     DD_PARSE_ERROR, "options: unknown option refused");
	t_ok(t_parse(&c, err, "-i", "a", "-i", "b", "extra", NULL) ==
	     DD_PARSE_ERROR, "options: operand refused");
	t_ok(t_parse(&c, err, "-i", "a", "-i", "b", "-F", NULL) ==
	     DD_PARSE_ERROR, "options: -F without a value refused");
}

int main(void)
{
	FILE *err = tmpfile();

	if (err == NULL) {
		perror("tmpfile");
		return 1;
	}
	test_exact();
	test_long_same_head();
	test_time();
	test_full();
	test_forward(true);
	test_forward(false);
	test_forward_full();
	test_options(err);
	fclose(err);
	return t_done();
}
