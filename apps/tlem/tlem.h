/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tlem: a link emulator between two netmap ports, both directions.
 *
 * Per direction two threads: the producer (prod.c) takes the frames of the
 * input port's RX rings, decides for each one (sched.c) whether the emulated
 * queue or the loss model drops it and otherwise when it leaves the link,
 * and copies it with that time into an in-memory queue (queue.c); the
 * consumer (cons.c) puts the frames whose time has come into the output
 * port's TX ring.  A full memory queue or a full TX ring holds the frame
 * back (the input ring fills, then the sender's): only the emulation drops.
 *
 * struct tl_conf is the command line (options.c, numbers in units.c); main.c
 * opens the ports and starts the threads, stats.c prints the counters.
 * No global state: the signal handler sets the stop flag of main.c, which
 * every thread reads through its struct tl_dir.
 */
#ifndef TL_TLEM_H
#define TL_TLEM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TL_NS			1000000000ull
#define TL_ETHER_OVERHEAD	24	/* -B ether: 20 bytes framing, 4 CRC */
#define TL_QSIZE_DEFAULT	50000	/* bytes, when -B is given without -Q */
#define TL_BURST_DEFAULT	1024	/* -b */
#define TL_BURST_MAX		8192
#define TL_WAIT_DEFAULT		2	/* -w, seconds */
#define TL_WAIT_MAX		100
#define TL_BPS_MAX		1000000000000ull	/* 1 Tbit/s */
#define TL_DELAY_MAX		(3600 * TL_NS)		/* an hour */
#define TL_QSIZE_MAX		(1ull << 40)

/* The options given once or twice (once per direction). */
enum tl_dopt { TL_OPT_B, TL_OPT_D, TL_OPT_L, TL_OPT_Q, TL_OPT_O, TL_NOPTS };

enum tl_bw_model { TL_BW_CONST, TL_BW_ETHER };
enum tl_delay_model { TL_DELAY_CONST, TL_DELAY_UNIFORM, TL_DELAY_EXP };
enum tl_loss_model { TL_LOSS_PLR, TL_LOSS_BER };

/* One direction of the emulated link. */
struct tl_link {
	enum tl_bw_model bw_model;
	uint64_t bps;			/* 0: infinite */
	enum tl_delay_model delay_model;
	uint64_t dmin, dmax;		/* ns; const: dmin; exp: dmin, avg */
	enum tl_loss_model loss_model;
	double loss;			/* probability per frame or per bit */
	uint64_t qsize;			/* bytes; 0: unlimited */
	uint64_t offset;		/* -O, ns taken off every delay */
};

struct tl_conf {
	const char *port[2];
	struct tl_link link[2];		/* [0]: port 0 -> port 1 */
	const char *optarg[TL_NOPTS][2];
	int burst;
	int wait_link;
	int verbose;			/* -v +1, -q -1; -1 prints no lines */
	int cores[4];			/* -C: cons0, prod0, cons1, prod1 */
	bool pin;
	bool hugepages;			/* -H */
};

enum tl_parse { TL_PARSE_OK, TL_PARSE_HELP, TL_PARSE_ERROR };

/* Fills c; on TL_PARSE_ERROR one line has been written to err. */
enum tl_parse tl_parse_args(struct tl_conf *c, int argc, char **argv,
			    FILE *err);
void tl_usage(FILE *f);

/* units.c: 0, or -1 if s is not such a value.  No suffix: s, bps, bytes. */
int tl_parse_time(const char *s, uint64_t *ns);
int tl_parse_bw(const char *s, uint64_t *bps);
int tl_parse_qsize(const char *s, uint64_t *bytes);
int tl_parse_prob(const char *s, double *p);
/* The model arguments of -B, -D, -L into l; 0 or -1. */
int tl_parse_bw_model(const char *s, struct tl_link *l);
int tl_parse_delay_model(const char *s, struct tl_link *l);
int tl_parse_loss_model(const char *s, struct tl_link *l);

/*
 * sched.c: the emulation of one direction.  The link sends one frame at a
 * time: a frame arriving at `now` starts when the link is free, occupies it
 * for its transmission time, then is delayed; it is dropped if the bytes
 * still waiting for the link would exceed the queue size, or by the loss
 * model (after its transmission: a corrupted frame used the link).  Due
 * times never decrease, so frames leave in order.
 */
struct tl_sched {
	const struct tl_link *l;
	uint64_t link_free;		/* ns: the link is busy until then */
	uint64_t last_due;
	uint64_t rng;			/* xorshift64* state, never 0 */
	double ber_log;			/* log1p(-ber) for TL_LOSS_BER */
};

enum tl_verdict { TL_SEND, TL_QUEUE_FULL, TL_LOST };

void tl_sched_init(struct tl_sched *s, const struct tl_link *l,
		   uint64_t seed);
/* ns the link needs to send a frame of len bytes. */
uint64_t tl_tx_time(const struct tl_link *l, unsigned int len);
/* Bytes waiting for the link at now. */
uint64_t tl_backlog(const struct tl_sched *s, uint64_t now);
double tl_random(struct tl_sched *s);	/* uniform in [0, 1) */
uint64_t tl_delay(struct tl_sched *s);	/* one draw of the delay, ns */
bool tl_lost(struct tl_sched *s, unsigned int len);
/* The fate of a frame of len bytes arriving at now; *due if TL_SEND. */
enum tl_verdict tl_schedule(struct tl_sched *s, uint64_t now,
			    unsigned int len, uint64_t *due);

/*
 * queue.c: the frames between producer and consumer, a single-producer
 * single-consumer ring of bytes.  tail is written by the producer only,
 * head by the consumer only, each published with a store-release and read
 * by the other side with a load-acquire.  An empty queue puts the consumer
 * to sleep on cond (under lock, with sleeping set) until the producer's
 * tl_queue_wake(): no polling while the link is idle.
 */
struct tl_rec {
	uint64_t due;			/* ns, CLOCK_MONOTONIC */
	uint32_t len;
	uint32_t pad;			/* 1: skip to the start of the ring */
	unsigned char data[];
};

struct tl_queue {
	unsigned char *buf;
	uint64_t size;			/* a power of 2 */
	bool huge;			/* buf is a hugepage mapping */
	_Alignas(64) _Atomic uint64_t tail;	/* producer */
	uint64_t next_tail;		/* producer: after the reserved record */
	_Alignas(64) _Atomic uint64_t head;	/* consumer */
	_Atomic bool sleeping;		/* consumer, set and cleared under lock */
	pthread_mutex_t lock;		/* only for the sleep and the wake-up */
	pthread_cond_t cond;		/* on CLOCK_MONOTONIC */
};

/* A ring of at least `bytes` (rounded up to a power of 2); 0 or -1. */
int tl_queue_init(struct tl_queue *q, uint64_t bytes, bool hugepages);
void tl_queue_fini(struct tl_queue *q);
/* Producer: room for a frame of len bytes, or NULL if the ring is full. */
struct tl_rec *tl_queue_reserve(struct tl_queue *q, unsigned int len);
void tl_queue_commit(struct tl_queue *q);
/* Consumer: the oldest frame or NULL; then pop it. */
struct tl_rec *tl_queue_peek(struct tl_queue *q);
void tl_queue_pop(struct tl_queue *q, const struct tl_rec *r);
/* Producer, after committing: wake the consumer if it sleeps. */
void tl_queue_wake(struct tl_queue *q);
/* Consumer: sleep until the queue is not empty or until (ns, monotonic). */
void tl_queue_wait(struct tl_queue *q, uint64_t until);
/* Bytes of ring one direction needs for link l and buffers of bufsize. */
uint64_t tl_queue_bytes(const struct tl_link *l, unsigned int bufsize);

/* Counters of a direction: each written by one thread, read by stats.c. */
struct tl_counters {
	_Atomic uint64_t received;	/* producer: frames taken from RX */
	_Atomic uint64_t qdrop;		/* producer: emulated queue full */
	_Atomic uint64_t lost;		/* producer: loss model */
	_Atomic uint64_t queued;	/* producer: into the memory queue */
	_Atomic uint64_t maxq;		/* producer: frames queued at most */
	_Atomic uint64_t round;		/* producer: longest round, ns */
	_Atomic uint64_t sent;		/* consumer: frames put on TX */
	_Atomic uint64_t bytes;		/* consumer: their bytes */
};

struct nmport_d;

struct tl_dir {
	int idx;			/* 0: port 0 -> port 1 */
	struct nmport_d *in, *out;
	const char *in_name, *out_name;
	struct tl_queue q;
	struct tl_sched s;
	struct tl_counters c;
	const atomic_bool *stop;
	int burst;
	int prod_core, cons_core;	/* -1: not pinned */
	pthread_t prod_tid, cons_tid;
};

void *tl_prod_main(void *arg);
void *tl_cons_main(void *arg);

uint64_t tl_now(void);			/* CLOCK_MONOTONIC, ns */
void tl_pin(int core, const char *who);
void tl_log(const char *fmt, ...) __attribute__((__format__(__printf__, 1, 2)));

/* stats.c */
struct tl_snap {
	uint64_t received, sent, qdrop, lost;
};
void tl_snap(const struct tl_dir *d, struct tl_snap *s);
/* The per-second line from the difference of two snapshots. */
void tl_stats_line(FILE *f, struct tl_dir d[2], const struct tl_snap old[2],
		   const struct tl_snap cur[2]);
void tl_totals(FILE *f, const struct tl_dir d[2]);

#endif /* TL_TLEM_H */
