/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host unit tests of lb: the flow hash (symmetry, non-IP frames, spread),
 * option parsing, the queues, and the forwarding over rings built in
 * ordinary memory (ring headers, slots and one buffer pool in one block,
 * as in a netmap region).  TAP output.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <net/netmap_user.h>

#include "lb.h"
#include "unit_test.h"

/* ---- frames ------------------------------------------------------------ */

struct t_tuple {
	int v6;
	uint8_t proto;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	int vlans;			/* 0, 1 or 2 tags */
};

static size_t t_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

/* An Ethernet frame for tuple t into f (at least 128 bytes); its length. */
static size_t t_frame(uint8_t *f, const struct t_tuple *t)
{
	size_t off = 12, l3;
	int i;

	memset(f, 0, 128);
	memset(f, 0xff, 6);
	f[6] = 0x02;
	for (i = 0; i < t->vlans; i++) {
		off += t_put16(f + off, i == 0 && t->vlans == 2 ? 0x88a8 : 0x8100);
		off += t_put16(f + off, (uint16_t)(100 + i));
	}
	off += t_put16(f + off, t->v6 ? 0x86dd : 0x0800);
	l3 = off;
	if (t->v6) {
		f[l3] = 0x60;
		f[l3 + 6] = t->proto;
		f[l3 + 7] = 64;
		memcpy(f + l3 + 8, t->src, 16);
		memcpy(f + l3 + 24, t->dst, 16);
		off += 40;
	} else {
		f[l3] = 0x45;
		f[l3 + 8] = 64;
		f[l3 + 9] = t->proto;
		memcpy(f + l3 + 12, t->src, 4);
		memcpy(f + l3 + 16, t->dst, 4);
		off += 20;
	}
	t_put16(f + off, t->sport);
	t_put16(f + off + 2, t->dport);
	return off + (t->proto == 6 ? 20 : 8) + 8;
}

static void t_reverse(struct t_tuple *r, const struct t_tuple *t)
{
	*r = *t;
	memcpy(r->src, t->dst, 16);
	memcpy(r->dst, t->src, 16);
	r->sport = t->dport;
	r->dport = t->sport;
}

static uint32_t t_hash(const struct t_tuple *t)
{
	uint8_t f[128];
	size_t len = t_frame(f, t);

	return lb_hash(f, len);
}

static struct t_tuple t_v4(uint8_t proto, uint32_t s, uint32_t d,
			   uint16_t sp, uint16_t dp)
{
	struct t_tuple t;
	int i;

	memset(&t, 0, sizeof(t));
	t.proto = proto;
	for (i = 0; i < 4; i++) {
		t.src[i] = (uint8_t)(s >> (24 - 8 * i));
		t.dst[i] = (uint8_t)(d >> (24 - 8 * i));
	}
	t.sport = sp;
	t.dport = dp;
	return t;
}

static struct t_tuple t_v6(uint8_t proto, uint8_t s, uint8_t d,
			   uint16_t sp, uint16_t dp)
{
	struct t_tuple t;

	memset(&t, 0, sizeof(t));
	t.v6 = 1;
	t.proto = proto;
	t.src[0] = t.dst[0] = 0xfd;
	t.src[15] = s;
	t.dst[15] = d;
	t.sport = sp;
	t.dport = dp;
	return t;
}

static int t_symmetric(const struct t_tuple *t)
{
	struct t_tuple r;
	uint32_t h = t_hash(t);

	t_reverse(&r, t);
	return h != 0 && h == t_hash(&r);
}

static void test_hash_symmetry(void)
{
	struct t_tuple t = t_v4(6, 0x0a000001, 0x0a010001, 1234, 80), u;
	uint8_t f[128];
	size_t len;

	t_ok(t_symmetric(&t), "hash: IPv4 TCP, both directions alike");
	t = t_v4(17, 0x0a000001, 0x0a010001, 1234, 53);
	t_ok(t_symmetric(&t), "hash: IPv4 UDP, both directions alike");
	u = t;
	u.vlans = 1;
	t_ok(t_symmetric(&u) && t_hash(&u) == t_hash(&t),
	     "hash: VLAN-tagged IPv4 UDP symmetric, equal to untagged");
	u.vlans = 2;
	t_ok(t_symmetric(&u) && t_hash(&u) == t_hash(&t),
	     "hash: QinQ (two tags) symmetric, equal to untagged");
	t = t_v6(6, 1, 2, 40000, 443);
	t_ok(t_symmetric(&t), "hash: IPv6 TCP, both directions alike");
	t = t_v6(17, 1, 2, 40000, 53);
	u = t;
	u.vlans = 1;
	t_ok(t_symmetric(&t) && t_symmetric(&u) && t_hash(&u) == t_hash(&t),
	     "hash: IPv6 UDP, plain and VLAN-tagged");
	t = t_v4(17, 0x0a000001, 0x0a000001, 1000, 2000);
	t_ok(t_symmetric(&t), "hash: same address both ends, ports ordered");
	t = t_v4(17, 0x0a000001, 0x0a010001, 1234, 53);
	u = t_v4(17, 0x0a000001, 0x0a010001, 1235, 53);
	t_ok(t_hash(&t) != t_hash(&u), "hash: the source port counts");
	u = t_v4(6, 0x0a000001, 0x0a010001, 1234, 53);
	t_ok(t_hash(&t) != t_hash(&u), "hash: the protocol counts");
	len = t_frame(f, &t);
	f[20] = 0x00;
	f[21] = 0x10;			/* a non-first fragment: no ports */
	u = t_v4(17, 0x0a000001, 0x0a010001, 9, 9);
	{
		uint8_t g[128];
		size_t glen = t_frame(g, &u);

		g[20] = 0x00;
		g[21] = 0x10;
		t_ok(lb_hash(f, len) != 0 && lb_hash(f, len) == lb_hash(g, glen),
		     "hash: IPv4 fragments hash on the addresses only");
	}
}

static void test_hash_non_ip(void)
{
	struct t_tuple t = t_v4(17, 1, 2, 3, 4);
	uint8_t f[128];
	size_t len = t_frame(f, &t);

	f[12] = 0x08;
	f[13] = 0x06;			/* ARP */
	t_ok(lb_hash(f, len) == 0, "hash: ARP frame is non-IP (0)");
	t_ok(lb_hash(f, 10) == 0, "hash: runt frame is 0");
	len = t_frame(f, &t);
	t_ok(lb_hash(f, 14 + 10) == 0, "hash: truncated IPv4 header is 0");
	f[14] = 0x65;			/* version 6 in an IPv4 ethertype */
	t_ok(lb_hash(f, len) == 0, "hash: bad IP version is 0");
}

/* Frames of n flows spread over npipes: each pipe within [lo, hi]. */
static int t_spread(unsigned int nflows, unsigned int npipes,
		    unsigned int lo, unsigned int hi)
{
	unsigned int count[16] = { 0 }, i;

	for (i = 0; i < nflows; i++) {
		struct t_tuple t = t_v4(17, 0x0a000001 + i / 10,
					0x0a010001 + i % 100,
					(uint16_t)(1000 + i % 10), 2000);

		count[t_hash(&t) % npipes]++;
	}
	for (i = 0; i < npipes; i++)
		if (count[i] < lo || count[i] > hi) {
			printf("# pipe %u of %u: %u flows\n", i, npipes,
			       count[i]);
			return 0;
		}
	return 1;
}

static void test_hash_spread(void)
{
	t_ok(t_spread(1000, 4, 200, 300),
	     "hash: 1000 flows over 4 pipes, each 200..300");
	t_ok(t_spread(1000, 3, 280, 390),
	     "hash: 1000 flows over 3 pipes, each 280..390");
	t_ok(t_spread(1000, 8, 90, 160),
	     "hash: 1000 flows over 8 pipes, each 90..160");
}

/* ---- options ------------------------------------------------------------ */

static enum lb_parse t_parse(struct lb_conf *c, const char *a0, ...)
{
	char *argv[24];
	int argc = 0;
	va_list ap;
	const char *s;

	argv[argc++] = (char *)"lb";
	va_start(ap, a0);
	for (s = a0; s != NULL && argc < 23; s = va_arg(ap, const char *))
		argv[argc++] = (char *)s;
	va_end(ap);
	argv[argc] = NULL;
	return lb_parse_args(c, argc, argv);
}

static void test_options(void)
{
	struct lb_conf c;
	char spec[LB_PORT_MAX], base[LB_NAME_MAX];

	t_ok(t_parse(&c, "-i", "eth0", NULL) == LB_PARSE_OK &&
	     !strcmp(c.ifname, "netmap:eth0") && c.ngroups == 1 &&
	     c.npipes == 2 && !c.groups[0].named && c.extra_bufs == 0 &&
	     c.batch == 2048 && c.wait_link == 2 && !c.busy_wait &&
	     c.syslog_int == 0 && c.stdout_int == 0,
	     "options: defaults (netmap: added, one group of 2 pipes)");
	t_ok(t_parse(&c, "-i", "vale0:a", NULL) == LB_PARSE_OK &&
	     !strcmp(c.ifname, "vale0:a"), "options: vale names kept");
	t_ok(t_parse(&c, "-i", "netmap:lbin{0", "-p", "out:4", "-p", "ids:2",
		     "-p", "out:3", "-p", "5", "-B", "4096", "-b", "64", "-w",
		     "0", "-W", "-s", "10", "-o", "1", NULL) == LB_PARSE_OK &&
	     c.ngroups == 4 && c.npipes == 14 && c.extra_bufs == 4096 &&
	     c.batch == 64 && c.wait_link == 0 && c.busy_wait &&
	     c.syslog_int == 10 && c.stdout_int == 1,
	     "options: every option");
	lb_name_groups(&c, c.ifname);
	t_ok(!strcmp(c.groups[0].name, "out") && c.groups[0].first_id == 0 &&
	     !strcmp(c.groups[1].name, "ids") && c.groups[1].first_id == 0 &&
	     !strcmp(c.groups[2].name, "out") && c.groups[2].first_id == 4 &&
	     !strcmp(c.groups[3].name, "lbin") && c.groups[3].first_id == 0,
	     "options: group names, numbering continues per name");
	t_ok(t_parse(&c, "-i", "x", "-p", "out:", NULL) == LB_PARSE_OK &&
	     c.npipes == 2 && c.groups[0].named, "options: -p NAME: gives 2");
	lb_base_name(base, sizeof(base), "netmap:eth0-1/T@2");
	t_ok(!strcmp(base, "eth0"), "options: base name stops at operators");
	lb_base_name(base, sizeof(base), "vale0:p{3");
	t_ok(!strcmp(base, "vale0:p"), "options: base name of a VALE pipe");
	t_ok(lb_pipe_spec(spec, sizeof(spec), "out", 3, 1) == 0 &&
	     !strcmp(spec, "netmap:out{3/xT@1"),
	     "options: lb's end is netmap:NAME{K/xT@MEMID");
	t_ok(lb_pipe_spec(spec, sizeof(spec), "vale1:x", 0, 2) == 0 &&
	     !strcmp(spec, "vale1:x{0/xT@2"), "options: no netmap: for vale");
	t_ok(t_parse(&c, "-h", NULL) == LB_PARSE_HELP, "options: -h");
	t_ok(t_parse(&c, "-p", "2", NULL) == LB_PARSE_ERROR,
	     "options: -i is required");
	t_ok(t_parse(&c, "-i", "a", "-i", "b", NULL) == LB_PARSE_ERROR,
	     "options: -i twice refused");
	t_ok(t_parse(&c, "-i", "a", "-p", ":3", NULL) == LB_PARSE_ERROR &&
	     t_parse(&c, "-i", "a", "-p", "0", NULL) == LB_PARSE_ERROR &&
	     t_parse(&c, "-i", "a", "-p", "x:2y", NULL) == LB_PARSE_ERROR &&
	     t_parse(&c, "-i", "a", "-p", "1025", NULL) == LB_PARSE_ERROR,
	     "options: bad -p specs refused");
	t_ok(t_parse(&c, "-i", "a", "-b", "0", NULL) == LB_PARSE_ERROR &&
	     t_parse(&c, "-i", "a", "-b", "65536", NULL) == LB_PARSE_ERROR &&
	     t_parse(&c, "-i", "a", "-B", "-1", NULL) == LB_PARSE_ERROR &&
	     t_parse(&c, "-i", "a", "-w", "x", NULL) == LB_PARSE_ERROR &&
	     t_parse(&c, "-i", "a", "-s", "86401", NULL) == LB_PARSE_ERROR,
	     "options: out-of-range numbers refused");
	t_ok(t_parse(&c, "-i", "a", "-b", "65535", "-B", "10000000", NULL) ==
	     LB_PARSE_OK && c.batch == 65535 && c.extra_bufs == 10000000,
	     "options: largest -b and -B kept");
	t_ok(t_parse(&c, "-Q", NULL) == LB_PARSE_ERROR &&
	     t_parse(&c, "-i", NULL) == LB_PARSE_ERROR &&
	     t_parse(&c, "-i", "a", "extra", NULL) == LB_PARSE_ERROR,
	     "options: unknown option, missing argument, operand");
}

/* ---- queues ------------------------------------------------------------- */

static void test_queue(void)
{
	struct lb_queue q;
	struct lb_buf b;
	uint32_t i;
	int ok = 1;

	t_ok(lb_queue_init(&q, 4) == 0 && q.n == 0 && lb_queue_room(&q) == 4,
	     "queue: empty, room 4");
	for (i = 0; i < 4; i++)
		ok &= lb_queue_push(&q, (struct lb_buf){ 10 + i, 60, 0 });
	t_ok(ok && !lb_queue_push(&q, (struct lb_buf){ 99, 0, 0 }) &&
	     q.n == 4, "queue: 4 in, the 5th refused");
	t_ok(lb_queue_pop(&q, &b) && b.idx == 10 && lb_queue_pop(&q, &b) &&
	     b.idx == 11, "queue: FIFO order");
	ok = lb_queue_push(&q, (struct lb_buf){ 14, 0, NS_MOREFRAG }) &&
	     lb_queue_push(&q, (struct lb_buf){ 15, 0, 0 });
	t_ok(ok && q.n == 4 && lb_queue_peek(&q, 3)->idx == 15 &&
	     lb_queue_peek(&q, 4) == NULL, "queue: wraps around, peek");
	lb_queue_pop(&q, &b);
	lb_queue_pop(&q, &b);
	t_ok(lb_queue_frame(&q) == 2, "queue: a 2-slot frame at the head");
	lb_queue_pop(&q, &b);
	lb_queue_pop(&q, &b);
	t_ok(b.idx == 15 && !lb_queue_pop(&q, &b) && lb_queue_frame(&q) == 0,
	     "queue: drained, pop of empty fails");
	lb_queue_fini(&q);
	t_ok(lb_queue_init(&q, 0) == 0 && !lb_queue_push(&q, b),
	     "queue: size 0 takes nothing");
}

/* ---- forwarding over rings in memory ------------------------------------ */

#define T_SLOTS		8
#define T_BUFSZ		256
#define T_PIPES		3
#define T_EXTRA		6
#define T_NBUFS		(T_SLOTS * (1 + T_PIPES) + T_EXTRA)
#define T_RING_BYTES	((sizeof(struct netmap_ring) + \
			  T_SLOTS * sizeof(struct netmap_slot) + 63) & ~63ul)

struct t_rig {
	char *base, *bufs;
	struct netmap_ring *rx;
	struct lb_pipe pipes[T_PIPES];
	struct lb_state s;
};

static struct netmap_ring *t_ring(struct t_rig *g, int k, uint32_t first)
{
	char *at = g->base + (size_t)k * T_RING_BYTES;
	struct netmap_ring *r = (struct netmap_ring *)at;
	uint32_t i;

	*(int64_t *)&r->buf_ofs = g->bufs - at;
	*(uint32_t *)&r->num_slots = T_SLOTS;
	*(uint32_t *)&r->nr_buf_size = T_BUFSZ;
	for (i = 0; i < T_SLOTS; i++)
		r->slot[i].buf_idx = first + i;
	return r;
}

/* Input ring, pipes 0..2 (groups: {0,1} and {2} if two_groups, else all
 * three in group 0), T_EXTRA extra buffers (queue size T_EXTRA). */
static void t_rig_init(struct t_rig *g, bool two_groups, uint32_t extra)
{
	size_t rings = (1 + T_PIPES) * T_RING_BYTES;
	uint32_t i;

	memset(g, 0, sizeof(*g));
	g->base = calloc(1, rings + T_NBUFS * T_BUFSZ);
	if (g->base == NULL)
		exit(1);
	g->bufs = g->base + rings;
	g->rx = t_ring(g, 0, 0);
	g->s.inref = g->rx;
	g->s.pipes = g->pipes;
	g->s.npipes = T_PIPES;
	lb_queue_init(&g->s.freeq, extra);
	for (i = 0; i < extra; i++)
		lb_queue_push(&g->s.freeq,
			      (struct lb_buf){ T_SLOTS * (1 + T_PIPES) + i, 0, 0 });
	for (i = 0; i < T_PIPES; i++) {
		struct lb_pipe *p = &g->pipes[i];

		p->ring = t_ring(g, 1 + (int)i, T_SLOTS * (1 + i));
		p->ring->tail = T_SLOTS - 1;	/* all free */
		p->zcopy = true;
		lb_queue_init(&p->oq, extra);
	}
	g->s.groups[0].pipes = g->pipes;
	g->s.groups[0].n = two_groups ? 2 : T_PIPES;
	g->s.ngroups = 1;
	if (two_groups) {
		g->s.groups[1].pipes = &g->pipes[2];
		g->s.groups[1].n = 1;
		g->s.ngroups = 2;
	}
}

static void t_rig_fini(struct t_rig *g)
{
	unsigned int i;

	for (i = 0; i < T_PIPES; i++)
		lb_queue_fini(&g->pipes[i].oq);
	lb_queue_fini(&g->s.freeq);
	free(g->base);
}

/* A frame of tuple t into the input ring (one slot); its buffer index. */
static uint32_t t_receive(struct t_rig *g, const struct t_tuple *t)
{
	struct netmap_slot *s = &g->rx->slot[g->rx->tail];

	s->len = (uint16_t)t_frame((uint8_t *)NETMAP_BUF(g->rx, s->buf_idx), t);
	s->flags = 0;
	g->rx->tail = nm_ring_next(g->rx, g->rx->tail);
	return s->buf_idx;
}

/* Index of the pipe a flow goes to in a group of n. */
static unsigned int t_pipe_of(const struct t_tuple *t, unsigned int n)
{
	return t_hash(t) % n;
}

/* Buffers in use, all distinct (nothing lost or doubled). */
static int t_buffers_conserved(struct t_rig *g)
{
	unsigned char seen[T_NBUFS] = { 0 };
	unsigned int i, k, total = 0;

#define T_SEE(x) do { if ((x) >= T_NBUFS || seen[x]++) return 0; total++; } \
	while (0)
	for (i = 0; i < T_SLOTS; i++) {
		T_SEE(g->rx->slot[i].buf_idx);
		for (k = 0; k < T_PIPES; k++)
			T_SEE(g->pipes[k].ring->slot[i].buf_idx);
	}
	for (k = 0; k < T_PIPES; k++)
		for (i = 0; i < g->pipes[k].oq.n; i++)
			T_SEE(lb_queue_peek(&g->pipes[k].oq, i)->idx);
	for (i = 0; i < g->s.freeq.n; i++)
		T_SEE(lb_queue_peek(&g->s.freeq, i)->idx);
#undef T_SEE
	return total == T_NBUFS - (T_EXTRA - g->s.freeq.size);
}

static void test_zerocopy(void)
{
	struct t_rig g;
	struct t_tuple t = t_v4(17, 0x0a000001, 0x0a010001, 1000, 2000);
	unsigned int k = t_pipe_of(&t, T_PIPES);
	struct netmap_ring *pr;
	uint32_t buf, old;

	t_rig_init(&g, false, T_EXTRA);
	pr = g.pipes[k].ring;
	buf = t_receive(&g, &t);
	old = pr->slot[0].buf_idx;
	t_ok(lb_rx_ring(&g.s, g.rx, 100) == 1 && g.rx->head == 1 &&
	     g.rx->cur == 1, "forward: one frame read, head and cur moved");
	t_ok(pr->head == 1 && pr->slot[0].buf_idx == buf &&
	     g.rx->slot[0].buf_idx == old,
	     "forward: zero copy: buffers swapped with the hashed pipe");
	t_ok((pr->slot[0].flags & NS_BUF_CHANGED) &&
	     (g.rx->slot[0].flags & NS_BUF_CHANGED) && pr->slot[0].len == 50,
	     "forward: NS_BUF_CHANGED on both slots, length kept");
	t_ok(g.s.forwarded == 1 && g.s.received == 1 &&
	     g.pipes[k].ctr.pkts == 1 && g.pipes[k].ctr.bytes == 50 &&
	     g.s.dropped == 0 && g.s.non_ip == 0, "forward: counters");
	t_ok(t_buffers_conserved(&g), "forward: every buffer in one place");
	t_rig_fini(&g);
}

static void test_copy(void)
{
	struct t_rig g;
	struct t_tuple t = t_v4(6, 0x0a000001, 0x0a010001, 1000, 80);
	unsigned int k = t_pipe_of(&t, T_PIPES);
	struct netmap_ring *pr;
	uint32_t buf;

	t_rig_init(&g, false, T_EXTRA);
	g.pipes[k].zcopy = false;
	pr = g.pipes[k].ring;
	buf = t_receive(&g, &t);
	lb_rx_ring(&g.s, g.rx, 100);
	t_ok(pr->slot[0].buf_idx != buf && g.rx->slot[0].buf_idx == buf &&
	     pr->slot[0].len == 62 &&
	     !memcmp(NETMAP_BUF(pr, pr->slot[0].buf_idx),
		     NETMAP_BUF(g.rx, buf), 62) &&
	     !(pr->slot[0].flags & NS_BUF_CHANGED),
	     "forward: other region: the frame is copied, buffers stay");
	t_rig_fini(&g);
}

/* A flow for pipe k of a group of n. */
static struct t_tuple t_flow_for(unsigned int k, unsigned int n,
				 unsigned int skip)
{
	uint16_t port;

	for (port = 1000;; port++) {
		struct t_tuple t = t_v4(17, 0x0a000001, 0x0a010001, port, 2000);

		if (t_pipe_of(&t, n) == k && skip-- == 0)
			return t;
	}
}

static void test_overflow(void)
{
	struct t_rig g;
	struct t_tuple t = t_flow_for(1, T_PIPES, 0);
	struct lb_pipe *p;
	unsigned int i;

	t_rig_init(&g, false, T_EXTRA);
	p = &g.pipes[1];
	p->ring->tail = 2;			/* room for 2 frames */
	for (i = 0; i < 5; i++)
		t_receive(&g, &t);
	t_ok(lb_rx_ring(&g.s, g.rx, 100) == 5 && p->ring->head == 2 &&
	     p->oq.n == 3 && g.s.freeq.n == T_EXTRA - 3 &&
	     g.s.forwarded == 2 && g.s.dropped == 0,
	     "overflow: 2 frames in the ring, 3 queued, none dropped");
	t_ok(t_buffers_conserved(&g),
	     "overflow: queued buffers taken, replaced from the free pool");
	t_ok(lb_drain(&g.s, p) == 0, "overflow: no room, nothing drained");
	p->ring->tail = 4;			/* the consumer freed 2 */
	t_ok(lb_drain(&g.s, p) == 2 && p->oq.n == 1 && p->ring->head == 4 &&
	     g.s.forwarded == 4 && p->ctr.pkts == 4 &&
	     g.s.freeq.n == T_EXTRA - 1, "overflow: 2 drained when room came");
	g.rx->head = g.rx->cur = g.rx->tail = 5;
	for (i = 0; i < 2; i++)
		t_receive(&g, &t);
	p->ring->tail = 7;
	lb_rx_ring(&g.s, g.rx, 100);
	t_ok(p->oq.n == 3 && p->ring->head == 4,
	     "overflow: with frames queued, new ones queue behind them");
	lb_drain(&g.s, p);
	t_ok(p->oq.n == 0 && p->ring->head == 7 && p->ctr.pkts == 7 &&
	     g.s.freeq.n == T_EXTRA && t_buffers_conserved(&g),
	     "overflow: order kept, all delivered, pool full again");
	t_rig_fini(&g);
}

static void test_queue_full(void)
{
	struct t_rig g;
	struct t_tuple t = t_flow_for(0, T_PIPES, 0);
	struct lb_pipe *p;
	unsigned int i;

	t_rig_init(&g, false, 4);
	p = &g.pipes[0];
	p->ring->tail = 0;			/* consumer stalled: no room */
	for (i = 0; i < 6; i++)
		t_receive(&g, &t);
	lb_rx_ring(&g.s, g.rx, 100);
	t_ok(p->oq.n == 4 && g.s.dropped == 2 && p->ctr.drop == 2 &&
	     p->ctr.drop_bytes == 100 && g.s.forwarded == 0,
	     "queue full: 4 queued (queue size), the 2 more dropped");
	t_rig_fini(&g);

	t_rig_init(&g, false, 0);
	g.pipes[0].ring->tail = 0;
	t_receive(&g, &t);
	lb_rx_ring(&g.s, g.rx, 100);
	t_ok(g.s.dropped == 1 && g.pipes[0].ctr.drop == 1,
	     "no extra buffers: a full pipe drops");
	t_rig_fini(&g);
}

static void test_revoke(void)
{
	struct t_rig g;
	struct t_tuple a = t_flow_for(0, T_PIPES, 0);
	struct t_tuple b = t_flow_for(1, T_PIPES, 0);
	unsigned int i;

	t_rig_init(&g, false, T_EXTRA);
	g.pipes[0].ring->tail = 0;
	g.pipes[1].ring->tail = 0;
	for (i = 0; i < 6; i++)
		t_receive(&g, &a);		/* the pool empties into pipe 0 */
	lb_rx_ring(&g.s, g.rx, 100);
	t_receive(&g, &b);
	lb_rx_ring(&g.s, g.rx, 100);
	t_ok(g.pipes[0].oq.n == 0 && g.pipes[0].ctr.drop == 6 &&
	     g.pipes[1].oq.n == 1 && g.pipes[1].ctr.drop == 0 &&
	     t_buffers_conserved(&g),
	     "revoke: empty pool: the longest queue's frames dropped for "
	     "the new one");
	t_rig_fini(&g);
}

static void test_groups(void)
{
	struct t_rig g;
	struct t_tuple t = t_flow_for(1, 2, 0);
	uint32_t buf;

	t_rig_init(&g, true, T_EXTRA);
	buf = t_receive(&g, &t);
	lb_rx_ring(&g.s, g.rx, 100);
	t_ok(g.pipes[1].ring->slot[0].buf_idx == buf &&
	     g.pipes[2].ring->slot[0].buf_idx != buf &&
	     g.pipes[2].ring->slot[0].len == 50 &&
	     !memcmp(NETMAP_BUF(g.rx, g.pipes[2].ring->slot[0].buf_idx),
		     NETMAP_BUF(g.rx, buf), 50) &&
	     g.pipes[0].ring->head == 0,
	     "groups: one pipe of each group: swapped into group 0, "
	     "copied into group 1");
	t_ok(g.s.forwarded == 2 && g.s.received == 1,
	     "groups: one frame received, forwarded twice");
	t_rig_fini(&g);
}

static void test_morefrag_nonip(void)
{
	struct t_rig g;
	struct t_tuple t = t_flow_for(2, T_PIPES, 0);
	struct netmap_ring *pr;

	t_rig_init(&g, false, T_EXTRA);
	t_receive(&g, &t);
	g.rx->slot[0].flags = NS_MOREFRAG;
	g.rx->slot[1].len = 100;
	g.rx->tail = 2;
	pr = g.pipes[2].ring;
	t_ok(lb_rx_ring(&g.s, g.rx, 100) == 1 && pr->head == 2 &&
	     (pr->slot[0].flags & NS_MOREFRAG) &&
	     !(pr->slot[1].flags & NS_MOREFRAG) && g.s.received_bytes == 150,
	     "frames: a two-slot chain goes whole to one pipe");
	g.rx->slot[2].flags = NS_MOREFRAG;
	g.rx->tail = 3;
	t_ok(lb_rx_ring(&g.s, g.rx, 100) == 0 && g.rx->head == 2 &&
	     g.rx->cur == 3, "frames: an unfinished chain waits (cur at tail)");
	t_rig_fini(&g);

	t_rig_init(&g, false, T_EXTRA);
	t_receive(&g, &t);
	((uint8_t *)NETMAP_BUF(g.rx, g.rx->slot[0].buf_idx))[12] = 0x88;
	lb_rx_ring(&g.s, g.rx, 100);
	t_ok(g.s.non_ip == 1 && g.pipes[0].ring->head == 1,
	     "frames: non-IP counted, sent to pipe 0");
	t_rig_fini(&g);
}

static void test_stats_lines(void)
{
	struct t_rig g;
	struct lb_counters d = { 1000, 125000, 10, 1000 }, tot;
	char line[1024];

	t_rig_init(&g, false, T_EXTRA);
	snprintf(g.pipes[1].spec, sizeof(g.pipes[1].spec), "netmap:out{1/xT@1");
	g.pipes[1].ctr = (struct lb_counters){ 5000, 300000, 20, 1200 };
	lb_stats_pipe_line(line, sizeof(line), 1.5, &g.pipes[1], 1, &d,
			   1000000);
	t_ok(!strcmp(line, "{\"ts\":1.500000,\"interface\":\"netmap:out{1/xT@1\","
		     "\"output_ring\":1,\"packets_forwarded\":5000,"
		     "\"packets_dropped\":20,\"data_forward_rate_Mbps\":0.9537,"
		     "\"data_drop_rate_Mbps\":0.0076,"
		     "\"packet_forward_rate_kpps\":1.0000,"
		     "\"packet_drop_rate_kpps\":0.0100,"
		     "\"overflow_queue_size\":0}"),
	     "stats: a pipe's line, upstream's fields");
	g.s.received = 5020;
	g.s.non_ip = 3;
	lb_sum(&g.s, &tot);
	lb_stats_all_line(line, sizeof(line), 2, "netmap:lbin{0", &g.s, &tot,
			  &d, 2000000);
	t_ok(!strcmp(line, "{\"ts\":2.000000,\"interface\":\"netmap:lbin{0\","
		     "\"output_ring\":null,\"packets_received\":5020,"
		     "\"packets_forwarded\":5000,\"packets_dropped\":20,"
		     "\"non_ip_packets\":3,\"data_forward_rate_Mbps\":0.4768,"
		     "\"data_drop_rate_Mbps\":0.0038,"
		     "\"packet_forward_rate_kpps\":0.5000,"
		     "\"packet_drop_rate_kpps\":0.0050,"
		     "\"free_buffer_slots\":6}"),
	     "stats: the aggregate line");
	t_rig_fini(&g);
}

int main(void)
{
	test_hash_symmetry();
	test_hash_non_ip();
	test_hash_spread();
	test_options();
	test_queue();
	test_zerocopy();
	test_copy();
	test_overflow();
	test_queue_full();
	test_revoke();
	test_groups();
	test_morefrag_nonip();
	test_stats_lines();
	return t_done();
}
