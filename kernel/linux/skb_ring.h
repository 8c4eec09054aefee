/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copies between socket buffers and netmap ring slots, for the ports that
 * live on a Linux network device (the emulated adapter, host rings).
 */
#ifndef NM_LINUX_SKB_RING_H
#define NM_LINUX_SKB_RING_H

#include <linux/skbuff.h>

#include "../core/nm_kern.h"

/*
 * skb->priority of frames netmap hands to the host stack, so that the port's
 * own receive hook lets them through (and puts the priority back to 0).
 */
#define NM_SKB_PRIO_INJECTED	0x4e4d0001u

void nm_skbq_to_ring(struct nm_kring *k, struct sk_buff_head *q);
u32 nm_tx_frame(struct nm_kring *k, u32 i, u32 *len);
void nm_ring_copy_to_skb(struct nm_kring *k, u32 i, u32 nslots,
			 struct sk_buff *skb);
struct sk_buff *nm_ring_to_skb(struct nm_kring *k, u32 i, u32 nslots, u32 len,
			       struct net_device *dev);
void nm_skb_to_stack(struct sk_buff *skb, struct net_device *dev);
struct sk_buff *nm_skb_wire(struct sk_buff *skb, bool csum);

#endif
