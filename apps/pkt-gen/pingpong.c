/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt-gen: ping and pong.
 *
 * ping sends a burst of tagged packets (send time in the tag) and waits
 * up to a second for them to come back, measuring the round-trip time of
 * every reply; once per second it prints "count N RTT: min X av Y ns
 * max Z ns" for the replies of that second.  pong sends every frame back
 * where it came from, with MAC addresses, IP addresses and UDP ports
 * swapped.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnetmap.h>

#include "pkt-gen.h"

#define PING_TIMEOUT_NS	1000000000ULL

struct ping_ctx {
	struct pg_thread *th;
	const struct pg_conf *c;
	struct pg_gen gen;
	struct pg_ctrs ctrs;
	uint32_t round_seq;	/* first sequence number of the round */
	unsigned int round_n;	/* pings sent in the round */
	unsigned int outstanding;
	uint64_t deadline;
	uint64_t last_print;
	struct pg_rtt iv;	/* replies since the last print */
	uint64_t hist[64];	/* by highest bit of the RTT */
};

static void rtt_add(struct pg_rtt *r, uint64_t v)
{
	if (r->count == 0 || v < r->min)
		r->min = v;
	if (v > r->max)
		r->max = v;
	r->count++;
	r->sum += v;
}

static int msb64(uint64_t v)
{
	return v ? 63 - __builtin_clzll(v) : 0;
}

/* Write the built packet into consecutive slots from head. */
static unsigned int put_packet(struct netmap_ring *r, unsigned int head,
			       const struct pg_gen *g, size_t frag_len)
{
	struct netmap_slot *s;
	size_t off = 0, n;

	do {
		s = &r->slot[head];
		n = g->len - off < frag_len ? g->len - off : frag_len;
		pg_gen_copy(g, (uint8_t *)NETMAP_BUF(r, s->buf_idx), off, n);
		s->len = (uint16_t)n;
		off += n;
		s->flags = off < g->len ? NS_MOREFRAG : 0;
		head = nm_ring_next(r, head);
	} while (off < g->len);
	return head;
}

static unsigned int send_pings(struct ping_ctx *x, unsigned int want)
{
	const struct pg_tmpl *t = x->th->run->tmpl;
	unsigned int nfr = pg_nfrags(x->c, t, x->c->pkt_size);
	unsigned int ri, n = 0, head;
	struct netmap_ring *r;

	for (ri = 0; ri < pg_tx_rings(x->th) && n < want; ri++) {
		r = pg_tx_ring(x->th, ri);
		head = r->head;
		while (n < want && nm_ring_space(r) >= nfr) {
			pg_gen_build(&x->gen, x->c->pkt_size, pg_now_ns());
			head = put_packet(r, head, &x->gen, x->c->frag_len);
			r->head = r->cur = head;
			n++;
		}
	}
	return n;
}

/* Start a round; false when -n transactions were all sent. */
static bool ping_round(struct ping_ctx *x)
{
	struct pg_run *run = x->th->run;
	uint64_t want = pg_quota_take(run, x->c->burst);
	unsigned int n;

	if (want == 0)
		return false;
	x->round_seq = x->gen.seq;
	n = send_pings(x, (unsigned int)want);
	if (n < want)
		pg_quota_return(run, want - n);
	if (n == 0)
		PG_RLOG(&x->th->rl, 1, "-- ouch, cannot send");
	pg_port_txsync(x->th);
	x->round_n = x->outstanding = n;
	x->deadline = pg_now_ns() + PING_TIMEOUT_NS;
	x->th->ping_sent += n;
	x->ctrs.pkts += n;
	x->ctrs.bytes += (uint64_t)n * x->c->pkt_size;
	x->ctrs.events += n > 0;
	return true;
}

static void ping_reply(struct ping_ctx *x, const struct pg_tag *tag,
		       uint64_t now)
{
	uint64_t rtt;

	if (tag->kind != PG_KIND_PING || tag->stream != (uint8_t)x->th->id ||
	    tag->ts > now)
		return;
	rtt = now - tag->ts;
	rtt_add(&x->iv, rtt);
	rtt_add(&x->th->rtt, rtt);
	x->hist[msb64(rtt)]++;
	if (x->outstanding && tag->seq - x->round_seq < x->round_n)
		x->outstanding--;
}

static void ping_recv(struct ping_ctx *x)
{
	uint8_t head[PG_HEAD_MAX];
	struct pg_parsed ps;
	struct netmap_ring *r;
	unsigned int ri, i, n;
	size_t len, got;

	for (ri = 0; ri < pg_rx_rings(x->th); ri++) {
		r = pg_rx_ring(x->th, ri);
		i = r->head;
		while (i != r->tail && (n = pg_rx_chain(r, i, &len)) != 0) {
			got = pg_rx_gather(r, i, n, head, sizeof(head));
			if (x->c->options & PG_OPT_DUMP)
				pg_dump(head, got, (int)ri, i,
					r->slot[i].buf_idx, r->slot[i].flags);
			if (pg_pkt_parse(head, got, x->th->run->tmpl->vh_len,
					 &ps) == 0 && ps.has_tag)
				ping_reply(x, &ps.tag, pg_now_ns());
			while (n--)
				i = nm_ring_next(r, i);
		}
		r->head = r->cur = i;
	}
}

static void print_hist(struct ping_ctx *x)
{
	char buf[512];
	int k, lo = 64, hi = -1, off = 0;

	for (k = 0; k < 64; k++) {
		if (!x->hist[k])
			continue;
		lo = k < lo ? k : lo;
		hi = k;
	}
	for (k = lo; k <= hi && off < (int)sizeof(buf) - 24; k++)
		off += snprintf(buf + off, sizeof(buf) - (size_t)off,
				" %5" PRIu64, x->hist[k]);
	if (hi >= 0)
		PG_LOG("RTT histogram, 2^%d .. 2^%d ns:%s", lo, hi, buf);
	memset(x->hist, 0, sizeof(x->hist));
}

static void ping_print(struct ping_ctx *x, uint64_t now)
{
	if (now - x->last_print < 1000000000ULL)
		return;
	x->last_print = now;
	if (x->iv.count == 0)
		return;
	PG_LOG("count %" PRIu64 " RTT: min %" PRIu64 " av %" PRIu64
	       " ns max %" PRIu64 " ns", x->iv.count, x->iv.min,
	       x->iv.sum / x->iv.count, x->iv.max);
	if (x->c->verbose)
		print_hist(x);
	memset(&x->iv, 0, sizeof(x->iv));
}

static int ping_wait(struct ping_ctx *x)
{
	uint64_t now = pg_now_ns();
	int ms = x->deadline > now ?
		 (int)((x->deadline - now + 999999) / 1000000) : 0;
	int rc = pg_port_wait(x->th, false, true, ms);

	if (rc < 0)
		PG_LOG("poll error on thread %d: %s", x->th->id,
		       strerror(errno));
	return rc;
}

static int ping_loop(struct ping_ctx *x)
{
	uint64_t now;

	while (!pg_stopping(x->th)) {
		if (x->outstanding == 0 && !ping_round(x))
			break;
		if (ping_wait(x) < 0)
			return -1;
		ping_recv(x);
		now = pg_now_ns();
		if (x->outstanding && now >= x->deadline) {
			PG_RLOG(&x->th->rl, 1, "%u replies missing after 1 s",
				x->outstanding);
			x->outstanding = 0;
		}
		ping_print(x, now);
		pg_publish(x->th, &x->ctrs);
	}
	return 0;
}

void *pg_ping_body(void *arg)
{
	struct pg_thread *th = arg;
	struct ping_ctx x;

	memset(&x, 0, sizeof(x));
	x.th = th;
	x.c = th->run->conf;
	x.last_print = pg_now_ns();
	pg_gen_init(&x.gen, th->run->tmpl, PG_KIND_PING, (uint8_t)th->id);
	clock_gettime(CLOCK_MONOTONIC, &th->tic);
	th->started = true;
	th->status = ping_loop(&x);
	clock_gettime(CLOCK_MONOTONIC, &th->toc);
	pg_publish(th, &x.ctrs);
	atomic_store(&th->done, true);
	return NULL;
}

struct pong_ctx {
	struct pg_thread *th;
	const struct pg_conf *c;
	struct pg_ctrs ctrs;
	size_t vh;
};

/* Copy the nslots-slot packet at rx slot i into tx slots from j. */
static unsigned int echo_packet(struct pong_ctx *x, struct netmap_ring *rx,
				unsigned int i, unsigned int nslots,
				struct netmap_ring *tx, unsigned int j)
{
	const struct netmap_slot *rs;
	struct netmap_slot *ts;
	uint8_t *dst;
	unsigned int k;

	for (k = 0; k < nslots; k++) {
		rs = &rx->slot[i];
		ts = &tx->slot[j];
		dst = (uint8_t *)NETMAP_BUF(tx, ts->buf_idx);
		memcpy(dst, NETMAP_BUF(rx, rs->buf_idx), rs->len);
		ts->len = rs->len;
		ts->flags = rs->flags & NS_MOREFRAG;
		if (k == 0) {
			pg_pkt_swap(dst, ts->len, x->vh);
			if (x->c->options & PG_OPT_DUMP)
				pg_dump(dst, ts->len, (int)tx->ringid, j,
					ts->buf_idx, ts->flags);
		}
		i = nm_ring_next(rx, i);
		j = nm_ring_next(tx, j);
	}
	return j;
}

static unsigned int echo_ring(struct pong_ctx *x, unsigned int ri,
			      unsigned int limit)
{
	struct netmap_ring *rx = pg_rx_ring(x->th, ri);
	struct netmap_ring *tx = pg_tx_ring(x->th, ri % pg_tx_rings(x->th));
	unsigned int i = rx->head, j = tx->head, n = 0, k, ns;
	size_t len;

	while (n < limit && i != rx->tail) {
		ns = pg_rx_chain(rx, i, &len);
		if (ns == 0 || nm_ring_space(tx) < ns)
			break;
		j = echo_packet(x, rx, i, ns, tx, j);
		tx->head = tx->cur = j;
		for (k = 0; k < ns; k++)
			i = nm_ring_next(rx, i);
		x->ctrs.bytes += len > x->vh ? len - x->vh : 0;
		n++;
	}
	rx->head = rx->cur = i;
	return n;
}

static unsigned int echo_all(struct pong_ctx *x)
{
	struct pg_run *run = x->th->run;
	unsigned int ri, n, got = 0;
	uint64_t want;

	for (ri = 0; ri < pg_rx_rings(x->th); ri++) {
		want = pg_quota_take(run, nm_ring_space(pg_rx_ring(x->th, ri)));
		if (want == 0)
			continue;
		n = echo_ring(x, ri, (unsigned int)want);
		if (n < want)
			pg_quota_return(run, want - n);
		got += n;
	}
	return got;
}

static int pong_loop(struct pong_ctx *x)
{
	struct pg_run *run = x->th->run;
	unsigned int n;
	int rc;

	while (!pg_stopping(x->th) &&
	       !(run->limited && atomic_load(&run->quota) == 0)) {
		rc = pg_port_wait(x->th, false, true, 1000);
		if (rc < 0) {
			PG_LOG("poll error on thread %d: %s", x->th->id,
			       strerror(errno));
			return -1;
		}
		if (rc == 0)
			continue;
		n = echo_all(x);
		pg_port_txsync(x->th);
		x->ctrs.pkts += n;
		x->ctrs.events += n > 0;
		pg_publish(x->th, &x->ctrs);
	}
	return 0;
}

void *pg_pong_body(void *arg)
{
	struct pg_thread *th = arg;
	struct pong_ctx x = {
		.th = th,
		.c = th->run->conf,
		.vh = th->run->tmpl->vh_len,
	};

	clock_gettime(CLOCK_MONOTONIC, &th->tic);
	th->started = true;
	th->status = pong_loop(&x);
	pg_port_drain(th);
	clock_gettime(CLOCK_MONOTONIC, &th->toc);
	pg_publish(th, &x.ctrs);
	atomic_store(&th->done, true);
	return NULL;
}
