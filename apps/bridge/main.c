/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bridge: open the two ports, wait for the links, forward until SIGINT
 * or SIGTERM, print the totals of each direction.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libnetmap.h>

#include "bridge.h"

static volatile sig_atomic_t br_stop;

static void br_on_signal(int sig)
{
	(void)sig;
	br_stop = 1;
}

static int br_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = br_on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: poll() and the link wait return at once */
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0) {
		perror("bridge: sigaction");
		return -1;
	}
	return 0;
}

/* Sleep secs seconds, less if a signal asks to stop. */
static void br_wait_link(int secs)
{
	struct timespec left = { .tv_sec = secs };

	br_log("Wait %d secs for link to come up...", secs);
	while (!br_stop && (left.tv_sec > 0 || left.tv_nsec > 0)) {
		if (nanosleep(&left, &left) == 0)
			break;
	}
}

static void br_totals(const struct br_dir *dirs, int ndirs, bool zcopy)
{
	int k;

	printf("Totals (%s):\n", zcopy ? "zero-copy" : "copy");
	for (k = 0; k < ndirs; k++) {
		const struct br_stats *s = &dirs[k].stats;

		printf("%s -> %s: %" PRIu64 " packets %" PRIu64 " bytes %"
		       PRIu64 " slots %" PRIu64 " dropped\n",
		       dirs[k].src_name, dirs[k].dst_name, s->packets,
		       s->bytes, s->slots, s->dropped);
	}
	fflush(stdout);
}

static void br_setup_dirs(const struct br_conf *c, struct nmport_d *pa,
			  struct nmport_d *pb, struct br_dir *dirs)
{
	memset(dirs, 0, 2 * sizeof(*dirs));
	dirs[0].src = pa;
	dirs[0].dst = pb;
	dirs[0].src_name = c->ifa;
	dirs[0].dst_name = c->ifb;
	dirs[0].src_pfd = 0;
	dirs[0].dst_pfd = c->same_port ? 0 : 1;
	dirs[1].src = pb;
	dirs[1].dst = pa;
	dirs[1].src_name = c->ifb;
	dirs[1].dst_name = c->ifa;
	dirs[1].src_pfd = dirs[0].dst_pfd;
	dirs[1].dst_pfd = 0;
}

static int br_bridge(const struct br_conf *c, struct nmport_d *pa,
		     struct nmport_d *pb)
{
	struct br_dir dirs[2];
	int ndirs = c->same_port ? 1 : 2;
	bool zcopy = c->zerocopy && pa->mem == pb->mem;
	int ret;

	br_log("------- zerocopy %ssupported", zcopy ? "" : "NOT ");
	br_setup_dirs(c, pa, pb, dirs);
	br_wait_link(c->wait_link);
	br_log("Ready to go, %s 0x%x/%d <-> %s 0x%x/%d.", pa->hdr.nr_name,
	       pa->first_rx_ring, pa->reg.nr_rx_rings, pb->hdr.nr_name,
	       pb->first_rx_ring, pb->reg.nr_rx_rings);
	ret = br_run(c, dirs, ndirs, zcopy, &br_stop);
	br_totals(dirs, ndirs, zcopy);
	return ret;
}

int main(int argc, char **argv)
{
	struct nmport_d *pa, *pb;
	struct br_conf c;
	int ret = 1;

	switch (br_parse_args(&c, argc, argv)) {
	case BR_PARSE_HELP:
		br_usage(stdout);
		return 0;
	case BR_PARSE_ERROR:
		br_usage(stderr);
		return 1;
	case BR_PARSE_OK:
		break;
	}
	if (br_signals() < 0)
		return 1;

	pa = nmport_open(c.ifa);
	if (pa == NULL) {
		br_log("cannot open %s", c.ifa);
		return 1;
	}
	pb = c.same_port ? pa : nmport_open(c.ifb);
	if (pb == NULL) {
		br_log("cannot open %s", c.ifb);
		goto close_a;
	}
	if (br_bridge(&c, pa, pb) == 0)
		ret = 0;
	if (pb != pa)
		nmport_close(pb);
close_a:
	nmport_close(pa);
	return ret;
}
