/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt-gen: the rx and rxseq functions.
 *
 * Every received packet (a chain of NS_MOREFRAG slots) is counted; its
 * tag, if any, feeds the sequence checker.  rxseq also reports each gap
 * or late arrival as it happens and verifies lengths, checksums and every
 * payload byte of the packets built by txseq (and tx, whose filler is a
 * constant pattern).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <libnetmap.h>

#include "pkt-gen.h"

#define RX_COPY_MAX	(PG_MAX_PKT + PG_VH_MAX)

struct rx_ctx {
	struct pg_thread *th;
	const struct pg_conf *c;
	struct pg_ctrs ctrs;
	size_t vh;
	uint8_t *gather;	/* multi-slot packets, made contiguous */
	size_t gather_cap;
	uint8_t *copy;		/* -o 4 / -o 8 destination */
	uint64_t sum;		/* -o 2: bytes read */
};

/* A received packet: slots [first, first + nslots) of a ring. */
struct rx_pkt {
	struct netmap_ring *ring;
	unsigned int ri;
	unsigned int first;
	unsigned int nslots;
	size_t len;
};

static void touch(struct rx_ctx *x, const struct rx_pkt *pk)
{
	unsigned int i = pk->first, k;
	const struct netmap_slot *s;
	const uint8_t *p;
	size_t off = 0, j;

	for (k = 0; k < pk->nslots; k++, i = nm_ring_next(pk->ring, i)) {
		s = &pk->ring->slot[i];
		p = (const uint8_t *)NETMAP_BUF(pk->ring, s->buf_idx);
		if (x->c->options & PG_OPT_ACCESS)
			for (j = 0; j < s->len; j++)
				x->sum += p[j];
		if ((x->c->options & (PG_OPT_COPY | PG_OPT_MEMCPY)) &&
		    off + s->len <= RX_COPY_MAX)
			memcpy(x->copy + off, p, s->len);
		off += s->len;
	}
}

/* Copy up to cap bytes of the nslots-slot packet at first into dst. */
size_t pg_rx_gather(struct netmap_ring *r, unsigned int first,
		    unsigned int nslots, uint8_t *dst, size_t cap)
{
	const struct netmap_slot *s;
	unsigned int i = first, k;
	size_t off = 0, n;

	for (k = 0; k < nslots && off < cap; k++) {
		s = &r->slot[i];
		n = s->len < cap - off ? s->len : cap - off;
		memcpy(dst + off, NETMAP_BUF(r, s->buf_idx), n);
		off += n;
		i = nm_ring_next(r, i);
	}
	return off;
}

/* The packet's bytes, contiguous (at most the gather capacity). */
static const uint8_t *contiguous(struct rx_ctx *x, const struct rx_pkt *pk,
				 size_t *len)
{
	const struct netmap_slot *s = &pk->ring->slot[pk->first];

	if (pk->nslots == 1) {
		*len = s->len;
		return (const uint8_t *)NETMAP_BUF(pk->ring, s->buf_idx);
	}
	*len = pg_rx_gather(pk->ring, pk->first, pk->nslots, x->gather,
			    x->gather_cap);
	return x->gather;
}

static void seq_event(struct rx_ctx *x, const struct pg_tag *tag)
{
	enum pg_seq_event ev;
	uint64_t arg;

	ev = pg_seq_update(x->th->seq, tag->stream, tag->seq, &arg);
	if (x->c->func != PG_RXSEQ)
		return;
	if (ev == PG_SEQ_GAP)
		PG_RLOG(&x->th->rl, 5, "stream %u: %" PRIu64 " packets "
			"missing before seq %u", tag->stream, arg, tag->seq);
	else if (ev == PG_SEQ_LATE)
		PG_RLOG(&x->th->rl, 5, "stream %u: seq %u out of order, %"
			PRIu64 " behind", tag->stream, tag->seq, arg);
}

static void verify(struct rx_ctx *x, const uint8_t *p, size_t len,
		   const struct pg_parsed *ps)
{
	enum pg_verify v = pg_pkt_verify(p, len, ps);

	if (v == PG_VERIFY_OK) {
		x->th->verified++;
		return;
	}
	x->th->bad++;
	PG_RLOG(&x->th->rl, 5, "stream %u seq %u: %s", ps->tag.stream,
		ps->tag.seq, pg_verify_str(v));
}

static void process(struct rx_ctx *x, const struct rx_pkt *pk)
{
	struct pg_parsed ps;
	const uint8_t *p;
	size_t len;

	x->ctrs.pkts++;
	x->ctrs.bytes += pk->len > x->vh ? pk->len - x->vh : 0;
	if (x->c->options & (PG_OPT_ACCESS | PG_OPT_COPY | PG_OPT_MEMCPY))
		touch(x, pk);
	p = contiguous(x, pk, &len);
	if (x->c->options & PG_OPT_DUMP)
		pg_dump(p, len, (int)pk->ri, pk->first,
			pk->ring->slot[pk->first].buf_idx,
			pk->ring->slot[pk->first].flags);
	if (pg_pkt_parse(p, len, x->vh, &ps) || !ps.has_tag) {
		x->th->untagged++;
		return;
	}
	seq_event(x, &ps.tag);
	if (x->c->func == PG_RXSEQ)
		verify(x, p, len, &ps);
}

/*
 * Slots of the packet starting at head; 0 if it is not complete yet.
 * A chain that never ends (ring full, or longer than netmap allows) is
 * taken as it is.
 */
unsigned int pg_rx_chain(struct netmap_ring *r, unsigned int head,
			 size_t *len)
{
	bool full = nm_ring_space(r) == r->num_slots - 1;
	unsigned int i = head, n = 1;

	*len = r->slot[i].len;
	while (r->slot[i].flags & NS_MOREFRAG) {
		i = nm_ring_next(r, i);
		if (i == r->tail) {
			if (!full && n < NETMAP_MAX_FRAGS)
				return 0;
			break;
		}
		*len += r->slot[i].len;
		n++;
	}
	return n;
}

static unsigned int rx_ring(struct rx_ctx *x, unsigned int ri,
			    unsigned int limit)
{
	struct rx_pkt pk = { .ring = pg_rx_ring(x->th, ri), .ri = ri };
	struct netmap_ring *r = pk.ring;
	unsigned int head = r->head, n = 0, k;

	while (n < limit && head != r->tail) {
		pk.first = head;
		pk.nslots = pg_rx_chain(r, head, &pk.len);
		if (pk.nslots == 0)
			break;
		process(x, &pk);
		for (k = 0; k < pk.nslots; k++)
			head = nm_ring_next(r, head);
		n++;
	}
	r->head = r->cur = head;
	return n;
}

static unsigned int rx_rings(struct rx_ctx *x)
{
	struct pg_run *run = x->th->run;
	unsigned int ri, got = 0, n;
	uint64_t want;

	for (ri = 0; ri < pg_rx_rings(x->th); ri++) {
		want = pg_quota_take(run, nm_ring_space(pg_rx_ring(x->th, ri)));
		if (want == 0)
			continue;
		n = rx_ring(x, ri, (unsigned int)want);
		if (n < want)
			pg_quota_return(run, want - n);
		got += n;
	}
	return got;
}

static bool quota_done(const struct pg_run *run)
{
	return run->limited && atomic_load(&run->quota) == 0;
}

/* Wait, without limit, for traffic: 1 go, 0 cancelled, -1 error. */
static int wait_first(struct rx_ctx *x)
{
	int rc;

	while (!pg_stopping(x->th)) {
		rc = pg_port_wait(x->th, false, true, 1000);
		if (rc != 0)
			return rc;
		PG_RLOG(&x->th->rl, 1, "waiting for initial packets, "
			"poll returns %d", rc);
	}
	return 0;
}

static int rx_loop(struct rx_ctx *x)
{
	unsigned int got;
	int rc;

	while (!pg_stopping(x->th) && !quota_done(x->th->run)) {
		rc = pg_port_wait(x->th, false, true, 1000);
		if (rc < 0) {
			PG_LOG("poll error on thread %d: %s", x->th->id,
			       strerror(errno));
			return -1;
		}
		if (rc == 0 && !x->c->forever) {
			clock_gettime(CLOCK_MONOTONIC, &x->th->toc);
			x->th->toc.tv_sec -= 1;		/* the idle second */
			return 1;
		}
		got = rx_rings(x);
		x->ctrs.events += got > 0;
		pg_publish(x->th, &x->ctrs);
	}
	return 0;
}

static int rx_init(struct rx_ctx *x, struct pg_thread *th)
{
	memset(x, 0, sizeof(*x));
	x->th = th;
	x->c = th->run->conf;
	x->vh = th->run->tmpl->vh_len;
	x->gather_cap = x->c->func == PG_RXSEQ ? RX_COPY_MAX : PG_HEAD_MAX;
	x->gather = malloc(x->gather_cap);
	th->seq = malloc(sizeof(*th->seq));
	if (!x->gather || !th->seq)
		return -1;
	pg_seq_init(th->seq);
	if (x->c->options & (PG_OPT_COPY | PG_OPT_MEMCPY)) {
		x->copy = malloc(RX_COPY_MAX);
		if (!x->copy)
			return -1;
	}
	return 0;
}

static void rx_run(struct rx_ctx *x)
{
	struct pg_thread *th = x->th;
	int rc = wait_first(x);

	if (rc <= 0) {
		th->status = rc;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &th->tic);
	th->started = true;
	rc = rx_loop(x);
	if (rc == 0)
		clock_gettime(CLOCK_MONOTONIC, &th->toc);
	/* Hand the last consumed slots back, so that a sender can drain. */
	pg_port_rxsync(th);
	th->status = rc < 0 ? -1 : 0;
	if (x->c->verbose > 1 && (x->c->options & PG_OPT_ACCESS))
		PG_LOG("thread %d: byte sum %" PRIu64, th->id, x->sum);
}

void *pg_rx_body(void *arg)
{
	struct pg_thread *th = arg;
	struct rx_ctx x;

	if (rx_init(&x, th) < 0) {
		PG_LOG("thread %d: out of memory", th->id);
		th->status = -1;
	} else {
		rx_run(&x);
	}
	free(x.gather);
	free(x.copy);
	pg_publish(th, &x.ctrs);
	atomic_store(&th->done, true);
	return NULL;
}
