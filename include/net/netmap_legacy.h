/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The legacy netmap control API: struct nmreq with NIOCGINFO/NIOCREGIF, and
 * NIOCCONFIG.  The pcap-like nm_open() in netmap_user.h still registers
 * ports this way, so the kernel keeps translating these requests into the
 * NIOCCTRL ones of netmap.h.
 *
 * Included by netmap.h (which provides the fixed-width types, IFNAMSIZ and
 * the ioctl encoders); not meant to be included on its own.
 *
 * Register (NIOCREGIF, nr_cmd = 0): the mode is in the low 4 bits of
 * nr_flags (NR_REG_*, or NR_REG_DEFAULT to use the old nr_ringid bits
 * below), the ring number in the low 12 bits of nr_ringid, the wanted
 * region in nr_arg2 and the number of extra buffers in nr_arg3.  On success
 * the kernel writes back nr_offset, nr_memsize, slots, rings, nr_arg2 and
 * nr_arg3.  Other nr_cmd values map to the VALE requests (NETMAP_BDG_*).
 */
#ifndef _NET_NETMAP_LEGACY_H_
#define _NET_NETMAP_LEGACY_H_

struct nmreq {
	char		nr_name[IFNAMSIZ];	/* port name */
	uint32_t	nr_version;		/* >= 14 */
	uint32_t	nr_offset;		/* (out) netmap_if offset */
	uint32_t	nr_memsize;		/* (out) size of the region */
	uint32_t	nr_tx_slots;		/* (in/out) */
	uint32_t	nr_rx_slots;		/* (in/out) */
	uint16_t	nr_tx_rings;		/* (in/out) */
	uint16_t	nr_rx_rings;		/* (in/out) */
	uint16_t	nr_ringid;		/* ring number and control bits */
	uint16_t	nr_cmd;			/* 0 or NETMAP_BDG_* */
	uint16_t	nr_arg1;		/* command argument */
	uint16_t	nr_arg2;		/* region id / command argument */
	uint32_t	nr_arg3;		/* (in/out) extra buffers */
	uint32_t	nr_flags;		/* NR_REG_* | NR_* flags */
	uint32_t	spare2[1];
};

/* nr_ringid */
#define NETMAP_HW_RING		0x4000	/* mode 0: one NIC ring pair */
#define NETMAP_SW_RING		0x2000	/* mode 0: the host rings */
#define NETMAP_RING_MASK	0x0fff	/* ring number */
#define NETMAP_NO_TX_POLL	0x1000	/* poll() does not push TX rings */
#define NETMAP_DO_RX_POLL	0x8000	/* poll() also syncs RX rings */

/* nr_flags: the low bits hold the NR_REG_* mode */
#define NR_REG_MASK		0xf

/* nr_cmd */
#define NETMAP_BDG_ATTACH	1	/* attach a NIC to a switch */
#define NETMAP_BDG_DETACH	2	/* detach it */
#define NETMAP_BDG_REGOPS	3	/* kernel-internal, refused */
#define NETMAP_BDG_LIST		4	/* list switches and ports */
#define NETMAP_BDG_VNET_HDR	5	/* set the virtio-net header length */
#define NETMAP_BDG_NEWIF	6	/* create a persistent VALE port */
#define NETMAP_BDG_DELIF	7	/* destroy it */
#define NETMAP_PT_HOST_CREATE	8	/* not supported */
#define NETMAP_PT_HOST_DELETE	9	/* not supported */
#define NETMAP_BDG_POLLING_ON	10	/* start polling threads */
#define NETMAP_BDG_POLLING_OFF	11	/* stop them */
#define NETMAP_VNET_HDR_GET	12	/* read the virtio-net header length */

/* nr_arg1 of NETMAP_BDG_ATTACH: attach the host stack as well */
#define NETMAP_BDG_HOST		1

/* NIOCCONFIG: data for a configuration hook installed on a VALE switch */
#define NM_IFRDATA_LEN		256

struct nm_ifreq {
	char	nifr_name[IFNAMSIZ];
	char	data[NM_IFRDATA_LEN];
};

#define NIOCGINFO	_IOWR('i', 145, struct nmreq)	/* port info */
#define NIOCREGIF	_IOWR('i', 146, struct nmreq)	/* register */
#define NIOCCONFIG	_IOWR('i', 150, struct nm_ifreq)

#endif /* _NET_NETMAP_LEGACY_H_ */
