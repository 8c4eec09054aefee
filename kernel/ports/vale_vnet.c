// SPDX-License-Identifier: GPL-2.0
/*
 * Virtio-net headers on VALE ports (ABI.md §6.7, §14): NETMAP_REQ_
 * PORT_HDR_SET gives a virtual port a header of 0, 10 or 12 bytes in front
 * of every frame, in the host's byte order. A frame whose header asks for
 * segmentation (gso_type) or a checksum (NEEDS_CSUM) cannot go as it is to
 * a port without a header: it becomes a socket buffer, the header applied
 * with the kernel's own virtio_net_hdr_to_skb() (which treats it as
 * untrusted), then segmented and checksummed in software (nm_skb_wire()).
 * Frames the kernel refuses are dropped. This runs in the sender's context
 * (it may sleep), before any destination lock is taken, once per frame and
 * batch whatever the number of header-less destinations.
 */
#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/skbuff.h>
#include <linux/virtio_net.h>

#include "vale.h"
#include "../linux/skb_ring.h"

/* Segments a frame may turn into; beyond, it is dropped. */
#define NM_VNET_MAXSEGS	512

bool nm_vnet_needs_sw(const void *hdr)
{
	const struct virtio_net_hdr *vh = hdr;

	return vh->gso_type != VIRTIO_NET_HDR_GSO_NONE ||
	       (vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM);
}

static void nm_vnet_drop(struct nm_kring *k, const char *why)
{
	nm_info_rl("%s: a frame with a virtio-net header dropped: %s\n",
		   k->na->name, why);
}

/* The socket buffer of entry @e, its @sh header bytes applied. */
static struct sk_buff *nm_vnet_skb(struct nm_kring *k,
				   const struct nm_vfwd_entry *e, u32 sh)
{
	struct nm_mem *mem = k->na->mem;
	struct virtio_net_hdr vh;
	struct sk_buff *skb;
	u32 i = e->slot, f, len = e->len - sh, skip = sh;

	memcpy(&vh, nm_mem_buf_addr(mem, k->ring->slot[i].buf_idx), sizeof(vh));
	if (vh.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		if (!(vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) {
			nm_vnet_drop(k, "segmentation without NEEDS_CSUM");
			return NULL;
		}
		if (!vh.gso_size || DIV_ROUND_UP(len, vh.gso_size) > NM_VNET_MAXSEGS) {
			nm_vnet_drop(k, "gso_size out of range");
			return NULL;
		}
	}
	skb = alloc_skb(len, GFP_KERNEL | __GFP_NOWARN);
	if (!skb)
		return NULL;
	for (f = 0; f < e->nslots && len; f++, i = nm_next(i, k->num_slots)) {
		struct netmap_slot *s = &k->ring->slot[i];
		u32 c = min(len, nm_vslot_len(s, nm_mem_buf_size(mem), skip));

		skb_put_data(skb, nm_mem_buf_addr(mem, s->buf_idx) + skip, c);
		len -= c;
		skip = 0;
	}
	if (skb->len < ETH_HLEN) {
		kfree_skb(skb);
		return NULL;
	}
	skb_reset_mac_header(skb);
	skb->protocol = eth_hdr(skb)->h_proto;
	skb_set_network_header(skb, ETH_HLEN);
	skb_reset_mac_len(skb);
	if (virtio_net_hdr_to_skb(skb, &vh, true)) {
		nm_vnet_drop(k, "refused by virtio_net_hdr_to_skb()");
		kfree_skb(skb);
		return NULL;
	}
	return skb;
}

/* Build @e's frames as on the wire (none if it is refused). */
void nm_vnet_wire(struct nm_kring *k, struct nm_vfwd_entry *e, u32 sh)
{
	struct sk_buff *skb = nm_vnet_skb(k, e, sh);

	e->wire = skb ? nm_skb_wire(skb, true) : NULL;
	e->wired = true;
}

/* Free the wire frames built for batch @f. */
void nm_vnet_unwire(struct nm_vfwd *f)
{
	u32 i;

	for (i = 0; f->nsw && i < f->nent; i++) {
		struct nm_vfwd_entry *e = &f->ent[i];

		if (e->wired)
			kfree_skb_list(e->wire);
		e->wired = false;
		e->wire = NULL;
	}
}

/*
 * NETMAP_REQ_PORT_HDR_SET: only existing virtual VALE ports (ENXIO when
 * there is no such port, EINVAL for NICs). Under nm_lock.
 */
int nm_vale_port_hdr_set(const char *name, u32 len)
{
	struct nm_vport *vp = NULL;
	struct net_device *dev;

	lockdep_assert_held(&nm_lock);
	if (len != 0 && len != sizeof(struct virtio_net_hdr) &&
	    len != sizeof(struct virtio_net_hdr_mrg_rxbuf)) {
		nm_info_rl("%s: virtio-net header length %u (0, 10 or 12)\n",
			   name, len);
		return -EINVAL;
	}
	if (!strncmp(name, NM_BDG_NAME, 3)) {
		struct nm_vale_sw *sw;
		const char *port;
		int err = nm_vale_port_by_name(name, &sw, &vp, &port);

		if (err)
			return err;
	} else {
		dev = dev_get_by_name(current->nsproxy->net_ns, name);
		if (dev) {
			vp = nm_vif_port(dev);
			dev_put(dev);
			if (!vp) {
				nm_info_rl("%s: virtio-net headers are for VALE ports\n",
					   name);
				return -EINVAL;
			}
		}
	}
	if (!vp) {
		nm_info_rl("%s: no such VALE port\n", name);
		return -ENXIO;
	}
	if (vp->hw) {
		nm_info_rl("%s: a NIC port has no virtio-net header\n", name);
		return -EINVAL;
	}
	WRITE_ONCE(vp->up.virt_hdr_len, len);
	return 0;
}
