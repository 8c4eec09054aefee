/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lb: moving frames.  A frame read from the input goes to one pipe of each
 * group, chosen by its flow hash.  The last group served (group 0) may take
 * the input's buffer: swapped into the pipe's slot when both share a region
 * (zero copy), or parked in the pipe's overflow queue; the other groups get
 * copies.  A frame for a full pipe waits in the pipe's overflow queue, in
 * extra buffers, and is dropped only when the queue is full (or no buffer
 * can be had, not even by taking LB_REVOKE slots back from the longest
 * queue, whose frames are then dropped).  Frames (NS_MOREFRAG chains) are
 * never split: they move, wait or are dropped whole.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include <libnetmap.h>

#include "lb.h"

#define LB_POLL_MS	1000

void lb_log(const char *fmt, ...)
{
	va_list ap;

	fputs("lb: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static uint32_t lb_room(const struct netmap_ring *r)
{
	return r->tail >= r->head ? r->tail - r->head :
				    r->tail + r->num_slots - r->head;
}

static char *lb_inbuf(const struct lb_state *s, uint32_t idx)
{
	return NETMAP_BUF(s->inref, idx);
}

/*
 * One fragment of the input region (buffer *idx) into p's next slot.  With
 * take on a zero-copy pipe the buffers are swapped: *idx is then the pipe
 * slot's old buffer.
 */
static void lb_ring_put(const struct lb_state *s, struct lb_pipe *p,
			uint32_t *idx, uint16_t len, uint16_t flags, bool take)
{
	struct netmap_ring *r = p->ring;
	struct netmap_slot *ts = &r->slot[r->head];

	if (take && p->zcopy) {
		uint32_t old = ts->buf_idx;

		ts->buf_idx = *idx;
		*idx = old;
		ts->flags = flags | NS_BUF_CHANGED;
	} else {
		if (len > r->nr_buf_size)
			len = (uint16_t)r->nr_buf_size;
		memcpy(NETMAP_BUF(r, ts->buf_idx), lb_inbuf(s, *idx), len);
		ts->flags = flags;
	}
	ts->len = len;
	r->head = r->cur = nm_ring_next(r, r->head);
}

/* One fragment into p's overflow queue, in a free extra buffer (taken). */
static void lb_queue_put(struct lb_state *s, struct lb_pipe *p,
			 uint32_t *idx, uint16_t len, uint16_t flags, bool take)
{
	struct lb_buf f;

	lb_queue_pop(&s->freeq, &f);
	if (take) {
		lb_queue_push(&p->oq, (struct lb_buf){ *idx, len, flags });
		*idx = f.idx;
		return;
	}
	memcpy(lb_inbuf(s, f.idx), lb_inbuf(s, *idx), len);
	lb_queue_push(&p->oq, (struct lb_buf){ f.idx, len, flags });
}

static void lb_count_drop(struct lb_state *s, struct lb_pipe *p,
			  uint64_t bytes)
{
	p->ctr.drop++;
	p->ctr.drop_bytes += bytes;
	s->dropped++;
}

/* The free pool is short: drop the oldest frames of the longest queue. */
static void lb_revoke(struct lb_state *s)
{
	struct lb_pipe *lp = &s->pipes[0];
	uint32_t freed = 0, n;
	unsigned int j;

	for (j = 1; j < s->npipes; j++)
		if (s->pipes[j].oq.n > lp->oq.n)
			lp = &s->pipes[j];
	while (freed < LB_REVOKE && (n = lb_queue_frame(&lp->oq)) > 0) {
		uint64_t bytes = 0;
		struct lb_buf b;

		for (freed += n; n > 0; n--) {
			lb_queue_pop(&lp->oq, &b);
			bytes += b.len;
			lb_queue_push(&s->freeq, (struct lb_buf){ b.idx, 0, 0 });
		}
		lb_count_drop(s, lp, bytes);
	}
}

static bool lb_can_queue(struct lb_state *s, struct lb_pipe *p, uint32_t n)
{
	if (lb_queue_room(&p->oq) < n)
		return false;
	if (s->freeq.n < n)
		lb_revoke(s);
	return s->freeq.n >= n && lb_queue_room(&p->oq) >= n;
}

/* The frame in slots first..first+n-1 of rx to pipe p. */
static void lb_to_pipe(struct lb_state *s, struct lb_pipe *p,
		       struct netmap_ring *rx, uint32_t first, uint32_t n,
		       uint64_t bytes, bool take)
{
	bool ring = p->oq.n == 0 && lb_room(p->ring) >= n;
	uint32_t i = first, k;

	if (!ring && !lb_can_queue(s, p, n)) {
		lb_count_drop(s, p, bytes);
		return;
	}
	for (k = 0; k < n; k++, i = nm_ring_next(rx, i)) {
		struct netmap_slot *rs = &rx->slot[i];
		uint16_t fl = rs->flags & NS_MOREFRAG;

		if (ring)
			lb_ring_put(s, p, &rs->buf_idx, rs->len, fl, take);
		else
			lb_queue_put(s, p, &rs->buf_idx, rs->len, fl, take);
	}
	if (ring) {
		p->ctr.pkts++;
		p->ctr.bytes += bytes;
		s->forwarded++;
	}
}

void lb_forward_frame(struct lb_state *s, struct netmap_ring *rx,
		      uint32_t first, uint32_t n)
{
	struct netmap_slot *rs = &rx->slot[first];
	uint32_t hash = lb_hash((const uint8_t *)NETMAP_BUF(rx, rs->buf_idx),
				rs->len);
	uint64_t bytes = 0;
	uint32_t i, k;
	unsigned int g;

	for (k = 0, i = first; k < n; k++, i = nm_ring_next(rx, i))
		bytes += rx->slot[i].len;
	s->received++;
	s->received_bytes += bytes;
	if (hash == 0)
		s->non_ip++;
	for (g = s->ngroups; g-- > 0;) {
		struct lb_group *gr = &s->groups[g];

		lb_to_pipe(s, &gr->pipes[hash % gr->n], rx, first, n, bytes,
			   g == 0);
	}
	for (k = 0, i = first; k < n; k++, i = nm_ring_next(rx, i))
		rx->slot[i].flags = NS_BUF_CHANGED;
}

/* One queued fragment into p's next slot; its buffer goes back free. */
static void lb_drain_one(struct lb_state *s, struct lb_pipe *p,
			 struct lb_buf e)
{
	struct netmap_ring *r = p->ring;
	struct netmap_slot *ts = &r->slot[r->head];
	uint32_t give = e.idx;

	if (p->zcopy) {
		give = ts->buf_idx;
		ts->buf_idx = e.idx;
		ts->flags = e.flags | NS_BUF_CHANGED;
	} else {
		if (e.len > r->nr_buf_size)
			e.len = (uint16_t)r->nr_buf_size;
		memcpy(NETMAP_BUF(r, ts->buf_idx), lb_inbuf(s, e.idx), e.len);
		ts->flags = e.flags;
	}
	ts->len = e.len;
	lb_queue_push(&s->freeq, (struct lb_buf){ give, 0, 0 });
	r->head = r->cur = nm_ring_next(r, r->head);
}

unsigned int lb_drain(struct lb_state *s, struct lb_pipe *p)
{
	unsigned int moved = 0;
	uint32_t n;

	while ((n = lb_queue_frame(&p->oq)) > 0 && lb_room(p->ring) >= n) {
		uint64_t bytes = 0;
		struct lb_buf e;

		for (; n > 0; n--) {
			lb_queue_pop(&p->oq, &e);
			bytes += e.len;
			lb_drain_one(s, p, e);
		}
		p->ctr.pkts++;
		p->ctr.bytes += bytes;
		s->forwarded++;
		moved++;
	}
	return moved;
}

/* Slots of the frame at slot i, 0 if its end is not among avail slots. */
static uint32_t lb_frame_slots(const struct netmap_ring *rx, uint32_t i,
			       uint32_t avail)
{
	uint32_t n = 1;

	while (rx->slot[i].flags & NS_MOREFRAG) {
		if (n == avail)
			return 0;
		i = nm_ring_next((struct netmap_ring *)rx, i);
		n++;
	}
	return n;
}

unsigned int lb_rx_ring(struct lb_state *s, struct netmap_ring *rx,
			unsigned int limit)
{
	uint32_t i = rx->head, avail = lb_room(rx), n;
	unsigned int frames = 0;
	bool wait = false;

	while (frames < limit && avail > 0) {
		n = lb_frame_slots(rx, i, avail);
		if (n == 0 && avail < rx->num_slots - 1) {
			wait = true;		/* the rest of a chain to come */
			break;
		}
		if (n == 0) {			/* a chain longer than the ring */
			n = avail;
			s->received++;
			s->dropped++;
		} else {
			lb_forward_frame(s, rx, i, n);
		}
		i = (i + n) % rx->num_slots;
		avail -= n;
		frames++;
	}
	rx->head = i;
	rx->cur = wait ? rx->tail : i;
	return frames;
}

static bool lb_tx_pending(const struct netmap_ring *r)
{
	return nm_ring_next((struct netmap_ring *)r, r->tail) != r->head;
}

/*
 * Poll entries: the input for frames, and each pipe with frames the kernel
 * has not taken or waiting in its queue, for room (cur at tail: woken when
 * the consumer frees slots).  Returns the number of entries.
 */
static nfds_t lb_set_poll(struct lb_state *s, struct pollfd *pfd, bool busy)
{
	nfds_t n = 0;
	unsigned int i;

	for (i = 0; i < s->npipes; i++) {
		struct lb_pipe *p = &s->pipes[i];
		bool pending = lb_tx_pending(p->ring) || p->oq.n > 0;

		p->ring->cur = pending ? p->ring->tail : p->ring->head;
		if (!pending && !busy)
			continue;
		pfd[n].fd = p->d->fd;
		pfd[n].events = POLLOUT;
		pfd[n].revents = 0;
		n++;
	}
	pfd[n].fd = s->in->fd;
	pfd[n].events = POLLIN;
	pfd[n].revents = 0;
	return n + 1;
}

/* -W: sync everything without sleeping. */
static int lb_busy_sync(struct lb_state *s, struct pollfd *pfd, nfds_t n)
{
	nfds_t k;

	for (k = 0; k + 1 < n; k++)
		if (ioctl(pfd[k].fd, NIOCTXSYNC, NULL) < 0)
			return -1;
	return ioctl(s->in->fd, NIOCRXSYNC, NULL);
}

static int lb_wait(struct lb_state *s, struct pollfd *pfd, bool busy,
		   int timeout)
{
	nfds_t n = lb_set_poll(s, pfd, busy);
	int ret = busy ? lb_busy_sync(s, pfd, n) : poll(pfd, n, timeout);

	if (ret < 0 && errno != EINTR) {
		lb_log("%s: %s", busy ? "sync" : "poll", strerror(errno));
		return -1;
	}
	return 0;
}

static void lb_step(struct lb_state *s, const struct lb_conf *c)
{
	unsigned int i, done = 0;

	for (i = 0; i < s->npipes; i++)
		if (s->pipes[i].oq.n > 0)
			lb_drain(s, &s->pipes[i]);
	for (i = s->in->first_rx_ring; i <= s->in->last_rx_ring; i++)
		if (done < c->batch)
			done += lb_rx_ring(s, NETMAP_RXRING(s->in->nifp, i),
					   c->batch - done);
}

/* Frames written since the last poll leave before lb stops. */
static void lb_flush(struct lb_state *s)
{
	unsigned int i;

	for (i = 0; i < s->npipes; i++) {
		lb_drain(s, &s->pipes[i]);
		ioctl(s->pipes[i].d->fd, NIOCTXSYNC, NULL);
	}
}

int lb_run(struct lb_state *s, const struct lb_conf *c,
	   volatile sig_atomic_t *stop)
{
	struct pollfd *pfd = calloc(s->npipes + 1, sizeof(*pfd));
	struct lb_stats st;
	int ret = 0;

	if (pfd == NULL || lb_stats_init(&st, c, s->npipes) < 0) {
		lb_log("out of memory");
		free(pfd);
		return -1;
	}
	while (!*stop && ret == 0) {
		int due = lb_stats_due_ms(&st);

		ret = lb_wait(s, pfd, c->busy_wait,
			      due < LB_POLL_MS ? due : LB_POLL_MS);
		if (ret == 0 && !*stop)
			lb_step(s, c);
		lb_stats_tick(&st, s);
	}
	lb_flush(s);
	lb_stats_fini(&st);
	free(pfd);
	return ret;
}
