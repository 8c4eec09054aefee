// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_register: NETMAP_REQ_REGISTER in every mode on pipes and null ports,
 * the resulting shared-memory layout and initial ring state, mmap rules and
 * exclusive ownership (ABI.md §3, §4, §6.4, §7, §9.1).
 */
#define _GNU_SOURCE
#include "common.h"

#include <libnetmap.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

static long pagesz;

static int unbound(int fd)
{
	return nmt_txsync(fd) == ENXIO;
}

/* ring_ofs index of TX ring i / RX ring i */
static unsigned int tx_k(const struct netmap_if *nifp, unsigned int i)
{
	(void)nifp;
	return i;
}

static unsigned int rx_k(const struct netmap_if *nifp, unsigned int i)
{
	return nifp->ni_tx_rings + nifp->ni_host_tx_rings + i;
}

/*
 * Bound rings of p as bit masks (bit i = NIC ring i has a non-zero
 * ring_ofs); host ring entries are reported separately.
 */
static void bound_masks(const struct nmt_port *p, unsigned int *txm,
			unsigned int *rxm, unsigned int *hostm)
{
	const struct netmap_if *nifp = p->nifp;
	unsigned int i;

	*txm = *rxm = *hostm = 0;
	for (i = 0; i < nifp->ni_tx_rings && i < 32; i++)
		if (nifp->ring_ofs[tx_k(nifp, i)])
			*txm |= 1u << i;
	for (i = 0; i < nifp->ni_rx_rings && i < 32; i++)
		if (nifp->ring_ofs[rx_k(nifp, i)])
			*rxm |= 1u << i;
	for (i = 0; i < nifp->ni_host_tx_rings; i++)
		if (nifp->ring_ofs[nifp->ni_tx_rings + i])
			*hostm |= 1;
	for (i = 0; i < nifp->ni_host_rx_rings; i++)
		if (nifp->ring_ofs[rx_k(nifp, nifp->ni_rx_rings + i)])
			*hostm |= 2;
}

static void expect_bound(const struct nmt_port *p, unsigned int txm,
			 unsigned int rxm, const char *what)
{
	unsigned int t, r, h;

	bound_masks(p, &t, &r, &h);
	is(t, txm, "%s: TX rings with non-zero ring_ofs (mask)", what);
	is(r, rxm, "%s: RX rings with non-zero ring_ofs (mask)", what);
	is(h, 0, "%s: host ring entries of ring_ofs are 0 (ABI.md §4.6)", what);
}

struct layout {
	uint64_t bufpool;	/* offset of buffer 0 in the region */
	uint32_t bufsize;
	uint32_t nbufs;
	unsigned char *seen;	/* one bit per buffer */
};

static void layout_init(struct layout *l, const struct nmt_port *p)
{
	const struct netmap_ring *r = nmt_txring(p, 0);

	if (!r)
		r = nmt_rxring(p, 0);
	if (!r)
		bail("%s: no ring 0 to derive the layout from", p->name);
	l->bufpool = (uint64_t)((const char *)r + r->buf_ofs - p->mem);
	l->bufsize = r->nr_buf_size;
	l->nbufs = nmt_nbufs(p);
	l->seen = calloc(l->nbufs / 8 + 1, 1);
	if (!l->seen)
		bail("calloc");
}

/* ABI.md §4.3, §4.9: a freshly created ring, checked slot by slot. */
static void check_ring(const struct nmt_port *p, struct netmap_ring *r,
		       int tx, unsigned int idx, uint32_t slots,
		       struct layout *l)
{
	const char *d = tx ? "TX" : "RX";
	uint64_t ofs = (uint64_t)((char *)r - p->mem);
	uint32_t i, bad_idx = 0, dup = 0, bad_len = 0, bad_flags = 0;

	ok(ofs >= p->reg.nr_offset && ofs + 256 + 16ULL * r->num_slots <=
	   p->memsize, "%s %s ring %u lies inside the mapping", p->name, d,
	   idx);
	is(r->dir, tx ? 1 : 0, "%s %s ring %u: dir (Q1: TX=1, RX=0)",
	   p->name, d, idx);
	is(r->ringid, idx, "%s %s ring %u: ringid", p->name, d, idx);
	is(r->num_slots, slots, "%s %s ring %u: num_slots", p->name, d, idx);
	is(r->nr_buf_size, l->bufsize, "%s %s ring %u: nr_buf_size", p->name,
	   d, idx);
	is((long long)((char *)r + r->buf_ofs - p->mem), (long long)l->bufpool,
	   "%s %s ring %u: buf_ofs points at the buffer pool", p->name, d,
	   idx);
	is(r->head, 0, "%s %s ring %u: head 0", p->name, d, idx);
	is(r->cur, 0, "%s %s ring %u: cur 0", p->name, d, idx);
	is(r->tail, tx ? r->num_slots - 1 : 0, "%s %s ring %u: tail %s",
	   p->name, d, idx, tx ? "num_slots - 1" : "0");
	is((long long)r->offset_mask, 0, "%s %s ring %u: offset_mask 0",
	   p->name, d, idx);
	for (i = 0; i < r->num_slots; i++) {
		struct netmap_slot *s = &r->slot[i];

		if (s->buf_idx < 2 || s->buf_idx >= l->nbufs) {
			bad_idx++;
			continue;
		}
		if (l->seen[s->buf_idx / 8] & (1u << (s->buf_idx % 8)))
			dup++;
		l->seen[s->buf_idx / 8] |= (unsigned char)(1u << (s->buf_idx % 8));
		if (s->len != l->bufsize)
			bad_len++;
		if (s->flags != 0 || s->ptr != 0)
			bad_flags++;
	}
	is(bad_idx, 0, "%s %s ring %u: every buf_idx in [2, %u)", p->name, d,
	   idx, l->nbufs);
	is(dup, 0, "%s %s ring %u: buffers distinct (also across rings)",
	   p->name, d, idx);
	is(bad_len, 0, "%s %s ring %u: every len = buffer size", p->name, d,
	   idx);
	is(bad_flags, 0, "%s %s ring %u: flags and ptr 0", p->name, d, idx);
}

static void check_all_rings(const struct nmt_port *p)
{
	struct layout l;
	unsigned int i;

	layout_init(&l, p);
	for (i = 0; i < p->nifp->ni_tx_rings; i++)
		if (nmt_txring(p, i))
			check_ring(p, nmt_txring(p, i), 1, i,
				   p->reg.nr_tx_slots, &l);
	for (i = 0; i < p->nifp->ni_rx_rings; i++)
		if (nmt_rxring(p, i))
			check_ring(p, nmt_rxring(p, i), 0, i,
				   p->reg.nr_rx_slots, &l);
	free(l.seen);
}

static void bad_modes(void)
{
	static const struct {
		uint32_t mode;
		const char *why;
	} bad[] = {
		{ NR_REG_DEFAULT, "NR_REG_DEFAULT in the new API" },
		{ NR_REG_SW, "NR_REG_SW on a pipe (no host rings)" },
		{ NR_REG_NIC_SW, "NR_REG_NIC_SW on a pipe" },
		{ NR_REG_ONE_SW, "NR_REG_ONE_SW on a pipe" },
		{ NR_REG_PIPE_MASTER, "NR_REG_PIPE_MASTER in the new API" },
		{ NR_REG_PIPE_SLAVE, "NR_REG_PIPE_SLAVE in the new API" },
		{ 9, "mode 9" },
		{ 100, "mode 100" },
		{ 0xffffffffu, "mode 0xffffffff" },
	};
	struct nmt_req rq = { 0 };
	size_t i;
	int fd = nmt_open_dev();

	/* ABI.md §6.4 errors, §7.1, §9.1 step 3 */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rq.mode = bad[i].mode;
		is_err(nmt_register(fd, "rgm{1", &rq, NULL), EINVAL,
		       "%s -> EINVAL", bad[i].why);
	}
	ok(unbound(fd), "fd still unbound after the rejected modes");
	is_err(nmt_register(fd, "rgm{1", &NMT_REQ_ALL, NULL), 0,
	       "NR_REG_ALL_NIC on the same fd then works");
	is_err(nmt_register(fd, "rgm{1", &NMT_REQ_ALL, NULL), EBUSY,
	       "second register on the same fd -> EBUSY");
	is_err(nmt_register(fd, "rgm}1", &NMT_REQ_ALL, NULL), EBUSY,
	       "second register of another port on the same fd -> EBUSY");
	is_err(nmt_txsync(fd), 0, "first binding still works (NIOCTXSYNC)");
	close(fd);

	/* ABI.md §6.4: unknown nr_mem_id -> EINVAL, also for ports with a region */
	fd = nmt_open_dev();
	rq = (struct nmt_req){ .mode = NR_REG_ALL_NIC, .mem_id = 999 };
	is_err(nmt_register(fd, "rgm{1", &rq, NULL), EINVAL,
	       "unknown nr_mem_id 999 on a pipe -> EINVAL");
	close(fd);

	/* ABI.md §7.2: unknown flag bits are ignored (pkt-gen sets 0x1000) */
	fd = nmt_open_dev();
	rq = (struct nmt_req){ .mode = NR_REG_ALL_NIC,
			       .flags = 0x1000 | (1ULL << 40) | (1ULL << 63) };
	is_err(nmt_register(fd, "rgf{1", &rq, NULL), 0,
	       "unknown nr_flags bits are ignored");
	close(fd);
}

static void all_nic_layout(void)
{
	struct nmreq_pools_info pi;
	struct nmt_port p;
	int err;

	err = nmt_port_open(&p, "rga{1", &NMT_REQ_ALL);
	if (!is_err(err, 0, "register rga{1 NR_REG_ALL_NIC and mmap"))
		return;
	/* ABI.md §6.4 reply, §4.6 host rings */
	is(p.reg.nr_tx_rings, 1, "reply: 1 TX ring");
	is(p.reg.nr_rx_rings, 1, "reply: 1 RX ring");
	is(p.reg.nr_host_tx_rings, 0, "reply: nr_host_tx_rings 0 for a pipe");
	is(p.reg.nr_host_rx_rings, 0, "reply: nr_host_rx_rings 0 for a pipe");
	ok(p.reg.nr_mem_id != 0, "reply: mem id %u", p.reg.nr_mem_id);
	ok(p.reg.nr_tx_slots > 0 && p.reg.nr_rx_slots > 0,
	   "reply: slots %u/%u", p.reg.nr_tx_slots, p.reg.nr_rx_slots);
	is(p.reg.nr_extra_bufs, 0, "reply: 0 extra buffers");
	ok(strcmp(p.nifp->ni_name, "rga{1") == 0, "ni_name \"%s\"",
	   p.nifp->ni_name);
	is(p.nifp->ni_tx_rings, 1, "ni_tx_rings 1");
	is(p.nifp->ni_rx_rings, 1, "ni_rx_rings 1");
	ok(p.nifp->ni_host_tx_rings >= 1, "ni_host_tx_rings >= 1 (%u)",
	   p.nifp->ni_host_tx_rings);
	ok(p.nifp->ni_host_rx_rings >= 1, "ni_host_rx_rings >= 1 (%u)",
	   p.nifp->ni_host_rx_rings);
	is(p.nifp->ni_bufs_head, 0, "ni_bufs_head 0");
	expect_bound(&p, 1, 1, "ALL_NIC");

	err = nmt_pools_info("rga{1", 0, &pi);
	if (is_err(err, 0, "POOLS_INFO_GET on the bound pipe")) {
		is(pi.nr_mem_id, p.reg.nr_mem_id, "pools: same mem id");
		is((long long)pi.nr_memsize, (long long)p.reg.nr_memsize,
		   "pools: same memsize");
		is(nmt_nbufs(&p), pi.nr_buf_pool_objtotal,
		   "buffers derived from the mapping = buffer pool objects");
	}
	check_all_rings(&p);
	nmt_port_close(&p);
}

static void one_nic(void)
{
	struct nmt_req all = { .mode = NR_REG_ALL_NIC, .tx_rings = 4,
			       .rx_rings = 4 };
	struct nmt_req one = all;
	struct nmt_port keep, p;
	char what[64];
	unsigned int j;
	int err, fd;

	err = nmt_port_open(&keep, "rgo{1", &all);
	if (!is_err(err, 0, "register rgo{1 with 4+4 rings"))
		return;
	is(keep.reg.nr_tx_rings, 4, "4 TX rings honoured");
	is(keep.reg.nr_rx_rings, 4, "4 RX rings honoured");
	expect_bound(&keep, 0xf, 0xf, "ALL_NIC on 4 rings");
	check_all_rings(&keep);

	one.mode = NR_REG_ONE_NIC;
	for (j = 0; j < 4; j++) {
		one.ringid = (uint16_t)j;
		snprintf(what, sizeof(what), "ONE_NIC ring %u", j);
		err = nmt_port_open(&p, "rgo{1", &one);
		if (!is_err(err, 0, "%s", what))
			continue;
		expect_bound(&p, 1u << j, 1u << j, what);
		if (nmt_txring(&p, j) && nmt_rxring(&p, j)) {
			is(nmt_txring(&p, j)->ringid, j, "%s: TX ringid", what);
			is(nmt_rxring(&p, j)->ringid, j, "%s: RX ringid", what);
		}
		nmt_port_close(&p);
	}
	fd = nmt_open_dev();
	for (j = 4; j < 7; j++) {
		one.ringid = (uint16_t)(j == 4 ? 4 : j == 5 ? 100 : 0xffff);
		is_err(nmt_register(fd, "rgo{1", &one, NULL), EINVAL,
		       "ONE_NIC ringid %u on 4+4 rings -> EINVAL", one.ringid);
	}
	ok(unbound(fd), "fd unbound after the rejected ringids");
	close(fd);
	nmt_port_close(&keep);

	/* ABI.md §6.4: a direction with fewer than j+1 rings uses its ring 0 */
	one = (struct nmt_req){ .mode = NR_REG_ONE_NIC, .ringid = 3,
				.tx_rings = 4, .rx_rings = 2 };
	err = nmt_port_open(&p, "rgq{1", &one);
	if (is_err(err, 0, "ONE_NIC ring 3 on 4 TX + 2 RX rings")) {
		is(p.reg.nr_tx_rings, 4, "4 TX rings");
		is(p.reg.nr_rx_rings, 2, "2 RX rings");
		expect_bound(&p, 1u << 3, 1u << 0, "ONE_NIC 3 on 4+2");
		one.ringid = 4;
		fd = nmt_open_dev();
		is_err(nmt_register(fd, "rgq{1", &one, NULL), EINVAL,
		       "ONE_NIC ringid 4 on 4+2 rings -> EINVAL");
		close(fd);
		nmt_port_close(&p);
	}
}

static void rings_only(void)
{
	struct nmt_req rq = { .mode = NR_REG_ALL_NIC, .tx_rings = 2,
			      .rx_rings = 2 };
	struct nmt_port p;
	int err;

	/* ABI.md §7.1, §4.2: ring_ofs of unbound rings are 0 */
	rq.flags = NR_TX_RINGS_ONLY;
	err = nmt_port_open(&p, "rgt{1", &rq);
	if (is_err(err, 0, "NR_TX_RINGS_ONLY")) {
		expect_bound(&p, 3, 0, "NR_TX_RINGS_ONLY");
		check_all_rings(&p);
		nmt_port_close(&p);
	}
	rq.flags = NR_RX_RINGS_ONLY;
	err = nmt_port_open(&p, "rgt{1", &rq);
	if (is_err(err, 0, "NR_RX_RINGS_ONLY")) {
		expect_bound(&p, 0, 3, "NR_RX_RINGS_ONLY");
		check_all_rings(&p);
		nmt_port_close(&p);
	}
	rq.flags = NR_RX_RINGS_ONLY;
	rq.mode = NR_REG_ONE_NIC;
	rq.ringid = 1;
	err = nmt_port_open(&p, "rgt{1", &rq);
	if (is_err(err, 0, "NR_RX_RINGS_ONLY + ONE_NIC 1")) {
		expect_bound(&p, 0, 2, "NR_RX_RINGS_ONLY + ONE_NIC 1");
		nmt_port_close(&p);
	}
}

static void counts(void)
{
	struct nmt_req rq = { .mode = NR_REG_ALL_NIC, .tx_slots = 256,
			      .rx_slots = 128, .tx_rings = 2, .rx_rings = 3 };
	struct nmt_req other = { .mode = NR_REG_ALL_NIC, .tx_slots = 64,
				 .rx_slots = 64, .tx_rings = 4,
				 .rx_rings = 4 };
	struct nmt_port m, s, m2;
	struct nmport_d *d;
	int err;

	/* ABI.md §6.4: counts honoured by ports created by the request */
	err = nmt_port_open(&m, "rgc{1", &rq);
	if (!is_err(err, 0, "pipe with 2/3 rings and 256/128 slots"))
		return;
	is(m.reg.nr_tx_rings, 2, "master: 2 TX rings");
	is(m.reg.nr_rx_rings, 3, "master: 3 RX rings");
	is(m.reg.nr_tx_slots, 256, "master: 256 TX slots");
	is(m.reg.nr_rx_slots, 128, "master: 128 RX slots");
	is(m.nifp->ni_tx_rings, 2, "master: ni_tx_rings 2");
	is(m.nifp->ni_rx_rings, 3, "master: ni_rx_rings 3");
	expect_bound(&m, 3, 7, "2/3 rings");
	check_all_rings(&m);

	/* ABI.md §9.1 step 3: the slave's counts are the master's, swapped */
	err = nmt_port_open(&s, "rgc}1", &NMT_REQ_ALL);
	if (is_err(err, 0, "open the slave without a request")) {
		is(s.reg.nr_tx_rings, 3, "slave: 3 TX rings");
		is(s.reg.nr_rx_rings, 2, "slave: 2 RX rings");
		is(s.reg.nr_tx_slots, 128, "slave: 128 TX slots");
		is(s.reg.nr_rx_slots, 256, "slave: 256 RX slots");
		is(s.reg.nr_mem_id, m.reg.nr_mem_id, "slave: same region");
		check_all_rings(&s);
		nmt_port_close(&s);
	}

	/* an existing port keeps its configuration */
	err = nmt_port_open(&m2, "rgc{1", &other);
	if (is_err(err, 0, "second fd on the master asking 4/4 rings")) {
		is(m2.reg.nr_tx_rings, 2, "existing port: still 2 TX rings");
		is(m2.reg.nr_rx_rings, 3, "existing port: still 3 RX rings");
		is(m2.reg.nr_tx_slots, 256, "existing port: still 256 slots");
		ok(nmt_txring(&m2, 0) && (char *)nmt_txring(&m2, 0) - m2.mem ==
		   (char *)nmt_txring(&m, 0) - m.mem,
		   "second fd shares the ring objects (ABI.md §4.6)");
		nmt_port_close(&m2);
	}
	nmt_port_close(&m);

	/* the same through libnetmap's @conf option (ABI.md §9.2) */
	d = nmport_open("netmap:rgl{1@conf:tx-rings=2,rx-rings=3,"
			"tx-slots=256,rx-slots=128");
	if (ok(d != NULL, "nmport_open with @conf")) {
		is(d->reg.nr_tx_rings, 2, "@conf: 2 TX rings");
		is(d->reg.nr_rx_rings, 3, "@conf: 3 RX rings");
		is(d->reg.nr_tx_slots, 256, "@conf: 256 TX slots");
		is(d->reg.nr_rx_slots, 128, "@conf: 128 RX slots");
		is(d->first_tx_ring, 0, "@conf: first_tx_ring 0");
		is(d->last_tx_ring, 1, "@conf: last_tx_ring 1");
		is(d->first_rx_ring, 0, "@conf: first_rx_ring 0");
		is(d->last_rx_ring, 2, "@conf: last_rx_ring 2");
		is(NETMAP_TXRING(d->nifp, 1)->num_slots, 256,
		   "@conf: TX ring 1 has 256 slots");
		is(NETMAP_RXRING(d->nifp, 2)->num_slots, 128,
		   "@conf: RX ring 2 has 128 slots");
		nmport_close(d);
	}
}

static void mmap_rules(void)
{
	struct nmt_port p;
	char *m;
	uint64_t ofs;
	int fd, err;

	/* ABI.md §3.1: mmap only after a successful register */
	fd = nmt_open_dev();
	m = mmap(NULL, pagesz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	is_err(m == MAP_FAILED ? errno : 0, EINVAL,
	       "mmap before register -> EINVAL");
	nmt_register(fd, "x{", &NMT_REQ_ALL, NULL);
	m = mmap(NULL, pagesz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	is_err(m == MAP_FAILED ? errno : 0, EINVAL,
	       "mmap after a failed register -> EINVAL");
	close(fd);

	err = nmt_port_open(&p, "rgp{1", &NMT_REQ_ALL);
	if (!is_err(err, 0, "register rgp{1"))
		return;
	m = mmap(NULL, p.memsize + pagesz, PROT_READ | PROT_WRITE,
		 MAP_SHARED, p.fd, 0);
	is_err(m == MAP_FAILED ? errno : 0, EINVAL,
	       "mmap nr_memsize + 1 page -> EINVAL");
	m = mmap(NULL, pagesz, PROT_READ | PROT_WRITE, MAP_SHARED, p.fd,
		 (off_t)p.memsize);
	is_err(m == MAP_FAILED ? errno : 0, EINVAL,
	       "mmap 1 page at offset nr_memsize -> EINVAL");
	m = mmap(NULL, 2 * pagesz, PROT_READ | PROT_WRITE, MAP_SHARED, p.fd,
		 (off_t)(p.memsize - pagesz));
	is_err(m == MAP_FAILED ? errno : 0, EINVAL,
	       "mmap 2 pages at nr_memsize - 1 page -> EINVAL");
	m = mmap(NULL, 2 * pagesz, PROT_READ | PROT_WRITE, MAP_SHARED, p.fd,
		 (off_t)0x7ffffffffffff000LL);
	is_err(m == MAP_FAILED ? errno : 0, EINVAL,
	       "mmap at offset 2^63 - 1 page (offset + length overflow) -> EINVAL");

	/* a partial mapping shows the same bytes at the same offsets */
	ofs = p.reg.nr_offset & ~(uint64_t)(pagesz - 1);
	m = mmap(NULL, pagesz, PROT_READ | PROT_WRITE, MAP_SHARED, p.fd,
		 (off_t)ofs);
	if (ok(m != MAP_FAILED, "mmap the page holding the netmap_if")) {
		struct netmap_if *nifp =
			(struct netmap_if *)(m + (p.reg.nr_offset - ofs));

		ok(strcmp(nifp->ni_name, "rgp{1") == 0,
		   "partial mapping: ni_name \"%.16s\"", nifp->ni_name);
		ok(memcmp(m, p.mem + ofs, pagesz) == 0,
		   "partial mapping equals the full mapping at that offset");
		munmap(m, pagesz);
	}
	m = mmap(NULL, pagesz, PROT_READ | PROT_WRITE, MAP_SHARED, p.fd,
		 (off_t)(p.memsize - pagesz));
	if (ok(m != MAP_FAILED, "mmap the last page of the region")) {
		m[0] = 0x5a;
		is(p.mem[p.memsize - pagesz], 0x5a,
		   "last page: a write is seen through the full mapping");
		munmap(m, pagesz);
	}
	nmt_port_close(&p);
}

static void null_ports(void)
{
	struct nmt_req rq = { .mode = NR_REG_NULL, .tx_rings = 2,
			      .rx_rings = 3, .tx_slots = 64, .rx_slots = 32 };
	struct nmreq_port_info_get pi;
	struct nmreq_header h;
	struct nmt_port p, q;
	struct netmap_ring *tx, *rx;
	struct pollfd pfd;
	int fd, err, i;

	/* ABI.md §9.1 step 1: a region is needed */
	fd = nmt_open_dev();
	is_err(nmt_register(fd, "rgnull", &rq, NULL), EINVAL,
	       "NR_REG_NULL without mem id -> EINVAL");
	rq.mem_id = 999;
	is_err(nmt_register(fd, "rgnull", &rq, NULL), EINVAL,
	       "NR_REG_NULL with unknown mem id -> EINVAL");
	close(fd);

	rq.mem_id = 1;
	err = nmt_port_open(&p, "nmt_nosuch0", &rq);
	if (!is_err(err, 0, "NR_REG_NULL mem id 1 (any name, even a NIC's)"))
		return;
	is(p.reg.nr_mem_id, 1, "null: region 1");
	is(p.reg.nr_tx_rings, 2, "null: 2 TX rings as requested");
	is(p.reg.nr_rx_rings, 3, "null: 3 RX rings as requested");
	is(p.reg.nr_tx_slots, 64, "null: 64 TX slots as requested");
	is(p.reg.nr_rx_slots, 32, "null: 32 RX slots as requested");
	fd = nmt_open_dev();
	memset(&pi, 0, sizeof(pi));
	nmt_hdr(&h, NETMAP_REQ_PORT_INFO_GET, "", &pi);
	nmt_ctrl(fd, &h);
	close(fd);
	is((long long)p.reg.nr_memsize, (long long)pi.nr_memsize,
	   "null: memsize of region 1");
	expect_bound(&p, 3, 7, "null ALL rings");
	check_all_rings(&p);

	/* a new instance per register */
	rq.tx_rings = 1;
	rq.rx_rings = 1;
	err = nmt_port_open(&q, "nmt_nosuch0", &rq);
	if (is_err(err, 0, "second null port with the same name")) {
		is(q.reg.nr_tx_rings, 1, "second null port: its own 1 TX ring");
		nmt_port_close(&q);
	}

	/* ABI.md §5.2: syncs are no-ops */
	tx = nmt_txring(&p, 0);
	rx = nmt_rxring(&p, 0);
	for (i = 0; i < 5; i++)
		nmt_put(tx, 60, (uint64_t)i);
	is_err(nmt_txsync(p.fd), 0, "null: NIOCTXSYNC returns 0");
	is(tx->head, 5, "null: TX head unchanged by the sync");
	is(tx->cur, 5, "null: TX cur unchanged by the sync");
	ok(tx->tail < tx->num_slots, "null: TX tail valid (%u)", tx->tail);
	is_err(nmt_rxsync(p.fd), 0, "null: NIOCRXSYNC returns 0");
	ok(rx->head == 0 && rx->cur == 0 && rx->tail == 0,
	   "null: RX ring stays empty (head %u cur %u tail %u)", rx->head,
	   rx->cur, rx->tail);
	pfd = (struct pollfd){ .fd = p.fd, .events = POLLIN };
	is(poll(&pfd, 1, 50), 0, "null: poll(POLLIN) times out");
	nmt_port_close(&p);
}

static int reg_fd(const char *name, const struct nmt_req *rq, int *err)
{
	int fd = nmt_open_dev();

	*err = nmt_register(fd, name, rq, NULL);
	return fd;
}

static void exclusive(void)
{
	struct nmt_req all = { .mode = NR_REG_ALL_NIC, .tx_rings = 4,
			       .rx_rings = 4 };
	struct nmt_req allx = all, one = all, onex, txx, rxx;
	int f1, f2, f3, f4, f5, f6, f7, err;

	allx.flags = NR_EXCLUSIVE;
	one.mode = NR_REG_ONE_NIC;
	onex = one;
	onex.flags = NR_EXCLUSIVE;

	/* ABI.md §6.4: EBUSY on exclusive conflicts */
	f1 = reg_fd("rgx{1", &allx, &err);
	is_err(err, 0, "rgx{1 exclusive");
	f2 = reg_fd("rgx{1", &all, &err);
	is_err(err, EBUSY, "rgx{1 again, not exclusive -> EBUSY");
	ok(unbound(f2), "the refused fd stays unbound");
	is_err(nmt_register(f2, "rgx{1", &allx, NULL), EBUSY,
	       "rgx{1 again, exclusive -> EBUSY");
	rxx = all;
	rxx.flags = NR_RX_RINGS_ONLY;
	is_err(nmt_register(f2, "rgx{1", &rxx, NULL), EBUSY,
	       "rgx{1 RX rings only -> EBUSY");
	is_err(nmt_register(f2, "rgx}1", &allx, NULL), 0,
	       "the peer rgx}1 is another port: exclusive open works");
	close(f2);
	close(f1);
	f2 = reg_fd("rgx{1", &all, &err);
	is_err(err, 0, "rgx{1 free again after close");
	close(f2);

	one.ringid = 0;
	f3 = reg_fd("rgy{1", &one, &err);
	is_err(err, 0, "rgy{1 ring 0, shared");
	onex.ringid = 0;
	f4 = reg_fd("rgy{1", &onex, &err);
	is_err(err, EBUSY, "exclusive ring 0 already in use -> EBUSY");
	close(f4);
	onex.ringid = 1;
	f5 = reg_fd("rgy{1", &onex, &err);
	is_err(err, 0, "exclusive ring 1 (not in use) works");
	f6 = reg_fd("rgy{1", &all, &err);
	is_err(err, EBUSY, "ALL_NIC while ring 1 is exclusive -> EBUSY");
	one.ringid = 2;
	f7 = reg_fd("rgy{1", &one, &err);
	is_err(err, 0, "shared ring 2 works beside exclusive ring 1");
	close(f5);
	is_err(nmt_register(f6, "rgy{1", &all, NULL), 0,
	       "ALL_NIC works once the exclusive fd is closed");
	close(f6);
	close(f7);
	close(f3);

	/* TX-only and RX-only exclusive opens do not overlap */
	txx = allx;
	txx.flags |= NR_TX_RINGS_ONLY;
	rxx = allx;
	rxx.flags |= NR_RX_RINGS_ONLY;
	f1 = reg_fd("rgz{1", &txx, &err);
	is_err(err, 0, "exclusive TX rings only");
	f2 = reg_fd("rgz{1", &rxx, &err);
	is_err(err, 0, "exclusive RX rings only beside it");
	f3 = reg_fd("rgz{1", &all, &err);
	is_err(err, EBUSY, "ALL_NIC beside both -> EBUSY");
	close(f3);
	close(f2);
	close(f1);
}

int main(void)
{
	tap_start(120);
	pagesz = sysconf(_SC_PAGESIZE);
	bad_modes();
	all_nic_layout();
	one_nic();
	rings_only();
	counts();
	mmap_rules();
	null_ports();
	exclusive();
	return tap_end();
}
