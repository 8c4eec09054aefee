/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VALE switches and their ports (vale.c), and the learning forwarder
 * (vale_fwd.c).
 *
 * Locking:
 *  - nm_lock: the switch table, a switch's port array (writers), port
 *    creation and destruction;
 *  - RCU: senders read a switch's port array and the ports in it; a port
 *    leaves the array before a grace period, then is freed;
 *  - struct nm_vrx lock (spinlock, BH off): one RX ring's producer side,
 *    shared by every sender copying into the ring and by the ring's rxsync.
 *    A sender never holds two of them;
 *  - the learning table: one u64 per entry, read and written whole
 *    (READ_ONCE/WRITE_ONCE), no lock: a racing update loses one entry.
 */
#ifndef NM_PORTS_VALE_H
#define NM_PORTS_VALE_H

#include <linux/rcupdate.h>
#include <linux/spinlock.h>

#include "../core/nm_kern.h"

#define NM_VALE_MAXPORTS	254	/* port indices 0..253 */
#define NM_VALE_BCAST		254	/* "every port but the sender" */
#define NM_VALE_NOPORT		255
#define NM_VALE_MAXRINGS	16
#define NM_VALE_FT_SIZE		1024	/* learning table entries */
#define NM_VALE_MAXSWITCHES	64	/* hard cap of the max_bridges parameter */

struct nm_vport;

struct nm_vale_sw {
	char name[IFNAMSIZ];
	u32 index;			/* in the switch table */
	u32 nports;			/* nm_lock */
	struct nm_vport __rcu *ports[NM_VALE_MAXPORTS];	/* nm_lock; RCU */
	/* Learning table: MAC << 16 | 1 << 8 (valid) | port index. */
	u64 ft[NM_VALE_FT_SIZE];
};

/* The producer side of one RX ring of a port. */
struct nm_vrx {
	spinlock_t lock;		/* guards on, tail and the ring's free slots */
	bool on;			/* the port is registered: ring objects exist */
	u32 tail;			/* next free slot (the ring's hwtail to be) */
};

/* A sender's batch (one per TX ring, used under its sync_lock). */
struct nm_vfwd_entry {
	u32 slot;			/* first slot of the frame */
	u16 nslots;
	u16 next;			/* next entry for the same destination */
};

struct nm_vfwd {
	u32 nent;
	u16 first[NM_VALE_MAXPORTS + 1];	/* per destination, BCAST last */
	u16 last[NM_VALE_MAXPORTS + 1];
	struct nm_vfwd_entry ent[];
};

#define NM_VFWD_NONE	0xffff

struct nm_vport {
	struct nm_adapter up;
	struct nm_vale_sw *sw;
	u32 index;
	u32 batch;			/* bridge_batch at creation */
	struct nm_vrx rx[NM_VALE_MAXRINGS];
	struct nm_vfwd *fwd[NM_VALE_MAXRINGS];
	struct rcu_head rcu;
};

static inline struct nm_vport *to_vport(struct nm_adapter *na)
{
	return container_of(na, struct nm_vport, up);
}

/* vale_fwd.c */
int nm_vale_txsync(struct nm_kring *k, int flags);
int nm_vale_rxsync(struct nm_kring *k, int flags);
void nm_vale_forget(struct nm_vale_sw *sw, u32 port);

#endif /* NM_PORTS_VALE_H */
