/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared helpers of the guest tests: TAP output, a raw register helper
 * (NIOCCTRL without libnetmap), ring helpers and a payload pattern.
 *
 * Every test prints TAP 13 on stdout, plans at the end, exits 0 iff every
 * assertion passed, and bounds its own run time with alarm(): a hung kernel
 * path becomes a "not ok" line and exit status 1, never a hang.
 */
#ifndef NMT_COMMON_H
#define NMT_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <net/netmap_user.h>

#define NMT_DEV "/dev/netmap"

/* ------------------------------------------------------------------ TAP */

/* Print the TAP header, arm a watchdog of timeout_s seconds (0 = none). */
void tap_start(unsigned int timeout_s);
/* Re-arm the watchdog with a new budget (seconds from now). */
void tap_watchdog(unsigned int timeout_s);

int ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Exact integer comparison; prints both values on failure. */
int is(long long got, long long want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* got/want are errno values, 0 meaning success; names printed on failure. */
int is_err(int got, int want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void skip(const char *why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Fatal: report a failed assertion, print the plan, exit 1. */
_Noreturn void bail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the plan and return the exit status (0 iff nothing failed). */
int tap_end(void);
int tap_failed(void);

const char *errname(int err);

/* ------------------------------------------------------- raw control API */

int nmt_open_dev(void);			/* bails if /dev/netmap cannot be opened */
int nmt_ioctl(int fd, unsigned long cmd, void *arg);	/* 0 or errno */
void nmt_hdr(struct nmreq_header *h, uint16_t type, const char *name,
	     void *body);
int nmt_ctrl(int fd, struct nmreq_header *h);	/* NIOCCTRL: 0 or errno */
int nmt_txsync(int fd);
int nmt_rxsync(int fd);

/* Register parameters; zero means "default" for every field but mode. */
struct nmt_req {
	uint32_t mode;
	uint16_t ringid;
	uint64_t flags;
	uint32_t tx_slots, rx_slots;
	uint16_t tx_rings, rx_rings;
	uint16_t mem_id;
	uint32_t extra_bufs;
};

/* NR_REG_ALL_NIC with every other field 0. */
#define NMT_REQ_ALL ((struct nmt_req){ .mode = NR_REG_ALL_NIC })

/* NETMAP_REQ_REGISTER on fd; reply in *out (may be NULL). 0 or errno. */
int nmt_register(int fd, const char *name, const struct nmt_req *rq,
		 struct nmreq_register *out);

/* One fd bound to a port, with the region mapped. */
struct nmt_port {
	int fd;
	struct nmreq_register reg;
	char *mem;
	size_t memsize;
	struct netmap_if *nifp;
	char name[NETMAP_REQ_IFNAMSIZ];
};

/* Open /dev/netmap, register, mmap. 0 or errno; on error p->fd == -1. */
int nmt_port_open(struct nmt_port *p, const char *name,
		  const struct nmt_req *rq);
/* mmap the region of p->fd, registered with reply p->reg. 0 or errno. */
int nmt_port_map(struct nmt_port *p);
void nmt_port_close(struct nmt_port *p);

/* Ring i of the fd's netmap_if (NULL if ring_ofs is 0, i.e. not bound). */
struct netmap_ring *nmt_txring(const struct nmt_port *p, unsigned int i);
struct netmap_ring *nmt_rxring(const struct nmt_port *p, unsigned int i);

/* Pool geometry of the region that port `name` uses. 0 or errno. */
int nmt_pools_info(const char *name, uint16_t mem_id,
		   struct nmreq_pools_info *pi);
/* Number of buffers (including reserved 0 and 1) of p's region; bails. */
uint32_t nmt_nbufs(const struct nmt_port *p);
/*
 * Free buffers of region 1: a pipe registered there asking for 2^31-1 extra
 * buffers gets them all (0 and a diagnostic if the register fails).
 */
uint32_t nmt_free_bufs(void);

/* --------------------------------------------------------- ring helpers */

static inline uint32_t nmt_next(const struct netmap_ring *r, uint32_t i)
{
	return i + 1 == r->num_slots ? 0 : i + 1;
}

static inline uint32_t nmt_prev(const struct netmap_ring *r, uint32_t i)
{
	return i == 0 ? r->num_slots - 1 : i - 1;
}

/* Slots in circular [a, b). */
static inline uint32_t nmt_dist(const struct netmap_ring *r, uint32_t a,
				uint32_t b)
{
	return b >= a ? b - a : b + r->num_slots - a;
}

/*
 * Put one single-slot packet (pattern of seq, length len) at ring->head and
 * advance head and cur. The caller makes sure there is space.
 */
void nmt_put(struct netmap_ring *r, uint32_t len, uint64_t seq);
/* Advance head and cur of ring by n slots. */
void nmt_advance(struct netmap_ring *r, uint32_t n);

/*
 * Issue NIOCRXSYNC on fd until ring holds at least want slots in [head,
 * tail) or timeout_ms passes. Returns the number of slots available.
 */
uint32_t nmt_rx_wait(int fd, struct netmap_ring *r, uint32_t want,
		     unsigned int timeout_ms);
/* NIOCTXSYNC until the TX ring has nothing pending; 1 if drained. */
int nmt_tx_drain(int fd, struct netmap_ring *r, unsigned int timeout_ms);

/* -------------------------------------------------------- payload pattern */

/*
 * A packet of sequence number seq and length len: bytes 0..3 hold seq
 * (low 32 bits), bytes 4..7 the length, every further byte is a function of
 * (seq, offset). Lengths below 8 keep only the pattern bytes.
 */
void nmt_fill(void *buf, uint32_t len, uint64_t seq);
/* -1 if buf holds packet (seq, len), else the offset of the first bad byte. */
long nmt_check(const void *buf, uint32_t len, uint64_t seq);
/* Mixed sizes in [60, bufsize], about a quarter spread over the whole range. */
uint32_t nmt_pkt_len(uint64_t seq, uint32_t bufsize);

/* ------------------------------------------------------------- misc */

/* /sys/module/netmap/parameters/NAME (ABI.md §13): 0 or errno. */
int nmt_param_read(const char *name, long *val);
int nmt_param_write(const char *name, long val);

uint64_t nmt_now_ms(void);
void nmt_sleep_ms(unsigned int ms);

#endif /* NMT_COMMON_H */
