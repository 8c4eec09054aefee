/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host unit tests of bridge: option parsing and br_move_ring() over rings
 * built in ordinary memory (ring headers, slot arrays and a buffer pool
 * in one block, as in a netmap region).  TAP output.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <net/netmap_user.h>

#include "bridge.h"

#define T_SLOTS		16
#define T_BUFSZ		256

#include "unit_test.h"

/* The kernel delivers a frame of len bytes in slots of at most frag bytes. */
static void t_receive(struct netmap_ring *rx, unsigned int len,
		      unsigned int frag, uint8_t fill)
{
	while (len > 0) {
		struct netmap_slot *s = &rx->slot[rx->tail];
		unsigned int l = len < frag ? len : frag;

		memset(NETMAP_BUF(rx, s->buf_idx), fill, l);
		s->len = (uint16_t)l;
		len -= l;
		s->flags = len ? NS_MOREFRAG : 0;
		rx->tail = nm_ring_next(rx, rx->tail);
	}
}

static int t_buf_is(struct netmap_ring *r, struct netmap_slot *s, uint8_t v)
{
	const uint8_t *p = (const uint8_t *)NETMAP_BUF(r, s->buf_idx);
	unsigned int i;

	for (i = 0; i < s->len; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static void test_zerocopy(void)
{
	struct t_region g;
	struct br_stats st = { 0 };
	uint32_t rbuf, tbuf;

	t_region_init(&g);
	t_receive(g.rx, 60, T_BUFSZ, 0xa1);
	t_receive(g.rx, 600, T_BUFSZ, 0xa2);	/* 3 slots */
	rbuf = g.rx->slot[0].buf_idx;
	tbuf = g.tx->slot[0].buf_idx;
	t_ok(br_move_ring(g.rx, g.tx, 100, true, &st) == 2,
	     "zero-copy: two frames moved");
	t_ok(g.tx->slot[0].buf_idx == rbuf && g.rx->slot[0].buf_idx == tbuf,
	     "zero-copy: buffers swapped");
	t_ok((g.tx->slot[0].flags & NS_BUF_CHANGED) &&
	     (g.rx->slot[0].flags & NS_BUF_CHANGED),
	     "zero-copy: NS_BUF_CHANGED on both slots");
	t_ok((g.tx->slot[1].flags & NS_MOREFRAG) &&
	     (g.tx->slot[2].flags & NS_MOREFRAG) &&
	     !(g.tx->slot[3].flags & NS_MOREFRAG) &&
	     !(g.tx->slot[0].flags & NS_MOREFRAG),
	     "zero-copy: NS_MOREFRAG kept on the chain");
	t_ok(g.rx->head == 4 && g.rx->cur == 4 && g.tx->head == 4 &&
	     g.tx->cur == 4, "zero-copy: heads and curs advanced");
	t_ok(st.packets == 2 && st.slots == 4 && st.bytes == 660 &&
	     st.dropped == 0, "zero-copy: counters");
	t_ok(t_buf_is(g.tx, &g.tx->slot[3], 0xa2), "zero-copy: payload moved");
	free(g.base);
}

static void test_copy(void)
{
	struct t_region g;
	struct br_stats st = { 0 };

	t_region_init(&g);
	t_receive(g.rx, 300, T_BUFSZ, 0xb1);
	t_ok(br_move_ring(g.rx, g.tx, 100, false, &st) == 1,
	     "copy: one frame moved");
	t_ok(g.tx->slot[0].buf_idx == T_SLOTS && g.rx->slot[0].buf_idx == 0,
	     "copy: buffers stay");
	t_ok(g.tx->slot[0].len == T_BUFSZ && g.tx->slot[1].len == 44 &&
	     (g.tx->slot[0].flags & NS_MOREFRAG) &&
	     !(g.tx->slot[1].flags & (NS_MOREFRAG | NS_BUF_CHANGED)),
	     "copy: lengths and flags");
	t_ok(t_buf_is(g.tx, &g.tx->slot[0], 0xb1) &&
	     t_buf_is(g.tx, &g.tx->slot[1], 0xb1), "copy: payload copied");
	t_ok(st.packets == 1 && st.slots == 2 && st.bytes == 300,
	     "copy: counters");
	free(g.base);
}

static void test_limits(void)
{
	struct t_region g;
	struct br_stats st = { 0 };
	int i;

	t_region_init(&g);
	for (i = 0; i < 5; i++)
		t_receive(g.rx, 60, T_BUFSZ, (uint8_t)i);
	t_ok(br_move_ring(g.rx, g.tx, 3, true, &st) == 3 &&
	     g.rx->head == 3 && g.rx->cur == 3,
	     "burst limit: 3 of 5 frames");
	free(g.base);

	t_region_init(&g);
	g.tx->tail = 2;				/* room for 2 slots */
	t_receive(g.rx, 60, T_BUFSZ, 1);
	t_receive(g.rx, 700, T_BUFSZ, 2);	/* 3 slots: does not fit */
	t_ok(br_move_ring(g.rx, g.tx, 100, true, &st) == 1 &&
	     g.rx->head == 1 && g.rx->cur == 1,
	     "TX room: a frame is never split");
	t_ok(g.tx->head == 1 && g.tx->cur == g.tx->tail,
	     "TX room: cur at tail waits for room for the whole frame");
	free(g.base);

	t_region_init(&g);
	t_receive(g.rx, 600, T_BUFSZ, 3);
	g.rx->tail = 2;				/* last fragment missing */
	t_ok(br_move_ring(g.rx, g.tx, 100, true, &st) == 0 &&
	     g.rx->head == 0 && g.rx->cur == 2 && g.tx->head == 0,
	     "incomplete chain: left in place, cur at tail");
	free(g.base);

	t_region_init(&g);
	memset(&st, 0, sizeof(st));
	*(uint32_t *)&g.tx->num_slots = 3;	/* at most 2 slots a frame */
	g.tx->tail = 2;
	t_receive(g.rx, 600, T_BUFSZ, 4);
	t_receive(g.rx, 60, T_BUFSZ, 5);
	t_ok(br_move_ring(g.rx, g.tx, 100, true, &st) == 1 &&
	     st.dropped == 1 && st.packets == 1 && g.rx->head == 4,
	     "frame longer than the TX ring: dropped");
	free(g.base);
}

static void test_wrap(void)
{
	struct t_region g;
	struct br_stats st = { 0 };

	t_region_init(&g);
	g.rx->head = g.rx->cur = g.rx->tail = T_SLOTS - 1;
	g.tx->head = g.tx->cur = T_SLOTS - 2;
	g.tx->tail = T_SLOTS - 3;
	t_receive(g.rx, 700, T_BUFSZ, 6);	/* slots 15, 0, 1 */
	t_ok(br_move_ring(g.rx, g.tx, 100, false, &st) == 1 &&
	     g.rx->head == 2 && g.tx->head == 1 &&
	     g.tx->slot[0].len == 188 && g.tx->slot[T_SLOTS - 1].len ==
	     T_BUFSZ && g.tx->slot[T_SLOTS - 2].len == T_BUFSZ &&
	     !(g.tx->slot[0].flags & NS_MOREFRAG),
	     "chains across the end of both rings");
	free(g.base);
}

/* Parse a NULL-terminated argument list. */
static enum br_parse t_parse(struct br_conf *c, const char *a0, ...)
{
	char *argv[16];
	int argc = 0;
	va_list ap;
	const char *s;

	argv[argc++] = (char *)"bridge";
	va_start(ap, a0);
	for (s = a0; s != NULL && argc < 15; s = va_arg(ap, const char *))
		argv[argc++] = (char *)s;
	va_end(ap);
	argv[argc] = NULL;
	return br_parse_args(c, argc, argv);
}

static void test_options(void)
{
	struct br_conf c;

	t_ok(t_parse(&c, "-i", "netmap:a", "-i", "netmap:b", NULL) ==
	     BR_PARSE_OK && !strcmp(c.ifa, "netmap:a") &&
	     !strcmp(c.ifb, "netmap:b") && c.burst == 1024 &&
	     c.wait_link == 4 && c.zerocopy && !c.same_port,
	     "options: two -i, defaults");
	t_ok(t_parse(&c, "-i", "a", "-i", "b", "-i", "c", NULL) ==
	     BR_PARSE_OK && !strcmp(c.ifb, "b"), "options: third -i ignored");
	t_ok(t_parse(&c, "-b", "0", "-i", "a", "-i", "b", NULL) ==
	     BR_PARSE_OK && c.burst == 1024, "options: -b 0 -> 1024");
	t_ok(t_parse(&c, "-b", "8193", "-i", "a", "-i", "b", NULL) ==
	     BR_PARSE_OK && c.burst == 1024, "options: -b 8193 -> 1024");
	t_ok(t_parse(&c, "-b", "8192", "-i", "a", "-i", "b", NULL) ==
	     BR_PARSE_OK && c.burst == 8192, "options: -b 8192 kept");
	t_ok(t_parse(&c, "-w", "101", "-i", "a", "-i", "b", NULL) ==
	     BR_PARSE_OK && c.wait_link == 4, "options: -w 101 -> 4");
	t_ok(t_parse(&c, "-w", "100", "-c", "-v", "-v", "-i", "a", "-i", "b",
		     NULL) == BR_PARSE_OK && c.wait_link == 100 &&
	     !c.zerocopy && c.verbose == 2, "options: -w 100 -c -v -v");
	t_ok(t_parse(&c, "x", "y", "64", NULL) == BR_PARSE_OK &&
	     !strcmp(c.ifa, "x") && !strcmp(c.ifb, "y") && c.burst == 64,
	     "options: positional ifa ifb burst");
	t_ok(t_parse(&c, "-i", "netmap:eth0", NULL) == BR_PARSE_OK &&
	     !strcmp(c.ifa, "netmap:eth0^") && !strcmp(c.ifb, "netmap:eth0"),
	     "options: single port -> host rings and NIC rings");
	t_ok(t_parse(&c, "-i", "e", "-i", "e", NULL) == BR_PARSE_OK &&
	     !strcmp(c.ifa, "e^") && !strcmp(c.ifb, "e"),
	     "options: A == B -> host rings and NIC rings");
	t_ok(t_parse(&c, "-L", "-i", "e", NULL) == BR_PARSE_OK &&
	     c.same_port && !strcmp(c.ifa, "e") && !strcmp(c.ifb, "e"),
	     "options: -L loops one port");
	t_ok(t_parse(&c, "-v", NULL) == BR_PARSE_ERROR,
	     "options: missing interface");
	t_ok(t_parse(&c, "-h", NULL) == BR_PARSE_HELP, "options: -h");
	t_ok(t_parse(&c, "-x", "-i", "a", NULL) == BR_PARSE_ERROR,
	     "options: unknown option");
	t_ok(t_parse(&c, "a", "b", "1", "junk", NULL) == BR_PARSE_ERROR,
	     "options: too many operands");
}

int main(void)
{
	test_zerocopy();
	test_copy();
	test_limits();
	test_wrap();
	test_options();
	return t_done();
}
