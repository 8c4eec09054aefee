// SPDX-License-Identifier: GPL-2.0
/*
 * NIOCCTRL: copy-in of the request header, body and option chain, dispatch,
 * copy-out (ABI.md §6.1-§6.3, §6.14, §6.15).
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "nm_kern.h"

/* Body size of each request type; -1 for unknown types. */
static int nm_body_size(u16 type)
{
	switch (type) {
	case NETMAP_REQ_REGISTER:
		return sizeof(struct nmreq_register);
	case NETMAP_REQ_PORT_INFO_GET:
		return sizeof(struct nmreq_port_info_get);
	case NETMAP_REQ_VALE_ATTACH:
		return sizeof(struct nmreq_vale_attach);
	case NETMAP_REQ_VALE_DETACH:
		return sizeof(struct nmreq_vale_detach);
	case NETMAP_REQ_VALE_LIST:
		return sizeof(struct nmreq_vale_list);
	case NETMAP_REQ_PORT_HDR_SET:
	case NETMAP_REQ_PORT_HDR_GET:
		return sizeof(struct nmreq_port_hdr);
	case NETMAP_REQ_VALE_NEWIF:
		return sizeof(struct nmreq_vale_newif);
	case NETMAP_REQ_VALE_POLLING_ENABLE:
	case NETMAP_REQ_VALE_POLLING_DISABLE:
		return sizeof(struct nmreq_vale_polling);
	case NETMAP_REQ_POOLS_INFO_GET:
		return sizeof(struct nmreq_pools_info);
	case NETMAP_REQ_SYNC_KLOOP_START:
		return sizeof(struct nmreq_sync_kloop_start);
	case NETMAP_REQ_VALE_DELIF:
	case NETMAP_REQ_SYNC_KLOOP_STOP:
	case NETMAP_REQ_CSB_ENABLE:
		return 0;
	default:
		return -1;
	}
}

/* Total size (header included) of an option, from its type. */
static u64 nm_opt_size(const struct nmreq_option *o)
{
	switch (o->nro_reqtype) {
	case NETMAP_REQ_OPT_EXTMEM:
		return sizeof(struct nmreq_opt_extmem);
	case NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS:
		return max_t(u64, o->nro_size, sizeof(*o));
	case NETMAP_REQ_OPT_CSB:
		return sizeof(struct nmreq_opt_csb);
	case NETMAP_REQ_OPT_SYNC_KLOOP_MODE:
		return sizeof(struct nmreq_opt_sync_kloop_mode);
	case NETMAP_REQ_OPT_OFFSETS:
		return sizeof(struct nmreq_opt_offsets);
	default:
		return sizeof(*o);
	}
}

/* One copied-in request: body and options share one buffer. */
struct nm_kreq {
	u8 *buf;			/* NETMAP_REQ_MAXSIZE bytes */
	size_t used;
	void *body;
	int body_size;
	int nopts;
	struct {
		u64 uptr;
		struct nmreq_option *k;
		u64 size;
	} opt[NETMAP_REQ_MAXSIZE / sizeof(struct nmreq_option)];
	struct nm_opts opts;
};

static void *nm_kreq_take(struct nm_kreq *r, u64 size)
{
	void *p;

	if (size > NETMAP_REQ_MAXSIZE - r->used)
		return NULL;
	p = r->buf + r->used;
	r->used += ALIGN(size, 8);
	if (r->used > NETMAP_REQ_MAXSIZE)
		r->used = NETMAP_REQ_MAXSIZE;
	return p;
}

static int nm_copyin_option(struct nm_kreq *r, u64 uptr)
{
	struct nmreq_option *o;
	u64 size;
	int i = r->nopts;

	o = nm_kreq_take(r, sizeof(*o));
	if (!o || i >= ARRAY_SIZE(r->opt))
		return -EMSGSIZE;
	if (copy_from_user(o, u64_to_user_ptr(uptr), sizeof(*o)))
		return -EFAULT;
	r->opt[i].uptr = uptr;
	r->opt[i].k = o;
	r->opt[i].size = sizeof(*o);
	r->nopts++;
	o->nro_status = EOPNOTSUPP;
	if (o->nro_reqtype == 0) {
		o->nro_status = EINVAL;
		return -EINVAL;
	}
	if (o->nro_size > NETMAP_REQ_MAXSIZE) {
		o->nro_status = EMSGSIZE;
		return -EMSGSIZE;
	}
	size = nm_opt_size(o);
	if (size > sizeof(*o)) {
		if (size - sizeof(*o) > NETMAP_REQ_MAXSIZE - r->used) {
			o->nro_status = EMSGSIZE;
			return -EMSGSIZE;
		}
		nm_kreq_take(r, size - sizeof(*o));
		if (copy_from_user(o + 1, u64_to_user_ptr(uptr + sizeof(*o)),
				   size - sizeof(*o)))
			return -EFAULT;
		r->opt[i].size = size;
	}
	if (o->nro_reqtype < NETMAP_REQ_OPT_MAX) {
		struct nmreq_option *prev = r->opts.opt[o->nro_reqtype];

		if (prev) {
			prev->nro_status = EINVAL;
			o->nro_status = EINVAL;
			return -EINVAL;
		}
		r->opts.opt[o->nro_reqtype] = o;
	} else {
		r->opts.unknown++;
	}
	return 0;
}

static int nm_copyin(struct nm_kreq *r, const struct nmreq_header *hdr)
{
	u64 uptr = hdr->nr_options;
	int err;

	r->body_size = nm_body_size(hdr->nr_reqtype);
	if (r->body_size < 0) {
		nm_info_rl("unknown request type %u\n", hdr->nr_reqtype);
		return -EINVAL;
	}
	if (!!r->body_size != !!hdr->nr_body) {
		nm_info_rl("request %u: %s body pointer\n", hdr->nr_reqtype,
			   r->body_size ? "missing" : "unexpected");
		return -EINVAL;
	}
	if (r->body_size) {
		r->body = nm_kreq_take(r, r->body_size);
		if (copy_from_user(r->body, u64_to_user_ptr(hdr->nr_body),
				   r->body_size))
			return -EFAULT;
	}
	while (uptr) {
		err = nm_copyin_option(r, uptr);
		if (err)
			return err;
		uptr = r->opt[r->nopts - 1].k->nro_next;
	}
	return 0;
}

/* Write back option headers always, bodies only on success (ABI.md §6.2). */
static int nm_copyout(struct nm_kreq *r, const struct nmreq_header *hdr, int err)
{
	int i, ret = 0;

	if (!err && r->body_size &&
	    copy_to_user(u64_to_user_ptr(hdr->nr_body), r->body, r->body_size))
		ret = -EFAULT;
	for (i = 0; i < r->nopts; i++) {
		struct nmreq_option *o = r->opt[i].k;
		u64 size = sizeof(*o);

		if (!err && o->nro_status == 0)
			size = r->opt[i].size;
		if (copy_to_user(u64_to_user_ptr(r->opt[i].uptr), o, size))
			ret = -EFAULT;
	}
	return ret;
}

static int nm_check_version(const struct nmreq_header *hdr)
{
	if (hdr->nr_version < NETMAP_MIN_API || hdr->nr_version > NETMAP_MAX_API) {
		nm_info_rl("unsupported API version %u (want %d..%d)\n",
			   hdr->nr_version, NETMAP_MIN_API, NETMAP_MAX_API);
		return -EINVAL;
	}
	if (hdr->nr_reserved) {
		nm_info_rl("non-zero nr_reserved in request header\n");
		return -EINVAL;
	}
	return 0;
}

static int nm_ctrl_run(struct nm_priv *priv, struct nmreq_header *hdr)
{
	struct nm_kreq *r;
	int err, cerr;

	err = nm_check_version(hdr);
	if (err)
		return err;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->buf = kzalloc(NETMAP_REQ_MAXSIZE, GFP_KERNEL);
	if (!r->buf) {
		err = -ENOMEM;
		goto out_free_req;
	}
	err = nm_copyin(r, hdr);
	if (!err)
		err = nm_ctrl_dispatch(priv, hdr, r->body, &r->opts);
	cerr = nm_copyout(r, hdr, err);
	if (!err)
		err = cerr;
	kfree(r->buf);
out_free_req:
	kfree(r);
	return err;
}

long nm_ioctl_ctrl(struct nm_priv *priv, void __user *uarg)
{
	struct nmreq_header hdr;
	u64 ubody, uopts;
	int err;

	if (!uarg)
		return -EINVAL;
	if (copy_from_user(&hdr, uarg, sizeof(hdr)))
		return -EFAULT;
	ubody = hdr.nr_body;
	uopts = hdr.nr_options;
	hdr.nr_name[sizeof(hdr.nr_name) - 1] = '\0';
	err = nm_ctrl_run(priv, &hdr);
	hdr.nr_body = ubody;
	hdr.nr_options = uopts;
	hdr.nr_reserved = 0;
	if (copy_to_user(uarg, &hdr, sizeof(hdr)) && !err)
		err = -EFAULT;
	return err;
}
