/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nmreplay: the arithmetic of the models, and the schedule computed from
 * them before the first frame goes out.
 *
 *   bandwidth  a frame of L bytes takes L * 8 / bps seconds of link
 *              (ether: (L + 24) * 8), frames back to back; real: the
 *              frame's timestamp less the first one's, divided by speedup;
 *              none: all due at once.
 *   delay      constant d; uniform in [dmin, dmax); exponential with
 *              minimum dmin and mean davg: dmin - (davg - dmin) ln(1 - u).
 *   loss       plr: each frame with probability x; ber: a frame of L bytes
 *              with probability 1 - (1 - x)^(8 L).
 *
 * A frame leaves at its base time plus its delay, but never before the one
 * ahead of it (no reordering).  Lost frames take no link time.
 */
#include <math.h>

#include "nmreplay.h"

void nr_rng_init(struct nr_rng *r, uint64_t seed)
{
	r->s = seed;
}

/* splitmix64 */
static uint64_t nr_rng_next(struct nr_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double nr_rng_unit(struct nr_rng *r)
{
	return (double)(nr_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t nr_tx_time(const struct nr_model *m, uint64_t len)
{
	switch (m->bw) {
	case NR_BW_CONST:
		return (uint64_t)llround((double)len * 8 * NR_NS / m->bps);
	case NR_BW_ETHER:
		return (uint64_t)llround((double)(len + NR_ETHER_BYTES) * 8 *
					 NR_NS / m->bps);
	default:
		return 0;
	}
}

uint64_t nr_delay(const struct nr_model *m, struct nr_rng *r)
{
	double d;

	switch (m->delay) {
	case NR_DELAY_CONST:
		return m->dmin;
	case NR_DELAY_UNIFORM:
		return m->dmin + (uint64_t)(nr_rng_unit(r) *
					    (double)(m->dmax - m->dmin));
	case NR_DELAY_EXP:
		d = (double)m->dmin - (double)(m->davg - m->dmin) *
		    log1p(-nr_rng_unit(r));
		return d > (double)NR_DELAY_MAX ? NR_DELAY_MAX : (uint64_t)d;
	default:
		return 0;
	}
}

double nr_loss_prob(const struct nr_model *m, uint64_t len)
{
	switch (m->loss) {
	case NR_LOSS_PLR:
		return m->rate;
	case NR_LOSS_BER:
		if (m->rate >= 1)
			return 1;
		return -expm1((double)len * 8 * log1p(-m->rate));
	default:
		return 0;
	}
}

/* The base time of each kept frame: link time, timestamps, or 0. */
static uint64_t nr_base(const struct nr_model *m, const struct nr_frame *f,
			uint64_t first_ts, double *link)
{
	switch (m->bw) {
	case NR_BW_CONST:
	case NR_BW_ETHER:
		/* summed in double: no rounding drift over the file */
		*link += (double)(m->bw == NR_BW_ETHER ?
				  f->len + NR_ETHER_BYTES : f->len) * 8 *
			 NR_NS / m->bps;
		return (uint64_t)llround(*link);
	case NR_BW_REAL:
		return (uint64_t)llround((double)(f->ts - first_ts) /
					 m->speedup);
	default:
		return 0;
	}
}

void nr_schedule(const struct nr_model *m, struct nr_trace *t,
		 struct nr_rng *r, struct nr_sched_stats *s)
{
	uint64_t prev = 0, at;
	double link = 0;
	size_t i;

	s->dropped = 0;
	s->bits = 0;
	for (i = 0; i < t->n; i++) {
		struct nr_frame *f = &t->f[i];

		s->bits += (uint64_t)f->len * 8;
		f->drop = m->loss != NR_LOSS_NONE &&
			  nr_rng_unit(r) < nr_loss_prob(m, f->len);
		if (f->drop) {
			s->dropped++;
			f->at = prev;
			continue;
		}
		at = nr_base(m, f, t->f[0].ts, &link) + nr_delay(m, r);
		if (at < prev)
			at = prev;
		f->at = prev = at;
	}
}
