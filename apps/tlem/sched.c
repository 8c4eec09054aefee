/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tlem: when a frame leaves the emulated link, or whether it is dropped
 * (see struct tl_sched in tlem.h).  Pure arithmetic on the caller's clock,
 * so the unit tests drive it with made-up times.
 */
#include <math.h>

#include "tlem.h"

void tl_sched_init(struct tl_sched *s, const struct tl_link *l, uint64_t seed)
{
	s->l = l;
	s->link_free = 0;
	s->last_due = 0;
	s->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
	s->ber_log = l->loss_model == TL_LOSS_BER && l->loss < 1 ?
		     log1p(-l->loss) : 0;
}

static unsigned int tl_wire_len(const struct tl_link *l, unsigned int len)
{
	return l->bw_model == TL_BW_ETHER ? len + TL_ETHER_OVERHEAD : len;
}

uint64_t tl_tx_time(const struct tl_link *l, unsigned int len)
{
	unsigned __int128 bits = (unsigned __int128)8 * tl_wire_len(l, len);

	if (l->bps == 0)
		return 0;
	/* Rounded up: a link never sends faster than its rate. */
	return (uint64_t)((bits * TL_NS + l->bps - 1) / l->bps);
}

uint64_t tl_backlog(const struct tl_sched *s, uint64_t now)
{
	unsigned __int128 ns;

	if (s->link_free <= now || s->l->bps == 0)
		return 0;
	ns = s->link_free - now;
	return (uint64_t)((ns * s->l->bps + 8 * TL_NS - 1) / (8 * TL_NS));
}

double tl_random(struct tl_sched *s)
{
	uint64_t x = s->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	s->rng = x;
	return (double)((x * 0x2545f4914f6cdd1dull) >> 11) * 0x1p-53;
}

uint64_t tl_delay(struct tl_sched *s)
{
	const struct tl_link *l = s->l;
	double u;

	switch (l->delay_model) {
	case TL_DELAY_UNIFORM:
		u = tl_random(s);
		return l->dmin + (uint64_t)(u * (double)(l->dmax - l->dmin));
	case TL_DELAY_EXP:
		u = tl_random(s);
		/* dmax holds the average: dmin + an exponential of mean avg-dmin */
		return l->dmin + (uint64_t)(-log1p(-u) *
					    (double)(l->dmax - l->dmin));
	case TL_DELAY_CONST:
		break;
	}
	return l->dmin;
}

bool tl_lost(struct tl_sched *s, unsigned int len)
{
	const struct tl_link *l = s->l;
	double p = l->loss;

	if (p == 0)
		return false;
	if (l->loss_model == TL_LOSS_BER)
		/* 1 - (1 - ber)^bits: some bit of the frame is wrong */
		p = l->loss >= 1 ? 1 :
		    -expm1(8.0 * tl_wire_len(l, len) * s->ber_log);
	return tl_random(s) < p;
}

enum tl_verdict tl_schedule(struct tl_sched *s, uint64_t now,
			    unsigned int len, uint64_t *due)
{
	const struct tl_link *l = s->l;
	uint64_t start, t, d;

	if (l->qsize && l->bps &&
	    tl_backlog(s, now) + tl_wire_len(l, len) > l->qsize)
		return TL_QUEUE_FULL;
	start = s->link_free > now ? s->link_free : now;
	s->link_free = start + tl_tx_time(l, len);
	if (tl_lost(s, len))
		return TL_LOST;
	d = tl_delay(s);
	/* -O: a latency the path has anyway, taken off the delay */
	d = d > l->offset ? d - l->offset : 0;
	t = s->link_free + d;
	if (t < s->last_due)
		t = s->last_due;	/* never reorder */
	s->last_due = t;
	*due = t;
	return TL_SEND;
}
