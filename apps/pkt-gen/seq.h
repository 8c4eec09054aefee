/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt-gen: receive-side sequence checker.
 *
 * Every tagged packet carries (stream, 32-bit sequence number).  Each
 * receiving thread keeps one tracker; sequence numbers are extended to 64
 * bits relative to the highest one seen, so wrap-around is handled.
 * Per stream: received, lowest and highest sequence seen, and packets
 * that arrived after a higher-numbered one ("out of order").  Lost =
 * (highest - lowest + 1) - received, which also accounts for late
 * arrivals; trackers of several threads can be merged.
 */
#ifndef PG_SEQ_H
#define PG_SEQ_H

#include <stdbool.h>
#include <stdint.h>

#define PG_SEQ_STREAMS	256

struct pg_seq_stream {
	bool active;
	uint64_t received;
	uint64_t ooo;
	uint64_t min;		/* extended sequence numbers */
	uint64_t max;
};

struct pg_seq {
	struct pg_seq_stream s[PG_SEQ_STREAMS];
};

enum pg_seq_event {
	PG_SEQ_FIRST,		/* first packet of the stream */
	PG_SEQ_NEXT,		/* the expected one */
	PG_SEQ_GAP,		/* *arg packets missing before this one */
	PG_SEQ_LATE,		/* *arg behind the highest seen */
};

void pg_seq_init(struct pg_seq *q);
enum pg_seq_event pg_seq_update(struct pg_seq *q, uint8_t stream,
				uint32_t seq, uint64_t *arg);
void pg_seq_merge(struct pg_seq *dst, const struct pg_seq *src);

struct pg_seq_totals {
	uint64_t received;
	uint64_t lost;
	uint64_t ooo;
	unsigned int streams;
};

void pg_seq_totals(const struct pg_seq *q, struct pg_seq_totals *t);

#endif /* PG_SEQ_H */
