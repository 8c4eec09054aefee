/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tlem: a direction's consumer.  Puts the frames of the memory queue whose
 * time has come into the output port's first TX ring, syncing it after a
 * batch and before each sleep; sleeps until the next frame is due, or
 * until the producer wakes it when the queue was empty (at most
 * TL_CONS_NAP_NS at a time, to see the stop flag).  A full TX ring holds the
 * frame in the queue until the port takes more.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include <libnetmap.h>

#include "tlem.h"

#define TL_CONS_NAP_NS		100000000	/* longest sleep: sees the stop flag */
#define TL_CONS_POLL_MS		10	/* wait for room on TX */

static void tl_sleep_until(uint64_t t)
{
	struct timespec ts = {
		.tv_sec = (time_t)(t / TL_NS),
		.tv_nsec = (long)(t % TL_NS),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

struct tl_out {
	struct nmport_d *p;
	struct netmap_ring *ring;
	unsigned int pending;		/* frames put on TX since the last sync */
};

static void tl_flush(struct tl_out *o)
{
	if (o->pending) {
		ioctl(o->p->fd, NIOCTXSYNC, NULL);
		o->pending = 0;
	}
}

/* Room for a frame on TX; false if there is none yet. */
static bool tl_room(struct tl_out *o)
{
	struct pollfd pfd = { .fd = o->p->fd, .events = POLLOUT };

	if (!nm_ring_empty(o->ring))
		return true;
	o->pending = 1;
	tl_flush(o);
	if (!nm_ring_empty(o->ring))
		return true;
	poll(&pfd, 1, TL_CONS_POLL_MS);
	return false;
}

static void tl_put(struct tl_dir *d, struct tl_out *o, const struct tl_rec *r)
{
	struct netmap_ring *ring = o->ring;
	struct netmap_slot *slot = &ring->slot[ring->head];
	unsigned int len = r->len;
	uint64_t sent = atomic_load_explicit(&d->c.sent, memory_order_relaxed);
	uint64_t bytes = atomic_load_explicit(&d->c.bytes, memory_order_relaxed);

	if (len > ring->nr_buf_size)
		len = ring->nr_buf_size;
	memcpy(NETMAP_BUF(ring, slot->buf_idx), r->data, len);
	slot->len = (uint16_t)len;
	slot->flags = 0;
	ring->head = ring->cur = nm_ring_next(ring, ring->head);
	atomic_store_explicit(&d->c.sent, sent + 1, memory_order_relaxed);
	atomic_store_explicit(&d->c.bytes, bytes + len, memory_order_relaxed);
	o->pending++;
}

void *tl_cons_main(void *arg)
{
	struct tl_dir *d = arg;
	struct tl_out o = {
		.p = d->out,
		.ring = NETMAP_TXRING(d->out->nifp, d->out->first_tx_ring),
	};
	struct tl_rec *r;
	uint64_t now;

	tl_pin(d->cons_core, "consumer");
	while (!atomic_load_explicit(d->stop, memory_order_relaxed)) {
		r = tl_queue_peek(&d->q);
		now = tl_now();
		if (r == NULL || r->due > now) {
			tl_flush(&o);
			if (r == NULL)
				tl_queue_wait(&d->q, now + TL_CONS_NAP_NS);
			else
				tl_sleep_until(r->due < now + TL_CONS_NAP_NS ?
					       r->due : now + TL_CONS_NAP_NS);
			continue;
		}
		if (!tl_room(&o))
			continue;
		tl_put(d, &o, r);
		tl_queue_pop(&d->q, r);
		if (o.pending >= (unsigned int)d->burst)
			tl_flush(&o);
	}
	tl_flush(&o);
	return NULL;
}
