/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nmreplay: load the file, compute the schedule, open the port, then a
 * transmit thread sends the frames when they are due while this one
 * reports once a second; the totals at the end.  SIGINT/SIGTERM stop it.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include <libnetmap.h>

#include "nmreplay.h"

#define NR_SPIN_NS	100000	/* sleep until this close to a frame, then spin */
#define NR_RNG_SEED	1	/* the same losses and delays every run */
#define NR_DRAIN_NS	1000000000ULL	/* give up draining the ring after 1 s idle */

static atomic_int nr_stop;

static void nr_on_signal(int sig)
{
	(void)sig;
	atomic_store(&nr_stop, 1);
}

static int nr_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = nr_on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0) {
		perror("nmreplay: sigaction");
		return -1;
	}
	return 0;
}

static uint64_t nr_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NR_NS + (uint64_t)ts.tv_nsec;
}

/* What the transmit thread shares with the reporting one. */
struct nr_run {
	const struct nr_conf *conf;
	struct nmport_d *port;
	struct nr_tx tx;		/* transmit thread only */
	_Atomic uint64_t sent, bytes;	/* frames and bytes handed to the port */
	_Atomic uint64_t reached;	/* frames the schedule has got past */
	_Atomic uint64_t maxq;		/* most frames in one sync, this second */
	_Atomic uint64_t round;		/* longest between loop passes, ns */
	_Atomic uint64_t elapsed;	/* ns from the start to the last frame */
	atomic_int done;
	int status;			/* 0, or -1 if poll() failed */
};

/* Sleep until t (monotonic ns), the last stretch spinning. */
static void nr_wait_until(uint64_t t)
{
	uint64_t now = nr_now();

	if (t > now + NR_SPIN_NS) {
		struct timespec ts = {
			.tv_sec = (time_t)((t - NR_SPIN_NS) / NR_NS),
			.tv_nsec = (long)((t - NR_SPIN_NS) % NR_NS),
		};

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				       NULL) == EINTR && !atomic_load(&nr_stop))
			;
	}
	while (nr_now() < t && !atomic_load(&nr_stop))
		;
}

static void nr_max(_Atomic uint64_t *a, uint64_t v)
{
	if (v > atomic_load_explicit(a, memory_order_relaxed))
		atomic_store_explicit(a, v, memory_order_relaxed);
}

/* The ring is full: sync, and wait for room. */
static int nr_wait_room(struct nr_run *r)
{
	struct pollfd pfd = { .fd = r->port->fd, .events = POLLOUT };

	ioctl(r->port->fd, NIOCTXSYNC, NULL);
	if (nm_ring_space(r->tx.ring) > 0)
		return 0;
	if (poll(&pfd, 1, 100) < 0 && errno != EINTR) {
		perror("nmreplay: poll");
		return -1;
	}
	return 0;
}

/*
 * Until every frame handed over has left the ring, the ring has made no
 * progress for NR_DRAIN_NS (a pipe's slots come back only as its peer
 * reads them), or a signal.
 */
static void nr_drain(struct nr_run *r)
{
	struct pollfd pfd = { .fd = r->port->fd, .events = POLLOUT };
	struct netmap_ring *ring = r->tx.ring;
	uint64_t moved;
	uint32_t tail;

	ioctl(r->port->fd, NIOCTXSYNC, NULL);
	tail = ring->tail;
	moved = nr_now();
	while (nm_tx_pending(ring) && !atomic_load(&nr_stop)) {
		poll(&pfd, 1, 10);
		ioctl(r->port->fd, NIOCTXSYNC, NULL);
		if (ring->tail != tail) {
			tail = ring->tail;
			moved = nr_now();
		} else if (nr_now() - moved > NR_DRAIN_NS) {
			break;
		}
	}
}

static void nr_pin(const struct nr_conf *c)
{
	cpu_set_t set;

	if (c->ncpus == 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(c->cpus[0], &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0)
		fprintf(stderr, "nmreplay: cannot pin to CPU %d\n", c->cpus[0]);
}

static void *nr_transmit(void *arg)
{
	struct nr_run *r = arg;
	struct nr_tx *tx = &r->tx;
	uint64_t t0, last, now, due;
	unsigned int n;

	nr_pin(r->conf);
	t0 = last = nr_now();
	while (!atomic_load(&nr_stop)) {
		now = nr_now();
		nr_max(&r->round, now - last);
		last = now;
		n = nr_tx_fill(tx, now - t0);
		if (n > 0) {
			atomic_store_explicit(&r->sent, tx->sent, memory_order_relaxed);
			atomic_store_explicit(&r->bytes, tx->bytes, memory_order_relaxed);
			atomic_store_explicit(&r->reached, tx->next, memory_order_relaxed);
			nr_max(&r->maxq, n);
		}
		due = nr_tx_next_due(tx);
		if (due == UINT64_MAX)
			break;
		if (due > now - t0) {
			ioctl(r->port->fd, NIOCTXSYNC, NULL);
			nr_wait_until(t0 + due);
		} else if (nm_ring_space(tx->ring) == 0) {
			if (nr_wait_room(r) < 0) {
				r->status = -1;
				break;
			}
		} else {
			ioctl(r->port->fd, NIOCTXSYNC, NULL);
		}
	}
	atomic_store(&r->elapsed, nr_now() - t0);
	nr_drain(r);
	atomic_store(&r->done, 1);
	return NULL;
}

/*
 * Upstream's report lines: frames sent -> frames the schedule reached (sent
 * or lost) in the last second, the most put in the ring at once, the
 * longest time between two passes of the transmit loop, waits included
 * (ns); the second half is upstream's
 * reverse direction, which a replay has not.  Then the loss rate asked
 * for and the one drawn (per frame for plr, per bit for ber).
 */
static void nr_report(struct nr_run *r, uint64_t *last_sent,
		      uint64_t *last_reached, const struct nr_sched_stats *ss)
{
	uint64_t sent = atomic_load_explicit(&r->sent, memory_order_relaxed);
	uint64_t reached = atomic_load_explicit(&r->reached,
						memory_order_relaxed);
	const struct nr_model *m = &r->conf->model;
	double nominal = m->loss == NR_LOSS_NONE ? 0 : m->rate;
	double actual = 0;

	if (m->loss == NR_LOSS_PLR && r->tx.trace->n > 0)
		actual = (double)ss->dropped / (double)r->tx.trace->n;
	else if (m->loss == NR_LOSS_BER && ss->bits > 0)
		actual = (double)ss->dropped / (double)ss->bits;
	fprintf(stderr, "%" PRIu64 " -> %" PRIu64 " maxq %" PRIu64
		" round %" PRIu64 ", 0 <- 0 maxq 0 round 0\n",
		sent - *last_sent, reached - *last_reached,
		atomic_exchange(&r->maxq, 0), atomic_exchange(&r->round, 0));
	fprintf(stderr, "plr nominal %e actual %e\n", nominal, actual);
	*last_sent = sent;
	*last_reached = reached;
}

static void nr_wait_link(int secs)
{
	struct timespec left = { .tv_sec = secs };

	if (secs == 0)
		return;
	fprintf(stderr, "nmreplay: waiting %d s for the link\n", secs);
	while (!atomic_load(&nr_stop) && nanosleep(&left, &left) != 0)
		;
}

static int nr_run(const struct nr_conf *c, struct nr_trace *t,
		  struct nmport_d *port, const struct nr_sched_stats *ss)
{
	struct nr_run r;
	uint64_t last = 0, last_reached = 0, el;
	pthread_t th;
	int i, e;

	memset(&r, 0, sizeof(r));
	r.conf = c;
	r.port = port;
	r.tx.ring = NETMAP_TXRING(port->nifp, port->first_tx_ring);
	r.tx.trace = t;
	r.tx.batch = c->batch;
	nr_wait_link(c->wait_link);
	e = pthread_create(&th, NULL, nr_transmit, &r);
	if (e != 0) {
		fprintf(stderr, "nmreplay: cannot start the transmit thread: %s\n",
			strerror(e));
		return -1;
	}
	while (!atomic_load(&r.done)) {
		/* a tenth of a second at a time: stop soon after the end */
		for (i = 0; i < 10 && !atomic_load(&r.done); i++) {
			struct timespec tenth = { .tv_nsec = 100000000L };

			nanosleep(&tenth, NULL);
		}
		if (!atomic_load(&r.done) || c->verbose)
			nr_report(&r, &last, &last_reached, ss);
	}
	pthread_join(th, NULL);
	el = atomic_load(&r.elapsed);
	printf("%" PRIu64 " frames %" PRIu64 " bytes sent in %" PRIu64 ".%06"
	       PRIu64 " s, %" PRIu64 " lost (-L), %" PRIu64 " too long for %s\n",
	       r.tx.sent, r.tx.bytes, el / NR_NS, el % NR_NS / 1000,
	       ss->dropped, r.tx.oversize, c->port);
	fflush(stdout);
	return r.status;
}

int main(int argc, char **argv)
{
	struct nr_sched_stats ss;
	struct nmport_d *port;
	struct nr_trace trace;
	struct nr_rng rng;
	struct nr_conf c;
	int ret = 1;

	switch (nr_parse_args(&c, argc, argv, stderr)) {
	case NR_PARSE_HELP:
		nr_usage(stdout);
		return 0;
	case NR_PARSE_ERROR:
		return 1;
	case NR_PARSE_OK:
		break;
	}
	if (nr_signals() < 0)
		return 1;
	if (nr_trace_load(&trace, c.file, stderr) < 0)
		return 1;
	nr_rng_init(&rng, NR_RNG_SEED);
	nr_schedule(&c.model, &trace, &rng, &ss);
	if (c.verbose)
		fprintf(stderr, "nmreplay: %s: %zu frames, %" PRIu64
			" bytes, %" PRIu64 " lost, last due at %" PRIu64
			" ns, %" PRIu64 " timestamps out of order\n",
			c.file, trace.n, trace.bytes, ss.dropped,
			trace.f[trace.n - 1].at, trace.reordered);
	port = nmport_open(c.port);
	if (port == NULL) {
		fprintf(stderr, "nmreplay: cannot open %s\n", c.port);
		goto free_trace;
	}
	if (port->first_tx_ring > port->last_tx_ring) {
		fprintf(stderr, "nmreplay: %s has no TX ring\n", c.port);
		goto close_port;
	}
	if (nr_run(&c, &trace, port, &ss) == 0)
		ret = 0;
close_port:
	nmport_close(port);
free_trace:
	nr_trace_free(&trace);
	return ret;
}
