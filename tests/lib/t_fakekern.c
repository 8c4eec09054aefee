/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nmport_open()/nmport_close() and friends against a fake /dev/netmap:
 * open, close, ioctl and mmap are interposed (-Wl,--wrap=...), the fake
 * "kernel" answers NIOCCTRL register and port-info requests and lays out
 * a region in a memfd (or in the application's extmem).  This checks the
 * library side of registering and mapping; the real kernel is exercised
 * by the guest tests.
 */
#define _GNU_SOURCE	/* memfd_create */
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nmtest.h"

int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __real_close(int fd);
int __wrap_close(int fd);
int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off);

static const struct fake_port port = {
	.ntx = 2, .nrx = 2, .nhtx = 1, .nhrx = 1, .slots = 8, .bufsz = 256,
};

#define MAXFD	1024

static struct {
	int region_fd;		/* the memfd holding mem ids 7 and 9 */
	char *kview;		/* the "kernel" mapping of it */
	int dev_missing;	/* open("/dev/netmap") fails with ENOENT */
	int offsets_ok;		/* accept NETMAP_REQ_OPT_OFFSETS */
	uint8_t is_dev[MAXFD];	/* fds returned for /dev/netmap */
	uint8_t bound[MAXFD];
	int opens, closes, dev_mmaps, ctrls, nifs;
	struct nmreq_header last;	/* last NIOCCTRL header */
	struct nmreq_register last_reg;
	uint64_t last_body;
} fk;

int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;
	int fd;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (strcmp(path, NETMAP_DEVICE_NAME) != 0)
		return __real_open(path, flags, mode);
	fk.opens++;
	if (fk.dev_missing || (flags & O_ACCMODE) != O_RDWR) {
		errno = fk.dev_missing ? ENOENT : EACCES;
		return -1;
	}
	fd = dup(fk.region_fd);
	if (fd >= 0 && fd < MAXFD) {
		fk.is_dev[fd] = 1;
		fk.bound[fd] = 0;
	}
	return fd;
}

int __wrap_close(int fd)
{
	if (fd >= 0 && fd < MAXFD && fk.is_dev[fd]) {
		fk.is_dev[fd] = 0;
		fk.closes++;
	}
	return __real_close(fd);
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off)
{
	if (fd >= 0 && fd < MAXFD && fk.is_dev[fd]) {
		fk.dev_mmaps++;
		if (!fk.bound[fd] || prot != (PROT_READ | PROT_WRITE) ||
		    flags != MAP_SHARED || off != 0) {
			errno = EINVAL;
			return MAP_FAILED;
		}
	}
	return __real_mmap(addr, len, prot, flags, fd, off);
}

/* Bound rings of each direction for a register request. */
static void ring_masks(const struct nmreq_register *reg, unsigned int *tx,
		       unsigned int *rx)
{
	switch (reg->nr_mode) {
	case NR_REG_ONE_NIC:
		*tx = *rx = 1u << reg->nr_ringid;
		break;
	case NR_REG_SW:
		*tx = *rx = 1u << 2;
		break;
	case NR_REG_NIC_SW:
		*tx = *rx = 0x7;
		break;
	case NR_REG_ONE_SW:
		*tx = *rx = 1u << (2 + reg->nr_ringid);
		break;
	default:
		*tx = *rx = 0x3;
		break;
	}
	if (reg->nr_flags & NR_TX_RINGS_ONLY)
		*rx = 0;
	if (reg->nr_flags & NR_RX_RINGS_ONLY)
		*tx = 0;
}

static int fake_register(int fd, struct nmreq_header *hdr)
{
	struct nmreq_register *reg = (void *)(uintptr_t)hdr->nr_body;
	struct nmreq_opt_extmem *ext = NULL;
	struct nmreq_option *o;
	unsigned int txm, rxm;
	char *base = fk.kview;
	int err = 0;

	nmreq_foreach_option(hdr, o) {
		o->nro_status = EOPNOTSUPP;
		if (o->nro_reqtype == NETMAP_REQ_OPT_EXTMEM) {
			ext = (struct nmreq_opt_extmem *)o;
			o->nro_status = 0;
		} else if (o->nro_reqtype == NETMAP_REQ_OPT_OFFSETS &&
			   fk.offsets_ok) {
			o->nro_status = 0;
		}
		if (o->nro_status != 0)
			err = (int)o->nro_status;
	}
	if (err)
		return err;
	if (fk.bound[fd])
		return EBUSY;
	if (strcmp(hdr->nr_name, "nosuch") == 0)
		return ENXIO;
	if (reg->nr_mem_id != 0 && reg->nr_mem_id != 7 &&
	    reg->nr_mem_id != 9 && reg->nr_mem_id != 11)
		return EINVAL;

	memcpy(&fk.last_reg, reg, sizeof(*reg));
	reg->nr_memsize = FR_SIZE;
	reg->nr_tx_rings = (uint16_t)port.ntx;
	reg->nr_rx_rings = (uint16_t)port.nrx;
	reg->nr_host_tx_rings = (uint16_t)port.nhtx;
	reg->nr_host_rx_rings = (uint16_t)port.nhrx;
	reg->nr_tx_slots = reg->nr_rx_slots = port.slots;
	if (ext != NULL) {
		if (ext->nro_info.nr_memsize < FR_SIZE)
			return EINVAL;
		base = (char *)(uintptr_t)ext->nro_usrptr;
		fr_build_rings(base, &port);
		reg->nr_mem_id = 11;
	} else if (reg->nr_mem_id == 0) {
		reg->nr_mem_id = strncmp(hdr->nr_name, "other", 5) == 0 ? 9 : 7;
	}
	reg->nr_offset = 1024u * (unsigned int)(fk.nifs++ % 64);
	ring_masks(reg, &txm, &rxm);
	fr_build_if(base, reg->nr_offset, &port, txm, rxm);
	if (strcmp(hdr->nr_name, "badofs") == 0)
		reg->nr_offset = FR_SIZE;
	if (strcmp(hdr->nr_name, "zerosize") == 0)
		reg->nr_memsize = 0;
	fk.bound[fd] = 1;
	return 0;
}

static int fake_port_info(struct nmreq_header *hdr)
{
	struct nmreq_port_info_get *info = (void *)(uintptr_t)hdr->nr_body;

	if (info == NULL)
		return EINVAL;
	if (strcmp(hdr->nr_name, "eth1") == 0)
		info->nr_mem_id = 5;
	else if (strcmp(hdr->nr_name, "vale0:z") == 0)
		info->nr_mem_id = 7;
	else
		return ENXIO;
	info->nr_memsize = FR_SIZE;
	return 0;
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	struct nmreq_header *hdr;
	va_list ap;
	void *arg;
	int err;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd < 0 || fd >= MAXFD || !fk.is_dev[fd])
		return __real_ioctl(fd, req, arg);
	if (req != NIOCCTRL) {
		errno = EOPNOTSUPP;
		return -1;
	}
	hdr = arg;
	fk.ctrls++;
	fk.last = *hdr;
	fk.last_body = hdr->nr_body;
	if (hdr->nr_version != NETMAP_API || hdr->nr_reserved != 0)
		err = EINVAL;
	else if (hdr->nr_reqtype == NETMAP_REQ_REGISTER)
		err = fake_register(fd, hdr);
	else if (hdr->nr_reqtype == NETMAP_REQ_PORT_INFO_GET)
		err = fake_port_info(hdr);
	else
		err = EINVAL;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

static int mapped(void *p)
{
	return msync((void *)((uintptr_t)p & ~(uintptr_t)4095), 4096,
		     MS_ASYNC) == 0;
}

static int range_is(struct nmport_d *d, int ftx, int ltx, int frx, int lrx)
{
	return d->first_tx_ring == ftx && d->last_tx_ring == ltx &&
	       d->first_rx_ring == frx && d->last_rx_ring == lrx &&
	       d->cur_tx_ring == ftx && d->cur_rx_ring == frx;
}

static void test_open(void)
{
	struct nmport_d *d;
	struct netmap_ring *kr;
	void *mem;
	int fd, closes;

	fk.ctrls = 0;
	d = nmport_open("netmap:eth0");
	if (!ok(d != NULL, "nmport_open('netmap:eth0')")) {
		diag("error: %s", cap.last);
		return;
	}
	ok(fk.ctrls == 1 && fk.last.nr_version == NETMAP_API &&
	   fk.last.nr_reqtype == NETMAP_REQ_REGISTER &&
	   strcmp(fk.last.nr_name, "eth0") == 0 &&
	   fk.last_body == (uintptr_t)&d->reg,
	   "one NIOCCTRL register for 'eth0' with body &d->reg");
	ok(d->register_done && d->mmap_done && d->fd >= 0 && fk.is_dev[d->fd],
	   "registered and mapped, fd open on /dev/netmap");
	ok(d->mem != NULL && d->mem->mem_id == 7 && d->mem->refcount == 1 &&
	   d->mem->size == FR_SIZE && !d->mem->is_extmem,
	   "region descriptor: mem id 7, refcount 1, size");
	ok(d->ctx->mem_descs == d->mem, "region in the context list");
	ok(d->nifp == NETMAP_IF(d->mem->mem, d->reg.nr_offset) &&
	   strcmp(d->nifp->ni_name, "fake0") == 0,
	   "nifp = mem + nr_offset");
	ok(range_is(d, 0, 1, 0, 1), "ALL_NIC: tx 0..1, rx 0..1");
	ok(d->reg.nr_tx_rings == 2 && d->reg.nr_tx_slots == 8 &&
	   d->reg.nr_memsize == FR_SIZE, "kernel answers in d->reg");

	/* the mapping is shared with the "kernel" */
	fk.kview[d->reg.nr_offset + 4] = 'Q';
	ok(d->nifp->ni_name[4] == 'Q', "mapping shared with the region");
	is_int(nmport_inject(d, "hello", 5), 5, "inject through the mapping");
	kr = (struct netmap_ring *)(fk.kview + fr_ring_off(&port, 1, 0));
	ok(kr->head == 1 && kr->slot[0].len == 5 &&
	   memcmp(fk.kview + FR_BUF_BASE +
		  (size_t)kr->slot[0].buf_idx * port.bufsz, "hello", 5) == 0,
	   "... visible in the region");
	fr_build_rings(fk.kview, &port);

	fd = d->fd;
	mem = d->mem->mem;
	closes = fk.closes;
	nmport_close(d);
	ok(fk.closes == closes + 1 && !fk.is_dev[fd], "close closes the fd");
	ok(!mapped(mem) && nmctx_get()->mem_descs == NULL,
	   "close unmaps the region and empties the list");
}

static void check_range(const char *spec, int ftx, int ltx, int frx, int lrx)
{
	struct nmport_d *d = nmport_open(spec);

	if (!ok(d != NULL, "nmport_open('%s')", spec))
		return;
	ok(range_is(d, ftx, ltx, frx, lrx), "'%s': tx %u..%u rx %u..%u", spec,
	   d->first_tx_ring, d->last_tx_ring, d->first_rx_ring,
	   d->last_rx_ring);
	nmport_close(d);
}

static void test_ranges(void)
{
	check_range("netmap:eth0-1", 1, 1, 1, 1);
	check_range("netmap:eth0-0", 0, 0, 0, 0);
	check_range("netmap:eth0^", 2, 2, 2, 2);
	check_range("netmap:eth0^0", 2, 2, 2, 2);
	check_range("netmap:eth0*", 0, 2, 0, 2);
	check_range("netmap:eth0/T", 0, 1, 3, 2);
	check_range("netmap:eth0-1/R", 3, 2, 1, 1);
}

static void test_sharing(void)
{
	struct nmport_d *a, *b, *c, *o;
	int mmaps = fk.dev_mmaps;
	void *mem;

	a = nmport_open("netmap:eth0-0");
	b = nmport_open("netmap:eth0-1");
	if (!ok(a != NULL && b != NULL, "two ports on mem id 7"))
		return;
	ok(a->mem == b->mem && a->mem->refcount == 2 &&
	   fk.dev_mmaps == mmaps + 1,
	   "same region descriptor, refcount 2, mapped once");
	ok(a->nifp != b->nifp && range_is(b, 1, 1, 1, 1),
	   "each has its own netmap_if");

	c = nmport_clone(a);
	ok(c != NULL && nmport_open_desc(c) == 0, "open a clone");
	ok(c != NULL && c->mem == a->mem && a->mem->refcount == 3 &&
	   range_is(c, 0, 0, 0, 0) && strcmp(fk.last.nr_name, "eth0") == 0 &&
	   fk.last_reg.nr_mode == NR_REG_ONE_NIC,
	   "clone registers the same port and rings, shares the region");
	nmport_close(c);

	o = nmport_open("netmap:other0");
	ok(o != NULL && o->mem != a->mem && o->mem->mem_id == 9 &&
	   o->mem->refcount == 1 && fk.dev_mmaps == mmaps + 2,
	   "another mem id gets its own mapping");
	ok(o != NULL && nmctx_get()->mem_descs == o->mem &&
	   o->mem->next == a->mem && a->mem->prev == o->mem &&
	   o->mem->prev == NULL && a->mem->next == NULL,
	   "both regions linked in the context");

	mem = a->mem->mem;
	nmport_close(a);
	ok(b->mem->refcount == 1 && mapped(mem) &&
	   strcmp(b->nifp->ni_name, "fake0") == 0,
	   "closing one port keeps the shared region");
	nmport_close(o);
	ok(nmctx_get()->mem_descs == b->mem && b->mem->prev == NULL &&
	   b->mem->next == NULL, "list relinked after removing the head");
	nmport_close(b);
	ok(!mapped(mem) && nmctx_get()->mem_descs == NULL,
	   "last close unmaps");
}

static void test_errors(void)
{
	struct nmport_d *d;
	int closes;

	fk.dev_missing = 1;
	cap_reset();
	errno = 0;
	d = nmport_open("netmap:eth0");
	ok(d == NULL && errno == ENOENT, "no /dev/netmap: ENOENT");
	ok(cap_has("cannot open /dev/netmap"), "... message (%s)", cap.last);
	fk.dev_missing = 0;

	closes = fk.closes;
	cap_reset();
	errno = 0;
	d = nmport_open("netmap:nosuch");
	ok(d == NULL && errno == ENXIO, "unknown port: ENXIO");
	ok(cap_has("nosuch") && cap_has(strerror(ENXIO)), "... message (%s)",
	   cap.last);
	ok(fk.closes == closes + 1, "... fd closed");

	nmport_enable_option("offset");
	cap_reset();
	errno = 0;
	d = nmport_open("netmap:eth0@offset=64");
	ok(d == NULL && errno == EOPNOTSUPP, "refused option: EOPNOTSUPP");
	ok(cap_has("option offsets: ") && cap_has(strerror(EOPNOTSUPP)),
	   "... message names the option (%s)", cap.last);
	fk.offsets_ok = 1;
	d = nmport_open("netmap:eth0@offset=64");
	ok(d != NULL && fk.last.nr_options != 0, "accepted option: open works");
	nmport_disable_option("offset");

	if (d != NULL) {
		errno = 0;
		ok(nmport_register(d) < 0 && errno == EINVAL,
		   "register twice: EINVAL");
		errno = 0;
		ok(nmport_mmap(d) < 0 && errno == EINVAL, "mmap twice: EINVAL");
		nmport_undo_open_desc(d);
		ok(d->fd == -1 && !d->register_done && !d->mmap_done &&
		   d->nifp == NULL && d->mem == NULL,
		   "undo_open_desc: fd -1, not registered, not mapped");
		ok(nmport_open_desc(d) == 0, "the descriptor opens again");
		nmport_close(d);
	}
	fk.offsets_ok = 0;

	d = nmport_prepare("netmap:eth0");
	errno = 0;
	ok(d != NULL && nmport_mmap(d) < 0 && errno == EINVAL,
	   "mmap before register: EINVAL");
	cap_reset();
	ok(d != NULL && nmport_parse(d, "netmap:badofs") == 0 &&
	   nmport_open_desc(d) < 0 && errno == EINVAL,
	   "netmap_if outside the region: EINVAL (%s)", cap.last);
	ok(d != NULL && d->fd == -1 && !d->register_done && !d->mmap_done &&
	   nmctx_get()->mem_descs == NULL,
	   "... register undone, region released");
	cap_reset();
	ok(d != NULL && nmport_parse(d, "netmap:zerosize") == 0 &&
	   nmport_open_desc(d) < 0 && errno == EINVAL &&
	   cap_has("cannot map"),
	   "mmap failure reported (%s)", cap.last);
	ok(d != NULL && d->fd == -1 && !d->register_done &&
	   nmctx_get()->mem_descs == NULL, "... and undone");
	nmport_undo_prepare(d);
}

static void check_share(const char *spec, int want_id, int err)
{
	struct nmport_d *d;

	cap_reset();
	errno = 0;
	d = nmport_prepare(spec);
	if (err == 0) {
		ok(d != NULL && d->reg.nr_mem_id == want_id &&
		   fk.last.nr_reqtype == NETMAP_REQ_PORT_INFO_GET,
		   "'%s': mem id %d from PORT_INFO_GET", spec, want_id);
	} else {
		ok(d == NULL && errno == err && cap.count > 0,
		   "'%s' fails with errno %d (%s)", spec, err, cap.last);
	}
	nmport_undo_prepare(d);
}

static void test_share(void)
{
	const char *p = "netmap:eth1-1/T";
	int closes = fk.closes;

	check_share("netmap:eth0@share=netmap:eth1", 5, 0);
	is_str(fk.last.nr_name, "eth1", "PORT_INFO_GET asked about eth1");
	ok(fk.closes == closes + 1, "... on a fd that was closed again");
	check_share("netmap:eth0@share:port=vale0:z", 7, 0);
	check_share("vale0:q@5@share=netmap:eth1", 5, 0);
	check_share("vale0:q@share=netmap:eth1@share=netmap:eth1", 5, 0);
	check_share("netmap:eth0@share=netmap:nosuch", 0, ENXIO);
	check_share("netmap:eth0@3@share=netmap:eth1", 0, EINVAL);
	check_share("netmap:eth0@share=eth1", 0, EINVAL);
	fk.dev_missing = 1;
	check_share("netmap:eth0@share=netmap:eth1", 0, ENOENT);
	fk.dev_missing = 0;

	is_int(nmreq_get_mem_id(&p, NULL), 5, "nmreq_get_mem_id");
	is_str(p, "-1/T", "nmreq_get_mem_id advances past the name");
	p = "netmap:nosuch";
	ok(nmreq_get_mem_id(&p, NULL) == -1 && errno == ENXIO &&
	   strcmp(p, "netmap:nosuch") == 0,
	   "nmreq_get_mem_id failure: -1, ENXIO, pointer kept");
}

static void test_extmem(void)
{
	char path[] = "/tmp/nmtest-fk-XXXXXX", spec[128];
	struct nmport_d *d, *c;
	int fd, mmaps;
	void *base;

	fd = mkstemp(path);
	if (!ok(fd >= 0 && ftruncate(fd, FR_SIZE) == 0, "extmem file"))
		return;
	close(fd);
	snprintf(spec, sizeof(spec), "netmap:eth0-1@extmem=%s", path);
	mmaps = fk.dev_mmaps;
	d = nmport_open(spec);
	if (!ok(d != NULL, "open with extmem")) {
		diag("error: %s", cap.last);
		unlink(path);
		return;
	}
	base = (void *)(uintptr_t)d->extmem->nro_usrptr;
	ok(d->mem->is_extmem && d->mem->mem == base &&
	   d->mem->size == FR_SIZE && d->mem->mem_id == 11,
	   "region descriptor is the extmem mapping (mem id 11)");
	ok(fk.dev_mmaps == mmaps, "/dev/netmap not mapped");
	ok((char *)d->nifp == (char *)base + d->reg.nr_offset &&
	   range_is(d, 1, 1, 1, 1), "nifp and rings inside the extmem");

	c = nmport_clone(d);
	ok(c != NULL && c->reg.nr_mem_id == 11 && c->extmem == NULL,
	   "clone of a registered extmem port");
	ok(c != NULL && nmport_open_desc(c) == 0 && c->mem == d->mem &&
	   d->mem->refcount == 2, "clone opens on the same region");
	nmport_close(c);

	nmport_undo_open_desc(d);
	ok(mapped(base) && nmctx_get()->mem_descs == NULL,
	   "undo_open_desc releases the region but not the extmem mapping");
	nmport_undo_prepare(d);
	ok(!mapped(base), "undo_prepare unmaps the extmem file");
	unlink(path);
}

static struct {
	int locks, unlocks, depth, bad;
} lk;

static void count_lock(struct nmctx *ctx, int lock)
{
	(void)ctx;
	if (lock) {
		lk.locks++;
		lk.bad |= lk.depth++ != 0;
	} else {
		lk.unlocks++;
		lk.bad |= --lk.depth != 0;
	}
}

static void test_lock(void)
{
	struct nmport_d *a, *b;

	cap_ctx.lock = count_lock;
	a = nmport_open("netmap:eth0");
	b = nmport_open("netmap:eth0-1");
	nmport_close(a);
	nmport_close(b);
	ok(a != NULL && b != NULL && lk.locks == 4 && lk.unlocks == 4 &&
	   !lk.bad, "mmap and unmap run under the context lock (%d/%d)",
	   lk.locks, lk.unlocks);
}

int main(void)
{
	fk.region_fd = memfd_create("fake-netmap", 0);
	if (!ok(fk.region_fd >= 0 && ftruncate(fk.region_fd, FR_SIZE) == 0,
		"fake region"))
		return tap_done();
	fk.kview = mmap(NULL, FR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			fk.region_fd, 0);
	if (!ok(fk.kview != MAP_FAILED, "kernel view of the region"))
		return tap_done();
	fr_build_rings(fk.kview, &port);
	cap_install();

	test_open();
	test_ranges();
	test_sharing();
	test_errors();
	test_share();
	test_extmem();
	test_lock();
	return tap_done();
}
