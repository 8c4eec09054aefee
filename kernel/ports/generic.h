/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The emulated adapter's state, shared by its lifecycle/receive half
 * (generic.c) and its transmit half (generic_tx.c).
 */
#ifndef NM_PORTS_GENERIC_H
#define NM_PORTS_GENERIC_H

#include <linux/hrtimer.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/timer.h>

#include "../core/nm_kern.h"
#include "../linux/host.h"

struct nm_generic_rx {
	struct sk_buff_head q;		/* frames not yet imported (own lock) */
	struct hrtimer mit_timer;
	unsigned long mit;		/* NM_MIT_* bits (generic.c) */
	struct nm_kring *kring;
};

#define NM_NO_EVENT	U32_MAX

/*
 * Transmit state of one TX ring; pool[] and ev_slot change only under the
 * ring's sync_lock (txsync, or unbind when no sync can run).
 */
struct nm_generic_tx {
	/* Per slot: the socket buffer last sent from it, kept for reuse. */
	struct sk_buff **pool;
	/* The one buffer sent without our reference, to be told its end. */
	u32 ev_slot;
	int ev_done;			/* set by its destructor */
	struct timer_list kick;		/* re-polls a ring waiting without event */
	struct nm_kring *kring;
};

struct nm_generic {
	struct nm_adapter up;
	struct net_device *dev;		/* RTNL; NULL once the device is gone */
	struct list_head link;		/* nm_generic_list, under nm_lock */
	struct list_head dev_link;	/* nm_generic_devs while dev is set, RTNL */
	bool attached;			/* RTNL: rx_handler registered */
	struct nm_generic_rx *rx;	/* per RX ring */
	struct nm_generic_tx *tx;	/* per TX ring */
	wait_queue_head_t drain_wq;	/* woken when an event buffer ends */
	struct nm_host host;		/* host rings */
};

static inline struct nm_generic *to_generic(struct nm_adapter *na)
{
	return container_of(na, struct nm_generic, up);
}

/* generic_tx.c */
extern int nm_generic_txqdisc;
int nm_generic_tx_init(struct nm_generic *g);
void nm_generic_tx_drain(struct nm_generic *g);
void nm_generic_tx_fini(struct nm_generic *g);
int nm_generic_txsync(struct nm_kring *k, int flags);
bool nm_generic_own_skb(const struct sk_buff *skb);

#endif
