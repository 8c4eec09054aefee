/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netmap userspace ABI: the shared-memory objects (netmap_if, netmap_ring,
 * netmap_slot), the NIOCCTRL control requests and their options, and the
 * CSB structures used by the in-kernel sync loop.
 *
 * Every layout here is part of the binary interface: sizes and offsets must
 * not change (tests/abi checks them, the kernel checks them at build time).
 *
 * The memory region a process maps after registering a port holds:
 *
 *   netmap_if   one per file descriptor, at mem + nr_offset; ring_ofs[]
 *               locates every ring relative to the netmap_if itself
 *               (0 for rings not bound to that descriptor);
 *   netmap_ring a 256-byte header followed by num_slots netmap_slot;
 *   buffers     all of nr_buf_size bytes, buffer i at
 *               (char *)ring + ring->buf_ofs + i * ring->nr_buf_size.
 *
 * Ring ownership: the application owns the slots in the circular interval
 * [head, tail) and moves head (slots handed back) and cur (wake-up point)
 * forward; the kernel publishes tail at the end of every sync and never
 * changes head or cur.  One slot is always left empty.
 */
#ifndef _NET_NETMAP_H_
#define _NET_NETMAP_H_

#define NETMAP_API		14	/* version written by current userspace */
#define NETMAP_MIN_API		14	/* lowest version accepted by NIOCCTRL */
#define NETMAP_MAX_API		15	/* highest version accepted by NIOCCTRL */

/*
 * In the kernel the fixed-width types, IFNAMSIZ and the ioctl encoders come
 * from the kernel's own headers; struct timeval no longer exists there, and
 * struct __kernel_old_timeval has the same layout as the userspace one.
 * In userspace the header pulls in what it needs; <net/if.h> is skipped when
 * <linux/if.h> is already in, since the two cannot be combined that way.
 */
#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/if.h>
#include <linux/ioctl.h>
#include <linux/time_types.h>
#include <linux/compiler.h>
#include <asm/barrier.h>
#define NM_TIMEVAL_T	struct __kernel_old_timeval
#else
#include <stdint.h>
#include <sys/types.h>
#include <sys/time.h>
#include <sys/ioctl.h>
#ifndef _LINUX_IF_H
#include <net/if.h>
#endif
#define NM_TIMEVAL_T	struct timeval
#endif

#ifndef IFNAMSIZ		/* glibc hides it in strict ISO C modes */
#define IFNAMSIZ	16
#endif

#define NM_CACHE_ALIGN	128

/* ---------------------------------------------------------------------- */
/* Slots                                                                   */
/* ---------------------------------------------------------------------- */

/*
 * One slot of a ring: which buffer, how many bytes, per-slot flags.  With
 * the offsets option the low bits of ptr (ring->offset_mask) hold where the
 * packet starts in the buffer; with NS_INDIRECT ptr is a user address.
 */
struct netmap_slot {
	uint32_t buf_idx;	/* buffer index in the region */
	uint16_t len;		/* bytes in this buffer (this fragment) */
	uint16_t flags;		/* NS_* */
	uint64_t ptr;		/* NS_INDIRECT address or buffer offset */
};

#define NS_BUF_CHANGED	0x0001	/* buf_idx changed (set by user or kernel) */
#define NS_REPORT	0x0002	/* TX: ask for a completion report */
#define NS_FORWARD	0x0004	/* RX: forward to the other side (NR_FORWARD) */
#define NS_NO_LEARN	0x0008	/* VALE TX: do not learn the source MAC */
#define NS_INDIRECT	0x0010	/* VALE TX: payload is at user address ptr */
#define NS_MOREFRAG	0x0020	/* packet continues in the next slot */
#define NS_TXMON	0x0040	/* monitor RX: frame seen on a TX ring */

#define NS_PORT_SHIFT	8
#define NS_PORT_MASK	(0xff << NS_PORT_SHIFT)	/* VALE TX destination port */
#define NS_RFRAGS(_slot)	(((_slot)->flags >> 8) & 0xff)	/* VALE RX */

#define NETMAP_MAX_FRAGS	64	/* longest NS_MOREFRAG chain, in slots */

/* ---------------------------------------------------------------------- */
/* Rings                                                                   */
/* ---------------------------------------------------------------------- */

/*
 * Ring header (256 bytes) followed by the slot array.  Fields marked const
 * are written by the kernel only; head, cur and flags belong to the
 * application; tail is the kernel's, the application must not change it.
 */
struct netmap_ring {
	const int64_t	buf_ofs;	/* from this ring to buffer 0 */
	const uint32_t	num_slots;	/* not necessarily a power of 2 */
	const uint32_t	nr_buf_size;	/* size of every buffer */
	const uint16_t	ringid;		/* index within its direction */
	const uint16_t	dir;		/* 1 = TX ring, 0 = RX ring */

	uint32_t	head;		/* (user) first slot owned by the user */
	uint32_t	cur;		/* (user) wake-up point */
	uint32_t	tail;		/* (kernel) first slot owned by the kernel */

	uint32_t	flags;		/* NR_TIMESTAMP, NR_FORWARD */

	NM_TIMEVAL_T	ts;		/* time of the last RX sync */

	const uint64_t	offset_mask;	/* ptr bits that hold a buffer offset */
	const uint64_t	buf_align;	/* TX packet start alignment, 0 = any */

	/* opaque room for the application, on its own cache lines */
	uint8_t		sem[128] __attribute__((__aligned__(NM_CACHE_ALIGN)));

	struct netmap_slot slot[];	/* num_slots entries */
};

#define NR_TIMESTAMP	0x0002	/* update ts on every RX sync */
#define NR_FORWARD	0x0004	/* honour NS_FORWARD on this RX ring */

/* ---------------------------------------------------------------------- */
/* Interface descriptor                                                    */
/* ---------------------------------------------------------------------- */

/*
 * One per bound file descriptor.  Read-only for the application except
 * ni_bufs_head, the head of the extra-buffer list (each buffer's first
 * 4 bytes hold the index of the next one, 0 ends the list).
 * ring_ofs[] order: NIC TX, host TX, NIC RX, host RX rings.
 */
struct netmap_if {
	char		ni_name[IFNAMSIZ];	/* name of the bound port */
	const uint32_t	ni_version;
	const uint32_t	ni_flags;		/* NI_PRIV_MEM */
	const uint32_t	ni_tx_rings;		/* NIC TX rings */
	const uint32_t	ni_rx_rings;		/* NIC RX rings */
	uint32_t	ni_bufs_head;		/* first extra buffer, 0 = none */
	const uint32_t	ni_host_tx_rings;	/* reported as >= 1 */
	const uint32_t	ni_host_rx_rings;	/* reported as >= 1 */
	uint32_t	ni_spare1[3];
	const ssize_t	ring_ofs[];		/* from this struct to each ring */
};

#define NI_PRIV_MEM	0x1	/* the region is private to this port */

#include "netmap_legacy.h"

/* ---------------------------------------------------------------------- */
/* Control requests (NIOCCTRL)                                             */
/* ---------------------------------------------------------------------- */

#define NETMAP_REQ_IFNAMSIZ	64
#define NETMAP_REQ_MAXSIZE	4096	/* body plus all options */

/*
 * Every NIOCCTRL request starts with this header.  nr_body and nr_options
 * are user pointers stored as 64-bit integers so that the layout does not
 * depend on the pointer size.
 */
struct nmreq_header {
	uint16_t	nr_version;		/* NETMAP_API */
	uint16_t	nr_reqtype;		/* NETMAP_REQ_* */
	uint32_t	nr_reserved;		/* must be 0 */
	char		nr_name[NETMAP_REQ_IFNAMSIZ];	/* port name */
	uint64_t	nr_options;		/* first struct nmreq_option */
	uint64_t	nr_body;		/* request body, type dependent */
};

enum {
	NETMAP_REQ_REGISTER = 1,	/* struct nmreq_register */
	NETMAP_REQ_PORT_INFO_GET,	/* struct nmreq_port_info_get */
	NETMAP_REQ_VALE_ATTACH,		/* struct nmreq_vale_attach */
	NETMAP_REQ_VALE_DETACH,		/* struct nmreq_vale_detach */
	NETMAP_REQ_VALE_LIST,		/* struct nmreq_vale_list */
	NETMAP_REQ_PORT_HDR_SET,	/* struct nmreq_port_hdr */
	NETMAP_REQ_PORT_HDR_GET,	/* struct nmreq_port_hdr */
	NETMAP_REQ_VALE_NEWIF,		/* struct nmreq_vale_newif */
	NETMAP_REQ_VALE_DELIF,		/* no body */
	NETMAP_REQ_VALE_POLLING_ENABLE,	/* struct nmreq_vale_polling */
	NETMAP_REQ_VALE_POLLING_DISABLE, /* struct nmreq_vale_polling */
	NETMAP_REQ_POOLS_INFO_GET,	/* struct nmreq_pools_info */
	NETMAP_REQ_SYNC_KLOOP_START,	/* struct nmreq_sync_kloop_start */
	NETMAP_REQ_SYNC_KLOOP_STOP,	/* no body */
	NETMAP_REQ_CSB_ENABLE,		/* no body, NETMAP_REQ_OPT_CSB */
};

/*
 * Options form a singly linked list of user pointers.  The kernel writes
 * nro_status back for every option: 0 if it was applied, an errno value
 * otherwise (EOPNOTSUPP if nothing consumed it).
 */
struct nmreq_option {
	uint64_t	nro_next;	/* next option, 0 ends the list */
	uint32_t	nro_reqtype;	/* NETMAP_REQ_OPT_* */
	uint32_t	nro_status;	/* (out) 0 or errno */
	uint64_t	nro_size;	/* whole option, for variable sizes */
};

enum {
	NETMAP_REQ_OPT_EXTMEM = 1,		/* struct nmreq_opt_extmem */
	NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS,	/* ..._sync_kloop_eventfds */
	NETMAP_REQ_OPT_CSB,			/* struct nmreq_opt_csb */
	NETMAP_REQ_OPT_SYNC_KLOOP_MODE,		/* ..._sync_kloop_mode */
	NETMAP_REQ_OPT_OFFSETS,			/* struct nmreq_opt_offsets */
	NETMAP_REQ_OPT_MAX,			/* number of types + 1 */
};

/* NETMAP_REQ_REGISTER: bind the descriptor to a port and some of its rings */
struct nmreq_register {
	uint64_t	nr_offset;	/* (out) netmap_if offset in the region */
	uint64_t	nr_memsize;	/* (out) size of the region */
	uint32_t	nr_tx_slots;	/* (in/out) */
	uint32_t	nr_rx_slots;	/* (in/out) */
	uint16_t	nr_tx_rings;	/* (in/out) */
	uint16_t	nr_rx_rings;	/* (in/out) */
	uint16_t	nr_host_tx_rings; /* (in/out) */
	uint16_t	nr_host_rx_rings; /* (in/out) */
	uint16_t	nr_mem_id;	/* (in/out) region, 0 = any */
	uint16_t	nr_ringid;	/* (in) ring for the ONE_* modes */
	uint32_t	nr_mode;	/* (in) NR_REG_* */
	uint32_t	nr_extra_bufs;	/* (in/out) extra buffers */
	uint64_t	nr_flags;	/* (in) NR_* flags below */
};

/* nr_flags bits of struct nmreq_register */
#define NR_MONITOR_TX		0x100
#define NR_MONITOR_RX		0x200
#define NR_ZCOPY_MON		0x400
#define NR_EXCLUSIVE		0x800
#define NR_RX_RINGS_ONLY	0x2000
#define NR_TX_RINGS_ONLY	0x4000
#define NR_ACCEPT_VNET_HDR	0x8000
#define NR_DO_RX_POLL		0x10000
#define NR_NO_TX_POLL		0x20000

/* nr_mode of struct nmreq_register (and low bits of legacy nr_flags) */
enum {
	NR_REG_DEFAULT = 0,	/* legacy: use the nr_ringid bits */
	NR_REG_ALL_NIC = 1,	/* all NIC rings */
	NR_REG_SW = 2,		/* all host rings */
	NR_REG_NIC_SW = 3,	/* NIC and host rings */
	NR_REG_ONE_NIC = 4,	/* NIC ring pair nr_ringid */
	NR_REG_PIPE_MASTER = 5,	/* deprecated */
	NR_REG_PIPE_SLAVE = 6,	/* deprecated */
	NR_REG_NULL = 7,	/* a null port */
	NR_REG_ONE_SW = 8,	/* host ring pair nr_ringid */
};

/* NETMAP_REQ_PORT_INFO_GET */
struct nmreq_port_info_get {
	uint64_t	nr_memsize;	/* (out) */
	uint32_t	nr_tx_slots;	/* (in/out) */
	uint32_t	nr_rx_slots;	/* (in/out) */
	uint16_t	nr_tx_rings;	/* (in/out) */
	uint16_t	nr_rx_rings;	/* (in/out) */
	uint16_t	nr_host_tx_rings; /* (in/out) */
	uint16_t	nr_host_rx_rings; /* (in/out) */
	uint16_t	nr_mem_id;	/* (in/out) */
	uint16_t	pad[3];
};

#define NM_BDG_NAME	"vale"	/* prefix of VALE switch names */

/* NETMAP_REQ_VALE_ATTACH */
struct nmreq_vale_attach {
	struct nmreq_register reg;
	uint32_t	port_index;	/* (out) */
	uint32_t	pad1;
};

/* NETMAP_REQ_VALE_DETACH */
struct nmreq_vale_detach {
	uint32_t	port_index;	/* (out) */
	uint32_t	pad1;
};

/* NETMAP_REQ_VALE_LIST */
struct nmreq_vale_list {
	uint16_t	nr_bridge_idx;	/* (in/out) */
	uint16_t	pad1;
	uint32_t	nr_port_idx;	/* (in/out) */
};

/* NETMAP_REQ_PORT_HDR_SET and NETMAP_REQ_PORT_HDR_GET */
struct nmreq_port_hdr {
	uint32_t	nr_hdr_len;	/* virtio-net header length */
	uint32_t	pad1;
};

/* NETMAP_REQ_VALE_NEWIF */
struct nmreq_vale_newif {
	uint32_t	nr_tx_slots;	/* (in/out) */
	uint32_t	nr_rx_slots;	/* (in/out) */
	uint16_t	nr_tx_rings;	/* (in/out) */
	uint16_t	nr_rx_rings;	/* (in/out) */
	uint16_t	nr_mem_id;	/* (in/out) */
	uint16_t	pad1;
};

/* NETMAP_REQ_VALE_POLLING_ENABLE and NETMAP_REQ_VALE_POLLING_DISABLE */
struct nmreq_vale_polling {
	uint32_t	nr_mode;		/* NETMAP_POLLING_MODE_* */
	uint32_t	nr_first_cpu_id;
	uint32_t	nr_num_polling_cpus;
	uint32_t	pad1;
};

#define NETMAP_POLLING_MODE_SINGLE_CPU	1
#define NETMAP_POLLING_MODE_MULTI_CPU	2

/* NETMAP_REQ_POOLS_INFO_GET, and the body of the extmem option */
struct nmreq_pools_info {
	uint64_t	nr_memsize;
	uint16_t	nr_mem_id;
	uint16_t	pad1[3];
	uint64_t	nr_if_pool_offset;
	uint32_t	nr_if_pool_objtotal;
	uint32_t	nr_if_pool_objsize;
	uint64_t	nr_ring_pool_offset;
	uint32_t	nr_ring_pool_objtotal;
	uint32_t	nr_ring_pool_objsize;
	uint64_t	nr_buf_pool_offset;
	uint32_t	nr_buf_pool_objtotal;
	uint32_t	nr_buf_pool_objsize;
};

/* NETMAP_REQ_SYNC_KLOOP_START */
struct nmreq_sync_kloop_start {
	uint32_t	sleep_us;	/* pause between iterations, <= 1 s */
	uint32_t	pad1;
};

/* NETMAP_REQ_OPT_EXTMEM: use user memory as the region */
struct nmreq_opt_extmem {
	struct nmreq_option	nro_opt;
	uint64_t		nro_usrptr;	/* page-aligned start */
	struct nmreq_pools_info	nro_info;	/* (in/out) geometry */
};

/*
 * NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS: one entry per bound ring, TX rings
 * first; nro_opt.nro_size = sizeof(struct nmreq_option) + 8 * entries.
 */
struct nmreq_opt_sync_kloop_eventfds {
	struct nmreq_option	nro_opt;
	struct {
		int32_t	ioeventfd;	/* application kicks the kernel */
		int32_t	irqfd;		/* kernel notifies the application */
	} eventfds[];
};

/* NETMAP_REQ_OPT_SYNC_KLOOP_MODE */
struct nmreq_opt_sync_kloop_mode {
	struct nmreq_option	nro_opt;
	uint32_t		mode;	/* NM_OPT_SYNC_KLOOP_DIRECT_* */
};

#define NM_OPT_SYNC_KLOOP_DIRECT_TX	0x1
#define NM_OPT_SYNC_KLOOP_DIRECT_RX	0x2

/* NETMAP_REQ_OPT_CSB: arrays of one entry per bound ring, TX rings first */
struct nmreq_opt_csb {
	struct nmreq_option	nro_opt;
	uint64_t		csb_atok;	/* struct nm_csb_atok[] */
	uint64_t		csb_ktoa;	/* struct nm_csb_ktoa[] */
};

/* NETMAP_REQ_OPT_OFFSETS: per-slot buffer offsets kept in slot->ptr */
struct nmreq_opt_offsets {
	struct nmreq_option	nro_opt;
	uint64_t		nro_max_offset;		/* (in/out) */
	uint64_t		nro_initial_offset;
	uint32_t		nro_offset_bits;	/* 0 = all 64 bits */
	uint32_t		nro_tx_align;
	uint64_t		nro_min_gap;
};

/* ---------------------------------------------------------------------- */
/* Control/status blocks for the in-kernel sync loop                      */
/* ---------------------------------------------------------------------- */

/* application to kernel, one 64-byte entry per bound ring */
struct nm_csb_atok {
	uint32_t	head;		/* application's ring head */
	uint32_t	cur;		/* application's ring cur */
	uint32_t	appl_need_kick;	/* application wants a notification */
	uint32_t	sync_flags;	/* flags for the ring sync */
	uint32_t	pad[12];
};

/* kernel to application, one 64-byte entry per bound ring */
struct nm_csb_ktoa {
	uint32_t	hwcur;		/* kernel's hwcur */
	uint32_t	hwtail;		/* kernel's hwtail: the tail to use */
	uint32_t	kern_need_kick;	/* kernel wants a kick after new head */
	uint32_t	pad[13];
};

/*
 * The application publishes cur before head and reads hwtail before hwcur;
 * the kernel does the mirror image (hwcur before hwtail, head before cur),
 * so each side sees a consistent pair.
 */
#ifdef __KERNEL__
static inline void nm_stst_barrier(void)
{
	smp_wmb();
}

static inline void nm_ldld_barrier(void)
{
	smp_rmb();
}

static inline void nm_stld_barrier(void)
{
	smp_mb();
}

#define NM_CSB_STORE(p, v)	WRITE_ONCE(*(p), (v))
#define NM_CSB_LOAD(p)		READ_ONCE(*(p))
#else
static inline void nm_stst_barrier(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static inline void nm_ldld_barrier(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

static inline void nm_stld_barrier(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#define NM_CSB_STORE(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define NM_CSB_LOAD(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#endif

static inline void
nm_sync_kloop_appl_write(struct nm_csb_atok *atok, uint32_t cur,
			 uint32_t head)
{
	/* ring contents before cur, cur before head */
	nm_stst_barrier();
	NM_CSB_STORE(&atok->cur, cur);
	nm_stst_barrier();
	NM_CSB_STORE(&atok->head, head);
}

static inline void
nm_sync_kloop_appl_read(struct nm_csb_ktoa *ktoa, uint32_t *hwtail,
			uint32_t *hwcur)
{
	/* hwtail before hwcur, both before the slots they cover */
	*hwtail = NM_CSB_LOAD(&ktoa->hwtail);
	nm_ldld_barrier();
	*hwcur = NM_CSB_LOAD(&ktoa->hwcur);
	nm_ldld_barrier();
}

/* ---------------------------------------------------------------------- */
/* ioctls and helpers                                                      */
/* ---------------------------------------------------------------------- */

#define NIOCTXSYNC	_IO('i', 148)	/* sync all bound TX rings */
#define NIOCRXSYNC	_IO('i', 149)	/* sync all bound RX rings */
#define NIOCCTRL	_IOWR('i', 151, struct nmreq_header)

/* nothing to read (RX) or no free slot (TX) */
static inline int
nm_ring_empty(struct netmap_ring *ring)
{
	return ring->head == ring->tail;
}

#endif /* _NET_NETMAP_H_ */
