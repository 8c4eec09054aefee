/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dedup: forward the frames received on one netmap port to another,
 * dropping the duplicates seen within a window.
 *
 * struct dd_conf is the command line (options.c), struct dd_table the
 * duplicate detector (detect.c), struct dd_fwd one pass of forwarding from
 * an RX ring to a TX ring (forward.c).  One thread; the signal handler only
 * sets the stop flag of main.c.
 */
#ifndef DD_DEDUP_H
#define DD_DEDUP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct netmap_ring;

#define DD_WAIT_DEFAULT		2	/* -w, seconds */
#define DD_WAIT_MAX		3600
#define DD_WIN_DEFAULT		50	/* -W, microseconds */
#define DD_WIN_MAX		2147483647L
#define DD_FIFO_DEFAULT		10	/* -F, frames remembered */
#define DD_FIFO_MAX		16384
#define DD_HASH_BYTES		64	/* bytes of a frame hashed */

struct dd_conf {
	const char *ifa;		/* first -i: input port */
	const char *ifb;		/* second -i: output port */
	bool zerocopy;			/* cleared by -c */
	bool hold;			/* -H (accepted, see README) */
	int verbose;			/* -v */
	int wait_link;			/* -w */
	uint64_t win_us;		/* -W */
	unsigned int fifo_size;		/* -F */
};

enum dd_parse { DD_PARSE_OK, DD_PARSE_HELP, DD_PARSE_ERROR };

/* Fills c; on DD_PARSE_ERROR one line has been written to err. */
enum dd_parse dd_parse_args(struct dd_conf *c, int argc, char **argv,
			    FILE *err);
void dd_usage(FILE *f);

/*
 * The window: the last `size` frames that were let through, each for
 * `win_us` microseconds after its arrival.  A frame is a duplicate if one
 * of them has the same length and the same bytes.
 */
struct dd_entry {
	uint64_t arrival;		/* microseconds, caller's clock */
	uint32_t hash;			/* of the first DD_HASH_BYTES bytes */
	uint16_t len;
};

struct dd_table {
	struct dd_entry *ent;		/* circular, oldest at first */
	unsigned char *data;		/* size * maxlen bytes: the copies */
	unsigned int size;
	unsigned int maxlen;
	unsigned int first;
	unsigned int count;
	uint64_t win_us;
	uint64_t evicted;		/* pushed out by a newer frame */
	uint64_t expired;		/* aged out of the time window */
};

int dd_table_init(struct dd_table *t, unsigned int size, unsigned int maxlen,
		  uint64_t win_us);
void dd_table_fini(struct dd_table *t);
/* Forget the frames that arrived more than win_us before now. */
void dd_expire(struct dd_table *t, uint64_t now);
/* Is this frame in the window? */
bool dd_seen(const struct dd_table *t, const void *buf, unsigned int len);
/* Put a frame in the window, pushing out the oldest if it is full. */
void dd_remember(struct dd_table *t, const void *buf, unsigned int len,
		 uint64_t now);
uint32_t dd_hash(const void *buf, unsigned int len);

struct dd_stats {
	uint64_t received;
	uint64_t forwarded;
	uint64_t bytes;			/* of the forwarded frames */
	uint64_t dropped;		/* duplicates */
};

struct dd_fwd {
	struct netmap_ring *rx;
	struct netmap_ring *tx;
	bool zcopy;			/* swap buffers instead of copying */
	struct dd_table *table;
	struct dd_stats stats;
};

/*
 * Expire, then go over the frames received on f->rx: drop duplicates,
 * move the others to f->tx while it has room.  Returns the frames moved;
 * *pending is set to the received frames left on rx (TX ring full).
 */
unsigned int dd_forward(struct dd_fwd *f, uint64_t now, unsigned int *pending);

void dd_log(const char *fmt, ...) __attribute__((__format__(__printf__, 1, 2)));

#endif /* DD_DEDUP_H */
