/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bridge: the forwarding loop.  Frames (NS_MOREFRAG chains) move as
 * units from the RX rings of a direction's source to the TX rings of its
 * destination, by swapping buffers when both ports share a region and by
 * copying otherwise.  poll() does all the syncs.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include <libnetmap.h>

#include "bridge.h"

#define BR_POLL_MS	1000

void br_log(const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "%03ld.%06ld bridge: ", (long)(ts.tv_sec % 1000),
		ts.tv_nsec / 1000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static uint32_t br_dist(const struct netmap_ring *r, uint32_t from,
			uint32_t to)
{
	return to >= from ? to - from : to + r->num_slots - from;
}

/*
 * Slots of the frame that starts at slot i, or 0 if its last fragment
 * is not among the avail slots received so far.
 */
static unsigned int br_frame_slots(struct netmap_ring *rx, uint32_t i,
				   unsigned int avail)
{
	unsigned int n = 1;

	while (rx->slot[i].flags & NS_MOREFRAG) {
		if (n == avail)
			return 0;
		i = nm_ring_next(rx, i);
		n++;
	}
	return n;
}

static unsigned int br_swap_slot(struct netmap_ring *rx,
				 struct netmap_slot *rs,
				 struct netmap_ring *tx,
				 struct netmap_slot *ts)
{
	uint32_t idx = ts->buf_idx;

	ts->buf_idx = rs->buf_idx;
	rs->buf_idx = idx;
	ts->len = rs->len;
	NETMAP_WOFFSET(tx, ts, NETMAP_ROFFSET(rx, rs));
	ts->flags = (rs->flags & NS_MOREFRAG) | NS_BUF_CHANGED;
	rs->flags = NS_BUF_CHANGED;
	return ts->len;
}

/* A fragment longer than the destination's buffers is truncated. */
static unsigned int br_copy_slot(struct netmap_ring *rx,
				 struct netmap_slot *rs,
				 struct netmap_ring *tx,
				 struct netmap_slot *ts)
{
	uint64_t room = tx->nr_buf_size - NETMAP_ROFFSET(tx, ts);
	unsigned int len = rs->len;

	if (len > room)
		len = (unsigned int)room;
	memcpy(NETMAP_BUF_OFFSET(tx, ts), NETMAP_BUF_OFFSET(rx, rs), len);
	ts->len = (uint16_t)len;
	ts->flags = rs->flags & NS_MOREFRAG;
	return len;
}

unsigned int br_move_ring(struct netmap_ring *rx, struct netmap_ring *tx,
			  unsigned int limit, bool zcopy, struct br_stats *st)
{
	uint32_t i = rx->head, j = tx->head;
	unsigned int rx_avail = nm_ring_space(rx);
	unsigned int tx_avail = nm_ring_space(tx);
	unsigned int moved = 0;
	bool rx_wait = false, tx_wait = false;

	while (moved < limit && rx_avail > 0) {
		unsigned int n = br_frame_slots(rx, i, rx_avail);
		unsigned int k;

		if (n == 0 && rx_avail < rx->num_slots - 1) {
			rx_wait = true;		/* rest of the chain to come */
			break;
		}
		if (n == 0 || n > tx->num_slots - 1) {
			/* can never be sent (or never completed): drop */
			n = n ? n : rx_avail;
			i = (i + n) % rx->num_slots;
			rx_avail -= n;
			st->dropped++;
			continue;
		}
		if (n > tx_avail) {
			tx_wait = true;
			break;
		}
		for (k = 0; k < n; k++) {
			struct netmap_slot *rs = &rx->slot[i];
			struct netmap_slot *ts = &tx->slot[j];

			st->bytes += zcopy ? br_swap_slot(rx, rs, tx, ts) :
					     br_copy_slot(rx, rs, tx, ts);
			i = nm_ring_next(rx, i);
			j = nm_ring_next(tx, j);
		}
		rx_avail -= n;
		tx_avail -= n;
		st->slots += n;
		st->packets++;
		moved++;
	}
	rx->head = i;
	tx->head = j;
	/*
	 * A cur at tail asks poll() to wait for more than what is there now:
	 * the rest of a chain on RX, room for a whole frame on TX.
	 */
	rx->cur = rx_wait ? rx->tail : i;
	tx->cur = tx_wait ? tx->tail : j;
	return moved;
}

unsigned int br_move(struct br_dir *d, unsigned int limit, bool zcopy)
{
	struct nmport_d *s = d->src, *t = d->dst;
	unsigned int si = s->first_rx_ring, ti = t->first_tx_ring;
	unsigned int moved = 0;

	while (si <= s->last_rx_ring && ti <= t->last_tx_ring &&
	       moved < limit) {
		struct netmap_ring *rx = NETMAP_RXRING(s->nifp, si);
		struct netmap_ring *tx = NETMAP_TXRING(t->nifp, ti);

		moved += br_move_ring(rx, tx, limit - moved, zcopy, &d->stats);
		if (rx->cur == rx->tail)
			si++;		/* drained, or waiting for a chain */
		else if (moved < limit)
			ti++;		/* this TX ring is full */
	}
	return moved;
}

unsigned int br_rx_pending(struct nmport_d *p)
{
	unsigned int i, n = 0;

	for (i = p->first_rx_ring; i <= p->last_rx_ring; i++) {
		struct netmap_ring *rx = NETMAP_RXRING(p->nifp, i);

		n += br_dist(rx, rx->cur, rx->tail);
	}
	return n;
}

static uint64_t br_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* -v: one line per second with each direction's rate. */
struct br_report {
	uint64_t last_ns;
	uint64_t last_packets[2];
};

static void br_report(struct br_report *r, const struct br_dir *dirs,
		      int ndirs)
{
	uint64_t now = br_now_ns(), dt = now - r->last_ns;
	char line[1024];
	size_t len = 0;
	int k;

	if (dt < 1000000000u)
		return;
	for (k = 0; k < ndirs && len < sizeof(line); k++) {
		const struct br_dir *d = &dirs[k];
		uint64_t pk = d->stats.packets - r->last_packets[k];

		len += (size_t)snprintf(line + len, sizeof(line) - len,
					"%s%s -> %s %" PRIu64 " pps (%" PRIu64
					" pkts)", k ? ", " : "", d->src_name,
					d->dst_name, pk * 1000000000u / dt,
					d->stats.packets);
		r->last_packets[k] = d->stats.packets;
	}
	br_log("%s", line);
	r->last_ns = now;
}

static void br_log_timeout(const struct br_dir *dirs, int ndirs)
{
	int k;

	for (k = 0; k < ndirs; k++)
		br_log("poll timeout: %s rx pending %u", dirs[k].src_name,
		       br_rx_pending(dirs[k].src));
}

/* Ask for room on the destination if there is something to send. */
static void br_set_events(struct pollfd *pfd, struct br_dir *dirs, int ndirs)
{
	int k;

	pfd[0].events = pfd[1].events = 0;
	pfd[0].revents = pfd[1].revents = 0;
	for (k = 0; k < ndirs; k++) {
		if (br_rx_pending(dirs[k].src))
			pfd[dirs[k].dst_pfd].events |= POLLOUT;
		else
			pfd[dirs[k].src_pfd].events |= POLLIN;
	}
}

int br_run(const struct br_conf *c, struct br_dir *dirs, int ndirs,
	   bool zcopy, volatile sig_atomic_t *stop)
{
	struct br_report rep = { .last_ns = br_now_ns() };
	struct pollfd pfd[2];
	int nfds = dirs[0].src == dirs[0].dst ? 1 : 2;
	bool err_seen = false;
	int k, ret;

	pfd[0].fd = dirs[0].src->fd;
	pfd[1].fd = dirs[0].dst->fd;
	while (!*stop) {
		br_set_events(pfd, dirs, ndirs);
		ret = poll(pfd, (nfds_t)nfds, BR_POLL_MS);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			br_log("poll: %s", strerror(errno));
			return -1;
		}
		if (ret == 0 && c->verbose > 1)
			br_log_timeout(dirs, ndirs);
		for (k = 0; k < nfds; k++) {
			if (pfd[k].revents & POLLNVAL) {
				br_log("poll: fd %d not valid", pfd[k].fd);
				return -1;
			}
			if ((pfd[k].revents & POLLERR) && !err_seen) {
				br_log("error on fd%d", k);
				err_seen = true;
			}
		}
		for (k = 0; k < ndirs; k++)
			if (pfd[dirs[k].dst_pfd].revents & POLLOUT)
				br_move(&dirs[k], c->burst, zcopy);
		if (c->verbose)
			br_report(&rep, dirs, ndirs);
	}
	return 0;
}
