// SPDX-License-Identifier: BSD-2-Clause
/* Shared helpers of the guest tests (see common.h). */
#define _GNU_SOURCE
#include "common.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ TAP */

static pthread_mutex_t tap_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int tap_n;		/* assertions printed so far */
static volatile int tap_nfail;
static volatile unsigned int tap_budget;

/* Async-signal-safe output used by the watchdog and crash handlers. */
static void sig_puts(const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t w = write(STDOUT_FILENO, s, len);

		if (w <= 0)
			return;
		s += w;
		len -= (size_t)w;
	}
}

static void sig_putu(unsigned int v)
{
	char buf[16];
	int i = sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	sig_puts(&buf[i]);
}

static void fatal_signal(int sig)
{
	unsigned int n = (unsigned int)tap_n + 1;

	sig_puts("not ok ");
	sig_putu(n);
	if (sig == SIGALRM) {
		sig_puts(" - watchdog: test did not finish within ");
		sig_putu(tap_budget);
		sig_puts(" s (hung kernel path?)\n");
	} else {
		sig_puts(" - test program crashed with signal ");
		sig_putu((unsigned int)sig);
		sig_puts("\n");
	}
	sig_puts("1..");
	sig_putu(n);
	sig_puts("\n");
	_exit(1);
}

void tap_watchdog(unsigned int timeout_s)
{
	tap_budget = timeout_s;
	alarm(timeout_s);
}

void tap_start(unsigned int timeout_s)
{
	struct sigaction sa;

	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fatal_signal;
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	printf("TAP version 13\n");
	if (timeout_s)
		tap_watchdog(timeout_s);
}

static int vreport(int cond, const char *directive, const char *fmt,
		   va_list ap)
{
	pthread_mutex_lock(&tap_lock);
	tap_n++;
	if (!cond)
		tap_nfail++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	vprintf(fmt, ap);
	if (directive)
		printf(" # %s", directive);
	printf("\n");
	fflush(stdout);
	pthread_mutex_unlock(&tap_lock);
	return cond;
}

int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cond, NULL, fmt, ap);
	va_end(ap);
	return cond;
}

int is(long long got, long long want, const char *fmt, ...)
{
	va_list ap;
	int cond = got == want;

	va_start(ap, fmt);
	vreport(cond, NULL, fmt, ap);
	va_end(ap);
	if (!cond)
		diag("    got %lld (0x%llx), expected %lld (0x%llx)", got,
		     (unsigned long long)got, want, (unsigned long long)want);
	return cond;
}

int is_err(int got, int want, const char *fmt, ...)
{
	va_list ap;
	int cond = got == want;

	va_start(ap, fmt);
	vreport(cond, NULL, fmt, ap);
	va_end(ap);
	if (!cond)
		diag("    got %s, expected %s", errname(got), errname(want));
	return cond;
}

void skip(const char *why, const char *fmt, ...)
{
	va_list ap;
	char dir[256];

	snprintf(dir, sizeof(dir), "SKIP %s", why);
	va_start(ap, fmt);
	vreport(1, dir, fmt, ap);
	va_end(ap);
}

void diag(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&tap_lock);
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	pthread_mutex_unlock(&tap_lock);
}

void bail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(0, NULL, fmt, ap);
	va_end(ap);
	diag("fatal: cannot continue");
	tap_end();
	exit(1);
}

int tap_end(void)
{
	alarm(0);
	pthread_mutex_lock(&tap_lock);
	printf("1..%d\n", tap_n);
	if (tap_nfail)
		printf("# %d of %d assertions failed\n", tap_nfail, tap_n);
	fflush(stdout);
	pthread_mutex_unlock(&tap_lock);
	return tap_nfail ? 1 : 0;
}

int tap_failed(void)
{
	return tap_nfail;
}

const char *errname(int err)
{
	/* a few rotating buffers: callers pass two names to one printf */
	static __thread char bufs[4][32];
	static __thread unsigned int next;
	char *buf = bufs[next++ % 4];
	const char *n;

	switch (err) {
	case 0: return "success(0)";
	case EPERM: n = "EPERM"; break;
	case ENOENT: n = "ENOENT"; break;
	case EINTR: n = "EINTR"; break;
	case EIO: n = "EIO"; break;
	case ENXIO: n = "ENXIO"; break;
	case EBADF: n = "EBADF"; break;
	case EAGAIN: n = "EAGAIN"; break;
	case ENOMEM: n = "ENOMEM"; break;
	case EACCES: n = "EACCES"; break;
	case EFAULT: n = "EFAULT"; break;
	case EBUSY: n = "EBUSY"; break;
	case EEXIST: n = "EEXIST"; break;
	case ENODEV: n = "ENODEV"; break;
	case EINVAL: n = "EINVAL"; break;
	case ENOTTY: n = "ENOTTY"; break;
	case ENOSPC: n = "ENOSPC"; break;
	case ERANGE: n = "ERANGE"; break;
	case ENOSYS: n = "ENOSYS"; break;
	case EMSGSIZE: n = "EMSGSIZE"; break;
	case EOPNOTSUPP: n = "EOPNOTSUPP"; break;
	case ENOBUFS: n = "ENOBUFS"; break;
	case EOVERFLOW: n = "EOVERFLOW"; break;
	default: n = "errno"; break;
	}
	snprintf(buf, sizeof(bufs[0]), "%s(%d)", n, err);
	return buf;
}

/* ------------------------------------------------------- raw control API */

int nmt_open_dev(void)
{
	int fd = open(NMT_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		bail("open %s: %s", NMT_DEV, errname(errno));
	return fd;
}

int nmt_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) == 0 ? 0 : errno;
}

void nmt_hdr(struct nmreq_header *h, uint16_t type, const char *name,
	     void *body)
{
	memset(h, 0, sizeof(*h));
	h->nr_version = NETMAP_API;
	h->nr_reqtype = type;
	if (name)
		snprintf(h->nr_name, sizeof(h->nr_name), "%s", name);
	h->nr_body = (uintptr_t)body;
}

int nmt_ctrl(int fd, struct nmreq_header *h)
{
	return nmt_ioctl(fd, NIOCCTRL, h);
}

int nmt_txsync(int fd)
{
	return ioctl(fd, NIOCTXSYNC, NULL) == 0 ? 0 : errno;
}

int nmt_rxsync(int fd)
{
	return ioctl(fd, NIOCRXSYNC, NULL) == 0 ? 0 : errno;
}

int nmt_register(int fd, const char *name, const struct nmt_req *rq,
		 struct nmreq_register *out)
{
	struct nmreq_header h;
	struct nmreq_register reg;
	int err;

	memset(&reg, 0, sizeof(reg));
	reg.nr_mode = rq->mode;
	reg.nr_ringid = rq->ringid;
	reg.nr_flags = rq->flags;
	reg.nr_tx_slots = rq->tx_slots;
	reg.nr_rx_slots = rq->rx_slots;
	reg.nr_tx_rings = rq->tx_rings;
	reg.nr_rx_rings = rq->rx_rings;
	reg.nr_mem_id = rq->mem_id;
	reg.nr_extra_bufs = rq->extra_bufs;
	nmt_hdr(&h, NETMAP_REQ_REGISTER, name, &reg);
	err = nmt_ctrl(fd, &h);
	if (out)
		*out = reg;
	return err;
}

int nmt_port_map(struct nmt_port *p)
{
	void *mem = mmap(NULL, p->reg.nr_memsize, PROT_READ | PROT_WRITE,
			 MAP_SHARED, p->fd, 0);

	if (mem == MAP_FAILED) {
		int err = errno;

		diag("mmap of %s (%llu bytes): %s", p->name,
		     (unsigned long long)p->reg.nr_memsize, errname(err));
		return err;
	}
	p->mem = mem;
	p->memsize = p->reg.nr_memsize;
	p->nifp = NETMAP_IF(p->mem, p->reg.nr_offset);
	return 0;
}

int nmt_port_open(struct nmt_port *p, const char *name,
		  const struct nmt_req *rq)
{
	int err;

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->fd = nmt_open_dev();
	err = nmt_register(p->fd, name, rq, &p->reg);
	if (!err)
		err = nmt_port_map(p);
	if (err) {
		close(p->fd);
		p->fd = -1;
	}
	return err;
}

void nmt_port_close(struct nmt_port *p)
{
	if (p->mem)
		munmap(p->mem, p->memsize);
	if (p->fd >= 0)
		close(p->fd);
	p->mem = NULL;
	p->nifp = NULL;
	p->fd = -1;
}

struct netmap_ring *nmt_txring(const struct nmt_port *p, unsigned int i)
{
	const struct netmap_if *nifp = p->nifp;

	if (i >= nifp->ni_tx_rings + nifp->ni_host_tx_rings ||
	    nifp->ring_ofs[i] == 0)
		return NULL;
	return NETMAP_TXRING(nifp, i);
}

struct netmap_ring *nmt_rxring(const struct nmt_port *p, unsigned int i)
{
	const struct netmap_if *nifp = p->nifp;
	unsigned int k = i + nifp->ni_tx_rings + nifp->ni_host_tx_rings;

	if (i >= nifp->ni_rx_rings + nifp->ni_host_rx_rings ||
	    nifp->ring_ofs[k] == 0)
		return NULL;
	return NETMAP_RXRING(nifp, i);
}

int nmt_pools_info(const char *name, uint16_t mem_id,
		   struct nmreq_pools_info *pi)
{
	struct nmreq_header h;
	int fd = nmt_open_dev();
	int err;

	memset(pi, 0, sizeof(*pi));
	pi->nr_mem_id = mem_id;
	nmt_hdr(&h, NETMAP_REQ_POOLS_INFO_GET, name, pi);
	err = nmt_ctrl(fd, &h);
	close(fd);
	return err;
}

uint32_t nmt_nbufs(const struct nmt_port *p)
{
	const struct netmap_ring *r = nmt_txring(p, 0);
	uint64_t pool;

	if (!r)
		r = nmt_rxring(p, 0);
	if (!r)
		bail("nmt_nbufs: %s has no bound ring 0", p->name);
	/* ABI.md §4.1: the buffer pool is the last pool of the region. */
	pool = (uint64_t)((const char *)r + r->buf_ofs - p->mem);
	return (uint32_t)((p->memsize - pool) / r->nr_buf_size);
}

/* --------------------------------------------------------- ring helpers */

void nmt_put(struct netmap_ring *r, uint32_t len, uint64_t seq)
{
	struct netmap_slot *s = &r->slot[r->head];

	nmt_fill(NETMAP_BUF(r, s->buf_idx), len, seq);
	s->len = (uint16_t)len;
	s->flags = 0;
	r->head = r->cur = nmt_next(r, r->head);
}

void nmt_advance(struct netmap_ring *r, uint32_t n)
{
	uint32_t h = r->head;

	while (n--)
		h = nmt_next(r, h);
	r->head = r->cur = h;
}

uint32_t nmt_rx_wait(int fd, struct netmap_ring *r, uint32_t want,
		     unsigned int timeout_ms)
{
	uint64_t end = nmt_now_ms() + timeout_ms;
	uint32_t avail;

	for (;;) {
		nmt_rxsync(fd);
		avail = nmt_dist(r, r->head, r->tail);
		if (avail >= want || nmt_now_ms() >= end)
			return avail;
		nmt_sleep_ms(1);
	}
}

int nmt_tx_drain(int fd, struct netmap_ring *r, unsigned int timeout_ms)
{
	uint64_t end = nmt_now_ms() + timeout_ms;

	for (;;) {
		nmt_txsync(fd);
		if (nmt_next(r, r->tail) == r->head)
			return 1;
		if (nmt_now_ms() >= end)
			return 0;
		nmt_sleep_ms(1);
	}
}

/* -------------------------------------------------------- payload pattern */

static inline uint64_t pat_word(uint64_t seq, uint64_t i)
{
	uint64_t x = (seq + 1) * 0x9E3779B97F4A7C15ULL;

	x ^= (i + 1) * 0xC2B2AE3D27D4EB4FULL;
	return x ^ (x >> 29);
}

static void pat_header(unsigned char hdr[8], uint32_t len, uint64_t seq)
{
	uint32_t s = (uint32_t)seq;

	memcpy(hdr, &s, 4);
	memcpy(hdr + 4, &len, 4);
}

void nmt_fill(void *buf, uint32_t len, uint64_t seq)
{
	unsigned char *p = buf;
	uint32_t words = len / 8, i;
	uint64_t w;

	for (i = 0; i < words; i++) {
		w = pat_word(seq, i);
		memcpy(p + 8 * i, &w, 8);
	}
	if (len % 8) {
		w = pat_word(seq, words);
		memcpy(p + 8 * words, &w, len % 8);
	}
	if (len >= 8)
		pat_header(p, len, seq);
}

static long first_bad(const unsigned char *got, const void *want, long base,
		      uint32_t n)
{
	const unsigned char *w = want;
	uint32_t i;

	for (i = 0; i < n; i++)
		if (got[i] != w[i])
			return base + (long)i;
	return base;
}

long nmt_check(const void *buf, uint32_t len, uint64_t seq)
{
	const unsigned char *p = buf;
	uint32_t words = len / 8, i;
	unsigned char hdr[8];
	uint64_t w, g;

	i = 0;
	if (len >= 8) {
		pat_header(hdr, len, seq);
		if (memcmp(p, hdr, 8))
			return first_bad(p, hdr, 0, 8);
		i = 1;
	}
	for (; i < words; i++) {
		w = pat_word(seq, i);
		memcpy(&g, p + 8 * i, 8);
		if (g != w)
			return first_bad(p + 8 * i, &w, 8L * i, 8);
	}
	if (len % 8) {
		w = pat_word(seq, words);
		if (memcmp(p + 8 * words, &w, len % 8))
			return first_bad(p + 8 * words, &w, 8L * words,
					 len % 8);
	}
	return -1;
}

uint32_t nmt_pkt_len(uint64_t seq, uint32_t bufsize)
{
	uint64_t h = pat_word(seq, 977);
	uint32_t small = bufsize < 256 ? bufsize : 256;

	if (seq % 16 == 0)
		return bufsize;
	if (seq % 16 == 1)
		return 60;
	if ((h & 3) == 0)
		return 60 + (uint32_t)((h >> 2) % (bufsize - 59));
	return 60 + (uint32_t)((h >> 8) % (small - 59));
}

/* ------------------------------------------------------------- misc */

static void param_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "/sys/module/netmap/parameters/%s", name);
}

int nmt_param_read(const char *name, long *val)
{
	char path[128];
	FILE *f;
	int n;

	param_path(path, sizeof(path), name);
	f = fopen(path, "r");
	if (!f)
		return errno;
	n = fscanf(f, "%ld", val);
	fclose(f);
	return n == 1 ? 0 : EINVAL;
}

int nmt_param_write(const char *name, long val)
{
	char path[128];
	FILE *f;
	int err = 0;

	param_path(path, sizeof(path), name);
	f = fopen(path, "w");
	if (!f)
		return errno;
	if (fprintf(f, "%ld\n", val) < 0)
		err = EIO;
	if (fclose(f) != 0 && !err)
		err = errno;
	return err;
}

uint64_t nmt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void nmt_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

uint32_t nmt_free_bufs(void)
{
	struct nmt_req rq = { .mode = NR_REG_ALL_NIC,
			      .extra_bufs = 0x7fffffff };
	struct nmreq_register reg;
	int fd = nmt_open_dev(), err;

	err = nmt_register(fd, "nmt_free{1", &rq, &reg);
	close(fd);
	if (err) {
		diag("register with 2^31-1 extra buffers: %s", errname(err));
		return 0;
	}
	return reg.nr_extra_bufs;
}
