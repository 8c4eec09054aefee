/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nmreplay: copy the frames that are due into the free slots of a TX
 * ring.  The caller syncs the ring and sleeps until nr_tx_next_due().
 */
#include <string.h>

#include <net/netmap_user.h>

#include "nmreplay.h"

/* Past the lost frames and those that do not fit in a buffer. */
static void nr_tx_skip(struct nr_tx *tx)
{
	const struct nr_trace *t = tx->trace;

	while (tx->next < t->n) {
		const struct nr_frame *f = &t->f[tx->next];

		if (!f->drop && f->len <= tx->ring->nr_buf_size)
			break;
		if (!f->drop)
			tx->oversize++;
		tx->next++;
	}
}

uint64_t nr_tx_next_due(const struct nr_tx *tx)
{
	const struct nr_trace *t = tx->trace;
	size_t i;

	for (i = tx->next; i < t->n; i++) {
		if (!t->f[i].drop && t->f[i].len <= tx->ring->nr_buf_size)
			return t->f[i].at;
	}
	return UINT64_MAX;
}

unsigned int nr_tx_fill(struct nr_tx *tx, uint64_t now)
{
	struct netmap_ring *ring = tx->ring;
	const struct nr_trace *t = tx->trace;
	unsigned int done = 0;

	nr_tx_skip(tx);
	while (done < tx->batch && tx->next < t->n &&
	       t->f[tx->next].at <= now && nm_ring_space(ring) > 0) {
		const struct nr_frame *f = &t->f[tx->next];
		struct netmap_slot *s = &ring->slot[ring->head];

		memcpy(NETMAP_BUF(ring, s->buf_idx), t->data + f->off, f->len);
		s->len = (uint16_t)f->len;
		s->flags = 0;
		ring->head = ring->cur = nm_ring_next(ring, ring->head);
		tx->sent++;
		tx->bytes += f->len;
		done++;
		tx->next++;
		nr_tx_skip(tx);
	}
	return done;
}
