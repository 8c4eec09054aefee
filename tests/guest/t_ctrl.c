// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_ctrl: NIOCCTRL and the legacy NIOCGINFO/NIOCREGIF fed with bad and
 * borderline input (ABI.md §2.3, §3, §6, §8, §9.1), the region queries
 * (PORT_INFO_GET, POOLS_INFO_GET) and the default region geometry (ABI.md §4.1,
 * §13).
 */
#define _GNU_SOURCE
#include "common.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* ABI.md §4.1: 102400 + 7372800 + 335544320 with the default module parameters */
#define EXP_MEMSIZE 343019520ULL
#define NOSUCH_IF "nmt_nosuch0"

static long pagesz;

static int unbound(int fd)
{
	return nmt_txsync(fd) == ENXIO;
}

static int body_is_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		if (*c++)
			return 0;
	return 1;
}

/* PORT_INFO_GET on a fresh fd. */
static int port_info(const char *name, uint16_t mem_id,
		     struct nmreq_port_info_get *pi)
{
	struct nmreq_header h;
	int fd = nmt_open_dev(), err;

	memset(pi, 0, sizeof(*pi));
	pi->nr_mem_id = mem_id;
	nmt_hdr(&h, NETMAP_REQ_PORT_INFO_GET, name, pi);
	err = nmt_ctrl(fd, &h);
	close(fd);
	return err;
}

static void versions(void)
{
	static const uint16_t bad[] = { 0, 1, 13, 16, 0xffff };
	static const uint16_t good[] = { 14, 15 };
	struct nmreq_port_info_get pi;
	struct nmreq_header h;
	size_t i;
	int fd = nmt_open_dev();

	/* ABI.md §2.3: accept iff 14 <= nr_version <= 15, body untouched otherwise */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&pi, 0, sizeof(pi));
		nmt_hdr(&h, NETMAP_REQ_PORT_INFO_GET, "", &pi);
		h.nr_version = bad[i];
		is_err(nmt_ctrl(fd, &h), EINVAL, "nr_version %u -> EINVAL",
		       bad[i]);
		ok(body_is_zero(&pi, sizeof(pi)),
		   "nr_version %u: body not written", bad[i]);
		is(h.nr_version, bad[i], "nr_version %u not rewritten",
		   bad[i]);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(&pi, 0, sizeof(pi));
		nmt_hdr(&h, NETMAP_REQ_PORT_INFO_GET, "", &pi);
		h.nr_version = good[i];
		is_err(nmt_ctrl(fd, &h), 0, "nr_version %u accepted", good[i]);
		is(pi.nr_mem_id, 1, "nr_version %u: region 1 reported",
		   good[i]);
		is(h.nr_version, good[i], "nr_version %u not rewritten (ABI.md §2.3)",
		   good[i]);
	}
	close(fd);
}

static void reqtypes_and_reserved(void)
{
	static const uint16_t types[] = { 0, 16, 17, 255, 0xffff };
	struct nmreq_port_info_get pi;
	struct nmreq_header h;
	uint64_t dummy[8] = { 0 };
	size_t i;
	int fd = nmt_open_dev();

	/* ABI.md §6.3: any other value -> EINVAL, with or without a body */
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		nmt_hdr(&h, types[i], "", NULL);
		is_err(nmt_ctrl(fd, &h), EINVAL,
		       "request type %u without body -> EINVAL", types[i]);
		nmt_hdr(&h, types[i], "", dummy);
		is_err(nmt_ctrl(fd, &h), EINVAL,
		       "request type %u with a body -> EINVAL", types[i]);
	}

	/* ABI.md §6.1: nr_reserved must be 0 */
	memset(&pi, 0, sizeof(pi));
	nmt_hdr(&h, NETMAP_REQ_PORT_INFO_GET, "", &pi);
	h.nr_reserved = 1;
	is_err(nmt_ctrl(fd, &h), EINVAL, "nr_reserved 1 -> EINVAL");
	ok(body_is_zero(&pi, sizeof(pi)), "nr_reserved 1: body not written");
	nmt_hdr(&h, NETMAP_REQ_PORT_INFO_GET, "", &pi);
	h.nr_reserved = 0x80000000u;
	is_err(nmt_ctrl(fd, &h), EINVAL, "nr_reserved 0x80000000 -> EINVAL");

	nmt_hdr(&h, NETMAP_REQ_PORT_INFO_GET, "", &pi);
	is_err(nmt_ctrl(fd, &h), 0, "valid PORT_INFO_GET succeeds");
	is(h.nr_reserved, 0, "nr_reserved is 0 on return");
	is((long long)h.nr_body, (long long)(uintptr_t)&pi,
	   "nr_body restored to the user pointer");
	is((long long)h.nr_options, 0, "nr_options still 0");
	close(fd);
}

static void body_rules(void)
{
	uint64_t dummy[8] = { 0 };
	struct nmreq_header h;
	int fd = nmt_open_dev();

	/* ABI.md §6.1/§6.3: body required for types with one, forbidden otherwise */
	nmt_hdr(&h, NETMAP_REQ_REGISTER, "ctb{1", NULL);
	is_err(nmt_ctrl(fd, &h), EINVAL, "REGISTER without body -> EINVAL");
	ok(unbound(fd), "fd still unbound after the failed REGISTER");
	nmt_hdr(&h, NETMAP_REQ_PORT_INFO_GET, "", NULL);
	is_err(nmt_ctrl(fd, &h), EINVAL,
	       "PORT_INFO_GET without body -> EINVAL");
	nmt_hdr(&h, NETMAP_REQ_POOLS_INFO_GET, "ctb{1", NULL);
	is_err(nmt_ctrl(fd, &h), EINVAL,
	       "POOLS_INFO_GET without body -> EINVAL");
	nmt_hdr(&h, NETMAP_REQ_VALE_DELIF, "ctbif0", dummy);
	is_err(nmt_ctrl(fd, &h), EINVAL, "VALE_DELIF with a body -> EINVAL");
	nmt_hdr(&h, NETMAP_REQ_SYNC_KLOOP_STOP, "", dummy);
	is_err(nmt_ctrl(fd, &h), EINVAL,
	       "SYNC_KLOOP_STOP with a body -> EINVAL");
	nmt_hdr(&h, NETMAP_REQ_CSB_ENABLE, "", dummy);
	is_err(nmt_ctrl(fd, &h), EINVAL, "CSB_ENABLE with a body -> EINVAL");
	close(fd);
}

static void faults(void)
{
	char *area, *edge, *hole;
	struct nmreq_register reg;
	struct nmreq_header h;
	struct nmreq_option opt;
	struct nmreq_opt_sync_kloop_mode *km;
	int fd = nmt_open_dev();

	/* two pages, the second unmapped: "edge" is the end of the first */
	area = mmap(NULL, 2 * pagesz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		bail("mmap scratch pages: %s", errname(errno));
	munmap(area + pagesz, pagesz);
	edge = area + pagesz;
	hole = edge;

	/* ABI.md §3.3: a faulting copy of the ioctl argument is EFAULT */
	is_err(nmt_ioctl(fd, NIOCCTRL, hole), EFAULT,
	       "NIOCCTRL with an unmapped header -> EFAULT");
	/* only the first 40 bytes exist: version 14, type PORT_INFO_GET */
	memset(edge - 40, 0, 40);
	((struct nmreq_header *)(edge - 40))->nr_version = NETMAP_API;
	((struct nmreq_header *)(edge - 40))->nr_reqtype =
		NETMAP_REQ_PORT_INFO_GET;
	is_err(nmt_ioctl(fd, NIOCCTRL, edge - 40), EFAULT,
	       "NIOCCTRL with a header crossing into unmapped memory -> EFAULT");
	is_err(nmt_ioctl(fd, NIOCREGIF, hole), EFAULT,
	       "NIOCREGIF with an unmapped argument -> EFAULT");
	is_err(nmt_ioctl(fd, NIOCGINFO, hole), EFAULT,
	       "NIOCGINFO with an unmapped argument -> EFAULT");

	/* body pointers */
	nmt_hdr(&h, NETMAP_REQ_PORT_INFO_GET, "", hole);
	is_err(nmt_ctrl(fd, &h), EFAULT, "unmapped body -> EFAULT");
	memset(edge - 16, 0, 16);
	nmt_hdr(&h, NETMAP_REQ_PORT_INFO_GET, "", edge - 16);
	is_err(nmt_ctrl(fd, &h), EFAULT,
	       "body crossing into unmapped memory -> EFAULT");
	nmt_hdr(&h, NETMAP_REQ_REGISTER, "ctf{1", hole);
	is_err(nmt_ctrl(fd, &h), EFAULT, "REGISTER with unmapped body -> EFAULT");
	ok(unbound(fd), "fd unbound after the faulting REGISTER");

	/* option pointers */
	memset(&reg, 0, sizeof(reg));
	reg.nr_mode = NR_REG_ALL_NIC;
	nmt_hdr(&h, NETMAP_REQ_REGISTER, "ctf{1", &reg);
	h.nr_options = (uintptr_t)hole;
	is_err(nmt_ctrl(fd, &h), EFAULT, "unmapped first option -> EFAULT");
	ok(unbound(fd), "fd unbound after the faulting option list");

	memset(&opt, 0, sizeof(opt));
	opt.nro_reqtype = 1000;
	opt.nro_next = (uintptr_t)hole;
	nmt_hdr(&h, NETMAP_REQ_REGISTER, "ctf{1", &reg);
	h.nr_options = (uintptr_t)&opt;
	is_err(nmt_ctrl(fd, &h), EFAULT, "unmapped nro_next -> EFAULT");

	/* option header mapped, its 8-byte body in the hole */
	km = (struct nmreq_opt_sync_kloop_mode *)(edge -
						 sizeof(struct nmreq_option));
	memset(&km->nro_opt, 0, sizeof(km->nro_opt));
	km->nro_opt.nro_reqtype = NETMAP_REQ_OPT_SYNC_KLOOP_MODE;
	nmt_hdr(&h, NETMAP_REQ_REGISTER, "ctf{1", &reg);
	h.nr_options = (uintptr_t)km;
	is_err(nmt_ctrl(fd, &h), EFAULT,
	       "option body crossing into unmapped memory -> EFAULT");
	ok(unbound(fd), "fd unbound after the faulting option body");

	is_err(nmt_register(fd, "ctf{1", &NMT_REQ_ALL, NULL), 0,
	       "the same fd registers fine afterwards");
	munmap(area, pagesz);
	close(fd);
}

static void null_arg_and_unknown_ioctl(void)
{
	struct nm_ifreq ifr;
	int fd = nmt_open_dev();

	/* ABI.md §3.3: NULL argument -> EINVAL */
	is_err(nmt_ioctl(fd, NIOCCTRL, NULL), EINVAL, "NIOCCTRL NULL -> EINVAL");
	is_err(nmt_ioctl(fd, NIOCREGIF, NULL), EINVAL,
	       "NIOCREGIF NULL -> EINVAL");
	is_err(nmt_ioctl(fd, NIOCGINFO, NULL), EINVAL,
	       "NIOCGINFO NULL -> EINVAL");
	is_err(nmt_ioctl(fd, NIOCCONFIG, NULL), EINVAL,
	       "NIOCCONFIG NULL -> EINVAL");

	/* ABI.md §3.3: unknown command -> EOPNOTSUPP (the size is part of the number) */
	is_err(nmt_ioctl(fd, _IO('i', 200), NULL), EOPNOTSUPP,
	       "_IO('i', 200) -> EOPNOTSUPP");
	is_err(nmt_ioctl(fd, _IOWR('i', 151, struct nmreq), &ifr), EOPNOTSUPP,
	       "'i' 151 with the size of struct nmreq -> EOPNOTSUPP");
	is_err(nmt_ioctl(fd, _IOWR('i', 146, struct nmreq_header), &ifr),
	       EOPNOTSUPP,
	       "'i' 146 with the size of struct nmreq_header -> EOPNOTSUPP");
	is_err(nmt_ioctl(fd, _IO('i', 147), NULL), EOPNOTSUPP,
	       "_IO('i', 147) -> EOPNOTSUPP");

	/* ABI.md §8.5: no VALE switch with a configuration hook -> EINVAL */
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.nifr_name, sizeof(ifr.nifr_name), "vale0");
	is_err(nmt_ioctl(fd, NIOCCONFIG, &ifr), EINVAL,
	       "NIOCCONFIG without a hook -> EINVAL");
	ok(unbound(fd), "fd still unbound");
	close(fd);
}

/* Move one packet from a's TX ring 0 to b's RX ring 0 and check it. */
static void one_packet(struct nmt_port *a, struct nmt_port *b,
		       const char *what)
{
	struct netmap_ring *tx = nmt_txring(a, 0), *rx = nmt_rxring(b, 0);
	struct netmap_slot *s;

	if (!ok(tx && rx, "%s: rings bound", what))
		return;
	nmt_put(tx, 100, 4242);
	is_err(nmt_txsync(a->fd), 0, "%s: NIOCTXSYNC", what);
	if (!is(nmt_rx_wait(b->fd, rx, 1, 1000), 1, "%s: one packet arrives",
		what))
		return;
	s = &rx->slot[rx->head];
	is(s->len, 100, "%s: length 100", what);
	is(nmt_check(NETMAP_BUF(rx, s->buf_idx), 100, 4242), -1,
	   "%s: payload intact", what);
	nmt_advance(rx, 1);
	nmt_rxsync(b->fd);
}

static void name_nul(void)
{
	struct nmreq_port_info_get pi;
	struct nmt_port m, s;
	struct nmreq_header h;
	char peer[64];
	int fd, i, all = 1, err;

	/* ABI.md §6.1: byte 63 of nr_name is forced to NUL, visible after return */
	fd = nmt_open_dev();
	memset(&pi, 0, sizeof(pi));
	nmt_hdr(&h, NETMAP_REQ_PORT_INFO_GET, NULL, &pi);
	memset(h.nr_name, 'a', sizeof(h.nr_name));
	is_err(nmt_ctrl(fd, &h), ENXIO,
	       "64 x 'a' without NUL: no such interface -> ENXIO");
	is(h.nr_name[63], 0, "nr_name[63] forced to NUL");
	for (i = 0; i < 63; i++)
		all &= h.nr_name[i] == 'a';
	ok(all, "nr_name[0..62] unchanged");
	close(fd);

	/* the truncated name is the one used: a pipe with a 59-char id */
	memset(&m, 0, sizeof(m));
	m.fd = nmt_open_dev();
	m.reg.nr_mode = NR_REG_ALL_NIC;
	nmt_hdr(&h, NETMAP_REQ_REGISTER, NULL, &m.reg);
	memcpy(h.nr_name, "ctp{", 4);
	memset(h.nr_name + 4, 'b', sizeof(h.nr_name) - 4);
	err = nmt_ctrl(m.fd, &h);
	if (!is_err(err, 0, "register pipe with a 64-byte unterminated name")) {
		close(m.fd);
		return;
	}
	is(h.nr_name[63], 0, "register: nr_name[63] forced to NUL");
	memcpy(m.name, h.nr_name, sizeof(m.name));
	if (!is_err(nmt_port_map(&m), 0, "mmap the long-named pipe")) {
		close(m.fd);
		return;
	}
	/* ABI.md §4.2: ni_name truncated to 15 characters */
	ok(memcmp(m.nifp->ni_name, "ctp{bbbbbbbbbbb", 16) == 0,
	   "ni_name is the first 15 characters (\"%.16s\")",
	   m.nifp->ni_name);

	snprintf(peer, sizeof(peer), "ctp}%.59s", h.nr_name + 4);
	err = nmt_port_open(&s, peer, &NMT_REQ_ALL);
	if (is_err(err, 0, "open the peer by the truncated name (63 chars)")) {
		one_packet(&m, &s, "long-named pipe");
		nmt_port_close(&s);
	}
	nmt_port_close(&m);
}

static void opt_init(struct nmreq_option *o, uint32_t type, void *next)
{
	memset(o, 0, sizeof(*o));
	o->nro_reqtype = type;
	o->nro_status = 12345;		/* must be overwritten */
	o->nro_next = (uintptr_t)next;
}

/* REGISTER "cto{1" with the option list opts on a fresh fd. */
static int reg_with_opts(void *opts, struct nmreq_register *reg,
			 struct nmreq_header *h, int *fdp)
{
	int fd = nmt_open_dev();

	memset(reg, 0, sizeof(*reg));
	reg->nr_mode = NR_REG_ALL_NIC;
	reg->nr_offset = 0xdeadbeefULL;		/* out field sentinels */
	reg->nr_memsize = 0xfeedfaceULL;
	nmt_hdr(h, NETMAP_REQ_REGISTER, "cto{1", reg);
	h->nr_options = (uintptr_t)opts;
	if (fdp) {
		*fdp = fd;
		return nmt_ctrl(fd, h);
	}
	{
		int err = nmt_ctrl(fd, h);

		close(fd);
		return err;
	}
}

static void options_basic(void)
{
	struct nmreq_opt_sync_kloop_mode km1, km2;
	struct nmreq_register reg;
	struct nmreq_header h;
	struct nmreq_option o;
	int fd, err;

	/* ABI.md §6.2 steps 3-4, 6: unknown option on REGISTER -> EOPNOTSUPP */
	opt_init(&o, 1000, NULL);
	err = reg_with_opts(&o, &reg, &h, &fd);
	is_err(err, EOPNOTSUPP, "REGISTER with an unknown option -> EOPNOTSUPP");
	is_err((int)o.nro_status, EOPNOTSUPP,
	       "unknown option: nro_status EOPNOTSUPP written back");
	is((long long)o.nro_next, 0, "unknown option: nro_next preserved");
	is((long long)h.nr_options, (long long)(uintptr_t)&o,
	   "nr_options restored to the user pointer");
	is((long long)h.nr_body, (long long)(uintptr_t)&reg,
	   "nr_body restored to the user pointer");
	if (err) {
		is((long long)reg.nr_offset, 0xdeadbeefLL,
		   "failed REGISTER: body not written back (nr_offset)");
		is((long long)reg.nr_memsize, 0xfeedfaceLL,
		   "failed REGISTER: body not written back (nr_memsize)");
		ok(unbound(fd), "fd unbound after the failed REGISTER");
		is_err(nmt_register(fd, "cto{1", &NMT_REQ_ALL, NULL), 0,
		       "same fd registers without options");
	}
	close(fd);

	/* an option meant for another request is not consumed by REGISTER */
	memset(&km1, 0, sizeof(km1));
	opt_init(&km1.nro_opt, NETMAP_REQ_OPT_SYNC_KLOOP_MODE, NULL);
	err = reg_with_opts(&km1, &reg, &h, NULL);
	is_err(err, EOPNOTSUPP, "REGISTER with SYNC_KLOOP_MODE -> EOPNOTSUPP");
	is_err((int)km1.nro_opt.nro_status, EOPNOTSUPP,
	       "SYNC_KLOOP_MODE on REGISTER: nro_status EOPNOTSUPP");

	/* ABI.md §6.2 step 2: nro_reqtype 0 -> EINVAL, status EINVAL */
	opt_init(&o, 0, NULL);
	err = reg_with_opts(&o, &reg, &h, NULL);
	is_err(err, EINVAL, "option type 0 -> EINVAL");
	is_err((int)o.nro_status, EINVAL, "option type 0: nro_status EINVAL");
	is((long long)reg.nr_offset, 0xdeadbeefLL,
	   "option type 0: body not written back");

	/* the same option type twice -> EINVAL on both */
	memset(&km1, 0, sizeof(km1));
	memset(&km2, 0, sizeof(km2));
	opt_init(&km2.nro_opt, NETMAP_REQ_OPT_SYNC_KLOOP_MODE, NULL);
	opt_init(&km1.nro_opt, NETMAP_REQ_OPT_SYNC_KLOOP_MODE, &km2);
	err = reg_with_opts(&km1, &reg, &h, NULL);
	is_err(err, EINVAL, "same option type twice -> EINVAL");
	is_err((int)km1.nro_opt.nro_status, EINVAL,
	       "duplicate option: first nro_status EINVAL");
	is_err((int)km2.nro_opt.nro_status, EINVAL,
	       "duplicate option: second nro_status EINVAL");
	is((long long)km1.nro_opt.nro_next, (long long)(uintptr_t)&km2,
	   "duplicate option: nro_next preserved");
}

static void options_sizes(void)
{
	static struct nmreq_option chain[200];
	static uint64_t big[8192 / 8];
	struct nmreq_option *ev = (struct nmreq_option *)big;
	struct nmreq_option a, b;
	struct nmreq_port_info_get pi;
	struct nmreq_register reg;
	struct nmreq_header h;
	int i, err, all, fd;

	/* ABI.md §6.1: the 4096-byte limit also catches loops */
	opt_init(&a, 1001, &a);
	err = reg_with_opts(&a, &reg, &h, NULL);
	is_err(err, EMSGSIZE, "option pointing to itself -> EMSGSIZE");
	opt_init(&a, 1001, &b);
	opt_init(&b, 1002, &a);
	err = reg_with_opts(&a, &reg, &h, NULL);
	is_err(err, EMSGSIZE, "two options pointing to each other -> EMSGSIZE");
	is((long long)a.nro_next, (long long)(uintptr_t)&b,
	   "loop: nro_next of the first option preserved");

	/* ABI.md §6.2 step 2: nro_size > 4096 -> EMSGSIZE (variable-size option) */
	memset(big, 0, sizeof(big));
	opt_init(ev, NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS, NULL);
	ev->nro_size = 4097;
	err = reg_with_opts(ev, &reg, &h, NULL);
	is_err(err, EMSGSIZE, "EVENTFDS option with nro_size 4097 -> EMSGSIZE");
	opt_init(ev, NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS, NULL);
	ev->nro_size = 1ULL << 40;
	err = reg_with_opts(ev, &reg, &h, NULL);
	is_err(err, EMSGSIZE, "EVENTFDS option with nro_size 2^40 -> EMSGSIZE");
	opt_init(ev, NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS, NULL);
	ev->nro_size = sizeof(struct nmreq_option) + 8;
	err = reg_with_opts(ev, &reg, &h, NULL);
	is_err(err, EOPNOTSUPP,
	       "small EVENTFDS option on REGISTER: copied, not consumed -> EOPNOTSUPP");

	/* 200 distinct unknown options: 4800 bytes of headers -> EMSGSIZE */
	for (i = 0; i < 200; i++)
		opt_init(&chain[i], 2000 + i, i + 1 < 200 ? &chain[i + 1] : NULL);
	err = reg_with_opts(chain, &reg, &h, NULL);
	is_err(err, EMSGSIZE, "chain of 200 options -> EMSGSIZE");

	/* 10 distinct unknown options: fine size, all EOPNOTSUPP */
	for (i = 0; i < 10; i++)
		opt_init(&chain[i], 3000 + i, i + 1 < 10 ? &chain[i + 1] : NULL);
	err = reg_with_opts(chain, &reg, &h, NULL);
	is_err(err, EOPNOTSUPP, "chain of 10 unknown options -> EOPNOTSUPP");
	for (all = 1, i = 0; i < 10; i++)
		all &= chain[i].nro_status == EOPNOTSUPP &&
		       chain[i].nro_next ==
			       (i + 1 < 10 ? (uintptr_t)&chain[i + 1] : 0);
	ok(all, "chain of 10: every header written back with EOPNOTSUPP");

	/* ABI.md §6.2 step 5: other requests leave unknown options alone and succeed */
	opt_init(&a, 1003, NULL);
	fd = nmt_open_dev();
	memset(&pi, 0, sizeof(pi));
	nmt_hdr(&h, NETMAP_REQ_PORT_INFO_GET, "", &pi);
	h.nr_options = (uintptr_t)&a;
	is_err(nmt_ctrl(fd, &h), 0, "PORT_INFO_GET with an unknown option works");
	is_err((int)a.nro_status, EOPNOTSUPP,
	       "PORT_INFO_GET: unknown option status EOPNOTSUPP");
	ok(pi.nr_memsize != 0, "PORT_INFO_GET: body written back");
	close(fd);
}

static void port_info_tests(void)
{
	struct nmreq_port_info_get pi, pr;
	int fd, err;

	/* ABI.md §6.5: empty name -> region info, region 1 if nr_mem_id is 0 */
	err = port_info("", 0, &pi);
	is_err(err, 0, "PORT_INFO_GET with empty name");
	is(pi.nr_mem_id, 1, "empty name: region 1");
	is((long long)pi.nr_memsize, (long long)EXP_MEMSIZE,
	   "region 1 size with default parameters (ABI.md §4.1)");
	err = port_info("", 1, &pr);
	is_err(err, 0, "PORT_INFO_GET with empty name and mem id 1");
	is((long long)pr.nr_memsize, (long long)pi.nr_memsize,
	   "mem id 1 explicitly: same size");
	is_err(port_info("", 999, &pr), EINVAL, "unknown mem id 999 -> EINVAL");
	is_err(port_info("", 0xffff, &pr), EINVAL,
	       "unknown mem id 65535 -> EINVAL");
	is_err(port_info(NOSUCH_IF, 0, &pr), ENXIO,
	       "nonexistent interface -> ENXIO");

	/* a pipe: one ring per direction by default, no host rings */
	fd = nmt_open_dev();
	{
		struct nmreq_header h;

		memset(&pr, 0, sizeof(pr));
		nmt_hdr(&h, NETMAP_REQ_PORT_INFO_GET, "cpi{1", &pr);
		err = nmt_ctrl(fd, &h);
	}
	is_err(err, 0, "PORT_INFO_GET on a pipe");
	is(pr.nr_tx_rings, 1, "pipe: 1 TX ring by default");
	is(pr.nr_rx_rings, 1, "pipe: 1 RX ring by default");
	is(pr.nr_host_tx_rings, 0, "pipe: 0 host TX rings");
	is(pr.nr_host_rx_rings, 0, "pipe: 0 host RX rings");
	ok(pr.nr_tx_slots > 0 && pr.nr_rx_slots > 0, "pipe: slots reported");
	ok(pr.nr_mem_id != 0, "pipe: mem id reported (%u)", pr.nr_mem_id);
	ok(unbound(fd), "PORT_INFO_GET does not bind the fd");
	close(fd);
	err = port_info("", pr.nr_mem_id, &pi);
	is_err(err, 0, "PORT_INFO_GET on the pipe's region by id");
	is((long long)pi.nr_memsize, (long long)pr.nr_memsize,
	   "pipe region size equals the region's size by id");
}

static void geometry(const struct nmreq_pools_info *pi, const char *what)
{
	uint64_t ifsz = (uint64_t)pi->nr_if_pool_objtotal *
			pi->nr_if_pool_objsize;
	uint64_t ringsz = (uint64_t)pi->nr_ring_pool_objtotal *
			  pi->nr_ring_pool_objsize;
	uint64_t bufsz = (uint64_t)pi->nr_buf_pool_objtotal *
			 pi->nr_buf_pool_objsize;

	/* ABI.md §4.1 / §6.6 */
	is((long long)pi->nr_if_pool_offset, 0, "%s: if pool at 0", what);
	is((long long)pi->nr_ring_pool_offset, (long long)ifsz,
	   "%s: ring pool right after the if pool", what);
	is((long long)pi->nr_buf_pool_offset, (long long)(ifsz + ringsz),
	   "%s: buffer pool right after the ring pool", what);
	is((long long)pi->nr_memsize, (long long)(ifsz + ringsz + bufsz),
	   "%s: memsize is the sum of the pools", what);
	ok(pi->nr_if_pool_objsize % 64 == 0 && pi->nr_ring_pool_objsize % 64 == 0 &&
	   pi->nr_buf_pool_objsize % 64 == 0,
	   "%s: object sizes are multiples of 64", what);
	ok(pi->nr_buf_pool_objtotal > 2, "%s: more than 2 buffers", what);
}

static void default_geometry(const struct nmreq_pools_info *pi)
{
	/* ABI.md §4.1, §13: if 1024 x 100, ring 36864 x 200, buf 2048 x 163840 */
	is(pi->nr_if_pool_objsize, 1024, "region 1: if size 1024");
	is(pi->nr_if_pool_objtotal, 100, "region 1: 100 netmap_if objects");
	is(pi->nr_ring_pool_objsize, 36864, "region 1: ring size 36864");
	is(pi->nr_ring_pool_objtotal, 200, "region 1: 200 rings");
	is(pi->nr_buf_pool_objsize, 2048, "region 1: buffer size 2048");
	is(pi->nr_buf_pool_objtotal, 163840, "region 1: 163840 buffers");
	is((long long)pi->nr_memsize, (long long)EXP_MEMSIZE,
	   "region 1: memsize 343019520");
}

static void pools_info_tests(void)
{
	static const struct {
		const char *name;
		long want;
	} curr[] = {
		{ "if_curr_size", 1024 },  { "if_curr_num", 100 },
		{ "ring_curr_size", 36864 }, { "ring_curr_num", 200 },
		{ "buf_curr_size", 2048 }, { "buf_curr_num", 163840 },
	};
	struct nmreq_pools_info pi;
	struct nmt_port p, np;
	struct nmt_req nrq = { .mode = NR_REG_NULL, .mem_id = 1,
			       .tx_rings = 1, .rx_rings = 1,
			       .tx_slots = 64, .rx_slots = 64 };
	struct netmap_ring *r;
	uint64_t ofs;
	size_t i;
	int err;

	is_err(nmt_pools_info(NOSUCH_IF, 0, &pi), ENXIO,
	       "POOLS_INFO_GET on a nonexistent interface -> ENXIO");
	/* no port, no region: upstream refuses where PORT_INFO_GET answers */
	is_err(nmt_pools_info("", 0, &pi), ENXIO,
	       "POOLS_INFO_GET with an empty name -> ENXIO");
	is_err(nmt_pools_info("", 1, &pi), ENXIO,
	       "POOLS_INFO_GET with an empty name and mem id 1 -> ENXIO");

	err = nmt_pools_info("cpo{1", 0, &pi);
	if (!is_err(err, 0, "POOLS_INFO_GET on a pipe"))
		return;
	geometry(&pi, "pipe region");
	if (pi.nr_mem_id == 1)
		default_geometry(&pi);
	else
		skip("pipe region is not region 1",
		     "pipe region default geometry (mem id %u)", pi.nr_mem_id);

	/* the mapping agrees with the reported geometry */
	err = nmt_port_open(&p, "cpo{1", &NMT_REQ_ALL);
	if (is_err(err, 0, "register and map the pipe")) {
		is(p.reg.nr_mem_id, pi.nr_mem_id, "register: same mem id");
		is((long long)p.reg.nr_memsize, (long long)pi.nr_memsize,
		   "register: same memsize");
		ok(p.reg.nr_offset < pi.nr_ring_pool_offset,
		   "netmap_if lies in the if pool");
		r = nmt_txring(&p, 0);
		if (ok(r != NULL, "TX ring 0 bound")) {
			ofs = (uint64_t)((char *)r - p.mem);
			ok(ofs >= pi.nr_ring_pool_offset &&
			   ofs < pi.nr_buf_pool_offset,
			   "TX ring lies in the ring pool");
			is(r->nr_buf_size, pi.nr_buf_pool_objsize,
			   "ring nr_buf_size equals the buffer object size");
			is((long long)((char *)r + r->buf_ofs - p.mem),
			   (long long)pi.nr_buf_pool_offset,
			   "ring + buf_ofs is the buffer pool");
		}
		nmt_port_close(&p);
	}

	/* region 1 in use by a null port: the *_curr_* parameters (ABI.md §13) */
	err = nmt_port_open(&np, "ctnull", &nrq);
	if (!is_err(err, 0, "null port on region 1"))
		return;
	for (i = 0; i < sizeof(curr) / sizeof(curr[0]); i++) {
		long v = -1;

		if (is_err(nmt_param_read(curr[i].name, &v), 0,
			   "parameter %s readable", curr[i].name))
			is(v, curr[i].want, "%s = %ld", curr[i].name,
			   curr[i].want);
	}
	nmt_port_close(&np);
}

static void bad_names(void)
{
	static const char *const einval[] = { "x{", "{1", "}1", "x}", "{",
					      "}", "ctn{1{" };
	size_t i;
	int fd = nmt_open_dev();

	/* ABI.md §9.1 step 3: empty parent or empty pipe id -> EINVAL */
	for (i = 0; i < sizeof(einval) / sizeof(einval[0]); i++)
		is_err(nmt_register(fd, einval[i], &NMT_REQ_ALL, NULL), EINVAL,
		       "register \"%s\" -> EINVAL", einval[i]);
	/* ABI.md §9.1 step 5 */
	is_err(nmt_register(fd, NOSUCH_IF, &NMT_REQ_ALL, NULL), ENXIO,
	       "register nonexistent interface -> ENXIO");
	is_err(nmt_register(fd, NOSUCH_IF,
			    &(struct nmt_req){ .mode = NR_REG_ONE_NIC }, NULL),
	       ENXIO, "register nonexistent interface, ONE_NIC -> ENXIO");
	is_err(nmt_register(fd, "", &NMT_REQ_ALL, NULL), ENXIO,
	       "register empty name -> ENXIO");
	ok(unbound(fd), "fd still unbound");
	close(fd);
}

static int legacy(int fd, unsigned long cmd, struct nmreq *r)
{
	return nmt_ioctl(fd, cmd, r);
}

static void legacy_init(struct nmreq *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->nr_name, sizeof(r->nr_name), "%s", name);
	r->nr_version = NETMAP_API;
}

static int legacy_map(struct nmt_port *p, int fd, const struct nmreq *r,
		      const char *name)
{
	memset(p, 0, sizeof(*p));
	p->fd = fd;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->reg.nr_memsize = r->nr_memsize;
	p->reg.nr_offset = r->nr_offset;
	return nmt_port_map(p);
}

static void legacy_info(void)
{
	struct nmreq_port_info_get pi;
	struct nmreq r;
	int fd = nmt_open_dev(), i, all;

	/* ABI.md §2.3: legacy requires nr_version >= 14, no upper bound */
	legacy_init(&r, "");
	r.nr_version = 13;
	is_err(legacy(fd, NIOCGINFO, &r), EINVAL, "NIOCGINFO version 13 -> EINVAL");
	legacy_init(&r, "");
	r.nr_version = 0;
	is_err(legacy(fd, NIOCGINFO, &r), EINVAL, "NIOCGINFO version 0 -> EINVAL");
	legacy_init(&r, "clv{1");
	r.nr_version = 13;
	is_err(legacy(fd, NIOCREGIF, &r), EINVAL, "NIOCREGIF version 13 -> EINVAL");
	ok(unbound(fd), "fd unbound after the rejected NIOCREGIF");

	/* ABI.md §8.3: NIOCGINFO -> PORT_INFO_GET; empty name gives region 1 */
	port_info("", 0, &pi);
	legacy_init(&r, "");
	is_err(legacy(fd, NIOCGINFO, &r), 0, "NIOCGINFO empty name");
	is(r.nr_arg2, 1, "NIOCGINFO: nr_arg2 = region 1");
	is(r.nr_memsize, (uint32_t)pi.nr_memsize, "NIOCGINFO: nr_memsize");
	is(r.nr_version, NETMAP_API, "NIOCGINFO: nr_version not rewritten");
	legacy_init(&r, "");
	r.nr_version = 1000;
	is_err(legacy(fd, NIOCGINFO, &r), 0, "NIOCGINFO version 1000 accepted");

	legacy_init(&r, NOSUCH_IF);
	is_err(legacy(fd, NIOCGINFO, &r), ENXIO, "NIOCGINFO nonexistent -> ENXIO");

	/* ABI.md §8.1: byte 15 of nr_name forced to NUL, copied back */
	legacy_init(&r, "");
	memset(r.nr_name, 'q', sizeof(r.nr_name));
	is_err(legacy(fd, NIOCGINFO, &r), ENXIO,
	       "NIOCGINFO 16 x 'q' without NUL -> ENXIO");
	is(r.nr_name[15], 0, "legacy nr_name[15] forced to NUL");
	for (all = 1, i = 0; i < 15; i++)
		all &= r.nr_name[i] == 'q';
	ok(all, "legacy nr_name[0..14] unchanged");

	/* ABI.md §8.3: unknown commands */
	legacy_init(&r, "clv{1");
	r.nr_cmd = 99;
	is_err(legacy(fd, NIOCREGIF, &r), EINVAL, "NIOCREGIF nr_cmd 99 -> EINVAL");
	legacy_init(&r, "clv{1");
	r.nr_cmd = NETMAP_BDG_REGOPS;
	is_err(legacy(fd, NIOCREGIF, &r), EINVAL,
	       "NIOCREGIF NETMAP_BDG_REGOPS -> EINVAL");
	ok(unbound(fd), "fd still unbound");
	close(fd);
}

static void legacy_register(void)
{
	struct nmreq_port_info_get pi;
	struct nmt_port m, s, q;
	struct nmreq r, rs;
	int fd, fd2, err;

	/* failure: nothing written back (ABI.md §8.4) */
	fd = nmt_open_dev();
	legacy_init(&r, NOSUCH_IF);
	r.nr_offset = 0x11223344;
	r.nr_arg3 = 0x5555;	/* not nr_arg2: an unknown mem id is EINVAL first */
	err = legacy(fd, NIOCREGIF, &r);
	is_err(err, ENXIO, "NIOCREGIF nonexistent -> ENXIO");
	is(r.nr_offset, 0x11223344, "failed NIOCREGIF: nr_offset untouched");
	is(r.nr_arg3, 0x5555, "failed NIOCREGIF: nr_arg3 untouched");

	/* ABI.md §8.4: mode PIPE_MASTER + ringid 3 -> "clp{3" */
	legacy_init(&r, "clp");
	r.nr_flags = NR_REG_PIPE_MASTER;
	r.nr_ringid = 3;
	r.nr_arg3 = 5;
	err = legacy(fd, NIOCREGIF, &r);
	if (!is_err(err, 0, "NIOCREGIF clp + PIPE_MASTER ringid 3")) {
		close(fd);
		return;
	}
	port_info("", r.nr_arg2, &pi);
	is(r.nr_tx_rings, 1, "legacy reply: 1 TX ring");
	is(r.nr_rx_rings, 1, "legacy reply: 1 RX ring");
	ok(r.nr_tx_slots > 0 && r.nr_rx_slots > 0, "legacy reply: slots");
	ok(r.nr_arg2 != 0, "legacy reply: mem id in nr_arg2 (%u)", r.nr_arg2);
	is(r.nr_memsize, (uint32_t)pi.nr_memsize, "legacy reply: nr_memsize");
	is(r.nr_arg3, 5, "legacy reply: 5 extra buffers in nr_arg3");
	is(r.nr_ringid, 3, "legacy: nr_ringid not modified");
	is(r.nr_flags, NR_REG_PIPE_MASTER, "legacy: nr_flags not modified");
	is(r.nr_version, NETMAP_API, "legacy: nr_version not modified");
	ok(strcmp(r.nr_name, "clp") == 0, "legacy: nr_name unchanged (\"%s\")",
	   r.nr_name);
	ok(r.nr_offset < r.nr_memsize, "legacy reply: nr_offset inside region");
	err = legacy_map(&m, fd, &r, "clp{3");
	if (!is_err(err, 0, "mmap the legacy master")) {
		close(fd);
		return;
	}
	ok(strcmp(m.nifp->ni_name, "clp{3") == 0,
	   "master is pipe clp{3 (ni_name \"%s\")", m.nifp->ni_name);

	/* second NIOCREGIF on a bound fd -> EBUSY */
	legacy_init(&rs, "clp");
	rs.nr_flags = NR_REG_PIPE_SLAVE;
	rs.nr_ringid = 3;
	is_err(legacy(fd, NIOCREGIF, &rs), EBUSY,
	       "NIOCREGIF on a bound fd -> EBUSY");

	fd2 = nmt_open_dev();
	legacy_init(&rs, "clp");
	rs.nr_flags = NR_REG_PIPE_SLAVE;
	rs.nr_ringid = 3;
	err = legacy(fd2, NIOCREGIF, &rs);
	if (is_err(err, 0, "NIOCREGIF clp + PIPE_SLAVE ringid 3") &&
	    is_err(legacy_map(&s, fd2, &rs, "clp}3"), 0,
		   "mmap the legacy slave")) {
		ok(strcmp(s.nifp->ni_name, "clp}3") == 0,
		   "slave is pipe clp}3 (ni_name \"%s\")", s.nifp->ni_name);
		is(rs.nr_arg2, r.nr_arg2, "both ends in the same region");
		one_packet(&m, &s, "legacy master -> slave");
		one_packet(&s, &m, "legacy slave -> master");
		nmt_port_close(&s);
	} else {
		close(fd2);
	}
	nmt_port_close(&m);

	/* ABI.md §8.4: mode 0 + NETMAP_SW_RING -> NR_REG_SW, refused on a pipe */
	fd = nmt_open_dev();
	legacy_init(&r, "clq{1");
	r.nr_ringid = NETMAP_SW_RING;
	is_err(legacy(fd, NIOCREGIF, &r), EINVAL,
	       "legacy NETMAP_SW_RING on a pipe -> EINVAL");
	/* mode 0 + NETMAP_HW_RING | 1 -> NR_REG_ONE_NIC ring 1 */
	legacy_init(&r, "clq{1");
	r.nr_ringid = NETMAP_HW_RING | 1;
	r.nr_tx_rings = 2;
	r.nr_rx_rings = 2;
	err = legacy(fd, NIOCREGIF, &r);
	if (is_err(err, 0, "legacy NETMAP_HW_RING|1 on a 2-ring pipe") &&
	    is_err(legacy_map(&q, fd, &r, "clq{1"), 0, "mmap it")) {
		is(q.nifp->ni_tx_rings, 2, "2 TX rings");
		ok(nmt_txring(&q, 0) == NULL && nmt_txring(&q, 1) != NULL,
		   "only TX ring 1 bound");
		ok(nmt_rxring(&q, 0) == NULL && nmt_rxring(&q, 1) != NULL,
		   "only RX ring 1 bound");
		nmt_port_close(&q);
	} else {
		close(fd);
	}
}

int main(void)
{
	tap_start(120);
	pagesz = sysconf(_SC_PAGESIZE);
	versions();
	reqtypes_and_reserved();
	body_rules();
	faults();
	null_arg_and_unknown_ioctl();
	name_nul();
	options_basic();
	options_sizes();
	port_info_tests();
	pools_info_tests();
	bad_names();
	legacy_info();
	legacy_register();
	return tap_end();
}
