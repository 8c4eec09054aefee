/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bridge: forward packets between two netmap ports.
 *
 * struct br_conf is what the command line asked for (options.c); struct
 * br_dir is one direction of traffic, from the RX rings of one port to the
 * TX rings of the other (forward.c).  Everything runs in one thread; the
 * only state shared with the signal handler is the stop flag.
 */
#ifndef BR_BRIDGE_H
#define BR_BRIDGE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct nmport_d;
struct netmap_ring;

#define BR_BURST_DEFAULT	1024
#define BR_BURST_MAX		8192
#define BR_WAIT_DEFAULT		4
#define BR_WAIT_MAX		100
#define BR_NAME_MAX		512

struct br_conf {
	char ifa[BR_NAME_MAX];		/* port A (after the "^" rewrite) */
	char ifb[BR_NAME_MAX];		/* port B */
	bool same_port;			/* -L with A == B: one port, looped */
	unsigned int burst;		/* -b, packets per round and direction */
	int wait_link;			/* -w, seconds */
	bool zerocopy;			/* cleared by -c */
	int verbose;			/* -v */
	bool loopback;			/* -L */
};

/* What options.c tells the caller to do next. */
enum br_parse { BR_PARSE_OK, BR_PARSE_HELP, BR_PARSE_ERROR };

enum br_parse br_parse_args(struct br_conf *c, int argc, char **argv);
void br_usage(FILE *f);

/* Counters of one direction; updated by the forwarding thread only. */
struct br_stats {
	uint64_t packets;		/* whole frames moved */
	uint64_t bytes;
	uint64_t slots;			/* one per fragment */
	uint64_t dropped;		/* frames longer than a TX ring */
};

struct br_dir {
	struct nmport_d *src;
	struct nmport_d *dst;
	const char *src_name;
	const char *dst_name;
	int src_pfd;			/* index of the poll entries */
	int dst_pfd;
	struct br_stats stats;
};

/*
 * Move up to limit whole frames from rx to tx (swapping buffers if zcopy,
 * copying otherwise).  Returns the number of frames moved.
 */
unsigned int br_move_ring(struct netmap_ring *rx, struct netmap_ring *tx,
			  unsigned int limit, bool zcopy, struct br_stats *st);
/* Same, over all the bound rings of a direction. */
unsigned int br_move(struct br_dir *d, unsigned int limit, bool zcopy);
/* Received slots not yet moved, over all the RX rings of a port. */
unsigned int br_rx_pending(struct nmport_d *p);

/* Forward until *stop becomes nonzero; 0 on a clean stop, -1 on error. */
int br_run(const struct br_conf *c, struct br_dir *dirs, int ndirs,
	   bool zcopy, volatile sig_atomic_t *stop);

void br_log(const char *fmt, ...) __attribute__((__format__(__printf__, 1, 2)));

#endif /* BR_BRIDGE_H */
