/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nmreplay: send the frames of a pcap or pcapng file through a netmap
 * port, at the file's timing, at a given bandwidth or as fast as possible,
 * with emulated delay and loss.
 *
 * options.c fills struct nr_conf from the command line, model.c holds the
 * arithmetic of the bandwidth, delay and loss models and computes the
 * schedule ahead of time, pcap.c loads the file (libpcap) into a struct
 * nr_trace, tx.c puts the due frames in a TX ring, main.c opens the port
 * and runs the transmit thread while it reports once a second.
 * No global state: the signal handler of main.c only sets its stop flag.
 */
#ifndef NR_NMREPLAY_H
#define NR_NMREPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct netmap_ring;

#define NR_NS			UINT64_C(1000000000)	/* nanoseconds in 1 s */
#define NR_BATCH_DEFAULT	1024		/* -b */
#define NR_BATCH_MAX		8192
#define NR_WAIT_DEFAULT		2		/* -w, seconds */
#define NR_WAIT_MAX		100
#define NR_BPS_MAX		1e12		/* -B: 1000G */
#define NR_SPEEDUP_MAX		1000.0
#define NR_DELAY_MAX		(3600 * NR_NS)	/* -D: one hour */
#define NR_ETHER_BYTES		24		/* framing 20 + CRC 4 */
#define NR_CPUS_MAX		4		/* -C values */

/* -B (and -m): how the frames are spaced. */
enum nr_bw_mode {
	NR_BW_FAST,		/* no -B: as fast as the port takes them */
	NR_BW_CONST,		/* bps over the frame's bytes */
	NR_BW_ETHER,		/* bps over bytes + 24 (framing and CRC) */
	NR_BW_REAL,		/* the file's timestamps / speedup */
};

enum nr_delay_mode { NR_DELAY_NONE, NR_DELAY_CONST, NR_DELAY_UNIFORM,
		     NR_DELAY_EXP };

enum nr_loss_mode { NR_LOSS_NONE, NR_LOSS_PLR, NR_LOSS_BER };

struct nr_model {
	enum nr_bw_mode bw;
	double bps;			/* CONST, ETHER */
	double speedup;			/* REAL */
	enum nr_delay_mode delay;
	uint64_t dmin, dmax;		/* ns: CONST dmin; UNIFORM dmin..dmax */
	uint64_t davg;			/* ns: EXP, mean (>= dmin) */
	enum nr_loss_mode loss;
	double rate;			/* PLR: per frame, BER: per bit */
};

struct nr_conf {
	const char *file;		/* -f, or the first of two -i */
	const char *port;		/* -i */
	struct nr_model model;		/* -B, -D, -L, -m */
	unsigned int batch;		/* -b */
	int wait_link;			/* -w */
	int cpus[NR_CPUS_MAX];		/* -C */
	int ncpus;			/* 0: no pinning */
	uint64_t qsize;			/* -Q (accepted, no effect) */
	int verbose;			/* -v */
};

enum nr_parse { NR_PARSE_OK, NR_PARSE_HELP, NR_PARSE_ERROR };

/* Fills c; on NR_PARSE_ERROR one line has been written to err. */
enum nr_parse nr_parse_args(struct nr_conf *c, int argc, char **argv,
			    FILE *err);
void nr_usage(FILE *f);

/* The parsers of the option values (options.c): 0, or -1 if s is bad. */
int nr_parse_bw(const char *s, struct nr_model *m);
int nr_parse_delay(const char *s, struct nr_model *m);
int nr_parse_loss(const char *s, struct nr_model *m);
int nr_parse_mode(const char *s, struct nr_model *m);
/* "12.5M" -> bits per second; "20m" -> ns ("m" is milli here). */
int nr_number_bps(const char *s, double *bps);
int nr_number_time(const char *s, uint64_t *ns);

/* One frame of the file and, once scheduled, its departure. */
struct nr_frame {
	uint64_t ts;			/* ns, the file's timestamp */
	uint64_t off;			/* of its bytes in trace->data */
	uint32_t len;			/* wire length (bytes sent) */
	uint32_t caplen;		/* bytes in the file (the rest is 0) */
	uint64_t at;			/* ns from the start: when it is due */
	bool drop;			/* lost (-L): not sent */
};

struct nr_trace {
	struct nr_frame *f;
	size_t n;
	unsigned char *data;		/* the frames' bytes, one after another */
	uint64_t bytes;			/* sum of len */
	uint64_t reordered;		/* timestamps earlier than the previous */
	int linktype;
};

/*
 * Read the whole file; 0, or -1 with one line on err (cannot open, not a
 * pcap/pcapng file, truncated, no frames).
 */
int nr_trace_load(struct nr_trace *t, const char *path, FILE *err);
void nr_trace_free(struct nr_trace *t);

/* A small deterministic generator (splitmix64): u in [0, 1). */
struct nr_rng {
	uint64_t s;
};

void nr_rng_init(struct nr_rng *r, uint64_t seed);
double nr_rng_unit(struct nr_rng *r);

/* Link time of a frame of len bytes, ns (0 when not limited by -B). */
uint64_t nr_tx_time(const struct nr_model *m, uint64_t len);
/* The extra delay of one frame, ns. */
uint64_t nr_delay(const struct nr_model *m, struct nr_rng *r);
/* The probability that a frame of len bytes is lost. */
double nr_loss_prob(const struct nr_model *m, uint64_t len);

struct nr_sched_stats {
	uint64_t dropped;		/* by -L */
	uint64_t bits;			/* of the frames the loss model saw */
};

/*
 * Decide the losses, then each frame's departure: the base time of the
 * bandwidth model (back to back at -B bps, the file's timestamps, or 0),
 * plus its delay, never before the frame sent ahead of it.
 */
void nr_schedule(const struct nr_model *m, struct nr_trace *t,
		 struct nr_rng *r, struct nr_sched_stats *s);

/* The transmit side: a ring and where the schedule has got to. */
struct nr_tx {
	struct netmap_ring *ring;
	const struct nr_trace *trace;
	size_t next;			/* first frame not yet in the ring */
	unsigned int batch;		/* at most this many per call */
	uint64_t sent, bytes;		/* put in the ring */
	uint64_t oversize;		/* longer than a buffer: skipped */
};

/*
 * Put in the ring the frames due at `now' (ns from the start), at most
 * tx->batch and while there is room; skips the lost ones.  Returns the
 * frames put in the ring.
 */
unsigned int nr_tx_fill(struct nr_tx *tx, uint64_t now);
/* When the next frame is due (ns), or UINT64_MAX when all are done. */
uint64_t nr_tx_next_due(const struct nr_tx *tx);

#endif /* NR_NMREPLAY_H */
