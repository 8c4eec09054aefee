/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netmap kernel object model: ports (adapters), their rings (krings), the
 * per-file state (priv) and the control requests.
 *
 * Locking, in order of acquisition:
 *  - nm_lock (global mutex): the port registries, adapter refcounts,
 *    binding and unbinding (kring user counts, exclusive marks, ring objects,
 *    netmap_if objects). Never taken in a sync path.
 *  - kring->sync_lock (mutex): serialises the syncs of one ring (ioctl and
 *    poll of every fd bound to it) and its "stopped" state.
 *  - region buffer locks (inside mem.c): leaf spinlocks.
 * Pipe endpoints exchange slots without taking each other's sync_lock: see
 * the single-producer/single-consumer rules in ports/pipe.c.
 */
#ifndef NM_CORE_KERN_H
#define NM_CORE_KERN_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/list.h>
#include <linux/poll.h>
#include <net/netmap.h>

#include "mem.h"

#define NM_NAME "netmap"

#define nm_err_rl(fmt, ...) \
	pr_err_ratelimited(NM_NAME ": " fmt, ##__VA_ARGS__)
#define nm_info_rl(fmt, ...) \
	pr_info_ratelimited(NM_NAME ": " fmt, ##__VA_ARGS__)

enum nm_txrx { NR_TX = 0, NR_RX = 1, NR_TXRX = 2 };

static inline const char *nm_txrx_str(enum nm_txrx t)
{
	return t == NR_TX ? "tx" : "rx";
}

#define NM_MAX_RINGS	256	/* per direction, any port kind */
#define NM_MAX_SLOTS	4096
#define NM_DEF_SLOTS	1024

struct nm_adapter;
struct nm_kring;
struct nm_host;

/* Flags for the port sync callbacks. */
#define NM_SYNC_FORCE	0x1	/* ioctl sync: reclaim/read eagerly */
#define NM_SYNC_ALL_TX	0x2	/* the caller's fd binds every NIC TX ring */

/*
 * Kernel state of one ring.
 *
 * The user-visible ring (ring->head, cur, tail, slots in [head, tail)) is
 * owned by userspace between syscalls. hwcur/hwtail/rhead/rcur/rtail are the
 * kernel's copies, only changed under sync_lock (except where a port kind
 * documents otherwise, see pipe.c).
 */
struct nm_kring {
	struct netmap_ring *ring;	/* NULL while no user needs the ring */
	struct nm_adapter *na;
	/* The port's txsync/rxsync for this ring (host rings have their own). */
	int (*sync)(struct nm_kring *kring, int flags);
	u32 num_slots;
	u32 hwcur;			/* first slot not yet consumed by the port */
	u32 hwtail;			/* first slot owned by the kernel */
	u32 rhead, rcur, rtail;		/* user's values seen at the last sync */
	u16 ring_id;			/* index in its direction (host rings last) */
	enum nm_txrx tx;
	bool host;

	u64 offset_mask;		/* 0 unless offsets were negotiated */
	u64 offset_max;
	/*
	 * The region's buffers, copied when the ring object is created (the
	 * region is active, so they cannot change while the ring exists):
	 * slot validation and buffer addresses without calls into mem.c.
	 */
	struct nm_buf_view bufs;

	struct mutex sync_lock;
	bool stopped;			/* port going away: syncs fail (EIO) */
	wait_queue_head_t wq;		/* woken when tail may have moved */

	/* Under nm_lock. */
	int users;			/* fds bound to this ring + internal pins */
	int fd_users;			/* fds only */
	bool exclusive;			/* one fd holds it with NR_EXCLUSIVE */

	/*
	 * Copy monitors watching this ring (ports/monitor.c): struct
	 * nm_mon_link entries. The list changes under nm_lock and sync_lock
	 * both; the copies walk it under sync_lock. While it is not empty,
	 * sync is the monitors' wrapper and mon_sync the port's own sync, so
	 * an unwatched ring pays nothing. mon_seen: first slot not yet copied
	 * (sync_lock).
	 */
	struct list_head monitors;
	int (*mon_sync)(struct nm_kring *kring, int flags);
	u32 mon_seen;

	/* Port-kind private state. */
	struct nm_kring *peer;		/* pipes: the mirrored ring of the other end */
	u32 pipe_tail;			/* pipes, RX: the writer's hwcur (our new hwtail) */
};

struct nm_bind_req;

/*
 * One port. Each port kind fills an nm_adapter_ops and the geometry fields,
 * then calls nm_adapter_init().
 */
struct nm_adapter_ops {
	/* First fd binds (on) / last fd unbinds (off). May be NULL. */
	int (*reg)(struct nm_adapter *na, bool on);
	/* Ring syncs, called with kring->sync_lock held. */
	int (*txsync)(struct nm_kring *kring, int flags);
	int (*rxsync)(struct nm_kring *kring, int flags);
	/* Refcount dropped to zero (under nm_lock): release everything. */
	void (*dtor)(struct nm_adapter *na);
	/*
	 * Ports with host rings (NICs): the host rings' syncs, and handing one
	 * frame to the host stack (transparent mode, fwd.c); any context that
	 * may sleep, with the NIC RX ring's sync_lock held.
	 */
	int (*host_txsync)(struct nm_kring *kring, int flags);
	int (*host_rxsync)(struct nm_kring *kring, int flags);
	void (*host_send)(struct nm_adapter *na, const void *frame, u32 len);
	/*
	 * NICs: polling threads took the RX rings (on = false) or gave them
	 * back (true): the NIC may keep its interrupts off meanwhile; after
	 * giving them back the caller syncs every RX ring once. Process
	 * context, nm_lock held. May be NULL.
	 */
	void (*intr)(struct nm_adapter *na, bool on);
	/*
	 * Ports whose rings share buffers with other rings (pipes). Both may
	 * be NULL; both are called under nm_lock while no sync can run on
	 * @kring. ring_share: @kring's ring object @ring is being created,
	 * header filled in, slots empty; return true after filling the slots
	 * and setting the indices (nm_ring_set_indices()), false to get fresh
	 * buffers. ring_unshare: the ring object is about to be deleted;
	 * return true if another ring now holds all its buffers, false to
	 * have them freed.
	 */
	bool (*ring_share)(struct nm_kring *kring, struct netmap_ring *ring);
	bool (*ring_unshare)(struct nm_kring *kring);
};

struct nm_adapter {
	char name[NETMAP_REQ_IFNAMSIZ];
	const struct nm_adapter_ops *ops;

	/* Geometry, fixed once the adapter is initialised. */
	u32 num_rings[NR_TXRX];		/* NIC (or port) rings */
	u32 num_host_rings[NR_TXRX];	/* 0 for ports without host rings */
	u32 num_slots[NR_TXRX];
	struct nm_kring *krings[NR_TXRX];	/* num_rings + num_host_rings each */

	struct nm_mem *mem;		/* the region, with a reference */
	struct nm_host *host;		/* ports on a net_device: host rings */
	bool offsets_ok;		/* supports NETMAP_REQ_OPT_OFFSETS */
	u32 virt_hdr_len;		/* VALE: PORT_HDR_SET (nm_lock), read with READ_ONCE */

	/* Under nm_lock. */
	int refcount;			/* lookups + bound fds */
	int active_fds;			/* bound fds */
	int mem_active;			/* nm_mem_activate() calls held */

	/* Pipes hanging off this port (pipe.c), under nm_lock. */
	struct list_head pipes;
	int num_pipes;
	/* Monitors opened on this port so far (their names' #n), nm_lock. */
	u32 monitor_id;
};

/* Per-file state. */
struct nm_priv {
	/* Set once by a successful register (release ordering), never changed. */
	struct nm_adapter *na;
	struct netmap_if *nifp;
	u32 first[NR_TXRX], last[NR_TXRX];	/* bound rings: [first, last) */
	u64 flags;				/* NR_* flags of the register */
	bool exclusive;
	u32 extra_bufs;
};

static inline u32 nm_total_rings(const struct nm_adapter *na, enum nm_txrx t)
{
	return na->num_rings[t] + na->num_host_rings[t];
}

/*
 * A ring is "on" while some fd (or internal user) has it bound. Written
 * under nm_lock; port data paths may read it without locks to decide
 * whether a frame is netmap's or the host stack's.
 */
static inline bool nm_kring_on(const struct nm_kring *k)
{
	return READ_ONCE(k->users) > 0;
}

/* true if @x is in the circular interval [a, b] of a ring of @n slots */
static inline bool nm_in_range(u32 x, u32 a, u32 b, u32 n)
{
	if (x >= n)
		return false;
	if (a <= b)
		return x >= a && x <= b;
	return x >= a || x <= b;
}

static inline u32 nm_next(u32 i, u32 n)
{
	return i + 1 == n ? 0 : i + 1;
}

static inline u32 nm_prev(u32 i, u32 n)
{
	return i == 0 ? n - 1 : i - 1;
}

/* Number of slots in the circular interval [a, b). */
static inline u32 nm_dist(u32 a, u32 b, u32 n)
{
	return b >= a ? b - a : b + n - a;
}

extern struct mutex nm_lock;

/* Module parameters (linux/main.c). */
extern int nm_verbose;
extern int nm_no_timestamp;
extern int nm_fwd;

/* adapter.c */
int nm_adapter_init(struct nm_adapter *na, const char *name,
		    const struct nm_adapter_ops *ops, struct nm_mem *mem);
void nm_adapter_fini(struct nm_adapter *na);
void nm_adapter_get(struct nm_adapter *na);
void nm_adapter_put(struct nm_adapter *na);
int nm_rings_get(struct nm_adapter *na, enum nm_txrx t, u32 first, u32 last);
void nm_ring_set_indices(struct nm_kring *k, struct netmap_ring *ring,
			 u32 cur, u32 tail);
void nm_rings_put(struct nm_adapter *na, enum nm_txrx t, u32 first, u32 last);
int nm_adapter_mem_get(struct nm_adapter *na);
void nm_adapter_mem_put(struct nm_adapter *na);
void nm_kring_notify(struct nm_kring *kring);
void nm_adapter_stop(struct nm_adapter *na);

/* Request to resolve a port name (port.c), filled from register/info requests. */
struct nm_port_req {
	const char *name;
	u32 mode;			/* NR_REG_* */
	u16 ringid;			/* NR_REG_ONE_NIC, NR_REG_ONE_SW */
	u64 flags;			/* NR_* */
	u16 mem_id;
	u32 slots[NR_TXRX];
	u32 rings[NR_TXRX];
	u32 host_rings[NR_TXRX];
};

int nm_port_get(const struct nm_port_req *req, struct nm_adapter **out);

/* Port kinds; configure may leave some out. */
#ifdef NM_WITH_PIPE
int nm_pipe_get(const struct nm_port_req *req, struct nm_adapter **out);
#else
static inline int nm_pipe_get(const struct nm_port_req *req,
			      struct nm_adapter **out)
{
	return -EOPNOTSUPP;
}
#endif
#ifdef NM_WITH_MONITOR
int nm_monitor_get(const struct nm_port_req *req, struct nm_adapter **out);
void nm_monitor_ring_off(struct nm_kring *k);
void nm_monitor_port_off(struct nm_adapter *na);
#else
static inline int nm_monitor_get(const struct nm_port_req *req,
				 struct nm_adapter **out)
{
	nm_info_rl("%s: monitors are not supported\n", req->name);
	return -EOPNOTSUPP;
}

static inline void nm_monitor_ring_off(struct nm_kring *k)
{
}

static inline void nm_monitor_port_off(struct nm_adapter *na)
{
}
#endif
#ifdef NM_WITH_GENERIC
struct net_device;
int nm_generic_get(struct net_device *dev, struct nm_adapter **out);
void nm_generic_unregistered(struct net_device *dev);
#else
#include <linux/netdevice.h>
static inline int nm_generic_get(struct net_device *dev, struct nm_adapter **out)
{
	dev_put(dev);
	return -EOPNOTSUPP;
}

static inline void nm_generic_unregistered(struct net_device *dev)
{
}
#endif
struct net_device;
#ifdef NM_WITH_VALE
int nm_vale_get(const struct nm_port_req *req, struct nm_adapter **out);
int nm_vale_netdev_get(struct net_device *dev, struct nm_adapter **out);
int nm_vale_request(struct nmreq_header *hdr, void *body);
int nm_vale_port_hdr_set(const char *name, u32 len);
int nm_vale_init(void);
void nm_vale_exit(void);
void nm_vale_unregistered(struct net_device *dev);
#else
static inline int nm_vale_get(const struct nm_port_req *req,
			      struct nm_adapter **out)
{
	return -EOPNOTSUPP;
}

static inline int nm_vale_netdev_get(struct net_device *dev,
				     struct nm_adapter **out)
{
	return -ENOENT;
}

/* NETMAP_REQ_VALE_LIST, _ATTACH, _DETACH, _NEWIF, _DELIF, _POLLING_* */
static inline int nm_vale_request(struct nmreq_header *hdr, void *body)
{
	nm_info_rl("request %u: VALE is not supported\n", hdr->nr_reqtype);
	return -EOPNOTSUPP;
}

static inline int nm_vale_port_hdr_set(const char *name, u32 len)
{
	nm_info_rl("%s: virtio-net headers are for VALE ports\n", name);
	return -EINVAL;
}

static inline int nm_vale_init(void)
{
	return 0;
}

static inline void nm_vale_exit(void)
{
}

static inline void nm_vale_unregistered(struct net_device *dev)
{
}
#endif
/* NETDEV_UNREGISTER, for the two above (linux/netdev.c). */
int nm_netdev_init(void);
void nm_netdev_exit(void);
#ifdef NM_WITH_NULL
int nm_null_get(const struct nm_port_req *req, struct nm_adapter **out);
#else
static inline int nm_null_get(const struct nm_port_req *req,
			      struct nm_adapter **out)
{
	return -EOPNOTSUPP;
}
#endif

/* Parsed options of one control request (ctrl.c). */
struct nm_opts {
	struct nmreq_option *opt[NETMAP_REQ_OPT_MAX];	/* kernel copies, by type */
	int unknown;			/* options of types >= NETMAP_REQ_OPT_MAX */
};

/* bind.c */
struct nm_sel {
	u32 first[NR_TXRX], last[NR_TXRX];	/* rings [first, last) */
};

int nm_select_rings(const struct nm_adapter *na,
		    const struct nmreq_register *reg, struct nm_sel *sel);
int nm_bind(struct nm_priv *priv, struct nmreq_header *hdr,
	    struct nmreq_register *reg, struct nm_opts *opts);
void nm_unbind(struct nm_priv *priv);
int nm_bind_kernel(struct nm_priv *priv, const char *name, u32 mode,
		   u64 flags, struct nmreq_register *reply);
void nm_unbind_locked(struct nm_priv *priv);
void nm_reg_geometry(struct nmreq_register *reg, struct nm_adapter *na);

/* sync.c */
int nm_ioctl_sync(struct nm_priv *priv, enum nm_txrx t);
__poll_t nm_poll(struct nm_priv *priv, struct file *file, poll_table *wait);
int nm_txsync(struct nm_kring *kring, int flags);
int nm_rxsync(struct nm_kring *kring, int flags);

/* true if @idx may be in a slot: inside the region, not reserved 0 or 1 */
static inline bool nm_kring_buf_ok(const struct nm_kring *k, u32 idx)
{
	return idx >= 2 && idx < k->bufs.total;
}

/* Kernel address of buffer @idx of @k's region (buffer 0 if out of range). */
static inline void *nm_kring_buf(const struct nm_kring *k, u32 idx)
{
	return nm_buf_addr(&k->bufs, idx);
}

/*
 * Sanitise one slot before a port hands it on: a buffer index outside the
 * region becomes the reserved buffer 0, an overlong length is clamped.
 */
static inline void nm_slot_sanitize(const struct nm_kring *k,
				    struct netmap_slot *s)
{
	if (unlikely(!nm_kring_buf_ok(k, s->buf_idx))) {
		s->buf_idx = 0;
		s->len = 0;
	} else if (unlikely(s->len > k->bufs.size)) {
		s->len = k->bufs.size;
	}
}

/* fwd.c: transparent mode (NR_FORWARD / NS_FORWARD) */
bool nm_fwd_enabled(const struct nm_kring *k);
void nm_fwd_nic_to_host(struct nm_kring *k, u32 head);
void nm_fwd_host_to_nic(struct nm_kring *hk, u32 head);

/* ctrl.c, legacy.c */
long nm_ioctl_ctrl(struct nm_priv *priv, void __user *uarg);
long nm_ioctl_legacy(struct nm_priv *priv, unsigned int cmd, void __user *uarg);
int nm_ctrl_dispatch(struct nm_priv *priv, struct nmreq_header *hdr,
		     void *body, struct nm_opts *opts);

static inline struct nm_priv *nm_priv_bound(struct nm_priv *priv)
{
	/* Pairs with the release at the end of a successful bind. */
	return smp_load_acquire(&priv->na) ? priv : NULL;
}

#endif /* NM_CORE_KERN_H */
