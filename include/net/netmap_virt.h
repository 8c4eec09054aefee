/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ptnetmap: passing netmap ports through to virtual machines.
 *
 * The host exposes two PCI functions: a memory device ("ptnetmap-memdev")
 * whose BAR maps the netmap region of a port, and a ptnet network interface
 * whose I/O BAR holds the registers below.  Only the register layout is
 * defined here; it is shared by hypervisor front-ends and guest drivers.
 */
#ifndef NETMAP_VIRT_H
#define NETMAP_VIRT_H

#define PTNETMAP_MEMDEV_NAME		"ptnetmap-memdev"

#define PTNETMAP_PCI_VENDOR_ID		0x1b36	/* Red Hat, QEMU devices */
#define PTNETMAP_PCI_DEVICE_ID		0x000c	/* memory device */
#define PTNETMAP_PCI_NETIF_ID		0x000d	/* ptnet interface */

#define PTNETMAP_IO_PCI_BAR		0
#define PTNETMAP_MEM_PCI_BAR		1
#define PTNETMAP_MSIX_PCI_BAR		2

/* memory device registers (32 bit, byte offsets in the I/O BAR) */
#define PTNET_MDEV_IO_MEMSIZE_LO	0	/* region size, low half */
#define PTNET_MDEV_IO_MEMSIZE_HI	4	/* region size, high half */
#define PTNET_MDEV_IO_MEMID		8	/* host region id */
#define PTNET_MDEV_IO_IF_POOL_OFS	64
#define PTNET_MDEV_IO_IF_POOL_OBJNUM	68
#define PTNET_MDEV_IO_IF_POOL_OBJSZ	72
#define PTNET_MDEV_IO_RING_POOL_OFS	76
#define PTNET_MDEV_IO_RING_POOL_OBJNUM	80
#define PTNET_MDEV_IO_RING_POOL_OBJSZ	84
#define PTNET_MDEV_IO_BUF_POOL_OFS	88
#define PTNET_MDEV_IO_BUF_POOL_OBJNUM	92
#define PTNET_MDEV_IO_BUF_POOL_OBJSZ	96
#define PTNET_MDEV_IO_END		100

/* ptnet feature bits (PTNET_IO_PTFEAT) */
#define PTNETMAP_F_VNET_HDR		1

/* ptnet interface registers (32 bit, byte offsets in the I/O BAR) */
#define PTNET_IO_PTFEAT			0	/* features, negotiated */
#define PTNET_IO_PTCTL			4	/* PTNETMAP_PTCTL_* commands */
#define PTNET_IO_MAC_LO			8
#define PTNET_IO_MAC_HI			12
#define PTNET_IO_CSBBAH			16	/* deprecated */
#define PTNET_IO_CSBBAL			20	/* deprecated */
#define PTNET_IO_NIFP_OFS		24	/* netmap_if offset */
#define PTNET_IO_NUM_TX_RINGS		28
#define PTNET_IO_NUM_RX_RINGS		32
#define PTNET_IO_NUM_TX_SLOTS		36
#define PTNET_IO_NUM_RX_SLOTS		40
#define PTNET_IO_VNET_HDR_LEN		44
#define PTNET_IO_HOSTMEMID		48
#define PTNET_IO_CSB_GH_BAH		52	/* guest-to-host CSB, high */
#define PTNET_IO_CSB_GH_BAL		56	/* guest-to-host CSB, low */
#define PTNET_IO_CSB_HG_BAH		60	/* host-to-guest CSB, high */
#define PTNET_IO_CSB_HG_BAL		64	/* host-to-guest CSB, low */
#define PTNET_IO_END			68
#define PTNET_IO_KICK_BASE		128	/* one 32-bit kick register per ring */
#define PTNET_IO_MASK			0xff

/* values written to PTNET_IO_PTCTL */
#define PTNETMAP_PTCTL_CREATE		1
#define PTNETMAP_PTCTL_DELETE		2

#endif /* NETMAP_VIRT_H */
