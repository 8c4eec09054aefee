// SPDX-License-Identifier: BSD-2-Clause
/*
 * vale-share: how the frames reaching one port divide between their
 * senders (bench/vale.sh, fairness of the switch). Receives on PORT,
 * counts frames per source MAC address, and ends IDLE_MS after the last
 * frame (or on SIGINT/SIGTERM). Prints one line per source, then
 *   share sources N frames T min/max R jain J
 * where R is the smallest count over the largest and J is Jain's fairness
 * index (sum x)^2 / (N sum x^2): 1 when every source got as much.
 *
 * usage: vale-share PORT [IDLE_MS]   (default 1000)
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libnetmap.h>

#define MAX_SOURCES 64

struct source {
	uint8_t mac[6];
	uint64_t frames;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Count one frame from @mac; frames beyond MAX_SOURCES sources go to *other. */
static void count(struct source *s, unsigned int *n, const uint8_t *mac,
		  uint64_t *other)
{
	unsigned int i;

	for (i = 0; i < *n; i++) {
		if (!memcmp(s[i].mac, mac, 6)) {
			s[i].frames++;
			return;
		}
	}
	if (*n == MAX_SOURCES) {
		(*other)++;
		return;
	}
	memcpy(s[*n].mac, mac, 6);
	s[*n].frames = 1;
	(*n)++;
}

/* Drain every bound RX ring of @d; returns the frames seen. */
static uint64_t drain(struct nmport_d *d, struct source *s, unsigned int *n,
		      uint64_t *other)
{
	uint64_t got = 0;
	unsigned int r;

	for (r = d->first_rx_ring; r <= d->last_rx_ring; r++) {
		struct netmap_ring *ring = NETMAP_RXRING(d->nifp, r);
		uint32_t i = ring->head;

		for (; i != ring->tail; i = nm_ring_next(ring, i)) {
			struct netmap_slot *slot = &ring->slot[i];
			const uint8_t *buf = (const uint8_t *)NETMAP_BUF(ring, slot->buf_idx);

			if (slot->len >= 12)
				count(s, n, buf + 6, other);
			got++;
		}
		ring->head = ring->cur = i;
	}
	return got;
}

static void report(const struct source *s, unsigned int n, uint64_t other)
{
	double sum = 0, sq = 0, min = 0, max = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		double x = (double)s[i].frames;

		printf("source %02x:%02x:%02x:%02x:%02x:%02x %" PRIu64 "\n",
		       s[i].mac[0], s[i].mac[1], s[i].mac[2], s[i].mac[3],
		       s[i].mac[4], s[i].mac[5], s[i].frames);
		sum += x;
		sq += x * x;
		if (!i || x < min)
			min = x;
		if (x > max)
			max = x;
	}
	if (other)
		printf("other sources: %" PRIu64 " frames\n", other);
	printf("share sources %u frames %.0f min/max %.3f jain %.3f\n", n, sum,
	       max > 0 ? min / max : 0, sq > 0 ? sum * sum / (n * sq) : 0);
}

int main(int argc, char **argv)
{
	struct source src[MAX_SOURCES];
	uint64_t last = 0, idle = 1000, other = 0, total = 0;
	unsigned int n = 0;
	struct nmport_d *d;
	struct pollfd pfd;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s PORT [IDLE_MS]\n", argv[0]);
		return 2;
	}
	if (argc == 3)
		idle = strtoull(argv[2], NULL, 10);
	d = nmport_open(argv[1]);
	if (!d) {
		fprintf(stderr, "%s: cannot open: %s\n", argv[1], strerror(errno));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("vale-share: receiving on %s\n", argv[1]);
	fflush(stdout);
	pfd.fd = d->fd;
	pfd.events = POLLIN;
	while (!stop && (!last || now_ms() - last < idle)) {
		uint64_t got;

		if (poll(&pfd, 1, 100) < 0 && errno != EINTR)
			break;
		got = drain(d, src, &n, &other);
		if (got) {
			total += got;
			last = now_ms();
		}
	}
	report(src, n, other);
	nmport_close(d);
	return total ? 0 : 1;
}
