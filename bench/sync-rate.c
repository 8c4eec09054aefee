// SPDX-License-Identifier: BSD-2-Clause
/*
 * sync-rate: what the module alone costs per frame (bench/ab.sh, rows
 * sync-*). A sender thread and a receiver thread move COUNT frames from
 * TXPORT to RXPORT with NIOCTXSYNC / NIOCRXSYNC, at most BATCH slots per
 * sync, and poll() only when the ring is full (sender) or empty (receiver):
 * the guests have one CPU, where spinning would only burn the peer's time. The sender writes each slot's len and flags and nothing else
 * (the buffers get an Ethernet header once, at the start), the receiver
 * only counts: what remains is the syncs.
 * Prints, as pkt-gen does,
 *   Received N packets in S seconds
 * S up to the last frame received. The receiver stops at COUNT frames, or
 * 200 ms after the sender stopped (a VALE switch drops what a full ring
 * cannot take); exit status 1 if frames are missing or a sync failed.
 *
 * usage: sync-rate TXPORT RXPORT COUNT BATCH SIZE
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include <libnetmap.h>

#define TIMEOUT_NS (60ULL * 1000000000ULL)
#define IDLE_POLLS 20	/* of 10 ms, after the sender is done */

struct side {
	struct nmport_d *d;
	uint64_t count;		/* frames to move */
	unsigned int batch;
	uint16_t size;
	uint64_t done;		/* frames moved */
	uint64_t t_end;		/* ns, when the last frame moved */
	int err;		/* errno of a failed sync, else 0 */
	atomic_int *sender_done;	/* set by the sender when it stops */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* poll() for @ev: 0, or -1 with s->err set. */
static int wait_ring(struct side *s, short ev, int ms)
{
	struct pollfd pfd = { .fd = s->d->fd, .events = ev };
	int rc = poll(&pfd, 1, ms);

	if (rc < 0 || (pfd.revents & POLLERR)) {
		s->err = rc < 0 ? errno : EIO;
		return -1;
	}
	return 0;
}

/*
 * One Ethernet header in every buffer of the ring, once: broadcast from a
 * locally administered address, so that a switch forwards the frames.
 */
static void write_headers(struct netmap_ring *r)
{
	static const uint8_t hdr[14] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
	};
	uint32_t i;

	for (i = 0; i < r->num_slots; i++)
		memcpy(NETMAP_BUF(r, r->slot[i].buf_idx), hdr, sizeof(hdr));
}

static void *sender(void *arg)
{
	struct side *s = arg;
	struct netmap_ring *r = NETMAP_TXRING(s->d->nifp, s->d->first_tx_ring);
	uint64_t deadline = now_ns() + TIMEOUT_NS;

	write_headers(r);

	while (s->done < s->count && now_ns() < deadline) {
		uint32_t n = nm_ring_space(r), h = r->head;

		if (n == 0) {
			if (wait_ring(s, POLLOUT, 1000))
				break;
			continue;
		}
		if (n > s->batch)
			n = s->batch;
		if (n > s->count - s->done)
			n = (uint32_t)(s->count - s->done);
		s->done += n;
		while (n--) {
			r->slot[h].len = s->size;
			r->slot[h].flags = 0;
			h = nm_ring_next(r, h);
		}
		r->head = r->cur = h;
		if (ioctl(s->d->fd, NIOCTXSYNC, NULL) < 0) {
			s->err = errno;
			break;
		}
	}
	s->t_end = now_ns();
	atomic_store(s->sender_done, 1);
	return NULL;
}

static void *receiver(void *arg)
{
	struct side *s = arg;
	struct netmap_ring *r = NETMAP_RXRING(s->d->nifp, s->d->first_rx_ring);
	uint64_t deadline = now_ns() + TIMEOUT_NS;
	unsigned int idle = 0;

	s->t_end = now_ns();

	while (s->done < s->count && now_ns() < deadline) {
		uint32_t n;

		if (ioctl(s->d->fd, NIOCRXSYNC, NULL) < 0) {
			s->err = errno;
			break;
		}
		n = nm_ring_space(r);
		if (n == 0) {
			/* A switch drops what does not fit: stop once idle. */
			if (atomic_load(s->sender_done) && idle++ == IDLE_POLLS)
				break;
			if (wait_ring(s, POLLIN, 10))
				break;
			n = nm_ring_space(r);
		}
		if (n == 0)
			continue;
		idle = 0;
		if (n > s->batch)
			n = s->batch;
		s->done += n;
		s->t_end = now_ns();
		r->head = r->cur = (r->head + n) % r->num_slots;
	}
	return NULL;
}

static int parse_u(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || end == s || *end || *v == 0 || *v > max ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long long count, batch, size;
	struct side tx = { 0 }, rx = { 0 };
	atomic_int sender_done = 0;
	pthread_t tt, rt;
	uint64_t t0;

	if (argc != 6 || parse_u(argv[3], 1ULL << 40, &count) ||
	    parse_u(argv[4], 4096, &batch) || parse_u(argv[5], 65535, &size)) {
		fprintf(stderr, "usage: sync-rate TXPORT RXPORT COUNT BATCH SIZE\n");
		return 1;
	}
	rx.d = nmport_open(argv[2]);
	if (!rx.d) {
		fprintf(stderr, "sync-rate: cannot open %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	tx.d = nmport_open(argv[1]);
	if (!tx.d) {
		fprintf(stderr, "sync-rate: cannot open %s: %s\n", argv[1], strerror(errno));
		nmport_close(rx.d);
		return 1;
	}
	tx.count = rx.count = count;
	tx.sender_done = rx.sender_done = &sender_done;
	tx.batch = rx.batch = (unsigned int)batch;
	tx.size = (uint16_t)size;
	t0 = now_ns();
	if (pthread_create(&rt, NULL, receiver, &rx) ||
	    pthread_create(&tt, NULL, sender, &tx)) {
		fprintf(stderr, "sync-rate: cannot start threads\n");
		return 1;
	}
	pthread_join(tt, NULL);
	pthread_join(rt, NULL);
	if (tx.err || rx.err)
		fprintf(stderr, "sync-rate: sync failed: %s\n",
			strerror(tx.err ? tx.err : rx.err));
	printf("Sent %" PRIu64 " packets\n", tx.done);
	printf("Received %" PRIu64 " packets in %.6f seconds\n", rx.done,
	       (double)(rx.t_end - t0) / 1e9);
	nmport_close(tx.d);
	nmport_close(rx.d);
	return rx.done == count && !tx.err && !rx.err ? 0 : 1;
}
