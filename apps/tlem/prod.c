/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tlem: a direction's producer.  Takes the frames of the input port's RX
 * rings, gives each its fate (sched.c) and copies the ones that go on into
 * the memory queue.  When the queue is full the frame stays in its RX slot
 * until the consumer makes room, so nothing is dropped here but by the
 * emulation.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include <libnetmap.h>

#include "tlem.h"

#define TL_PROD_POLL_MS		100
#define TL_PROD_FULL_NS		50000	/* wait for room in the queue */

static void tl_count(_Atomic uint64_t *c, uint64_t n)
{
	/* one writer: a plain add, published for stats.c */
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

static void tl_note_queue(struct tl_dir *d)
{
	uint64_t q = atomic_load_explicit(&d->c.queued, memory_order_relaxed) -
		     atomic_load_explicit(&d->c.sent, memory_order_relaxed);

	if (q > atomic_load_explicit(&d->c.maxq, memory_order_relaxed))
		atomic_store_explicit(&d->c.maxq, q, memory_order_relaxed);
}

/* The frames of one ring; true if the memory queue filled up. */
static bool tl_prod_ring(struct tl_dir *d, struct netmap_ring *ring,
			 uint64_t now)
{
	while (!nm_ring_empty(ring)) {
		struct netmap_slot *slot = &ring->slot[ring->head];
		unsigned int len = slot->len;
		enum tl_verdict v;
		struct tl_rec *r;

		if (len > ring->nr_buf_size)
			len = ring->nr_buf_size;
		r = tl_queue_reserve(&d->q, len);
		if (r == NULL)
			return true;
		v = tl_schedule(&d->s, now, len, &r->due);
		tl_count(&d->c.received, 1);
		if (v == TL_SEND) {
			memcpy(r->data, NETMAP_BUF(ring, slot->buf_idx), len);
			tl_queue_commit(&d->q);
			tl_count(&d->c.queued, 1);
			tl_note_queue(d);
		} else {
			tl_count(v == TL_LOST ? &d->c.lost : &d->c.qdrop, 1);
		}
		ring->head = ring->cur = nm_ring_next(ring, ring->head);
	}
	return false;
}

static void tl_note_round(struct tl_dir *d, uint64_t ns)
{
	if (ns > atomic_load_explicit(&d->c.round, memory_order_relaxed))
		atomic_store_explicit(&d->c.round, ns, memory_order_relaxed);
}

void *tl_prod_main(void *arg)
{
	struct tl_dir *d = arg;
	struct nmport_d *p = d->in;
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	const struct timespec full = { .tv_nsec = TL_PROD_FULL_NS };
	uint64_t last = tl_now(), now;
	bool full_q = false;
	uint64_t queued;
	int i;

	tl_pin(d->prod_core, "producer");
	while (!atomic_load_explicit(d->stop, memory_order_relaxed)) {
		if (full_q) {
			nanosleep(&full, NULL);
			ioctl(p->fd, NIOCRXSYNC, NULL);
		} else if (poll(&pfd, 1, TL_PROD_POLL_MS) < 0 && errno != EINTR) {
			tl_log("%s: poll: %s", d->in_name, strerror(errno));
			break;
		}
		now = tl_now();
		full_q = false;
		queued = atomic_load_explicit(&d->c.queued, memory_order_relaxed);
		for (i = p->first_rx_ring; i <= p->last_rx_ring; i++)
			full_q |= tl_prod_ring(d, NETMAP_RXRING(p->nifp, i), now);
		if (atomic_load_explicit(&d->c.queued, memory_order_relaxed) != queued)
			tl_queue_wake(&d->q);
		tl_note_round(d, now - last);
		last = now;
	}
	return NULL;
}
