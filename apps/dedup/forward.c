/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dedup: one pass from the input's RX ring to the output's TX ring.
 * Frames are let through in order; a duplicate is released from the RX
 * ring without being sent.
 */
#include <string.h>

#include <net/netmap_user.h>

#include "dedup.h"

static void dd_swap(struct netmap_slot *rs, struct netmap_slot *ts)
{
	struct netmap_slot w = *ts;

	*ts = *rs;
	*rs = w;
	ts->flags |= NS_BUF_CHANGED;
	rs->flags |= NS_BUF_CHANGED;
}

static void dd_copy(const struct netmap_ring *rx, const struct netmap_slot *rs,
		    struct netmap_ring *tx, struct netmap_slot *ts)
{
	unsigned int len = rs->len;

	if (len > tx->nr_buf_size)
		len = tx->nr_buf_size;
	memcpy(NETMAP_BUF(tx, ts->buf_idx), NETMAP_BUF(rx, rs->buf_idx), len);
	ts->len = (uint16_t)len;
	ts->flags = 0;
}

/* Send the frame of rs on the TX slot at tx->head. */
static void dd_send(struct dd_fwd *f, struct netmap_slot *rs)
{
	struct netmap_slot *ts = &f->tx->slot[f->tx->head];

	f->stats.forwarded++;
	f->stats.bytes += rs->len;
	if (f->zcopy)
		dd_swap(rs, ts);
	else
		dd_copy(f->rx, rs, f->tx, ts);
	f->tx->head = f->tx->cur = nm_ring_next(f->tx, f->tx->head);
}

unsigned int dd_forward(struct dd_fwd *f, uint64_t now, unsigned int *pending)
{
	struct netmap_ring *rx = f->rx;
	unsigned int moved = 0;

	dd_expire(f->table, now);
	while (nm_ring_space(rx) > 0) {
		struct netmap_slot *rs = &rx->slot[rx->head];
		const void *buf = NETMAP_BUF(rx, rs->buf_idx);

		if (dd_seen(f->table, buf, rs->len)) {
			f->stats.received++;
			f->stats.dropped++;
		} else if (nm_ring_space(f->tx) == 0) {
			break;
		} else {
			f->stats.received++;
			dd_remember(f->table, buf, rs->len, now);
			dd_send(f, rs);
			moved++;
		}
		rx->head = rx->cur = nm_ring_next(rx, rx->head);
	}
	*pending = nm_ring_space(rx);
	return moved;
}
