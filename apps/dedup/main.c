/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dedup: open the two ports, wait for the link, forward from the first to
 * the second until SIGINT or SIGTERM, print the totals.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include <libnetmap.h>

#include "dedup.h"

static volatile sig_atomic_t dd_stop;

static void dd_on_signal(int sig)
{
	(void)sig;
	dd_stop = 1;
}

static int dd_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = dd_on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0) {
		perror("dedup: sigaction");
		return -1;
	}
	return 0;
}

void dd_log(const char *fmt, ...)
{
	va_list ap;

	fputs("dedup: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static uint64_t dd_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void dd_wait_link(int secs)
{
	struct timespec left = { .tv_sec = secs };

	dd_log("Wait %d secs for link to come up...", secs);
	while (!dd_stop && (left.tv_sec > 0 || left.tv_nsec > 0)) {
		if (nanosleep(&left, &left) == 0)
			break;
	}
}

static void dd_totals(const struct dd_fwd *f)
{
	const struct dd_stats *s = &f->stats;

	printf("Totals (%s): %" PRIu64 " received %" PRIu64 " forwarded %"
	       PRIu64 " bytes %" PRIu64 " duplicates dropped\n",
	       f->zcopy ? "zero-copy" : "copy", s->received, s->forwarded,
	       s->bytes, s->dropped);
	fflush(stdout);
}

static void dd_verbose(const struct dd_fwd *f, uint64_t now, uint64_t *last)
{
	if (now - *last < 1000000u)
		return;
	*last = now;
	dd_log("%" PRIu64 " received %" PRIu64 " forwarded %" PRIu64
	       " dropped, window %u frames", f->stats.received,
	       f->stats.forwarded, f->stats.dropped, f->table->count);
}

/* Forward until asked to stop; 0, or -1 if poll() fails. */
static int dd_loop(const struct dd_conf *c, struct dd_fwd *f,
		   struct nmport_d *pa, struct nmport_d *pb)
{
	struct pollfd pfd[2] = { { .fd = pa->fd }, { .fd = pb->fd } };
	unsigned int pending = 0;
	uint64_t last = dd_now_us();

	while (!dd_stop) {
		pfd[0].events = pending ? 0 : POLLIN;
		pfd[1].events = pending ? POLLOUT : 0;
		if (poll(pfd, 2, 1000) < 0 && errno != EINTR) {
			perror("dedup: poll");
			return -1;
		}
		if (dd_forward(f, dd_now_us(), &pending) > 0)
			ioctl(pb->fd, NIOCTXSYNC, NULL);
		if (c->verbose)
			dd_verbose(f, dd_now_us(), &last);
	}
	ioctl(pb->fd, NIOCTXSYNC, NULL);
	return 0;
}

static int dd_check_rings(struct nmport_d *pa, struct nmport_d *pb)
{
	if (pa->first_rx_ring != pa->last_rx_ring) {
		dd_log("%s: too many RX rings (%d)", pa->hdr.nr_name,
		       pa->last_rx_ring - pa->first_rx_ring + 1);
		return -1;
	}
	if (pb->first_tx_ring != pb->last_tx_ring) {
		dd_log("%s: too many TX rings (%d)", pb->hdr.nr_name,
		       pb->last_tx_ring - pb->first_tx_ring + 1);
		return -1;
	}
	return 0;
}

static int dd_run(const struct dd_conf *c, struct nmport_d *pa,
		  struct nmport_d *pb)
{
	struct dd_table table;
	struct dd_fwd f;
	int ret;

	if (dd_check_rings(pa, pb) < 0)
		return -1;
	memset(&f, 0, sizeof(f));
	f.rx = NETMAP_RXRING(pa->nifp, pa->first_rx_ring);
	f.tx = NETMAP_TXRING(pb->nifp, pb->first_tx_ring);
	f.zcopy = c->zerocopy && pa->mem == pb->mem;
	if (dd_table_init(&table, c->fifo_size, f.rx->nr_buf_size,
			  c->win_us) < 0) {
		dd_log("failed to initialize dedup with fifo_size %u",
		       c->fifo_size);
		return -1;
	}
	f.table = &table;
	dd_log("------- zerocopy %ssupported", f.zcopy ? "" : "NOT ");
	dd_log("win_size %" PRIu64 " usec, fifo_size %u", c->win_us,
	       c->fifo_size);
	dd_wait_link(c->wait_link);
	dd_log("Ready to go, %s -> %s", pa->hdr.nr_name, pb->hdr.nr_name);
	ret = dd_loop(c, &f, pa, pb);
	dd_totals(&f);
	dd_table_fini(&table);
	return ret;
}

int main(int argc, char **argv)
{
	struct nmport_d *pa, *pb;
	struct dd_conf c;
	int ret = 1;

	switch (dd_parse_args(&c, argc, argv, stderr)) {
	case DD_PARSE_HELP:
		dd_usage(stdout);
		return 0;
	case DD_PARSE_ERROR:
		return 1;
	case DD_PARSE_OK:
		break;
	}
	if (dd_signals() < 0)
		return 1;
	pa = nmport_open(c.ifa);
	if (pa == NULL) {
		dd_log("cannot open %s", c.ifa);
		return 1;
	}
	pb = nmport_open(c.ifb);
	if (pb == NULL) {
		dd_log("cannot open %s", c.ifb);
		goto close_a;
	}
	if (dd_run(&c, pa, pb) == 0)
		ret = 0;
	nmport_close(pb);
close_a:
	nmport_close(pa);
	return ret;
}
