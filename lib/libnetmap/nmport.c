/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Port descriptors: parse a port spec, register the port, map its memory
 * region, and undo each of these steps; the spec options (share, conf,
 * extmem, offset) and the request options the library manages.
 *
 * Life cycle:	nmport_new -> nmport_parse -> nmport_register -> nmport_mmap
 * undone by:	nmport_delete <- nmport_undo_parse <- nmport_undo_register
 *		<- nmport_undo_mmap
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nmlib.h"

/* Undo actions recorded in d->clist */

static void nmport_push_cleanup(struct nmport_d *d, struct nmport_cleanup_d *c,
				void (*fn)(struct nmport_cleanup_d *,
					   struct nmport_d *))
{
	c->cleanup = fn;
	c->next = d->clist;
	d->clist = c;
}

void nmport_do_cleanup(struct nmport_d *d)
{
	while (d->clist != NULL) {
		struct nmport_cleanup_d *c = d->clist;

		d->clist = c->next;
		c->cleanup(c, d);
	}
}

/* External memory */

struct nmport_extmem_cleanup_d {
	struct nmport_cleanup_d up;	/* must be first */
	struct nmreq_opt_extmem opt;
};

void nmport_extmem_cleanup(struct nmport_cleanup_d *c, struct nmport_d *d)
{
	struct nmport_extmem_cleanup_d *e = (struct nmport_extmem_cleanup_d *)c;

	nmreq_remove_option(&d->hdr, &e->opt.nro_opt);
	if (d->extmem == &e->opt)
		d->extmem = NULL;
	nmctx_free(d->ctx, e);
}

static int nmport_extmem_allowed(struct nmport_d *d)
{
	if (d->register_done) {
		nmlib_fail(d->ctx, EINVAL,
			   "%s: cannot use extmem: port already registered",
			   d->hdr.nr_name);
		return 0;
	}
	if (d->extmem != NULL) {
		nmlib_fail(d->ctx, EINVAL, "%s: extmem already in use",
			   d->hdr.nr_name);
		return 0;
	}
	return 1;
}

int nmport_extmem(struct nmport_d *d, void *base, size_t size)
{
	struct nmport_extmem_cleanup_d *e;

	if (!nmport_extmem_allowed(d))
		return -1;
	e = nmctx_malloc(d->ctx, sizeof(*e));
	if (e == NULL) {
		nmlib_fail(d->ctx, ENOMEM, "%s: cannot allocate extmem option",
			   d->hdr.nr_name);
		return -1;
	}
	memset(e, 0, sizeof(*e));
	e->opt.nro_opt.nro_reqtype = NETMAP_REQ_OPT_EXTMEM;
	e->opt.nro_usrptr = (uint64_t)(uintptr_t)base;
	e->opt.nro_info.nr_memsize = size;
	nmreq_push_option(&d->hdr, &e->opt.nro_opt);
	nmport_push_cleanup(d, &e->up, nmport_extmem_cleanup);
	d->extmem = &e->opt;
	return 0;
}

struct nmport_extmem_from_file_cleanup_d {
	struct nmport_cleanup_d up;	/* must be first */
	void *p;
	size_t size;
};

void nmport_extmem_from_file_cleanup(struct nmport_cleanup_d *c,
				     struct nmport_d *d)
{
	struct nmport_extmem_from_file_cleanup_d *f =
		(struct nmport_extmem_from_file_cleanup_d *)c;

	munmap(f->p, f->size);
	nmctx_free(d->ctx, f);
}

/* Map the whole file read/write and shared; *psize gets its length. */
static void *nmport_map_file(struct nmport_d *d, const char *fname,
			     size_t *psize)
{
	void *p = MAP_FAILED;
	off_t size;
	int fd, err;

	fd = open(fname, O_RDWR);
	if (fd < 0) {
		err = errno;
		nmlib_fail(d->ctx, err, "extmem: cannot open '%s': %s", fname,
			   strerror(err));
		return MAP_FAILED;
	}
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0) {
		err = size < 0 ? errno : EINVAL;
		nmlib_fail(d->ctx, err, "extmem: cannot use '%s': %s", fname,
			   size < 0 ? strerror(err) : "empty file");
		goto out_close;
	}
	p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		err = errno;
		nmlib_fail(d->ctx, err, "extmem: cannot map '%s': %s", fname,
			   strerror(err));
		goto out_close;
	}
	*psize = (size_t)size;
out_close:
	err = errno;
	close(fd);
	errno = err;
	return p;
}

int nmport_extmem_from_file(struct nmport_d *d, const char *fname)
{
	struct nmport_extmem_from_file_cleanup_d *f;
	int err;

	if (!nmport_extmem_allowed(d))
		return -1;
	f = nmctx_malloc(d->ctx, sizeof(*f));
	if (f == NULL) {
		nmlib_fail(d->ctx, ENOMEM, "%s: cannot allocate extmem cleanup",
			   d->hdr.nr_name);
		return -1;
	}
	f->p = nmport_map_file(d, fname, &f->size);
	if (f->p == MAP_FAILED)
		goto err_free;
	if (nmport_extmem(d, f->p, f->size) < 0)
		goto err_unmap;
	nmport_push_cleanup(d, &f->up, nmport_extmem_from_file_cleanup);
	return 0;

err_unmap:
	err = errno;
	munmap(f->p, f->size);
	errno = err;
err_free:
	err = errno;
	nmctx_free(d->ctx, f);
	errno = err;
	return -1;
}

struct nmreq_pools_info *nmport_extmem_getinfo(struct nmport_d *d)
{
	return d->extmem != NULL ? &d->extmem->nro_info : NULL;
}

/* Buffer offsets */

struct nmport_offset_cleanup_d {
	struct nmport_cleanup_d up;	/* must be first */
	struct nmreq_opt_offsets opt;
};

static void nmport_offset_cleanup(struct nmport_cleanup_d *c,
				  struct nmport_d *d)
{
	struct nmport_offset_cleanup_d *o = (struct nmport_offset_cleanup_d *)c;

	nmreq_remove_option(&d->hdr, &o->opt.nro_opt);
	nmctx_free(d->ctx, o);
}

int nmport_offset(struct nmport_d *d, uint64_t initial, uint64_t maxoff,
		  uint64_t bits, uint64_t mingap)
{
	struct nmport_offset_cleanup_d *o;

	if (bits > 64) {
		nmlib_fail(d->ctx, EINVAL,
			   "option offset: %llu bits requested, at most 64",
			   (unsigned long long)bits);
		return -1;
	}
	o = nmctx_malloc(d->ctx, sizeof(*o));
	if (o == NULL) {
		nmlib_fail(d->ctx, ENOMEM,
			   "option offset: cannot allocate the option");
		return -1;
	}
	memset(o, 0, sizeof(*o));
	o->opt.nro_opt.nro_reqtype = NETMAP_REQ_OPT_OFFSETS;
	o->opt.nro_max_offset = maxoff;
	o->opt.nro_initial_offset = initial;
	o->opt.nro_offset_bits = (uint32_t)bits;
	o->opt.nro_tx_align = 0;
	o->opt.nro_min_gap = mingap;
	nmreq_push_option(&d->hdr, &o->opt.nro_opt);
	nmport_push_cleanup(d, &o->up, nmport_offset_cleanup);
	return 0;
}

/* Options of the port spec ("@share=...", "@conf:...", ...) */

enum { NM_SHARE_PORT, NM_SHARE_NKEYS };

static int nmport_share_parse(struct nmreq_parse_ctx *p)
{
	struct nmport_d *d = p->token;
	const char *port = p->keys[NM_SHARE_PORT];
	int32_t mem_id;

	mem_id = nmreq_get_mem_id(&port, p->ctx);
	if (mem_id < 0)
		return -1;
	if (d->reg.nr_mem_id != 0 && d->reg.nr_mem_id != mem_id) {
		nmlib_fail(p->ctx, EINVAL,
			   "option share: %s uses mem id %d, but mem id %u is already requested",
			   p->keys[NM_SHARE_PORT], (int)mem_id,
			   d->reg.nr_mem_id);
		return -1;
	}
	d->reg.nr_mem_id = (uint16_t)mem_id;
	return 0;
}

enum {
	NM_CONF_RINGS, NM_CONF_HOST_RINGS, NM_CONF_SLOTS,
	NM_CONF_TX_RINGS, NM_CONF_RX_RINGS,
	NM_CONF_HOST_TX_RINGS, NM_CONF_HOST_RX_RINGS,
	NM_CONF_TX_SLOTS, NM_CONF_RX_SLOTS,
	NM_CONF_NKEYS
};

static void nm_conf16(const char *v, uint16_t *a, uint16_t *b)
{
	if (v == NULL)
		return;
	*a = (uint16_t)atoi(v);
	if (b != NULL)
		*b = *a;
}

static void nm_conf32(const char *v, uint32_t *a, uint32_t *b)
{
	if (v == NULL)
		return;
	*a = (uint32_t)atoi(v);
	if (b != NULL)
		*b = *a;
}

static int nmport_conf_parse(struct nmreq_parse_ctx *p)
{
	struct nmreq_register *reg = &((struct nmport_d *)p->token)->reg;
	const char **k = p->keys;

	/* the generic keys first, so that the specific ones override them */
	nm_conf16(k[NM_CONF_RINGS], &reg->nr_tx_rings, &reg->nr_rx_rings);
	nm_conf16(k[NM_CONF_HOST_RINGS], &reg->nr_host_tx_rings,
		  &reg->nr_host_rx_rings);
	nm_conf32(k[NM_CONF_SLOTS], &reg->nr_tx_slots, &reg->nr_rx_slots);
	nm_conf16(k[NM_CONF_TX_RINGS], &reg->nr_tx_rings, NULL);
	nm_conf16(k[NM_CONF_RX_RINGS], &reg->nr_rx_rings, NULL);
	nm_conf16(k[NM_CONF_HOST_TX_RINGS], &reg->nr_host_tx_rings, NULL);
	nm_conf16(k[NM_CONF_HOST_RX_RINGS], &reg->nr_host_rx_rings, NULL);
	nm_conf32(k[NM_CONF_TX_SLOTS], &reg->nr_tx_slots, NULL);
	nm_conf32(k[NM_CONF_RX_SLOTS], &reg->nr_rx_slots, NULL);
	return 0;
}

enum {
	NM_EXTMEM_FILE, NM_EXTMEM_IF_NUM, NM_EXTMEM_IF_SIZE,
	NM_EXTMEM_RING_NUM, NM_EXTMEM_RING_SIZE,
	NM_EXTMEM_BUF_NUM, NM_EXTMEM_BUF_SIZE,
	NM_EXTMEM_NKEYS
};

static int nmport_extmem_parse(struct nmreq_parse_ctx *p)
{
	struct nmport_d *d = p->token;
	struct nmreq_pools_info *pi;
	const char **k = p->keys;

	if (nmport_extmem_from_file(d, k[NM_EXTMEM_FILE]) < 0)
		return -1;
	pi = nmport_extmem_getinfo(d);
	nm_conf32(k[NM_EXTMEM_IF_NUM], &pi->nr_if_pool_objtotal, NULL);
	nm_conf32(k[NM_EXTMEM_IF_SIZE], &pi->nr_if_pool_objsize, NULL);
	nm_conf32(k[NM_EXTMEM_RING_NUM], &pi->nr_ring_pool_objtotal, NULL);
	nm_conf32(k[NM_EXTMEM_RING_SIZE], &pi->nr_ring_pool_objsize, NULL);
	nm_conf32(k[NM_EXTMEM_BUF_NUM], &pi->nr_buf_pool_objtotal, NULL);
	nm_conf32(k[NM_EXTMEM_BUF_SIZE], &pi->nr_buf_pool_objsize, NULL);
	return 0;
}

enum { NM_OFFSET_INITIAL, NM_OFFSET_BITS, NM_OFFSET_NKEYS };

static int nmport_offset_parse(struct nmreq_parse_ctx *p)
{
	uint64_t initial = (uint64_t)atoi(p->keys[NM_OFFSET_INITIAL]);
	uint64_t bits = 0;

	if (p->keys[NM_OFFSET_BITS] != NULL)
		bits = (uint64_t)atoi(p->keys[NM_OFFSET_BITS]);
	return nmport_offset(p->token, initial, initial, bits, 0);
}

#define NM_KEY(id_, name_, flags_)	[id_] = { name_, id_, flags_ }
#define NM_KEY_DEFAULT	(NMREQ_OPTK_DEFAULT | NMREQ_OPTK_MUSTSET)

static struct nmreq_opt_parser nmport_offset_parser = {
	.prefix = "offset",
	.parse = nmport_offset_parse,
	.default_key = NM_OFFSET_INITIAL,
	.nr_keys = NM_OFFSET_NKEYS,
	.flags = NMREQ_OPTF_DISABLED,
	.next = NULL,
	.keys = {
		NM_KEY(NM_OFFSET_INITIAL, "initial", NM_KEY_DEFAULT),
		NM_KEY(NM_OFFSET_BITS, "bits", 0),
	},
};

static struct nmreq_opt_parser nmport_extmem_parser = {
	.prefix = "extmem",
	.parse = nmport_extmem_parse,
	.default_key = NM_EXTMEM_FILE,
	.nr_keys = NM_EXTMEM_NKEYS,
	.next = &nmport_offset_parser,
	.keys = {
		NM_KEY(NM_EXTMEM_FILE, "file", NM_KEY_DEFAULT),
		NM_KEY(NM_EXTMEM_IF_NUM, "if-num", 0),
		NM_KEY(NM_EXTMEM_IF_SIZE, "if-size", 0),
		NM_KEY(NM_EXTMEM_RING_NUM, "ring-num", 0),
		NM_KEY(NM_EXTMEM_RING_SIZE, "ring-size", 0),
		NM_KEY(NM_EXTMEM_BUF_NUM, "buf-num", 0),
		NM_KEY(NM_EXTMEM_BUF_SIZE, "buf-size", 0),
	},
};

static struct nmreq_opt_parser nmport_conf_parser = {
	.prefix = "conf",
	.parse = nmport_conf_parse,
	.default_key = -1,
	.nr_keys = NM_CONF_NKEYS,
	.next = &nmport_extmem_parser,
	.keys = {
		NM_KEY(NM_CONF_RINGS, "rings", 0),
		NM_KEY(NM_CONF_HOST_RINGS, "host-rings", 0),
		NM_KEY(NM_CONF_SLOTS, "slots", 0),
		NM_KEY(NM_CONF_TX_RINGS, "tx-rings", 0),
		NM_KEY(NM_CONF_RX_RINGS, "rx-rings", 0),
		NM_KEY(NM_CONF_HOST_TX_RINGS, "host-tx-rings", 0),
		NM_KEY(NM_CONF_HOST_RX_RINGS, "host-rx-rings", 0),
		NM_KEY(NM_CONF_TX_SLOTS, "tx-slots", 0),
		NM_KEY(NM_CONF_RX_SLOTS, "rx-slots", 0),
	},
};

static struct nmreq_opt_parser nmport_share_parser = {
	.prefix = "share",
	.parse = nmport_share_parse,
	.default_key = NM_SHARE_PORT,
	.nr_keys = NM_SHARE_NKEYS,
	.next = &nmport_conf_parser,
	.keys = {
		NM_KEY(NM_SHARE_PORT, "port", NM_KEY_DEFAULT),
	},
};

#define nmport_parsers (&nmport_share_parser)

static struct nmreq_opt_parser *nmport_spec_option(const char *opt)
{
	struct nmreq_opt_parser *p;

	for (p = nmport_parsers; p != NULL; p = p->next)
		if (opt != NULL && strcmp(p->prefix, opt) == 0)
			return p;
	return NULL;
}

void nmport_disable_option(const char *opt)
{
	struct nmreq_opt_parser *p = nmport_spec_option(opt);

	if (p != NULL)
		p->flags |= NMREQ_OPTF_DISABLED;
}

int nmport_enable_option(const char *opt)
{
	struct nmreq_opt_parser *p = nmport_spec_option(opt);

	if (p == NULL) {
		nmlib_fail(nmctx_get(), EOPNOTSUPP, "unknown option: '%s'",
			   opt != NULL ? opt : "(null)");
		return -1;
	}
	p->flags &= ~NMREQ_OPTF_DISABLED;
	return 0;
}

/* Descriptor life cycle */

struct nmport_d *nmport_new(void)
{
	struct nmctx *ctx = nmctx_get();
	struct nmport_d *d;

	d = nmctx_malloc(ctx, sizeof(*d));
	if (d == NULL) {
		nmlib_fail(ctx, ENOMEM, "cannot allocate a port descriptor");
		return NULL;
	}
	memset(d, 0, sizeof(*d));
	nmreq_header_init(&d->hdr, NETMAP_REQ_REGISTER, &d->reg);
	d->fd = -1;
	d->ctx = ctx;
	return d;
}

void nmport_delete(struct nmport_d *d)
{
	nmctx_free(d->ctx, d);
}

int nmport_parse(struct nmport_d *d, const char *portspec)
{
	const char *scan = portspec;
	int err;

	/* a descriptor whose parse was undone can be parsed again */
	d->hdr.nr_version = NETMAP_API;
	d->hdr.nr_reqtype = NETMAP_REQ_REGISTER;
	d->hdr.nr_body = (uint64_t)(uintptr_t)&d->reg;

	if (nmreq_header_decode(&scan, &d->hdr, d->ctx) < 0 ||
	    nmreq_register_decode(&scan, &d->reg, d->ctx) < 0 ||
	    nmreq_options_decode(scan, nmport_parsers, d, d->ctx) < 0) {
		err = errno;
		nmport_undo_parse(d);
		errno = err;
		return -1;
	}
	return 0;
}

void nmport_undo_parse(struct nmport_d *d)
{
	nmport_do_cleanup(d);
	memset(&d->hdr, 0, sizeof(d->hdr));
	memset(&d->reg, 0, sizeof(d->reg));
}

struct nmport_d *nmport_prepare(const char *portspec)
{
	struct nmport_d *d;
	int err;

	d = nmport_new();
	if (d == NULL)
		return NULL;
	if (nmport_parse(d, portspec) < 0) {
		err = errno;
		nmport_delete(d);
		errno = err;
		return NULL;
	}
	return d;
}

void nmport_undo_prepare(struct nmport_d *d)
{
	if (d == NULL)
		return;
	nmport_undo_parse(d);
	nmport_delete(d);
}

/* Report why the register failed: the options the kernel refused, if any. */
static void nmport_register_error(struct nmport_d *d, int err)
{
	struct nmreq_option *o;
	int reported = 0;

	nmreq_foreach_option(&d->hdr, o) {
		if (o->nro_status == 0)
			continue;
		nmctx_ferror(d->ctx, "%s: option %s: %s", d->hdr.nr_name,
			     nmreq_option_name(o->nro_reqtype),
			     strerror((int)o->nro_status));
		reported = 1;
	}
	if (!reported)
		nmctx_ferror(d->ctx, "%s: %s", d->hdr.nr_name, strerror(err));
}

int nmport_register(struct nmport_d *d)
{
	int err;

	if (d->register_done) {
		nmlib_fail(d->ctx, EINVAL, "%s: already registered",
			   d->hdr.nr_name);
		return -1;
	}
	d->fd = open(NETMAP_DEVICE_NAME, O_RDWR);
	if (d->fd < 0) {
		err = errno;
		nmlib_fail(d->ctx, err, "cannot open %s: %s",
			   NETMAP_DEVICE_NAME, strerror(err));
		return -1;
	}
	d->hdr.nr_body = (uint64_t)(uintptr_t)&d->reg;
	if (ioctl(d->fd, NIOCCTRL, &d->hdr) < 0) {
		err = errno;
		nmport_register_error(d, err);
		close(d->fd);
		d->fd = -1;
		errno = err;
		return -1;
	}
	d->register_done = 1;
	return 0;
}

void nmport_undo_register(struct nmport_d *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	d->register_done = 0;
}

/* Called with the context lock held. */
static struct nmem_d *nmport_get_mem(struct nmport_d *d)
{
	struct nmctx *ctx = d->ctx;
	struct nmem_d *m;
	int err;

	for (m = ctx->mem_descs; m != NULL; m = m->next)
		if (m->mem_id == d->reg.nr_mem_id)
			return m;

	m = nmctx_malloc(ctx, sizeof(*m));
	if (m == NULL) {
		nmlib_fail(ctx, ENOMEM, "%s: cannot allocate a region descriptor",
			   d->hdr.nr_name);
		return NULL;
	}
	memset(m, 0, sizeof(*m));
	m->mem_id = d->reg.nr_mem_id;
	if (d->extmem != NULL) {
		m->mem = (void *)(uintptr_t)d->extmem->nro_usrptr;
		m->size = (size_t)d->extmem->nro_info.nr_memsize;
		m->is_extmem = 1;
	} else {
		m->size = (size_t)d->reg.nr_memsize;
		m->mem = mmap(NULL, m->size, PROT_READ | PROT_WRITE,
			      MAP_SHARED, d->fd, 0);
		if (m->mem == MAP_FAILED) {
			err = errno;
			nmctx_free(ctx, m);
			nmlib_fail(ctx, err, "%s: cannot map the region: %s",
				   d->hdr.nr_name, strerror(err));
			return NULL;
		}
	}
	m->next = ctx->mem_descs;
	if (m->next != NULL)
		m->next->prev = m;
	ctx->mem_descs = m;
	return m;
}

/* Called with the context lock held. */
static void nmport_put_mem(struct nmctx *ctx, struct nmem_d *m)
{
	if (--m->refcount > 0)
		return;
	if (m->prev != NULL)
		m->prev->next = m->next;
	else
		ctx->mem_descs = m->next;
	if (m->next != NULL)
		m->next->prev = m->prev;
	if (!m->is_extmem)
		munmap(m->mem, m->size);
	nmctx_free(ctx, m);
}

/*
 * The bound rings of a direction are the first run of non-zero ring_ofs
 * entries among the n entries starting at base; none gives last < first.
 */
static void nmport_ring_range(const struct netmap_if *nifp, unsigned int base,
			      unsigned int n, uint16_t *first, uint16_t *last)
{
	unsigned int i = 0;

	if (n == 0) {
		*first = 1;
		*last = 0;
		return;
	}
	while (i < n && nifp->ring_ofs[base + i] == 0)
		i++;
	*first = (uint16_t)i;
	while (i < n && nifp->ring_ofs[base + i] != 0)
		i++;
	*last = (uint16_t)(i - 1);
}

int nmport_mmap(struct nmport_d *d)
{
	struct nmctx *ctx = d->ctx;
	struct netmap_if *nifp;
	struct nmem_d *m;
	unsigned int ntx, nrx;

	if (d->mmap_done) {
		nmlib_fail(ctx, EINVAL, "%s: already mapped", d->hdr.nr_name);
		return -1;
	}
	if (!d->register_done) {
		nmlib_fail(ctx, EINVAL, "%s: not registered", d->hdr.nr_name);
		return -1;
	}

	nmctx_lock(ctx);
	m = nmport_get_mem(d);
	if (m != NULL) {
		m->refcount++;
		if (d->reg.nr_offset >= m->size ||
		    m->size - d->reg.nr_offset < sizeof(*nifp)) {
			nmport_put_mem(ctx, m);
			nmlib_fail(ctx, EINVAL,
				   "%s: netmap_if offset %llu outside the region",
				   d->hdr.nr_name,
				   (unsigned long long)d->reg.nr_offset);
			m = NULL;
		}
	}
	nmctx_unlock(ctx);
	if (m == NULL)
		return -1;

	d->mem = m;
	nifp = NETMAP_IF(m->mem, d->reg.nr_offset);
	d->nifp = nifp;
	ntx = d->reg.nr_tx_rings + nifp->ni_host_tx_rings;
	nrx = d->reg.nr_rx_rings + nifp->ni_host_rx_rings;
	nmport_ring_range(nifp, 0, ntx, &d->first_tx_ring, &d->last_tx_ring);
	nmport_ring_range(nifp, ntx, nrx, &d->first_rx_ring, &d->last_rx_ring);
	d->cur_tx_ring = d->first_tx_ring;
	d->cur_rx_ring = d->first_rx_ring;
	d->mmap_done = 1;
	return 0;
}

void nmport_undo_mmap(struct nmport_d *d)
{
	if (!d->mmap_done)
		return;
	nmctx_lock(d->ctx);
	nmport_put_mem(d->ctx, d->mem);
	nmctx_unlock(d->ctx);
	d->mem = NULL;
	d->nifp = NULL;
	d->first_tx_ring = d->last_tx_ring = 0;
	d->first_rx_ring = d->last_rx_ring = 0;
	d->cur_tx_ring = d->cur_rx_ring = 0;
	d->mmap_done = 0;
}

int nmport_open_desc(struct nmport_d *d)
{
	int err;

	if (nmport_register(d) < 0)
		return -1;
	if (nmport_mmap(d) < 0) {
		err = errno;
		nmport_undo_register(d);
		errno = err;
		return -1;
	}
	return 0;
}

void nmport_undo_open_desc(struct nmport_d *d)
{
	nmport_undo_mmap(d);
	nmport_undo_register(d);
}

struct nmport_d *nmport_open(const char *portspec)
{
	struct nmport_d *d;
	int err;

	d = nmport_prepare(portspec);
	if (d == NULL)
		return NULL;
	if (nmport_open_desc(d) < 0) {
		err = errno;
		nmport_undo_prepare(d);
		errno = err;
		return NULL;
	}
	return d;
}

void nmport_close(struct nmport_d *d)
{
	if (d == NULL)
		return;
	nmport_undo_open_desc(d);
	nmport_undo_prepare(d);
}

struct nmport_d *nmport_clone(struct nmport_d *d)
{
	struct nmport_d *c;

	if (d->extmem != NULL && !d->register_done) {
		nmlib_fail(d->ctx, EINVAL,
			   "%s: cannot clone an extmem port before it is registered",
			   d->hdr.nr_name);
		return NULL;
	}
	c = nmctx_malloc(d->ctx, sizeof(*c));
	if (c == NULL) {
		nmlib_fail(d->ctx, ENOMEM, "%s: cannot allocate a port descriptor",
			   d->hdr.nr_name);
		return NULL;
	}
	memset(c, 0, sizeof(*c));
	c->hdr = d->hdr;
	c->hdr.nr_options = 0;
	c->hdr.nr_body = (uint64_t)(uintptr_t)&c->reg;
	c->reg = d->reg;
	c->ctx = d->ctx;
	c->fd = -1;
	return c;
}

/* Copy one packet at ring->cur if [cur, tail) has enough slots for it. */
static int nmport_ring_inject(struct netmap_ring *ring, const void *buf,
			      size_t size)
{
	uint32_t n = ring->num_slots, bufsz = ring->nr_buf_size;
	uint32_t cur = ring->cur, tail = ring->tail;
	const char *src = buf;
	size_t needed, avail;

	if (bufsz == 0 || cur >= n || tail >= n)
		return -1;
	avail = tail >= cur ? tail - cur : tail + n - cur;
	needed = size == 0 ? 1 : (size - 1) / bufsz + 1;
	if (needed > avail)
		return -1;

	for (;;) {
		struct netmap_slot *slot = &ring->slot[cur];
		size_t chunk = size < bufsz ? size : bufsz;

		if (chunk > 0)
			memcpy(NETMAP_BUF(ring, slot->buf_idx), src, chunk);
		slot->len = (uint16_t)chunk;
		src += chunk;
		size -= chunk;
		slot->flags = size > 0 ? NS_MOREFRAG : 0;
		cur = nm_ring_next(ring, cur);
		if (size == 0)
			break;
	}
	ring->head = ring->cur = cur;
	return 0;
}

int nmport_inject(struct nmport_d *d, const void *buf, size_t size)
{
	unsigned int i, nrings;
	uint16_t ri;

	if (!d->mmap_done || d->last_tx_ring < d->first_tx_ring)
		return 0;
	nrings = (unsigned int)(d->last_tx_ring - d->first_tx_ring) + 1;
	ri = d->cur_tx_ring;
	if (ri < d->first_tx_ring || ri > d->last_tx_ring)
		ri = d->first_tx_ring;
	for (i = 0; i < nrings; i++) {
		if (nmport_ring_inject(NETMAP_TXRING(d->nifp, ri), buf,
				       size) == 0) {
			d->cur_tx_ring = ri;
			return (int)size;
		}
		ri = ri == d->last_tx_ring ? d->first_tx_ring : ri + 1;
	}
	return 0;
}
