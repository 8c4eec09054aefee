/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt-gen: the tx and txseq functions, on netmap rings or on the "null"
 * device (packets are built in memory and dropped).
 *
 * By default a slot buffer gets the whole frame only the first time the
 * thread sees that buffer; afterwards only the head (headers and tag,
 * which change with every packet) is rewritten.  A buffer is "seen" per
 * slot by its index; NS_BUF_CHANGED (buffers moved by pipes or monitors)
 * forgets it.  -o 4 / -o 8 copy the whole frame every time, txseq too
 * (its filler depends on the sequence number), -r writes nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libnetmap.h>

#include "pkt-gen.h"

/* What this thread knows about one TX ring. */
struct tx_ring {
	uint32_t *known;	/* per slot: buffer holding the template */
	uint8_t *ind;		/* -I: one user frame per slot */
};

struct tx_ctx {
	struct pg_thread *th;
	const struct pg_conf *c;
	const struct pg_tmpl *t;
	struct pg_gen gen;
	struct pg_ctrs ctrs;
	struct tx_ring *rings;
	unsigned int nrings;
	size_t stride;		/* bytes per indirect frame */
	uint8_t *scratch;	/* null device: where packets go */
	bool scratch_ready;	/* scratch holds the template filler */
	bool dumped;
	bool random;
	bool fixed;		/* all packets have the same size */
	/* rate limiting (-R) */
	unsigned int burst;
	uint64_t period_ns;
	uint64_t next_ns;
	uint64_t credit;
};

unsigned int pg_nfrags(const struct pg_conf *c, const struct pg_tmpl *t,
		       unsigned int size)
{
	size_t len = t->vh_len + size;

	if (c->frag_len == 0 || len <= c->frag_len)
		return 1;
	return (unsigned int)((len + c->frag_len - 1) / c->frag_len);
}

static unsigned int next_size(struct tx_ctx *x)
{
	const struct pg_conf *c = x->c;
	unsigned int span = c->pkt_size - c->pkt_min_size;

	if (x->t->raw || span == 0)
		return x->t->max_size;
	return c->pkt_min_size +
	       (unsigned int)(pg_rand(&x->th->rng) % (span + 1));
}

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Build the head of the next packet and advance the flow. */
static void next_packet(struct tx_ctx *x, unsigned int size)
{
	unsigned int o = x->c->options;

	if (x->random)
		pg_flow_random(&x->gen.flow, &x->t->addrs,
			       o & PG_OPT_RANDOM_SRC, o & PG_OPT_RANDOM_DST,
			       &x->th->rng);
	pg_gen_build(&x->gen, size, (o & PG_OPT_TS) ? wall_ns() : 0);
	if (!x->random && !x->t->raw)
		pg_flow_next(&x->gen.flow, &x->t->addrs);
}

static bool full_copy_needed(const struct tx_ctx *x, const struct tx_ring *r,
			     const struct netmap_slot *slot, unsigned int i,
			     unsigned int nfrags)
{
	if ((x->c->options & (PG_OPT_COPY | PG_OPT_MEMCPY)) || nfrags > 1 ||
	    x->gen.seqfill || !x->fixed)
		return true;
	return r->known[i] != slot->buf_idx || (slot->flags & NS_BUF_CHANGED);
}

static void maybe_dump(struct tx_ctx *x, const uint8_t *p, size_t len,
		       int ring, unsigned int slot, unsigned int idx)
{
	if (!(x->c->options & PG_OPT_DUMP) || x->dumped)
		return;
	x->dumped = true;
	pg_dump(p, len, ring, slot, idx, 0);
}

/* Fragment k (of nfrags) of the current packet into slot i. */
static void write_frag(struct tx_ctx *x, struct netmap_ring *ring,
		       unsigned int ri, unsigned int i, unsigned int k,
		       unsigned int nfrags)
{
	struct netmap_slot *slot = &ring->slot[i];
	struct tx_ring *r = &x->rings[ri];
	size_t off = (size_t)k * x->c->frag_len;
	size_t n = k + 1 < nfrags ? x->c->frag_len : x->gen.len - off;
	uint8_t *buf;

	if (x->c->options & PG_OPT_INDIRECT) {
		buf = r->ind + (size_t)i * x->stride;
		pg_gen_copy(&x->gen, buf, 0, n);
		slot->ptr = (uint64_t)(uintptr_t)buf;
		slot->len = (uint16_t)n;
		slot->flags = NS_INDIRECT;
		return;
	}
	buf = (uint8_t *)NETMAP_BUF(ring, slot->buf_idx);
	if (x->c->options & PG_OPT_PREFETCH)
		__builtin_prefetch(NETMAP_BUF(ring,
				ring->slot[nm_ring_next(ring, i)].buf_idx));
	if (x->c->options & PG_OPT_RUBBISH) {
		/* nothing: whatever is in the buffer goes */
	} else if (full_copy_needed(x, r, slot, i, nfrags)) {
		pg_gen_copy(&x->gen, buf, off, n);
		r->known[i] = nfrags == 1 ? slot->buf_idx : 0;
	} else {
		pg_gen_copy(&x->gen, buf, 0, x->gen.head_len);
	}
	slot->len = (uint16_t)n;
	slot->flags = k + 1 < nfrags ? NS_MOREFRAG : 0;
	if (k == 0)
		maybe_dump(x, buf, n, (int)ri, i, slot->buf_idx);
}

/* Put up to want packets on one ring; returns how many. */
static unsigned int fill_ring(struct tx_ctx *x, unsigned int ri,
			      unsigned int want)
{
	struct netmap_ring *ring = pg_tx_ring(x->th, ri);
	unsigned int head = ring->head, space = nm_ring_space(ring);
	unsigned int n, k, size, nfrags;

	pg_note_space(x->th, space);
	for (n = 0; n < want; n++) {
		size = next_size(x);
		nfrags = pg_nfrags(x->c, x->t, size);
		if (space < nfrags)
			break;
		next_packet(x, size);
		for (k = 0; k < nfrags; k++) {
			write_frag(x, ring, ri, head, k, nfrags);
			head = nm_ring_next(ring, head);
		}
		space -= nfrags;
		x->ctrs.bytes += size;
	}
	ring->head = ring->cur = head;
	return n;
}

/* One batch on the netmap port: wait for room, fill the rings. */
static int batch_netmap(struct tx_ctx *x, unsigned int want)
{
	unsigned int ri, sent = 0;
	int rc;

	rc = pg_port_wait(x->th, true, false, 1000);
	if (rc < 0) {
		PG_LOG("poll error on thread %d: %s", x->th->id,
		       strerror(errno));
		return -1;
	}
	for (ri = 0; ri < x->nrings && sent < want; ri++)
		sent += fill_ring(x, ri, want - sent);
	return (int)sent;
}

static int batch_null(struct tx_ctx *x, unsigned int want)
{
	unsigned int n, size;

	for (n = 0; n < want; n++) {
		size = next_size(x);
		if (x->c->options & PG_OPT_RUBBISH) {
			x->ctrs.bytes += size;
			continue;
		}
		next_packet(x, size);
		if (!x->scratch_ready || x->gen.seqfill || !x->fixed ||
		    (x->c->options & (PG_OPT_COPY | PG_OPT_MEMCPY)))
			pg_gen_copy(&x->gen, x->scratch, 0, x->gen.len);
		else
			pg_gen_copy(&x->gen, x->scratch, 0, x->gen.head_len);
		x->scratch_ready = true;
		maybe_dump(x, x->scratch, x->gen.len, -1, 0, 0);
		x->ctrs.bytes += size;
	}
	return (int)n;
}

static void sleep_until(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ULL),
		.tv_nsec = (long)(ns % 1000000000ULL),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

static void rate_init(struct tx_ctx *x)
{
	uint64_t rate = x->c->rate / (uint64_t)x->c->nthreads;
	uint64_t lim;

	x->burst = x->c->burst;
	if (x->c->rate == 0)
		return;
	if (rate == 0)
		rate = 1;
	/* a batch is at most ~3 ms worth of packets */
	lim = rate / 300;
	if (x->burst > lim)
		x->burst = lim ? (unsigned int)lim : 1;
	x->period_ns = (uint64_t)x->burst * 1000000000ULL / rate;
	x->next_ns = pg_now_ns();
}

/* Packets allowed now: one burst per period, unsent ones carried over. */
static unsigned int rate_budget(struct tx_ctx *x)
{
	uint64_t now;

	if (x->c->rate == 0)
		return x->burst;
	now = pg_now_ns();
	if (now < x->next_ns) {
		sleep_until(x->next_ns);
		now = x->next_ns;
	}
	if (now - x->next_ns > 1000000000ULL)	/* fell far behind */
		x->next_ns = now;
	x->next_ns += x->period_ns;
	x->credit += x->burst;
	if (x->credit > 4ULL * x->burst)
		x->credit = 4ULL * x->burst;
	return (unsigned int)x->credit;
}

static int tx_loop(struct tx_ctx *x)
{
	struct pg_run *run = x->th->run;
	uint64_t want;
	int sent;

	while (!pg_stopping(x->th)) {
		want = pg_quota_take(run, rate_budget(x));
		if (want == 0)
			break;
		if (x->th->port)
			sent = batch_netmap(x, (unsigned int)want);
		else
			sent = batch_null(x, (unsigned int)want);
		if (sent < 0)
			return -1;
		if ((uint64_t)sent < want)
			pg_quota_return(run, want - (uint64_t)sent);
		if (x->credit)
			x->credit -= (uint64_t)sent;
		x->ctrs.pkts += (uint64_t)sent;
		x->ctrs.events += sent > 0;
		pg_publish(x->th, &x->ctrs);
	}
	return 0;
}

static int rings_init(struct tx_ctx *x)
{
	unsigned int i, slots, need = pg_nfrags(x->c, x->t, x->t->max_size);

	x->nrings = pg_tx_rings(x->th);
	x->rings = calloc(x->nrings, sizeof(*x->rings));
	if (!x->rings)
		return -1;
	x->stride = (x->t->vh_len + x->t->max_size + 63) & ~(size_t)63;
	for (i = 0; i < x->nrings; i++) {
		slots = pg_tx_ring(x->th, i)->num_slots;
		if (need >= slots) {
			PG_LOG("frames need %u slots, TX ring %u has %u", need,
			       i, slots);
			return -1;
		}
		x->rings[i].known = calloc(slots, sizeof(uint32_t));
		if (!x->rings[i].known)
			return -1;
		if (!(x->c->options & PG_OPT_INDIRECT))
			continue;
		x->rings[i].ind = calloc(slots, x->stride);
		if (!x->rings[i].ind)
			return -1;
	}
	return 0;
}

static void tx_fini(struct tx_ctx *x)
{
	unsigned int i;

	for (i = 0; x->rings && i < x->nrings; i++) {
		free(x->rings[i].known);
		free(x->rings[i].ind);
	}
	free(x->rings);
	free(x->scratch);
}

static int tx_init(struct tx_ctx *x, struct pg_thread *th)
{
	const struct pg_conf *c = th->run->conf;

	memset(x, 0, sizeof(*x));
	x->th = th;
	x->c = c;
	x->t = th->run->tmpl;
	x->random = c->options & (PG_OPT_RANDOM_SRC | PG_OPT_RANDOM_DST);
	x->fixed = x->t->min_size == x->t->max_size;
	pg_gen_init(&x->gen, x->t, c->func == PG_TXSEQ ? PG_KIND_SEQ :
							 PG_KIND_DATA,
		    (uint8_t)th->id);
	rate_init(x);
	if (th->port)
		return rings_init(x);
	x->scratch = malloc(x->t->vh_len + x->t->max_size);
	return x->scratch ? 0 : -1;
}

void *pg_tx_body(void *arg)
{
	struct pg_thread *th = arg;
	struct tx_ctx x;

	if (tx_init(&x, th) < 0) {
		PG_LOG("thread %d: cannot start", th->id);
		th->status = -1;
	} else {
		clock_gettime(CLOCK_MONOTONIC, &th->tic);
		th->started = true;
		th->status = tx_loop(&x);
		if (th->port)
			pg_port_drain(th);
		clock_gettime(CLOCK_MONOTONIC, &th->toc);
	}
	tx_fini(&x);
	pg_publish(th, &x.ctrs);
	atomic_store(&th->done, true);
	return NULL;
}
