// SPDX-License-Identifier: GPL-2.0
/*
 * Writing one forwarded frame into a destination ring (vale_fwd.c holds
 * the ring's producer lock). Between ports with the same header length the
 * sender's slots are copied one for one; otherwise (or into smaller
 * buffers) the frame's bytes are laid out afresh: every slot full but the
 * last. NS_MOREFRAG marks all slots of a frame but the last, the slot count
 * is in the high byte of the flags (not on a NIC's TX ring). Between ports
 * whose virtio-net header lengths differ, the destination gets a header of
 * its own length: the source's first 10 bytes (or zeros), num_buffers 1 in
 * a 12-byte one; a frame whose header asks for segmentation or a checksum
 * goes to a header-less port as the frames it would be on the wire
 * (vale_vnet.c).
 */
#include <linux/skbuff.h>
#include <linux/virtio_net.h>

#include "vale.h"

/* A frame being written into the slots of a destination ring. */
struct nm_vw {
	struct nm_vdst *d;
	struct netmap_slot *slot;
	u8 *buf;
	u32 off;			/* bytes in the current slot */
	u32 left;			/* bytes still to write */
	u16 count;			/* the high byte of every slot's flags */
};

static u32 nm_vw_slots(const struct nm_vdst *d, u32 len)
{
	return max_t(u32, DIV_ROUND_UP(len, d->bufsz), 1);
}

static void nm_vw_begin(struct nm_vw *w, struct nm_vdst *d, u32 len)
{
	w->d = d;
	w->slot = &d->ring->slot[d->pos];
	w->buf = nm_buf_addr(d->bufs, w->slot->buf_idx);
	w->off = 0;
	w->left = len;
	w->count = d->nic ? 0 : nm_vw_slots(d, len) << 8;
}

/* Close the current slot; open the next one if bytes are left. */
static void nm_vw_next(struct nm_vw *w)
{
	struct nm_vdst *d = w->d;

	w->slot->len = w->off;
	w->slot->flags = w->count | (w->left ? NS_MOREFRAG : 0);
	d->pos = nm_next(d->pos, d->n);
	d->space--;
	if (!w->left)
		return;
	w->slot = &d->ring->slot[d->pos];
	w->buf = nm_buf_addr(d->bufs, w->slot->buf_idx);
	w->off = 0;
}

/* Room in the current slot for up to @len more bytes (the caller copies). */
static u8 *nm_vw_room(struct nm_vw *w, u32 *len)
{
	if (w->off == w->d->bufsz)
		nm_vw_next(w);
	*len = min3(*len, w->d->bufsz - w->off, w->left);
	return w->buf + w->off;
}

static void nm_vw_done(struct nm_vw *w, u32 len)
{
	w->off += len;
	w->left -= len;
}

static void nm_vw_write(struct nm_vw *w, const void *src, u32 len)
{
	while (len && w->left) {
		u32 c = len;
		u8 *dst = nm_vw_room(w, &c);

		memcpy(dst, src, c);
		nm_vw_done(w, c);
		src += c;
		len -= c;
	}
}

static void nm_vw_end(struct nm_vw *w)
{
	w->left = 0;
	nm_vw_next(w);
}

/* The frames of @e's wire list, each in its own run of slots. */
static bool nm_vcopy_wire(const struct nm_vfwd_entry *e, struct nm_vdst *d)
{
	struct sk_buff *seg;
	u32 need = 0;

	for (seg = e->wire; seg; seg = seg->next)
		need += nm_vw_slots(d, seg->len);
	if (need > d->space)
		return false;
	for (seg = e->wire; seg; seg = seg->next) {
		struct nm_vw w;
		u32 off = 0;

		if (nm_vw_slots(d, seg->len) > NETMAP_MAX_FRAGS)
			continue;
		nm_vw_begin(&w, d, seg->len);
		while (off < seg->len) {
			u32 c = seg->len - off;
			u8 *dst = nm_vw_room(&w, &c);

			if (skb_copy_bits(seg, off, dst, c))
				memset(dst, 0, c);	/* cannot happen: len checked */
			nm_vw_done(&w, c);
			off += c;
		}
		nm_vw_end(&w);
	}
	return true;
}

/*
 * Same header length, destination buffers as large as the source's: one
 * destination slot per source slot, the sender's fragments kept.
 */
static bool nm_vcopy_slots(struct nm_kring *k, const struct nm_vfwd_entry *e,
			   struct nm_vdst *d)
{
	u32 sbufsz = k->bufs.size, i = e->slot, f;
	u16 count = d->nic ? 0 : e->nslots << 8;

	if (e->nslots > d->space)
		return false;
	for (f = 0; f < e->nslots; f++, i = nm_next(i, k->num_slots)) {
		struct netmap_slot *s = &k->ring->slot[i];
		struct netmap_slot *ds = &d->ring->slot[d->pos];
		u32 len = nm_vslot_len(s, sbufsz, 0);

		memcpy(nm_buf_addr(d->bufs, ds->buf_idx),
		       nm_kring_buf(k, s->buf_idx), len);
		ds->len = len;
		ds->flags = count | (f + 1 < e->nslots ? NS_MOREFRAG : 0);
		d->pos = nm_next(d->pos, d->n);
	}
	d->space -= e->nslots;
	return true;
}

/*
 * Copy frame @e of ring @k (whose port's frames carry @sh header bytes)
 * into @d. Returns false if it does not fit (nothing written then).
 */
bool nm_vale_copy(struct nm_kring *k, const struct nm_vfwd_entry *e, u32 sh,
		  struct nm_vdst *d)
{
	struct netmap_slot *s = &k->ring->slot[e->slot];
	u8 hdr[sizeof(struct virtio_net_hdr_mrg_rxbuf)] = { };
	u32 skip = 0, hlen = 0, i = e->slot, f, total;
	struct nm_vw w;

	if (sh == d->hdr && k->bufs.size <= d->bufsz)
		return nm_vcopy_slots(k, e, d);
	if (sh != d->hdr) {
		if (!d->hdr && e->sw)
			return e->wired ? nm_vcopy_wire(e, d) : true;
		/* Rewrite the header: the first slot holds all of it. */
		skip = sh;
		hlen = d->hdr;
		if (sh)
			memcpy(hdr, nm_kring_buf(k, s->buf_idx),
			       min_t(u32, sh, sizeof(struct virtio_net_hdr)));
		if (hlen == sizeof(struct virtio_net_hdr_mrg_rxbuf))
			hdr[sizeof(struct virtio_net_hdr)] = 1;	/* num_buffers, LE */
	}
	total = e->len - skip + hlen;
	if (nm_vw_slots(d, total) > d->space ||
	    nm_vw_slots(d, total) > NETMAP_MAX_FRAGS)
		return false;
	nm_vw_begin(&w, d, total);
	nm_vw_write(&w, hdr, hlen);
	for (f = 0; f < e->nslots; f++, i = nm_next(i, k->num_slots)) {
		s = &k->ring->slot[i];
		nm_vw_write(&w, nm_kring_buf(k, s->buf_idx) + skip,
			    nm_vslot_len(s, k->bufs.size, skip));
		skip = 0;
	}
	nm_vw_end(&w);
	return true;
}
