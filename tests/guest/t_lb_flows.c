// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_lb_flows: receiver of t_lb.sh, and a small TAP test by itself.
 *
 *   t_lb_flows                          TAP: the flow key of a frame and of
 *                                       its reverse agree, other flows differ
 *   t_lb_flows rx PORT FILE IDLE_MS MAX_S
 *       open PORT (nmport_open syntax), print "ready", receive until IDLE_MS
 *       pass without a frame after the first one, MAX_S seconds in all, or
 *       SIGTERM; print "frames N bytes B flows K nonudp U" and write to FILE
 *       one line per flow: "A:P-B:Q COUNT", the endpoints of the IPv4 UDP
 *       or TCP flow in a fixed order (so both directions give one key).
 */
#define _GNU_SOURCE
#include "common.h"

#include <libnetmap.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

#define FL_TABLE	65536		/* flows kept, a power of two */

struct fl_key {
	uint32_t a, b;			/* host order, a <= b as (addr, port) */
	uint16_t pa, pb;
};

struct fl_entry {
	struct fl_key k;
	uint64_t count;
	int used;
};

struct fl_table {
	struct fl_entry *e;
	uint64_t flows, frames, bytes, nonudp;
};

static volatile sig_atomic_t fl_stop;

static void fl_on_term(int sig)
{
	(void)sig;
	fl_stop = 1;
}

static uint32_t fl_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint16_t fl_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* 0 and the key of an IPv4 TCP/UDP frame, -1 for anything else. */
static int fl_key_of(const uint8_t *f, size_t len, struct fl_key *k)
{
	uint32_t s, d;
	uint16_t sp, dp;
	size_t ihl;

	if (len < 14 + 20 || fl_be16(f + 12) != 0x0800 || (f[14] >> 4) != 4)
		return -1;
	ihl = (size_t)(f[14] & 15) * 4;
	if ((f[23] != 17 && f[23] != 6) || len < 14 + ihl + 4)
		return -1;
	s = fl_be32(f + 26);
	d = fl_be32(f + 30);
	sp = fl_be16(f + 14 + ihl);
	dp = fl_be16(f + 14 + ihl + 2);
	if (s < d || (s == d && sp <= dp))
		*k = (struct fl_key){ s, d, sp, dp };
	else
		*k = (struct fl_key){ d, s, dp, sp };
	return 0;
}

static int fl_same(const struct fl_key *x, const struct fl_key *y)
{
	return x->a == y->a && x->b == y->b && x->pa == y->pa && x->pb == y->pb;
}

static void fl_count(struct fl_table *t, const struct fl_key *k)
{
	uint32_t h = (k->a * 2654435761u) ^ (k->b * 40503u) ^
		     ((uint32_t)k->pa << 16 | k->pb);
	uint32_t i, n;

	for (n = 0, i = h & (FL_TABLE - 1); n < FL_TABLE;
	     n++, i = (i + 1) & (FL_TABLE - 1)) {
		struct fl_entry *e = &t->e[i];

		if (!e->used) {
			e->used = 1;
			e->k = *k;
			t->flows++;
		}
		if (fl_same(&e->k, k)) {
			e->count++;
			return;
		}
	}
}

static void fl_ip(char *buf, size_t size, uint32_t a)
{
	snprintf(buf, size, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
		 (a >> 8) & 255, a & 255);
}

static int fl_write(const struct fl_table *t, const char *file)
{
	FILE *f = fopen(file, "w");
	char a[16], b[16];
	uint32_t i;

	if (f == NULL)
		return -1;
	for (i = 0; i < FL_TABLE; i++) {
		const struct fl_entry *e = &t->e[i];

		if (!e->used)
			continue;
		fl_ip(a, sizeof(a), e->k.a);
		fl_ip(b, sizeof(b), e->k.b);
		fprintf(f, "%s:%u-%s:%u %llu\n", a, e->k.pa, b, e->k.pb,
			(unsigned long long)e->count);
	}
	return fclose(f);
}

static uint64_t fl_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static unsigned int fl_drain(struct nmport_d *d, struct fl_table *t)
{
	unsigned int n = 0, r;

	for (r = d->first_rx_ring; r <= d->last_rx_ring; r++) {
		struct netmap_ring *rx = NETMAP_RXRING(d->nifp, r);

		while (!nm_ring_empty(rx)) {
			struct netmap_slot *s = &rx->slot[rx->head];
			struct fl_key k;

			t->frames++;
			t->bytes += s->len;
			if (fl_key_of((const uint8_t *)NETMAP_BUF(rx, s->buf_idx),
				      s->len, &k) == 0)
				fl_count(t, &k);
			else
				t->nonudp++;
			rx->head = rx->cur = nm_ring_next(rx, rx->head);
			n++;
		}
	}
	return n;
}

static int fl_rx(const char *port, const char *file, unsigned int idle_ms,
		 unsigned int max_s)
{
	struct fl_table t = { 0 };
	struct nmport_d *d;
	uint64_t start, last = 0;

	signal(SIGTERM, fl_on_term);
	t.e = calloc(FL_TABLE, sizeof(*t.e));
	d = nmport_open(port);
	if (d == NULL || t.e == NULL) {
		fprintf(stderr, "t_lb_flows: cannot open %s\n", port);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	start = fl_ms();
	while (!fl_stop && fl_ms() - start < max_s * 1000ull) {
		struct pollfd p = { .fd = d->fd, .events = POLLIN };

		poll(&p, 1, 100);
		if (fl_drain(d, &t))
			last = fl_ms();
		else if (last && fl_ms() - last >= idle_ms)
			break;
	}
	printf("frames %llu bytes %llu flows %llu nonudp %llu\n",
	       (unsigned long long)t.frames, (unsigned long long)t.bytes,
	       (unsigned long long)t.flows, (unsigned long long)t.nonudp);
	nmport_close(d);
	if (fl_write(&t, file) != 0) {
		fprintf(stderr, "t_lb_flows: cannot write %s\n", file);
		return 1;
	}
	free(t.e);
	return 0;
}

/* A 60-byte UDP frame from s:sp to d:dp. */
static void fl_frame(uint8_t *f, uint32_t s, uint16_t sp, uint32_t d,
		     uint16_t dp)
{
	memset(f, 0, 60);
	f[12] = 0x08;
	f[14] = 0x45;
	f[23] = 17;
	f[26] = (uint8_t)(s >> 24); f[27] = (uint8_t)(s >> 16);
	f[28] = (uint8_t)(s >> 8); f[29] = (uint8_t)s;
	f[30] = (uint8_t)(d >> 24); f[31] = (uint8_t)(d >> 16);
	f[32] = (uint8_t)(d >> 8); f[33] = (uint8_t)d;
	f[34] = (uint8_t)(sp >> 8); f[35] = (uint8_t)sp;
	f[36] = (uint8_t)(dp >> 8); f[37] = (uint8_t)dp;
}

static int fl_self_test(void)
{
	uint8_t f[60], g[60];
	struct fl_key a, b;

	tap_start(10);
	fl_frame(f, 0x0a000001, 1000, 0x0a010001, 2000);
	fl_frame(g, 0x0a010001, 2000, 0x0a000001, 1000);
	ok(fl_key_of(f, 60, &a) == 0 && fl_key_of(g, 60, &b) == 0 &&
	   fl_same(&a, &b), "a frame and its reverse have one flow key");
	fl_frame(g, 0x0a010001, 2001, 0x0a000001, 1000);
	fl_key_of(g, 60, &b);
	ok(!fl_same(&a, &b), "another port, another key");
	f[13] = 0x06;
	ok(fl_key_of(f, 60, &a) < 0, "an ARP frame has no key");
	return tap_end();
}

int main(int argc, char **argv)
{
	if (argc == 1)
		return fl_self_test();
	if (argc == 6 && strcmp(argv[1], "rx") == 0)
		return fl_rx(argv[2], argv[3], (unsigned int)atoi(argv[4]),
			     (unsigned int)atoi(argv[5]));
	fprintf(stderr, "usage: t_lb_flows [rx PORT FILE IDLE_MS MAX_S]\n");
	return 2;
}
