// SPDX-License-Identifier: BSD-2-Clause
/*
 * nm_open() end to end without a kernel.  abi_test is linked with
 * --wrap=open,open64,ioctl: while a test has the fake "armed", opening
 * /dev/netmap returns a descriptor of the fake.h region file and NIOCREGIF
 * is answered here the way the kernel would (ring counts, offset, size,
 * memory id), after recording the request exactly as nm_open() built it.
 * Everything else goes to the real functions.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>

#include "abi_test.h"
#include "fake.h"
#include "tap.h"

static struct {
	int armed;
	int region_fd;		/* the fake region */
	int open_errno;		/* make the open of /dev/netmap fail */
	int ioctl_errno;	/* make NIOCREGIF fail */
	int last_fd;		/* descriptor handed out by the last open */
	int nregif;		/* NIOCREGIF requests seen */
	struct nmreq last;	/* the last one, as received */
	uint16_t mem_id;	/* region id to answer */
} fk;

int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __real_open64(const char *path, int flags, ...);
int __wrap_open64(const char *path, int flags, ...);
int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...);

static int fake_open(const char *path)
{
	if (!fk.armed || strcmp(path, NETMAP_DEVICE_NAME) != 0)
		return -2;
	if (fk.open_errno) {
		errno = fk.open_errno;
		return -1;
	}
	fk.last_fd = dup(fk.region_fd);
	return fk.last_fd;
}

int __wrap_open(const char *path, int flags, ...)
{
	int fd = fake_open(path), mode = 0;
	va_list ap;

	if (fd != -2)
		return fd;
	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	return __real_open(path, flags, mode);
}

int __wrap_open64(const char *path, int flags, ...)
{
	int fd = fake_open(path), mode = 0;
	va_list ap;

	if (fd != -2)
		return fd;
	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	return __real_open64(path, flags, mode);
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	struct nmreq *r;
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!fk.armed || req != NIOCREGIF)
		return __real_ioctl(fd, req, arg);
	r = arg;
	fk.nregif++;
	fk.last = *r;
	if (fk.ioctl_errno) {
		errno = fk.ioctl_errno;
		return -1;
	}
	/* what the kernel writes back for the fake port */
	r->nr_offset = FAKE_NIFP_OFS;
	r->nr_memsize = FAKE_SIZE;
	r->nr_tx_slots = r->nr_rx_slots = FAKE_SLOTS;
	r->nr_tx_rings = r->nr_rx_rings = 2;
	r->nr_arg2 = fk.mem_id;
	r->nr_arg3 = r->nr_arg3 > 3 ? 3 : r->nr_arg3;
	return 0;
}

static void arm(uint16_t mem_id)
{
	fk.armed = 1;
	fk.open_errno = fk.ioctl_errno = 0;
	fk.nregif = 0;
	fk.last_fd = -1;
	fk.mem_id = mem_id;
	memset(&fk.last, 0, sizeof(fk.last));
}

static int fd_is_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) != -1;
}

static void check_basic(void)
{
	struct nm_desc *d;

	arm(1);
	d = nm_open("netmap:eth0-1/x", NULL, 0, NULL);
	tap_ok(d != NULL && fk.nregif == 1 &&
	       strcmp(fk.last.nr_name, "eth0") == 0 &&
	       fk.last.nr_version == NETMAP_API && fk.last.nr_cmd == 0 &&
	       fk.last.nr_ringid == 1 &&
	       fk.last.nr_flags == (NR_REG_ONE_NIC | NR_EXCLUSIVE) &&
	       fk.last.nr_arg1 == 0 && fk.last.nr_arg2 == 0 &&
	       fk.last.nr_arg3 == 0,
	       "nm_open(\"netmap:eth0-1/x\"): NIOCREGIF with name, version 14, ringid 1, flags ONE_NIC|EXCLUSIVE");
	if (d == NULL)
		return;
	tap_ok(IS_NETMAP_DESC(d) && NETMAP_FD(d) == fk.last_fd &&
	       d->done_mmap == 1 && d->memsize == FAKE_SIZE &&
	       d->req.nr_memsize == FAKE_SIZE &&
	       (char *)d->nifp == (char *)d->mem + FAKE_NIFP_OFS &&
	       strcmp(d->nifp->ni_name, "fake0") == 0 &&
	       (char *)d->some_ring == (char *)NETMAP_RXRING(d->nifp, 1) &&
	       d->first_tx_ring == 1 && d->last_tx_ring == 1 &&
	       d->first_rx_ring == 1 && d->last_rx_ring == 1 &&
	       d->cur_tx_ring == 1 && d->cur_rx_ring == 1,
	       "nm_open: descriptor mapped, nifp found, ring range of ONE_NIC 1, cur = first");
	tap_ok(nm_inject(d, "abc", 3) == 3 &&
	       NETMAP_TXRING(d->nifp, 1)->head == 1,
	       "nm_inject works on an nm_open()ed descriptor");
	tap_ok(nm_close(d) == 0 && !fd_is_open(fk.last_fd),
	       "nm_close closes the descriptor's fd");
}

static void check_req_and_flags(void)
{
	struct nmreq req;
	struct nm_desc *d;

	memset(&req, 0, sizeof(req));
	req.nr_tx_slots = 512;
	req.nr_rx_rings = 3;
	req.nr_arg3 = 8;
	req.nr_arg2 = 6;
	req.nr_version = 11;
	req.nr_ringid = NETMAP_HW_RING | 5;
	strcpy(req.nr_name, "junk");
	arm(1);
	d = nm_open("vale0:p", &req, NETMAP_NO_TX_POLL | NETMAP_DO_RX_POLL, NULL);
	tap_ok(d != NULL && strcmp(fk.last.nr_name, "vale0:p") == 0 &&
	       fk.last.nr_version == NETMAP_API &&
	       fk.last.nr_tx_slots == 512 && fk.last.nr_rx_rings == 3 &&
	       fk.last.nr_arg3 == 8 && fk.last.nr_arg2 == 0 &&
	       fk.last.nr_ringid == (5 | NETMAP_NO_TX_POLL | NETMAP_DO_RX_POLL) &&
	       fk.last.nr_flags == NR_REG_ALL_NIC,
	       "nm_open with req: fields kept, ringid masked to 12 bits, poll bits of flags added, nr_arg2 from the name");
	if (d != NULL) {
		tap_ok(d->req.nr_arg3 == 3 && d->first_tx_ring == 0 &&
		       d->last_tx_ring == 1 && d->last_rx_ring == 1,
		       "nm_open keeps the kernel's answers in d->req");
		nm_close(d);
	}
}

static void check_parent(void)
{
	struct nmreq req;
	struct nm_desc *p, *c;

	memset(&req, 0, sizeof(req));
	req.nr_arg1 = 7;
	req.nr_arg3 = 2;
	req.nr_tx_slots = 64;
	arm(3);
	p = nm_open("netmap:eth0*", &req, NETMAP_NO_TX_POLL, NULL);
	if (p == NULL) {
		tap_ok(0, "parent descriptor opened");
		return;
	}

	c = nm_open("netmap:eth0-1@9", NULL,
		    NM_OPEN_ARG1 | NM_OPEN_ARG2 | NM_OPEN_ARG3 |
		    NM_OPEN_RING_CFG | NM_OPEN_NO_MMAP, p);
	tap_ok(c != NULL && fk.last.nr_arg1 == 7 && fk.last.nr_arg2 == 3 &&
	       fk.last.nr_arg3 == 2 && fk.last.nr_tx_slots == FAKE_SLOTS &&
	       fk.last.nr_tx_rings == 2 && fk.last.nr_rx_rings == 2 &&
	       fk.last.nr_ringid == 1 &&
	       fk.last.nr_flags == NR_REG_ONE_NIC,
	       "nm_open with a parent: ARG1, ARG2, ARG3, RING_CFG taken from it");
	tap_ok(c != NULL && c->mem == p->mem && c->done_mmap == 0 &&
	       c->nifp == p->nifp,
	       "nm_open with a parent in the same region shares its mapping");
	nm_close(c);

	c = nm_open("netmap:eth0", NULL, NM_OPEN_NO_MMAP, p);
	tap_ok(c != NULL && fk.last.nr_arg1 == 4 && fk.last.nr_arg3 == 0 &&
	       fk.last.nr_tx_slots == 0,
	       "nm_open with a parent but without ARG1/ARG3: nr_arg1 = 4, nr_arg3 = 0");
	nm_close(c);

	c = nm_open("netmap:other-3", NULL, NM_OPEN_IFNAME, p);
	tap_ok(c != NULL && strcmp(fk.last.nr_name, "eth0") == 0 &&
	       fk.last.nr_ringid == (0 | NETMAP_NO_TX_POLL) &&
	       fk.last.nr_flags == NR_REG_NIC_SW &&
	       c->first_tx_ring == 0 && c->last_tx_ring == 2,
	       "NM_OPEN_IFNAME: name, ringid and flags from the parent, the name argument unparsed");
	nm_close(c);

	c = nm_open("netmap:eth0", NULL, 0, p);
	tap_ok(c != NULL && fk.last.nr_arg1 == 0 && fk.last.nr_arg3 == 0 &&
	       fk.last.nr_tx_slots == 0 && c->mem == p->mem &&
	       c->done_mmap == 0,
	       "nm_open with a parent and flags 0: nothing imported, mapping still shared");
	nm_close(c);

	fk.mem_id = 4;
	c = nm_open("netmap:eth0", NULL, NM_OPEN_NO_MMAP, p);
	tap_ok(c != NULL && c->mem != NULL && c->mem != p->mem &&
	       c->done_mmap == 1,
	       "nm_open with a parent in another region maps its own");
	nm_close(c);

	c = nm_open("netmap:eth0", NULL, NM_OPEN_NO_MMAP, NULL);
	tap_ok(c != NULL && c->mem == NULL && c->nifp == NULL &&
	       nm_mmap(c, NULL) == 0 && c->mem != NULL && c->nifp != NULL,
	       "NM_OPEN_NO_MMAP without a parent: not mapped until nm_mmap()");
	nm_close(c);
	nm_close(p);
}

struct fail_call {
	const char *name;
	struct nm_desc *ret;
	int err;
};

static void do_open(void *arg)
{
	struct fail_call *c = arg;

	errno = 0;
	c->ret = nm_open(c->name, NULL, 0, NULL);
	c->err = errno;
}

static void check_failures(void)
{
	struct fail_call c = { "netmap:eth0", NULL, 0 };
	char *out;

	arm(1);
	fk.open_errno = EACCES;
	out = capture_stderr(do_open, &c);
	tap_ok(c.ret == NULL && c.err == EACCES && fk.nregif == 0 &&
	       strstr(out, "cannot open") != NULL,
	       "nm_open: open failure gives NULL with its errno");
	free(out);

	arm(1);
	fk.ioctl_errno = EBUSY;
	out = capture_stderr(do_open, &c);
	tap_ok(c.ret == NULL && c.err == EBUSY && fk.nregif == 1 &&
	       !fd_is_open(fk.last_fd) && strstr(out, "NIOCREGIF") != NULL,
	       "nm_open: NIOCREGIF failure gives NULL with its errno, fd closed, message");
	free(out);

	arm(1);
	c.name = "netmap:eth0-4095";
	out = capture_stderr(do_open, &c);
	tap_ok(c.ret == NULL && c.err == EINVAL && fk.nregif == 0 &&
	       !fd_is_open(fk.last_fd) && strstr(out, "out of range") != NULL,
	       "nm_open: a bad name gives NULL, EINVAL, no request, fd closed");
	free(out);
}

void test_open(void)
{
	fk.region_fd = fake_file(0);
	if (fk.region_fd < 0) {
		tap_ok(0, "temporary file for the fake region");
		return;
	}
	check_basic();
	check_req_and_flags();
	check_parent();
	check_failures();
	fk.armed = 0;
	close(fk.region_fd);
}
