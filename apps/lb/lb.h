/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lb: read frames from one netmap port and spread them over groups of
 * netmap pipes by a symmetric flow hash; every frame goes to one pipe of
 * each group.
 *
 * struct lb_conf is the command line (options.c); lb_hash() the flow hash
 * (hash.c); struct lb_queue the overflow queues and the pool of free extra
 * buffers (queue.c); struct lb_state the ports and counters, moved by
 * forward.c and reported by stats.c.  One thread; the signal handler only
 * sets the stop flag.
 */
#ifndef LB_LB_H
#define LB_LB_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct nmport_d;
struct netmap_ring;
struct netmap_slot;

#define LB_NAME_MAX		64	/* a pipe group's name, with its NUL */
#define LB_IFNAME_MAX		(LB_NAME_MAX - 8)	/* longest -i argument */
#define LB_PORT_MAX		(LB_NAME_MAX + 40)	/* an output pipe's port spec */
#define LB_PIPES_DEFAULT	2
#define LB_EXTRA_DEFAULT	0
#define LB_BATCH_DEFAULT	2048
#define LB_BATCH_MAX		65535
#define LB_WAIT_DEFAULT		2
#define LB_WAIT_MAX		3600
#define LB_INTERVAL_MAX		86400
#define LB_EXTRA_MAX		10000000u
#define LB_GROUPS_MAX		64
#define LB_PIPES_MAX		1024	/* over all the groups */
#define LB_REVOKE		150	/* slots taken back from the longest queue */

struct lb_group_conf {
	char name[LB_NAME_MAX];		/* "" until the input's name is known */
	bool named;			/* NAME: given */
	unsigned int npipes;
	unsigned int first_id;		/* after earlier groups of the same name */
};

struct lb_conf {
	char ifname[LB_NAME_MAX + 8];	/* -i, "netmap:" prepended if needed */
	struct lb_group_conf groups[LB_GROUPS_MAX];
	unsigned int ngroups;
	unsigned int npipes;		/* over all the groups */
	uint32_t extra_bufs;		/* -B */
	unsigned int batch;		/* -b */
	unsigned int wait_link;		/* -w, seconds */
	bool busy_wait;			/* -W */
	unsigned int syslog_int;	/* -s, seconds, 0 = never */
	unsigned int stdout_int;	/* -o, seconds, 0 = never */
};

enum lb_parse { LB_PARSE_OK, LB_PARSE_HELP, LB_PARSE_ERROR };

/* Errors: one line on stderr. */
enum lb_parse lb_parse_args(struct lb_conf *c, int argc, char **argv);
/* Name the unnamed groups after the input port and number the pipes. */
void lb_name_groups(struct lb_conf *c, const char *input_name);
/* The input's name without "netmap:" and any port operator. */
void lb_base_name(char *dst, size_t size, const char *ifname);
/* "netmap:NAME{ID/xT@MEMID" (no "netmap:" for NAME starting with "vale"). */
int lb_pipe_spec(char *dst, size_t size, const char *name, unsigned int id,
		 unsigned int mem_id);
void lb_usage(FILE *f);

/*
 * Symmetric flow hash of an Ethernet frame (up to two VLAN tags, IPv4 or
 * IPv6, the ports of TCP, UDP and SCTP): both directions of a flow hash
 * alike.  0 for frames that are not IP, never 0 otherwise.
 */
uint32_t lb_hash(const uint8_t *frame, size_t len);

/* A fragment waiting in a queue: a buffer of the input's region. */
struct lb_buf {
	uint32_t idx;
	uint16_t len;
	uint16_t flags;			/* NS_MOREFRAG, nothing else */
};

/* A FIFO of buffers (overflow queue of a pipe, or the free pool). */
struct lb_queue {
	struct lb_buf *v;
	uint32_t size;
	uint32_t head;
	uint32_t n;
};

int lb_queue_init(struct lb_queue *q, uint32_t size);
void lb_queue_fini(struct lb_queue *q);
bool lb_queue_push(struct lb_queue *q, struct lb_buf b);
bool lb_queue_pop(struct lb_queue *q, struct lb_buf *b);
/* The entry i places after the head (i < n). */
const struct lb_buf *lb_queue_peek(const struct lb_queue *q, uint32_t i);
/* Slots of the frame at the head (1 + trailing NS_MOREFRAG), 0 if empty. */
uint32_t lb_queue_frame(const struct lb_queue *q);
static inline uint32_t lb_queue_room(const struct lb_queue *q)
{
	return q->size - q->n;
}

struct lb_counters {
	uint64_t pkts, bytes;		/* frames delivered to the pipe */
	uint64_t drop, drop_bytes;	/* frames for it that were dropped */
};

struct lb_pipe {
	char spec[LB_PORT_MAX];		/* as opened */
	struct nmport_d *d;
	struct netmap_ring *ring;	/* its TX ring */
	bool zcopy;			/* same region as the input */
	struct lb_queue oq;		/* size 0: no overflow queue */
	struct lb_counters ctr;
};

struct lb_group {
	struct lb_pipe *pipes;
	unsigned int n;
};

struct lb_state {
	struct nmport_d *in;
	struct netmap_ring *inref;	/* reaches the input region's buffers */
	struct lb_pipe *pipes;		/* every group's, in group order */
	unsigned int npipes;
	struct lb_group groups[LB_GROUPS_MAX];
	unsigned int ngroups;
	struct lb_queue freeq;		/* free extra buffers */
	uint64_t received, received_bytes, non_ip;
	uint64_t forwarded, dropped;	/* one per pipe a frame goes to */
};

/* Hand one frame (slots rs[0..n-1] of an input RX ring) to every group. */
void lb_forward_frame(struct lb_state *s, struct netmap_ring *rx,
		      uint32_t first, uint32_t n);
/* Move what waits in p's overflow queue to its ring while there is room. */
unsigned int lb_drain(struct lb_state *s, struct lb_pipe *p);
/* Up to limit whole frames from an input RX ring; returns the frames. */
unsigned int lb_rx_ring(struct lb_state *s, struct netmap_ring *rx,
			unsigned int limit);
/* Forward until *stop; 0 on a clean stop, -1 on error. */
int lb_run(struct lb_state *s, const struct lb_conf *c,
	   volatile sig_atomic_t *stop);

/* stats.c: JSON lines every -o seconds on stdout, -s seconds to syslog. */
struct lb_stats {
	const struct lb_conf *conf;
	uint64_t last_ns;		/* last tick, CLOCK_MONOTONIC */
	uint64_t ticks;
	struct lb_counters *prev;	/* per pipe, at the last tick */
	struct lb_counters prev_all;
};

int lb_stats_init(struct lb_stats *st, const struct lb_conf *c,
		  unsigned int npipes);
void lb_stats_fini(struct lb_stats *st);
/* Milliseconds until the next tick (for poll). */
int lb_stats_due_ms(const struct lb_stats *st);
/* At each second: the lines due, if any. */
void lb_stats_tick(struct lb_stats *st, const struct lb_state *s);
/* One pipe's line and the aggregate line into buf (for the tests too). */
int lb_stats_pipe_line(char *buf, size_t size, double ts,
		       const struct lb_pipe *p, unsigned int ring,
		       const struct lb_counters *d, uint64_t usec);
int lb_stats_all_line(char *buf, size_t size, double ts, const char *ifname,
		      const struct lb_state *s, const struct lb_counters *tot,
		      const struct lb_counters *d, uint64_t usec);
void lb_sum(const struct lb_state *s, struct lb_counters *tot);

void lb_log(const char *fmt, ...) __attribute__((__format__(__printf__, 1, 2)));

#endif /* LB_LB_H */
