// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_tlem_probe: sender and receiver of t_tlem.sh, and a small TAP test by
 * itself.
 *
 *   t_tlem_probe      TAP: 20000 frames through a bare pipe (pro{0 ->
 *                     pro}0) arrive all, in order, byte for byte
 *   t_tlem_probe run TX RX COUNT RATE LEN IDLE_MS
 *       open TX and RX (nmport_open syntax); send COUNT frames of LEN bytes
 *       on TX, RATE a second (0: as fast as the ring takes them), each with
 *       its sequence number, the time it was sent and a pattern of both;
 *       receive on RX until all came or IDLE_MS pass without one.  Prints
 *       "sent N", "received N", "out_of_order N" (a sequence number not
 *       above the last one), "bad N" (wrong length or bytes), "delay_us
 *       MIN AVG MAX MEDIAN" (receive time minus send time), "rate_bps R" (bits of
 *       the frames after the first over the time from first to last).
 *   t_tlem_probe oversleep N US
 *       sleep N times for US microseconds (clock_nanosleep) and print
 *       "oversleep_us M", the median of how much later than asked it woke:
 *       the guest's own timer lateness, which tlem's timed sleeps share.
 *       The probe runs on CPU 0 (t_tlem.sh puts tlem's threads there too):
 *       wake-ups between vCPUs of a TCG guest on a busy host take
 *       milliseconds, which would swamp the delays measured.
 */
#define _GNU_SOURCE
#include "common.h"

#include <libnetmap.h>
#include <poll.h>
#include <sched.h>
#include <time.h>

#define PR_HDR		30		/* ether header, seq, time */
#define PR_ETHERTYPE	0x88b5		/* local experimental */

struct pr_stats {
	uint64_t sent, received, out_of_order, bad;
	uint64_t last_seq;
	uint64_t dmin, dmax, dsum;
	uint64_t first_rx, last_rx;
	uint32_t *delays;		/* us, one per frame received (up to cap) */
	uint64_t cap;
};

static uint64_t pr_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static unsigned char pr_byte(uint64_t seq, unsigned int k)
{
	return (unsigned char)(seq * 7 + k * 13 + (seq >> 8));
}

static void pr_fill(unsigned char *b, unsigned int len, uint64_t seq,
		    uint64_t now)
{
	unsigned int k;

	memset(b, 0xff, 6);
	memcpy(b + 6, "\x02\x00\x00\x00\x00\x01", 6);
	b[12] = PR_ETHERTYPE >> 8;
	b[13] = PR_ETHERTYPE & 0xff;
	memcpy(b + 14, &seq, 8);
	memcpy(b + 22, &now, 8);
	for (k = PR_HDR; k < len; k++)
		b[k] = pr_byte(seq, k);
}

static void pr_check(struct pr_stats *s, const unsigned char *b,
		     unsigned int len, unsigned int want_len, uint64_t now)
{
	uint64_t seq, t, d;
	unsigned int k;

	s->received++;
	if (len != want_len || b[12] != (PR_ETHERTYPE >> 8) ||
	    b[13] != (PR_ETHERTYPE & 0xff)) {
		s->bad++;
		return;
	}
	memcpy(&seq, b + 14, 8);
	memcpy(&t, b + 22, 8);
	for (k = PR_HDR; k < len; k++) {
		if (b[k] != pr_byte(seq, k)) {
			s->bad++;
			return;
		}
	}
	if (s->received > 1 && seq <= s->last_seq)
		s->out_of_order++;
	s->last_seq = seq;
	d = now > t ? now - t : 0;
	if (s->received == 1 || d < s->dmin)
		s->dmin = d;
	if (d > s->dmax)
		s->dmax = d;
	s->dsum += d;
	if (s->delays && s->received <= s->cap)
		s->delays[s->received - 1] = (uint32_t)(d / 1000);
	if (s->received == 1)
		s->first_rx = now;
	s->last_rx = now;
}

static void pr_receive(struct nmport_d *rx, struct pr_stats *s,
		       unsigned int len)
{
	uint64_t now = pr_now();
	int i;

	for (i = rx->first_rx_ring; i <= rx->last_rx_ring; i++) {
		struct netmap_ring *r = NETMAP_RXRING(rx->nifp, i);

		while (!nm_ring_empty(r)) {
			struct netmap_slot *sl = &r->slot[r->head];

			pr_check(s, (unsigned char *)NETMAP_BUF(r, sl->buf_idx),
				 sl->len, len, now);
			r->head = r->cur = nm_ring_next(r, r->head);
		}
	}
}

/* Frames due by now on TX; true if some were put. */
static int pr_send(struct nmport_d *tx, struct pr_stats *s, uint64_t count,
		   uint64_t rate, unsigned int len, uint64_t t0)
{
	struct netmap_ring *r = NETMAP_TXRING(tx->nifp, tx->first_tx_ring);
	uint64_t now = pr_now();
	int put = 0;

	while (s->sent < count && !nm_ring_empty(r) &&
	       (rate == 0 || t0 + s->sent * 1000000000ull / rate <= now)) {
		struct netmap_slot *sl = &r->slot[r->head];

		pr_fill((unsigned char *)NETMAP_BUF(r, sl->buf_idx), len,
			s->sent, pr_now());
		sl->len = (uint16_t)len;
		r->head = r->cur = nm_ring_next(r, r->head);
		s->sent++;
		put = 1;
	}
	return put;
}

static int pr_run(struct nmport_d *tx, struct nmport_d *rx, uint64_t count,
		  uint64_t rate, unsigned int len, unsigned int idle_ms,
		  struct pr_stats *s)
{
	uint64_t t0 = pr_now(), last = t0, now;
	struct pollfd pfd[2] = { { .fd = tx->fd }, { .fd = rx->fd,
						      .events = POLLIN } };

	memset(s, 0, sizeof(*s));
	s->cap = count;
	s->delays = calloc(count ? count : 1, sizeof(*s->delays));
	for (;;) {
		uint64_t got = s->received;
		/* sending: look again in 1 ms; then RX wakes us */
		int wait_ms = s->sent < count ? 1 : 100;

		if (pr_send(tx, s, count, rate, len, t0))
			ioctl(tx->fd, NIOCTXSYNC, NULL);
		pr_receive(rx, s, len);
		now = pr_now();
		if (s->received != got || s->sent < count)
			last = now;
		if (s->received >= count)
			break;
		if (s->sent == count && now - last > idle_ms * 1000000ull)
			break;
		pfd[0].events = s->sent < count ? POLLOUT : 0;
		if (s->sent < count && rate &&
		    t0 + s->sent * 1000000000ull / rate > now)
			pfd[0].events = 0;
		if (poll(pfd, 2, wait_ms) < 0 && errno != EINTR)
			return -1;
	}
	return 0;
}

static int pr_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The median of the delays, us (0 without any). */
static uint64_t pr_median(struct pr_stats *s)
{
	uint64_t n = s->received < s->cap ? s->received : s->cap;

	if (n == 0 || s->delays == NULL)
		return 0;
	qsort(s->delays, n, sizeof(*s->delays), pr_cmp);
	return s->delays[n / 2];
}

static void pr_print(struct pr_stats *s, unsigned int len)
{
	double span = (double)(s->last_rx - s->first_rx) / 1e9;

	printf("sent %llu\nreceived %llu\nout_of_order %llu\nbad %llu\n",
	       (unsigned long long)s->sent, (unsigned long long)s->received,
	       (unsigned long long)s->out_of_order,
	       (unsigned long long)s->bad);
	printf("delay_us %llu %llu %llu %llu\n",
	       (unsigned long long)(s->dmin / 1000),
	       (unsigned long long)(s->received ?
				    s->dsum / s->received / 1000 : 0),
	       (unsigned long long)(s->dmax / 1000),
	       (unsigned long long)pr_median(s));
	printf("rate_bps %.0f\n", s->received > 1 && span > 0 ?
	       (double)(s->received - 1) * len * 8 / span : 0.0);
	fflush(stdout);
}

static int pr_cmd(int argc, char **argv)
{
	struct nmport_d *tx, *rx;
	struct pr_stats s;
	unsigned int len;
	cpu_set_t cpu0;
	int ret;

	if (argc != 8) {
		fprintf(stderr, "usage: t_tlem_probe run TX RX COUNT RATE LEN IDLE_MS\n");
		return 2;
	}
	len = (unsigned int)strtoul(argv[6], NULL, 0);
	if (len < 60 || len > 2048) {
		fprintf(stderr, "t_tlem_probe: LEN must be 60..2048\n");
		return 2;
	}
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	sched_setaffinity(0, sizeof(cpu0), &cpu0);	/* best effort */
	tx = nmport_open(argv[2]);
	rx = tx ? nmport_open(argv[3]) : NULL;
	if (rx == NULL) {
		fprintf(stderr, "t_tlem_probe: cannot open %s\n",
			tx ? argv[3] : argv[2]);
		if (tx)
			nmport_close(tx);
		return 1;
	}
	ret = pr_run(tx, rx, strtoull(argv[4], NULL, 0),
		     strtoull(argv[5], NULL, 0), len,
		     (unsigned int)strtoul(argv[7], NULL, 0), &s);
	pr_print(&s, len);
	free(s.delays);
	nmport_close(rx);
	nmport_close(tx);
	return ret ? 1 : 0;
}

static int pr_oversleep(int argc, char **argv)
{
	uint64_t n, us, i, t;
	uint32_t *late;
	cpu_set_t cpu0;

	if (argc != 4)
		return 2;
	n = strtoull(argv[2], NULL, 0);
	us = strtoull(argv[3], NULL, 0);
	if (n == 0 || us == 0 || (late = calloc(n, sizeof(*late))) == NULL)
		return 2;
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	sched_setaffinity(0, sizeof(cpu0), &cpu0);	/* best effort */
	for (i = 0; i < n; i++) {
		struct timespec ts = { .tv_sec = (time_t)(us / 1000000),
				       .tv_nsec = (long)(us % 1000000) * 1000 };

		t = pr_now();
		clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
		t = pr_now() - t;
		late[i] = t > us * 1000 ? (uint32_t)((t - us * 1000) / 1000) : 0;
	}
	qsort(late, n, sizeof(*late), pr_cmp);
	printf("oversleep_us %u\n", late[n / 2]);
	free(late);
	return 0;
}

int main(int argc, char **argv)
{
	struct nmport_d *tx, *rx;
	struct pr_stats s;

	if (argc > 1 && strcmp(argv[1], "oversleep") == 0)
		return pr_oversleep(argc, argv);
	if (argc > 1)
		return pr_cmd(argc, argv);
	tap_start(60);
	tx = nmport_open("netmap:pro{0");
	rx = nmport_open("netmap:pro}0");
	if (tx == NULL || rx == NULL)
		bail("cannot open the pipe pro{0 / pro}0");
	ok(pr_run(tx, rx, 20000, 0, 60, 2000, &s) == 0, "the probe ran");
	diag("bare pipe: delay min %llu avg %llu max %llu us",
	     (unsigned long long)(s.dmin / 1000),
	     (unsigned long long)(s.dsum / (s.received ? s.received : 1) / 1000),
	     (unsigned long long)(s.dmax / 1000));
	is((long long)s.sent, 20000, "sent 20000 frames into pro{0");
	is((long long)s.received, 20000, "received 20000 frames on pro}0");
	is((long long)s.out_of_order, 0, "none out of order");
	is((long long)s.bad, 0, "every frame byte for byte");
	free(s.delays);
	nmport_close(rx);
	nmport_close(tx);
	return tap_end();
}
