/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Userspace helpers for netmap applications.
 *
 * Always available: the address arithmetic that turns the offsets found in
 * the shared region into pointers (NETMAP_IF, NETMAP_TXRING, NETMAP_RXRING,
 * NETMAP_BUF...), the ring index helpers, nm_pkt_copy() and the D()/RD()/ND()
 * debug macros.
 *
 * With NETMAP_WITH_LIBS defined before inclusion, also a small pcap-like
 * library: nm_open()/nm_close() register a port through the legacy NIOCREGIF
 * request and map the region, nm_inject()/nm_dispatch()/nm_nextpkt() move
 * packets through the rings without any system call (the application calls
 * poll() or the NIOC[TR]XSYNC ioctls itself).  Everything is static, so each
 * program carries its own copy.
 *
 * Typical use:
 *
 *	struct nm_desc *d = nm_open("netmap:eth0", NULL, 0, NULL);
 *	struct pollfd pfd = { .fd = NETMAP_FD(d), .events = POLLIN };
 *	for (;;) {
 *		poll(&pfd, 1, -1);
 *		nm_dispatch(d, -1, callback, user_arg);
 *	}
 *	nm_close(d);
 */
#ifndef _NET_NETMAP_USER_H_
#define _NET_NETMAP_USER_H_

#include <stdint.h>
#include <sys/socket.h>
#ifndef _LINUX_IF_H	/* <net/if.h> cannot follow <linux/if.h> */
#include <net/if.h>
#endif
#include <ctype.h>
#include <string.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/time.h>

#include <net/netmap.h>

#define NETMAP_DEVICE_NAME	"/dev/netmap"

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

/*
 * Address arithmetic.  Rings are located relative to the netmap_if, buffers
 * relative to each ring; all of them live in the region mapped at nm_mem.
 * TX ring i: 0 .. ni_tx_rings + ni_host_tx_rings - 1 (host rings last);
 * RX ring i: 0 .. ni_rx_rings + ni_host_rx_rings - 1.
 */
#define _NETMAP_OFFSET(type, ptr, offset) \
	((type)(void *)((char *)(ptr) + (offset)))

#define NETMAP_IF(_base, _ofs)	_NETMAP_OFFSET(struct netmap_if *, _base, _ofs)

#define NETMAP_TXRING(nifp, index) \
	_NETMAP_OFFSET(struct netmap_ring *, nifp, (nifp)->ring_ofs[index])

#define NETMAP_RXRING(nifp, index) \
	_NETMAP_OFFSET(struct netmap_ring *, nifp, (nifp)->ring_ofs[(index) + \
		(nifp)->ni_tx_rings + (nifp)->ni_host_tx_rings])

#define NETMAP_BUF(ring, index) \
	((char *)(ring) + (ring)->buf_ofs + \
	 ((size_t)(index) * (ring)->nr_buf_size))

#define NETMAP_BUF_IDX(ring, buf) \
	(((char *)(buf) - ((char *)(ring) + (ring)->buf_ofs)) / \
	 (ring)->nr_buf_size)

/* per-slot offsets (NETMAP_REQ_OPT_OFFSETS): low bits of slot->ptr */
#define NETMAP_ROFFSET(ring, slot) \
	((slot)->ptr & (ring)->offset_mask)

#define NETMAP_WOFFSET(ring, slot, offset) do {				\
	(slot)->ptr = ((slot)->ptr & ~(ring)->offset_mask) |		\
		((uint64_t)(offset) & (ring)->offset_mask);		\
} while (0)

#define NETMAP_BUF_OFFSET(ring, slot) \
	(NETMAP_BUF(ring, (slot)->buf_idx) + NETMAP_ROFFSET(ring, slot))

/* the slot after i, wrapping at the end of the ring */
static inline uint32_t
nm_ring_next(struct netmap_ring *r, uint32_t i)
{
	return unlikely(i + 1 == r->num_slots) ? 0 : i + 1;
}

/* a TX ring with nothing pending has head == next(tail) */
static inline int
nm_tx_pending(struct netmap_ring *r)
{
	return nm_ring_next(r, r->tail) != r->head;
}

/* slots owned by the application: packets to read (RX), room (TX) */
static inline uint32_t
nm_ring_space(struct netmap_ring *ring)
{
	uint32_t n = ring->tail - ring->head;

	if (ring->tail < ring->head)
		n += ring->num_slots;
	return n;
}

/*
 * Copy exactly l bytes.  Short packets whose size is a multiple of 64 go in
 * whole 64-byte blocks, which beats a generic memcpy() call for the sizes
 * typical of packet generators; everything else is left to memcpy().
 */
static inline void
nm_pkt_copy(const void *_src, void *_dst, int l)
{
	const unsigned char *src = (const unsigned char *)_src;
	unsigned char *dst = (unsigned char *)_dst;

	if (l <= 0)
		return;
	if (l >= 1024 || (l & 63) != 0) {
		memcpy(dst, src, (size_t)l);
		return;
	}
	for (; l > 0; l -= 64, src += 64, dst += 64) {
		uint64_t w[8];

		/* through a local array: no alignment or aliasing assumptions */
		memcpy(w, src, sizeof(w));
		memcpy(dst, w, sizeof(w));
	}
}

/*
 * Print "sss.uuuuuu function [line] message" on stderr, as one write so
 * that lines of concurrent threads do not mix.  Used by D() and nm_open().
 */
static void __attribute__((__unused__, __format__(__printf__, 3, 4)))
nm_dbg_print_(const char *func, int line, const char *fmt, ...)
{
	char small[256], *msg = small;
	struct timeval tv;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		char *big = (char *)malloc((size_t)n + 1);

		if (big != NULL) {
			va_start(ap, fmt);
			vsnprintf(big, (size_t)n + 1, fmt, ap);
			va_end(ap);
			msg = big;
		}
	}
	gettimeofday(&tv, NULL);
	fprintf(stderr, "%03d.%06d %s [%d] %s\n", (int)(tv.tv_sec % 1000),
		(int)tv.tv_usec, func, line, msg);
	if (msg != small)
		free(msg);
}

/* debug macros, unless the application brings its own */
#ifndef ND
#define ND(...)	do { } while (0)

#define D(...)	nm_dbg_print_(__func__, __LINE__, __VA_ARGS__)

/* like D(), at most lps lines per second from each call site */
#define RD(lps, ...) do {						\
	static long nm_rd_sec_;						\
	static int nm_rd_cnt_;						\
	struct timeval nm_rd_tv_;					\
									\
	gettimeofday(&nm_rd_tv_, NULL);					\
	if ((long)nm_rd_tv_.tv_sec != nm_rd_sec_) {			\
		nm_rd_sec_ = (long)nm_rd_tv_.tv_sec;			\
		nm_rd_cnt_ = 0;						\
	}								\
	if (nm_rd_cnt_ < (int)(lps)) {					\
		nm_rd_cnt_++;						\
		D(__VA_ARGS__);						\
	}								\
} while (0)
#endif /* !ND */

#endif /* _NET_NETMAP_USER_H_ */

/*
 * The library part sits outside the main guard so that a file which first
 * got this header without NETMAP_WITH_LIBS (e.g. through libnetmap.h) can
 * still obtain it later by defining NETMAP_WITH_LIBS and including again.
 */
#if defined(NETMAP_WITH_LIBS) && !defined(HAVE_NETMAP_WITH_LIBS)
#define HAVE_NETMAP_WITH_LIBS

#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>

#define NM_MORE_PKTS	1	/* nm_pkthdr.flags: more packets follow */
#define NM_ERRBUF_SIZE	512
#define MAXERRMSG	80	/* size of the nm_parse() error buffer */

struct nm_desc;

/* per-packet information; the first part matches struct pcap_pkthdr */
struct nm_pkthdr {
	struct timeval	ts;	/* ring timestamp */
	uint32_t	caplen;	/* bytes contiguous at buf */
	uint32_t	len;	/* whole packet, all fragments */
	uint64_t	flags;	/* NM_MORE_PKTS */
	struct nm_desc	*d;
	struct netmap_slot *slot; /* first slot of the packet */
	uint8_t		*buf;
};

struct nm_stat {	/* same as struct pcap_stat */
	unsigned int	ps_recv;
	unsigned int	ps_drop;
	unsigned int	ps_ifdrop;
};

/*
 * An open port.  nifp, some_ring, buf_start and buf_end are set by
 * nm_mmap() and read-only afterwards.  The pcap-style fields after them are
 * kept for layout compatibility and unused.
 */
struct nm_desc {
	struct nm_desc	*self;		/* == this when valid */
	int		fd;		/* /dev/netmap */
	void		*mem;		/* the mapped region */
	size_t		memsize;
	int		done_mmap;	/* mem was mapped by this descriptor */
	struct netmap_if * const nifp;
	uint16_t	first_tx_ring, last_tx_ring, cur_tx_ring;
	uint16_t	first_rx_ring, last_rx_ring, cur_rx_ring;
	struct nmreq	req;		/* the register request, with results */
	struct nm_pkthdr hdr;		/* scratch for nm_dispatch() */

	struct netmap_ring * const some_ring;	/* to reach the buffers */
	void * const	buf_start;	/* buffer 0 */
	void * const	buf_end;	/* end of the region */
	int		snaplen;
	int		promisc;
	int		to_ms;
	char		*errbuf;
	uint32_t	if_flags;
	uint32_t	if_reqcap;
	uint32_t	if_curcap;

	struct nm_stat	st;
	char		msg[NM_ERRBUF_SIZE];
};

#define P2NMD(p)		((const struct nm_desc *)(p))
#define IS_NETMAP_DESC(d)	((d) && P2NMD(d)->self == P2NMD(d))
#define NETMAP_FD(d)		(P2NMD(d)->fd)

typedef void (*nm_cb_t)(unsigned char *, const struct nm_pkthdr *,
			const unsigned char *d);

/*
 * nm_open() flags.  The low 16 bits are nr_ringid-style bits: only
 * NETMAP_NO_TX_POLL and NETMAP_DO_RX_POLL are used.  The others select what
 * is taken from the parent descriptor.
 */
enum {
	NM_OPEN_NO_MMAP =	0x040000, /* share the parent's mapping */
	NM_OPEN_IFNAME =	0x080000, /* name, ringid, flags from parent */
	NM_OPEN_ARG1 =		0x100000, /* nr_arg1 from parent */
	NM_OPEN_ARG2 =		0x200000, /* nr_arg2 (mem id) from parent */
	NM_OPEN_ARG3 =		0x400000, /* nr_arg3 (extra bufs) from parent */
	NM_OPEN_RING_CFG =	0x800000, /* slots and rings from parent */
};

/* 1 if every character of [s, e) is alphanumeric or '_' */
static int __attribute__((__unused__))
nm_is_identifier(const char *s, const char *e)
{
	for (; s < e; s++) {
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	}
	return 1;
}

/*
 * Read a decimal number (at least one digit) at *pp and advance past it.
 * Large values saturate, which is enough for the range checks below.
 */
static int __attribute__((__unused__))
nm_parse_num_(const char **pp, unsigned long *val)
{
	const char *p = *pp;
	unsigned long v = 0;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (v < 1000000)
			v = v * 10 + (unsigned long)(*p - '0');
	}
	*pp = p;
	*val = v;
	return 0;
}

/* the NR_* flag named by a letter of the /FLAGS part, 0 if none */
static unsigned long __attribute__((__unused__))
nm_flag_bit_(char c)
{
	switch (c) {
	case 'x':
		return NR_EXCLUSIVE;
	case 'z':
		return NR_ZCOPY_MON;
	case 't':
		return NR_MONITOR_TX;
	case 'r':
		return NR_MONITOR_RX;
	case 'R':
		return NR_RX_RINGS_ONLY;
	case 'T':
		return NR_TX_RINGS_ONLY;
	default:
		return 0;
	}
}

/*
 * Parse a port name into d->req (nr_name, and nr_ringid, nr_flags and
 * nr_arg2; the first two are OR-ed into what is already there):
 *
 *	netmap:PORT[MODE][/FLAGS][@MEMID]...	PORT ends at one of -*^{}/@
 *	valeSW:PORT[MODE][/FLAGS][@MEMID]...	SW and PORT are [A-Za-z0-9_]*
 *
 * MODE: none (all NIC rings), ^ (host rings), * (NIC and host rings),
 * -N (NIC ring pair N), {N / }N (pipe master/slave N), with N < 4095.
 * FLAGS: any of x (exclusive), z (zero-copy monitor), t/r (TX/RX monitor),
 * R/T (RX/TX rings only); after them only @MEMID may follow.  MEMID > 0,
 * given at most once.  The stored name must be shorter than IFNAMSIZ.
 * Returns 0, or -1 with errno = EINVAL and a message in err (MAXERRMSG).
 */
static int __attribute__((__unused__))
nm_parse(const char *ifname, struct nm_desc *d, char *err)
{
	const char *name, *p, *colon;
	unsigned long mode = NR_REG_ALL_NIC, flags = 0, ringid = 0, memid = 0;
	char msg[MAXERRMSG];
	size_t namelen;

	if (strncmp(ifname, "netmap:", 7) == 0) {
		name = ifname + 7;
		p = name + strcspn(name, "-*^{}/@");
	} else if (ifname[0] == 'v') {
		colon = strchr(ifname, ':');
		if (colon == NULL) {
			snprintf(msg, sizeof(msg), "missing ':' in VALE name");
			goto fail;
		}
		if (!nm_is_identifier(ifname, colon)) {
			snprintf(msg, sizeof(msg), "invalid VALE switch name");
			goto fail;
		}
		name = ifname;
		for (p = colon + 1; isalnum((unsigned char)*p) || *p == '_'; p++)
			;
	} else {
		snprintf(msg, sizeof(msg), "invalid port name");
		goto fail;
	}
	namelen = (size_t)(p - name);
	if (namelen >= IFNAMSIZ) {
		snprintf(msg, sizeof(msg), "name too long");
		goto fail;
	}

	/* ring selection */
	switch (*p) {
	case '^':
		mode = NR_REG_SW;
		p++;
		break;
	case '*':
		mode = NR_REG_NIC_SW;
		p++;
		break;
	case '-':
	case '{':
	case '}':
		mode = *p == '-' ? NR_REG_ONE_NIC :
		       *p == '{' ? NR_REG_PIPE_MASTER : NR_REG_PIPE_SLAVE;
		p++;
		if (nm_parse_num_(&p, &ringid) < 0) {
			snprintf(msg, sizeof(msg), "missing ring number");
			goto fail;
		}
		if (ringid >= NETMAP_RING_MASK) {
			snprintf(msg, sizeof(msg), "ring %lu out of range [0, %d)",
				 ringid, NETMAP_RING_MASK);
			goto fail;
		}
		break;
	case '\0':
	case '/':
	case '@':
		break;
	default:
		snprintf(msg, sizeof(msg), "unknown modifier '%c'", *p);
		goto fail;
	}

	/* any sequence of /FLAGS and @MEMID */
	while (*p != '\0') {
		if (*p == '/') {
			const char *first = ++p;
			unsigned long bit;

			for (; (bit = nm_flag_bit_(*p)) != 0; p++)
				flags |= bit;
			if (*p == '\0' && p == first) {
				snprintf(msg, sizeof(msg), "missing flags after '/'");
				goto fail;
			}
			if (*p != '\0' && *p != '@') {
				snprintf(msg, sizeof(msg), "unknown flag '%c'", *p);
				goto fail;
			}
		} else if (*p == '@') {
			p++;
			if (memid != 0) {
				snprintf(msg, sizeof(msg), "memory id given twice");
				goto fail;
			}
			if (nm_parse_num_(&p, &memid) < 0 || memid == 0 ||
			    memid > UINT16_MAX) {
				snprintf(msg, sizeof(msg), "invalid memory id");
				goto fail;
			}
		} else {
			snprintf(msg, sizeof(msg), "unexpected character '%c'", *p);
			goto fail;
		}
	}

	memset(d->req.nr_name, 0, sizeof(d->req.nr_name));
	memcpy(d->req.nr_name, name, namelen);
	d->req.nr_ringid |= (uint16_t)ringid;
	d->req.nr_flags |= (uint32_t)(mode | flags);
	d->req.nr_arg2 = (uint16_t)memid;
	return 0;

fail:
	if (err != NULL)
		snprintf(err, MAXERRMSG, "%s", msg);
	errno = EINVAL;
	return -1;
}

/*
 * Map the region of a registered descriptor, or share the parent's mapping
 * when the parent is mapped and uses the same region.  Then locate the
 * netmap_if and the buffers.  Returns 0 or EINVAL.
 */
static int __attribute__((__unused__))
nm_mmap(struct nm_desc *d, const struct nm_desc *parent)
{
	struct netmap_if *nifp;
	struct netmap_ring *ring;
	void *p;

	if (d->mem != NULL)
		return 0;
	if (IS_NETMAP_DESC(parent) && parent->mem != NULL &&
	    parent->req.nr_arg2 == d->req.nr_arg2) {
		d->mem = parent->mem;
		d->memsize = parent->memsize;
	} else {
		p = mmap(NULL, d->req.nr_memsize, PROT_READ | PROT_WRITE,
			 MAP_SHARED, d->fd, 0);
		if (p == MAP_FAILED)
			return EINVAL;
		d->mem = p;
		d->memsize = d->req.nr_memsize;
		d->done_mmap = 1;
	}

	nifp = NETMAP_IF(d->mem, d->req.nr_offset);
	/* an unbound RX ring has offset 0, i.e. points at the netmap_if */
	ring = NETMAP_RXRING(nifp, d->first_rx_ring);
	if ((void *)ring == (void *)nifp)
		ring = NETMAP_TXRING(nifp, d->first_tx_ring);
	p = NETMAP_BUF(ring, 0);

	/* the descriptor is ours: fill in the fields that are const for users */
	memcpy((void *)&d->nifp, &nifp, sizeof(nifp));
	memcpy((void *)&d->some_ring, &ring, sizeof(ring));
	memcpy((void *)&d->buf_start, &p, sizeof(p));
	p = (char *)d->mem + d->memsize;
	memcpy((void *)&d->buf_end, &p, sizeof(p));
	return 0;
}

/* Unmap (if this descriptor mapped the region), close and free. */
static int __attribute__((__unused__))
nm_close(struct nm_desc *d)
{
	if (!IS_NETMAP_DESC(d)) {
		errno = EINVAL;
		return EINVAL;
	}
	if (d->done_mmap && d->mem != NULL)
		munmap(d->mem, d->memsize);
	if (d->fd >= 0)
		close(d->fd);
	memset((void *)d, 0, sizeof(*d));
	free(d);
	return 0;
}

/* ring ranges bound by the register mode, inclusive */
static void __attribute__((__unused__))
nm_set_ring_ranges_(struct nm_desc *d)
{
	const struct nmreq *r = &d->req;
	uint16_t ring = r->nr_ringid & NETMAP_RING_MASK;

	switch (r->nr_flags & NR_REG_MASK) {
	case NR_REG_SW:
		d->first_tx_ring = d->last_tx_ring = r->nr_tx_rings;
		d->first_rx_ring = d->last_rx_ring = r->nr_rx_rings;
		break;
	case NR_REG_ALL_NIC:
		d->first_tx_ring = d->first_rx_ring = 0;
		d->last_tx_ring = (uint16_t)(r->nr_tx_rings - 1);
		d->last_rx_ring = (uint16_t)(r->nr_rx_rings - 1);
		break;
	case NR_REG_NIC_SW:
		d->first_tx_ring = d->first_rx_ring = 0;
		d->last_tx_ring = r->nr_tx_rings;
		d->last_rx_ring = r->nr_rx_rings;
		break;
	case NR_REG_ONE_NIC:
		d->first_tx_ring = d->last_tx_ring = ring;
		d->first_rx_ring = d->last_rx_ring = ring;
		break;
	default:	/* pipes: a single ring pair */
		d->first_tx_ring = d->last_tx_ring = 0;
		d->first_rx_ring = d->last_rx_ring = 0;
		break;
	}
}

/*
 * Open a port: "netmap:..." or "vale...".  For any other name return NULL
 * with errno 0, so that callers can fall back to something else (pcap).
 * req, if given, provides the initial request (slots, rings, nr_arg*).
 * With a valid parent descriptor arg, the NM_OPEN_* bits of new_flags import
 * fields from it; its mapping is reused when the region is the same.
 * Returns NULL with errno set on failure.
 */
static __attribute__((__unused__)) struct nm_desc *
nm_open(const char *ifname, const struct nmreq *req, uint64_t new_flags,
	const struct nm_desc *arg)
{
	const struct nm_desc *parent = IS_NETMAP_DESC(arg) ? arg : NULL;
	char errmsg[MAXERRMSG] = "";
	struct nm_desc *d;
	int err;

	if (ifname == NULL || (strncmp(ifname, "netmap:", 7) != 0 &&
	    strncmp(ifname, NM_BDG_NAME, strlen(NM_BDG_NAME)) != 0)) {
		errno = 0;
		return NULL;
	}
	d = (struct nm_desc *)calloc(1, sizeof(*d));
	if (d == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	d->self = d;
	d->fd = open(NETMAP_DEVICE_NAME, O_RDWR);
	if (d->fd < 0) {
		snprintf(errmsg, sizeof(errmsg), "cannot open %s: %s",
			 NETMAP_DEVICE_NAME, strerror(errno));
		goto fail;
	}
	if (req != NULL)
		d->req = *req;
	if (!(new_flags & NM_OPEN_IFNAME) && nm_parse(ifname, d, errmsg) < 0)
		goto fail;
	d->req.nr_version = NETMAP_API;
	d->req.nr_ringid &= NETMAP_RING_MASK;

	if (parent != NULL && new_flags != 0) {
		const struct nmreq *pr = &parent->req;

		d->req.nr_arg1 = (new_flags & NM_OPEN_ARG1) ? pr->nr_arg1 : 4;
		if (new_flags & NM_OPEN_ARG2)
			d->req.nr_arg2 = pr->nr_arg2;
		d->req.nr_arg3 = (new_flags & NM_OPEN_ARG3) ? pr->nr_arg3 : 0;
		if (new_flags & NM_OPEN_RING_CFG) {
			d->req.nr_tx_slots = pr->nr_tx_slots;
			d->req.nr_rx_slots = pr->nr_rx_slots;
			d->req.nr_tx_rings = pr->nr_tx_rings;
			d->req.nr_rx_rings = pr->nr_rx_rings;
		}
		if (new_flags & NM_OPEN_IFNAME) {
			memcpy(d->req.nr_name, pr->nr_name,
			       sizeof(d->req.nr_name));
			d->req.nr_ringid = pr->nr_ringid;
			d->req.nr_flags = pr->nr_flags;
		}
	}
	d->req.nr_ringid |= (uint16_t)(new_flags &
				       (NETMAP_NO_TX_POLL | NETMAP_DO_RX_POLL));

	if (ioctl(d->fd, NIOCREGIF, &d->req) != 0) {
		snprintf(errmsg, sizeof(errmsg), "NIOCREGIF failed: %s",
			 strerror(errno));
		goto fail;
	}
	nm_set_ring_ranges_(d);

	if (!(new_flags & NM_OPEN_NO_MMAP) || parent != NULL) {
		if (nm_mmap(d, parent) != 0) {
			snprintf(errmsg, sizeof(errmsg), "mmap failed: %s",
				 strerror(errno));
			goto fail;
		}
	}
	d->cur_tx_ring = d->first_tx_ring;
	d->cur_rx_ring = d->first_rx_ring;
	return d;

fail:
	err = errno != 0 ? errno : EINVAL;
	nm_close(d);
	nm_dbg_print_(__func__, __LINE__, "%s: %s", ifname, errmsg);
	errno = err;
	return NULL;
}

/* Put one packet into ring, from cur on, if there is room.  Returns 1/0. */
static int __attribute__((__unused__))
nm_inject_ring_(struct netmap_ring *ring, const void *buf, size_t size)
{
	const char *src = (const char *)buf;
	size_t frag = ring->nr_buf_size, need, room;
	uint32_t i = ring->cur;

	if (frag > UINT16_MAX)	/* slot->len is 16 bits */
		frag = UINT16_MAX;
	if (frag == 0 || i >= ring->num_slots)
		return 0;
	need = size == 0 ? 1 : (size + frag - 1) / frag;
	room = ring->tail >= i ? ring->tail - i :
		ring->tail + ring->num_slots - i;
	if (need > room)
		return 0;

	for (; need > 0; need--) {
		struct netmap_slot *slot = &ring->slot[i];
		size_t len = size < frag ? size : frag;

		nm_pkt_copy(src, NETMAP_BUF(ring, slot->buf_idx), (int)len);
		slot->len = (uint16_t)len;
		slot->flags = need > 1 ? NS_MOREFRAG : 0;
		src += len;
		size -= len;
		i = nm_ring_next(ring, i);
	}
	ring->head = ring->cur = i;
	return 1;
}

/* index of the ring to try at step c of a round starting at cur */
static unsigned int __attribute__((__unused__))
nm_ring_pick_(unsigned int first, unsigned int last, unsigned int cur,
	      unsigned int c)
{
	unsigned int n = last - first + 1;

	if (cur < first || cur > last)
		cur = first;
	return first + (cur - first + c) % n;
}

/*
 * Queue one packet on the first TX ring, starting at cur_tx_ring, that has
 * room for it; packets longer than a buffer take several slots linked with
 * NS_MOREFRAG.  No system call: the caller syncs.  Returns size, or 0 if no
 * ring had room.
 */
static int __attribute__((__unused__))
nm_inject(struct nm_desc *d, const void *buf, size_t size)
{
	unsigned int c, ri;

	if (d->last_tx_ring < d->first_tx_ring)
		return 0;
	for (c = 0; c <= (unsigned int)(d->last_tx_ring - d->first_tx_ring);
	     c++) {
		ri = nm_ring_pick_(d->first_tx_ring, d->last_tx_ring,
				   d->cur_tx_ring, c);
		if (nm_inject_ring_(NETMAP_TXRING(d->nifp, ri), buf, size)) {
			d->cur_tx_ring = (uint16_t)ri;
			return (int)size;
		}
	}
	return 0;
}

/*
 * Take the packet at ring->cur (all its fragments that are already in the
 * ring) and describe it in hdr: len counts every fragment, caplen only the
 * part that is contiguous in memory from the first buffer.  Gives the slots
 * back (head = cur = past the packet).
 */
static void __attribute__((__unused__))
nm_take_packet_(struct netmap_ring *ring, struct nm_pkthdr *hdr)
{
	uint32_t i = ring->cur, len, caplen;
	struct netmap_slot *slot = &ring->slot[i];
	char *buf = NETMAP_BUF(ring, slot->buf_idx), *prev = buf;
	int contiguous = 1;

	hdr->slot = slot;
	hdr->buf = (uint8_t *)buf;
	len = caplen = slot->len;
	while (slot->flags & NS_MOREFRAG) {
		uint32_t next = nm_ring_next(ring, i);
		int full = slot->len == ring->nr_buf_size;
		char *nbuf;

		if (next == ring->tail)	/* the rest is not there (yet) */
			break;
		i = next;
		slot = &ring->slot[i];
		nbuf = NETMAP_BUF(ring, slot->buf_idx);
		len += slot->len;
		if (contiguous && full && nbuf == prev + ring->nr_buf_size)
			caplen += slot->len;
		else
			contiguous = 0;
		prev = nbuf;
	}
	hdr->len = len;
	hdr->caplen = caplen;
	hdr->ts = ring->ts;
	ring->head = ring->cur = nm_ring_next(ring, i);
}

/*
 * Hand up to cnt packets (all of them if cnt <= 0) from the RX rings to cb,
 * starting at cur_rx_ring.  Each callback runs once the next packet has been
 * found, so hdr->flags is NM_MORE_PKTS except for the last one; the slots of
 * a packet are already given back when its callback runs.  No system call.
 * Returns the number of packets.
 */
static int __attribute__((__unused__))
nm_dispatch(struct nm_desc *d, int cnt, nm_cb_t cb, unsigned char *arg)
{
	unsigned int c, n, ri = d->cur_rx_ring;
	int got = 0, pending = 0;

	if (d->last_rx_ring < d->first_rx_ring)
		return 0;
	n = (unsigned int)(d->last_rx_ring - d->first_rx_ring) + 1;
	d->hdr.d = d;
	d->hdr.flags = NM_MORE_PKTS;
	for (c = 0; c < n && (cnt <= 0 || got < cnt); c++) {
		struct netmap_ring *ring;

		ri = nm_ring_pick_(d->first_rx_ring, d->last_rx_ring,
				   d->cur_rx_ring, c);
		ring = NETMAP_RXRING(d->nifp, ri);
		while (ring->cur != ring->tail && (cnt <= 0 || got < cnt)) {
			if (pending && cb != NULL)
				cb(arg, &d->hdr, d->hdr.buf);
			nm_take_packet_(ring, &d->hdr);
			pending = 1;
			got++;
		}
	}
	d->cur_rx_ring = (uint16_t)ri;
	if (pending) {
		d->hdr.flags = 0;
		if (cb != NULL)
			cb(arg, &d->hdr, d->hdr.buf);
	}
	return got;
}

/*
 * Return the next slot of the first non-empty RX ring (starting at
 * cur_rx_ring) and give it back to the kernel; fragments are returned one by
 * one.  NULL if every bound RX ring is empty.  No system call.
 */
static __attribute__((__unused__)) unsigned char *
nm_nextpkt(struct nm_desc *d, struct nm_pkthdr *hdr)
{
	unsigned int c, ri;

	if (d->last_rx_ring < d->first_rx_ring)
		return NULL;
	for (c = 0; c <= (unsigned int)(d->last_rx_ring - d->first_rx_ring);
	     c++) {
		struct netmap_ring *ring;
		struct netmap_slot *slot;
		unsigned char *buf;

		ri = nm_ring_pick_(d->first_rx_ring, d->last_rx_ring,
				   d->cur_rx_ring, c);
		ring = NETMAP_RXRING(d->nifp, ri);
		if (ring->cur == ring->tail)
			continue;
		slot = &ring->slot[ring->cur];
		buf = (unsigned char *)NETMAP_BUF(ring, slot->buf_idx);
		hdr->ts = ring->ts;
		hdr->len = hdr->caplen = slot->len;
		hdr->d = d;
		hdr->slot = slot;
		hdr->buf = buf;
		ring->head = ring->cur = nm_ring_next(ring, ring->cur);
		d->cur_rx_ring = (uint16_t)ri;
		return buf;
	}
	return NULL;
}

#endif /* NETMAP_WITH_LIBS && !HAVE_NETMAP_WITH_LIBS */
