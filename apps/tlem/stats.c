/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tlem: the counters on stderr once a second, in upstream's words (frames
 * received -> sent on port 0 -> port 1, the most frames queued, the longest
 * producer round in ns, drops by the queue / by the loss model; then the
 * same for port 1 -> port 0), and the totals on stdout at the end.
 */
#include <inttypes.h>

#include "tlem.h"

static uint64_t tl_get(const _Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

void tl_snap(const struct tl_dir *d, struct tl_snap *s)
{
	s->received = tl_get(&d->c.received);
	s->sent = tl_get(&d->c.sent);
	s->qdrop = tl_get(&d->c.qdrop);
	s->lost = tl_get(&d->c.lost);
}

void tl_stats_line(FILE *f, struct tl_dir d[2], const struct tl_snap old[2],
		   const struct tl_snap cur[2])
{
	uint64_t maxq[2], round[2];
	int i;

	for (i = 0; i < 2; i++) {
		maxq[i] = atomic_exchange_explicit(&d[i].c.maxq, 0,
						   memory_order_relaxed);
		round[i] = atomic_exchange_explicit(&d[i].c.round, 0,
						    memory_order_relaxed);
	}
	fprintf(f, "tlem: %" PRIu64 " -> %" PRIu64 " maxq %" PRIu64 " round %"
		PRIu64 " drop %" PRIu64 "/%" PRIu64 ", %" PRIu64 " <- %" PRIu64
		" maxq %" PRIu64 " round %" PRIu64 " drop %" PRIu64 "/%" PRIu64
		"\n",
		cur[0].received - old[0].received, cur[0].sent - old[0].sent,
		maxq[0], round[0], cur[0].qdrop - old[0].qdrop,
		cur[0].lost - old[0].lost,
		cur[1].received - old[1].received, cur[1].sent - old[1].sent,
		maxq[1], round[1], cur[1].qdrop - old[1].qdrop,
		cur[1].lost - old[1].lost);
	fflush(f);
}

void tl_totals(FILE *f, const struct tl_dir d[2])
{
	struct tl_snap s;
	int i;

	for (i = 0; i < 2; i++) {
		tl_snap(&d[i], &s);
		fprintf(f, "Totals %s -> %s: %" PRIu64 " received %" PRIu64
			" sent %" PRIu64 " queue drops %" PRIu64 " lost %"
			PRIu64 " bytes\n", d[i].in_name, d[i].out_name,
			s.received, s.sent, s.qdrop, s.lost,
			tl_get(&d[i].c.bytes));
	}
	fflush(f);
}
