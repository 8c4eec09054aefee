/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VALE switches and their ports (vale.c), and the learning forwarder
 * (vale_fwd.c).
 *
 * Port kinds in a switch: virtual ports (ephemeral, or persistent ones made
 * by NEWIF: vale_vif.c) whose rings netmap fds bind, and NIC attachments
 * (the NIC, and optionally its host stack as a second port: vale_nic.c)
 * whose rings the switch binds itself.
 *
 * Locking:
 *  - nm_lock: the switch tables, a switch's port array (writers), a port's
 *    switch (vp->sw), port creation, attach, detach and destruction;
 *  - SRCU (nm_vale_srcu): senders read a switch's port array, the ports in
 *    it and their vp->sw inside one read section (they may sleep there:
 *    delivering to a NIC takes its TX ring's sync_lock); a port leaves the
 *    array and a switch loses its last port before a grace period, then
 *    is freed;
 *  - struct nm_vrx lock (spinlock, BH off): one RX ring's producer side,
 *    shared by every sender copying into the ring and by the ring's rxsync.
 *    A sender never holds two of them;
 *  - a NIC's TX ring (the way out of a NIC port) is filled under its
 *    sync_lock, nested inside the sender's own ring lock;
 *  - the learning table: one u64 per entry, read and written whole
 *    (READ_ONCE/WRITE_ONCE), no lock: a racing update loses one entry.
 */
#ifndef NM_PORTS_VALE_H
#define NM_PORTS_VALE_H

#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "../core/nm_kern.h"

#define NM_VALE_MAXPORTS	254	/* port indices 0..253 */
#define NM_VALE_BCAST		254	/* "every port but the sender" */
#define NM_VALE_NOPORT		255
#define NM_VALE_MAXRINGS	16
#define NM_VALE_FT_SIZE		1024	/* learning table entries */
#define NM_VALE_MAXSWITCHES	64	/* hard cap of the max_bridges parameter */

struct nm_vport;
struct nm_vale_net;

struct nm_vale_sw {
	char name[IFNAMSIZ];
	/* nm_lock: its namespace's table, or NULL and on the orphan list */
	struct nm_vale_net *table;
	struct list_head orphan;
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
	u32 len;			/* bytes in its slots, header included */
	bool sw;			/* its header asks for segmentation or a checksum */
	bool wired;			/* @wire is built (vale_vnet.c) */
	struct sk_buff *wire;		/* its frames as on the wire, or NULL */
};

struct nm_vfwd {
	u32 nent;
	u32 nsw;			/* entries with @sw set */
	u16 first[NM_VALE_MAXPORTS + 1];	/* per destination, BCAST last */
	u16 last[NM_VALE_MAXPORTS + 1];
	struct nm_vfwd_entry ent[];
};

#define NM_VFWD_NONE	0xffff

/*
 * The NIC side of a NIC attachment (or its host-stack side): frames enter
 * the switch from the @nsrc rings at @src (the NIC's RX rings, or its host
 * RX ring) and leave it by the @ndst rings at @dst (NIC TX rings, or the
 * host TX ring), all bound by the switch through @priv of the NIC port.
 */
struct nm_vhw {
	struct nm_adapter *na;		/* the NIC's port */
	struct nm_kring *src, *dst;
	u32 nsrc, ndst;
	struct nm_vfwd **fwd;		/* per source ring, under its sync_lock */
	struct wait_queue_entry *wait;	/* per source ring, on its wait queue */
	struct work_struct work;	/* pulls the source rings into the switch */
	struct wait_queue_entry *kwait;	/* per destination ring, on its wait queue */
	struct work_struct kick;	/* resumes the destination rings' sends */
	struct nm_vport *host;		/* NIC side: the host-stack port or NULL */
	struct nm_priv priv;		/* NIC side: the switch's binding */
	struct nm_vpoll *poll;		/* polling threads (nm_lock), or NULL */
	u32 npoll;
};

struct nm_vport {
	struct nm_adapter up;		/* virtual ports: what fds bind */
	char swname[NETMAP_REQ_IFNAMSIZ];	/* the name in its switch */
	struct nm_vale_sw __rcu *sw;	/* nm_lock; SRCU; NULL: in no switch */
	u32 index;			/* in sw->ports */
	u32 batch;			/* bridge_batch at creation */
	struct nm_vrx rx[NM_VALE_MAXRINGS];
	struct nm_vfwd *fwd[NM_VALE_MAXRINGS];
	struct nm_vhw *hw;		/* NIC attachments, else NULL */
	struct net_device *vif;		/* persistent ports: their interface */
	struct list_head vifs;		/* persistent ports, under nm_lock */
};

static inline struct nm_vport *to_vport(struct nm_adapter *na)
{
	return container_of(na, struct nm_vport, up);
}

extern struct srcu_struct nm_vale_srcu;

/* vale.c */
int nm_vale_sw_get(const char *name, bool create, struct nm_vale_sw **out,
		   const char **port);
void nm_vale_sw_put_if_empty(struct nm_vale_sw *sw);
int nm_vale_join(struct nm_vale_sw *sw, struct nm_vport *vp);
struct nm_vale_sw *nm_vale_leave(struct nm_vport *vp);
struct nm_vport *nm_vale_find_port(struct nm_vale_sw *sw, const char *name);
int nm_vale_port_by_name(const char *name, struct nm_vale_sw **sw,
			 struct nm_vport **vp, const char **port);
int nm_vport_new(const char *name, const u32 rings[NR_TXRX],
		 const u32 slots[NR_TXRX], u16 mem_id, struct nm_vport **out);
struct nm_vfwd *nm_vfwd_alloc(u32 batch);
int nm_vale_list(struct nmreq_header *hdr, struct nmreq_vale_list *l);

/* vale_ctl.c */
void nm_vale_sw_detach_all(struct nm_vale_sw *sw);

/* One destination ring being filled (its producer lock held). */
struct nm_vdst {
	struct netmap_ring *ring;
	const struct nm_buf_view *bufs;	/* its kring's */
	u32 n, bufsz;
	u32 pos;			/* next free slot */
	u32 space;			/* free slots from @pos on */
	u32 hdr;			/* its port's virtio-net header length */
	bool nic;			/* a NIC's TX ring: no fragment count */
};

/* The virtio-net header length of a port's frames (0 for NIC ports). */
static inline u32 nm_vport_hdr(const struct nm_vport *vp)
{
	return vp->hw ? 0 : READ_ONCE(vp->up.virt_hdr_len);
}

/*
 * The bytes of a sender's slot past its first @skip, read once: the slot
 * is in shared memory and its owner may rewrite it at any time.
 */
static inline u32 nm_vslot_len(const struct netmap_slot *s, u32 bufsz, u32 skip)
{
	return clamp(READ_ONCE(s->len), skip, bufsz) - skip;
}

/* vale_copy.c */
bool nm_vale_copy(struct nm_kring *k, const struct nm_vfwd_entry *e, u32 sh,
		  struct nm_vdst *d);

/* vale_vnet.c */
bool nm_vnet_needs_sw(const void *hdr);
void nm_vnet_wire(struct nm_kring *k, struct nm_vfwd_entry *e, u32 sh);
void nm_vnet_unwire(struct nm_vfwd *f);

/* vale_fwd.c */
int nm_vale_txsync(struct nm_kring *k, int flags);
int nm_vale_rxsync(struct nm_kring *k, int flags);
void nm_vale_forward(struct nm_vport *vp, struct nm_vfwd *f,
		     struct nm_kring *k, u32 from, u32 to);
void nm_vale_forget(struct nm_vale_sw *sw, u32 port);

/* vale_vif.c: persistent ports */
struct nm_vport *nm_vif_port(struct net_device *dev);
int nm_vale_newif(struct nmreq_header *hdr, struct nmreq_vale_newif *nif);
int nm_vale_delif(struct nmreq_header *hdr);
void nm_vif_exit(void);

/* vale_nic.c: NIC attachments */
int nm_vnic_attach(struct nm_vale_sw *sw, struct net_device *dev, u32 mode,
		   struct nmreq_register *reg, struct nm_vport **out);
void nm_vnic_detach(struct nm_vport *vp);
bool nm_vnic_is_host(struct nm_vport *vp);
void nm_vnic_exit(void);
u32 nm_vhw_pull(struct nm_vport *vp, u32 i, bool *more);
void nm_vhw_start(struct nm_vhw *hw);
void nm_vhw_stop(struct nm_vhw *hw);

/* vale_poll.c: polling threads of NIC attachments */
int nm_vpoll_enable(struct nm_vport *vp, const struct nmreq_vale_polling *req);
void nm_vpoll_disable(struct nm_vport *vp);

#endif /* NM_PORTS_VALE_H */
