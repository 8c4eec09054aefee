/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host stack rings of a port that lives on a Linux network device: frames
 * the stack sends through the device land on the host RX rings, frames the
 * program writes to the host TX rings enter the stack as if received.
 */
#ifndef NM_LINUX_HOST_H
#define NM_LINUX_HOST_H

#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>

#include "../core/nm_kern.h"

struct nm_host {
	struct nm_adapter *na;
	/* The device; NULL once it is gone (written by the port, read by syncs). */
	struct net_device *netdev;
	struct sk_buff_head *rxq;	/* per host RX ring: frames from the stack */
	/* Frames the port itself transmits: the hook lets them through. */
	bool (*own_skb)(const struct sk_buff *skb);
	/* RTNL: the egress hook on the device, while the port is in use. */
	struct nf_hook_ops hook;
	bool hooked;
};

/* Host rings a port on a network device gets (0 if the kernel cannot). */
u32 nm_host_rings_avail(void);
int nm_host_init(struct nm_host *h, struct nm_adapter *na,
		 struct net_device *dev,
		 bool (*own_skb)(const struct sk_buff *skb));
/* The device went away: host syncs fail (EIO) from now on. */
static inline void nm_host_forget(struct nm_host *h)
{
	WRITE_ONCE(h->netdev, NULL);
}

void nm_host_fini(struct nm_host *h);
int nm_host_attach(struct nm_host *h, struct net_device *dev);
void nm_host_detach(struct nm_host *h);
void nm_host_purge(struct nm_host *h);
/* The host-ring operations of struct nm_adapter_ops, for every such port. */
int nm_host_txsync(struct nm_kring *k, int flags);
int nm_host_rxsync(struct nm_kring *k, int flags);
void nm_host_send(struct nm_adapter *na, const void *frame, u32 len);

/* Frames netmap injected into the stack: the port's receive hook passes them. */
static inline bool nm_host_injected(struct sk_buff *skb);

#include "skb_ring.h"

static inline bool nm_host_injected(struct sk_buff *skb)
{
	if (likely(skb->priority != NM_SKB_PRIO_INJECTED))
		return false;
	skb->priority = 0;
	return true;
}

#endif
