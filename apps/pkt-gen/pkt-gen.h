/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt-gen: shared types.
 *
 * struct pg_conf is filled by option parsing and completed by the setup
 * in main.c; afterwards it is read-only.  struct pg_run is what all
 * threads share (configuration, template, the -n quota, the stop flag);
 * struct pg_thread is one worker, written by that worker only, except the
 * atomics the main thread reads for the periodic reports.
 */
#ifndef PG_PKT_GEN_H
#define PG_PKT_GEN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "pkt.h"
#include "seq.h"

struct nmport_d;
struct netmap_ring;

#define PG_IFNAME_MAX	504	/* longest -i argument */
#define PG_MAX_THREADS	128
#define PG_MAX_FRAGS	63
#define PG_FRAMING_BITS	(24 * 8)	/* -B: preamble, SFD, IFG, CRC */

enum pg_func { PG_TX, PG_RX, PG_PING, PG_PONG, PG_TXSEQ, PG_RXSEQ };

enum pg_dev { PG_DEV_NETMAP, PG_DEV_NULL };

/* -o data options (upstream values) */
#define PG_OPT_PREFETCH		0x0001
#define PG_OPT_ACCESS		0x0002
#define PG_OPT_COPY		0x0004
#define PG_OPT_MEMCPY		0x0008
#define PG_OPT_TS		0x0010	/* timestamp in tx payloads */
#define PG_OPT_INDIRECT		0x0020
#define PG_OPT_DUMP		0x0040
#define PG_OPT_RUBBISH		0x0100	/* send uninitialised buffers */
#define PG_OPT_RANDOM_SRC	0x0200
#define PG_OPT_RANDOM_DST	0x0400
#define PG_OPT_PPS_STATS	0x0800
#define PG_OPT_UPDATE_CSUM	0x1000	/* always done, accepted */

struct pg_conf {
	enum pg_func func;
	enum pg_dev dev;
	char ifname[PG_IFNAME_MAX + 8];
	uint64_t npackets;		/* -n, 0 = no limit */
	unsigned int pkt_size;		/* -l, without virtio-net header */
	unsigned int pkt_min_size;	/* second -l, or pkt_size */
	int nsizes;			/* how many -l were given */
	unsigned int burst;		/* -b */
	bool burst_set;
	int family;			/* AF_INET / AF_INET6 */
	const char *src_arg;		/* -s, -d (parsed in setup) */
	const char *dst_arg;
	struct pg_addrs addrs;
	bool src_mac_set;
	int affinity;			/* -a, -1 = none */
	int cpus;			/* -c (0 = all, resolved in setup) */
	int system_cpus;
	int nthreads;			/* -p */
	unsigned int report_ms;		/* -T */
	int wait_link;			/* -w, -1 = default */
	bool forever;			/* cleared by -W */
	uint64_t rate;			/* -R packets/s, 0 = no limit */
	unsigned int options;		/* PG_OPT_* */
	bool normalize;			/* cleared by -N */
	unsigned int framing;		/* extra bits per packet (-B) */
	int verbose;
	int vh_len;			/* -H, -1 = ask the port */
	const char *pcap_file;		/* -P */
	unsigned int frags;		/* -F, 0 = derived */
	unsigned int frag_size;		/* -M, 0 = derived */
	unsigned int ring_cfg[4];	/* -C tx/rx slots, tx/rx rings */
	int ring_cfg_n;
	/* completed by setup */
	unsigned int buf_size;		/* netmap buffer size */
	unsigned int frag_len;		/* effective bytes per fragment */
	int queues;			/* rings the threads are spread on */
};

/* Shared by all the threads of a run. */
struct pg_run {
	const struct pg_conf *conf;
	const struct pg_tmpl *tmpl;
	struct nmport_d *port;		/* the port opened by main */
	bool limited;			/* -n given */
	atomic_uint_fast64_t quota;	/* packets/transactions left */
	atomic_bool abort;		/* second signal: stop waiting */
};

/* Round-trip statistics of ping. */
struct pg_rtt {
	uint64_t count;
	uint64_t sum;
	uint64_t min;
	uint64_t max;
};

/* Limits a log call site to some lines per second. */
struct pg_ratelimit {
	time_t sec;
	unsigned int count;
};

struct pg_thread {
	int id;
	pthread_t tid;
	struct pg_run *run;
	struct nmport_d *port;		/* this thread's rings */
	bool own_port;			/* port is a clone to close */
	int cpu;			/* -1 = not pinned */
	/* published for the main thread */
	atomic_bool cancel;
	atomic_bool done;
	_Atomic uint64_t pkts;
	_Atomic uint64_t bytes;
	_Atomic uint64_t events;
	_Atomic uint32_t min_space;
	/* read by main only after join */
	bool started;
	struct timespec tic, toc;
	int status;			/* 0 ok, -1 failed */
	struct pg_seq *seq;		/* rx, rxseq */
	uint64_t untagged;		/* rx: packets without a tag */
	uint64_t verified, bad;		/* rxseq payload checks */
	struct pg_rtt rtt;		/* ping totals */
	uint64_t ping_sent;
	/* private */
	uint64_t rng;
	struct pg_ratelimit rl;
};

/* Local counters of a worker, published once per batch. */
struct pg_ctrs {
	uint64_t pkts;
	uint64_t bytes;
	uint64_t events;
};

/* options.c */
int pg_options_parse(struct pg_conf *c, int argc, char **argv);
void pg_usage(int status);

/* report.c */
#define PG_LOG(...)	pg_log(__func__, __LINE__, __VA_ARGS__)
#define PG_RLOG(rl, lps, ...) \
	pg_rlog(rl, lps, __func__, __LINE__, __VA_ARGS__)
void pg_log(const char *func, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pg_rlog(struct pg_ratelimit *rl, unsigned int lps, const char *func,
	     int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
const char *pg_norm(char *buf, size_t len, double val, bool normalize);
void pg_dump(const uint8_t *p, size_t len, int ring, unsigned int slot,
	     unsigned int buf_idx, unsigned int flags);
int main_thread(struct pg_run *run, struct pg_thread *th, int n);
void pg_final_report(const struct pg_run *run, struct pg_thread *th, int n);

/* time helpers (report.c) */
uint64_t pg_now_ns(void);
double pg_ts_diff(const struct timespec *a, const struct timespec *b);

/* thread helpers (main.c) */
void pg_publish(struct pg_thread *th, const struct pg_ctrs *c);
void pg_note_space(struct pg_thread *th, uint32_t space);
uint64_t pg_quota_take(struct pg_run *run, uint64_t want);
void pg_quota_return(struct pg_run *run, uint64_t n);
bool pg_stopping(const struct pg_thread *th);

/* port.c */
int pg_port_open(struct pg_conf *c, struct pg_run *run);
int pg_port_open_thread(struct pg_thread *th, int i);
void pg_port_close_thread(struct pg_thread *th);
void pg_port_close(struct pg_run *run);
int pg_port_wait(struct pg_thread *th, bool tx, bool rx, int timeout_ms);
int pg_port_txsync(struct pg_thread *th);
int pg_port_rxsync(struct pg_thread *th);
void pg_port_drain(struct pg_thread *th);
struct netmap_ring *pg_tx_ring(struct pg_thread *th, unsigned int i);
struct netmap_ring *pg_rx_ring(struct pg_thread *th, unsigned int i);
unsigned int pg_tx_rings(const struct pg_thread *th);
unsigned int pg_rx_rings(const struct pg_thread *th);
int pg_ifmac(const char *ifname, uint8_t mac[6]);

/* load.c */
int pg_load_pcap(const char *file, uint8_t **pkt, size_t *len);

/* rx.c: packets (NS_MOREFRAG chains) on RX rings */
unsigned int pg_rx_chain(struct netmap_ring *r, unsigned int head,
			 size_t *len);
size_t pg_rx_gather(struct netmap_ring *r, unsigned int first,
		    unsigned int nslots, uint8_t *dst, size_t cap);

/* tx.c, rx.c, pingpong.c */
void *pg_tx_body(void *arg);
void *pg_rx_body(void *arg);
void *pg_ping_body(void *arg);
void *pg_pong_body(void *arg);

/* frames of a packet of the given size (without vh) */
unsigned int pg_nfrags(const struct pg_conf *c, const struct pg_tmpl *t,
		       unsigned int size);

#endif /* PG_PKT_GEN_H */
