/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt-gen: receive-side sequence checker (see seq.h).
 */
#include <string.h>

#include "seq.h"

/* Extended values start here, so packets older than the first still fit. */
#define PG_SEQ_BASE	(1ULL << 32)

void pg_seq_init(struct pg_seq *q)
{
	memset(q, 0, sizeof(*q));
}

static uint64_t extend(const struct pg_seq_stream *s, uint32_t seq)
{
	int32_t d = (int32_t)(seq - (uint32_t)s->max);

	return s->max + (uint64_t)(int64_t)d;
}

enum pg_seq_event pg_seq_update(struct pg_seq *q, uint8_t stream,
				uint32_t seq, uint64_t *arg)
{
	struct pg_seq_stream *s = &q->s[stream];
	uint64_t x;

	*arg = 0;
	if (!s->active) {
		s->active = true;
		s->received = 1;
		s->min = s->max = PG_SEQ_BASE + seq;
		return PG_SEQ_FIRST;
	}
	x = extend(s, seq);
	s->received++;
	if (x <= s->max) {
		s->ooo++;
		if (x < s->min)
			s->min = x;
		*arg = s->max - x;
		return PG_SEQ_LATE;
	}
	*arg = x - s->max - 1;
	s->max = x;
	return *arg ? PG_SEQ_GAP : PG_SEQ_NEXT;
}

void pg_seq_merge(struct pg_seq *dst, const struct pg_seq *src)
{
	int i;

	for (i = 0; i < PG_SEQ_STREAMS; i++) {
		const struct pg_seq_stream *b = &src->s[i];
		struct pg_seq_stream *a = &dst->s[i];

		if (!b->active)
			continue;
		if (!a->active) {
			*a = *b;
			continue;
		}
		a->received += b->received;
		a->ooo += b->ooo;
		if (b->min < a->min)
			a->min = b->min;
		if (b->max > a->max)
			a->max = b->max;
	}
}

void pg_seq_totals(const struct pg_seq *q, struct pg_seq_totals *t)
{
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < PG_SEQ_STREAMS; i++) {
		const struct pg_seq_stream *s = &q->s[i];
		uint64_t span;

		if (!s->active)
			continue;
		span = s->max - s->min + 1;
		t->streams++;
		t->received += s->received;
		t->ooo += s->ooo;
		if (span > s->received)
			t->lost += span - s->received;
	}
}
