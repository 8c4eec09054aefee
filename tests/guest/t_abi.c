// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_abi: the ABI facts re-checked inside the guest (the host test tests/abi
 * covers the headers in depth): key sizes, offsets, constants, the ioctl
 * numbers (ABI.md §3.2), the device node and the module parameters of
 * ABI.md §13 with their defaults.
 */
#define _GNU_SOURCE
#include "common.h"

#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define SZ(t, n)	is((long long)sizeof(t), n, "sizeof(" #t ") == " #n)
#define OFF(t, f, n)	is((long long)offsetof(t, f), n, \
			   "offsetof(" #t ", " #f ") == " #n)
#define VAL(c, n)	is((long long)(c), (long long)(n), #c " == " #n)

static void sizes(void)
{
	SZ(struct netmap_slot, 16);
	SZ(struct netmap_ring, 256);
	is((long long)_Alignof(struct netmap_ring), 128,
	   "alignof(struct netmap_ring) == 128");
	SZ(struct netmap_if, 56);
	SZ(struct nmreq_header, 88);
	SZ(struct nmreq_register, 56);
	SZ(struct nmreq_port_info_get, 32);
	SZ(struct nmreq_vale_attach, 64);
	SZ(struct nmreq_vale_detach, 8);
	SZ(struct nmreq_vale_list, 8);
	SZ(struct nmreq_port_hdr, 8);
	SZ(struct nmreq_vale_newif, 16);
	SZ(struct nmreq_vale_polling, 16);
	SZ(struct nmreq_pools_info, 64);
	SZ(struct nmreq_sync_kloop_start, 8);
	SZ(struct nmreq_option, 24);
	SZ(struct nmreq_opt_extmem, 96);
	SZ(struct nmreq_opt_csb, 40);
	SZ(struct nmreq_opt_sync_kloop_mode, 32);
	SZ(struct nmreq_opt_offsets, 56);
	SZ(struct nm_csb_atok, 64);
	SZ(struct nm_csb_ktoa, 64);
	SZ(struct nmreq, 60);
	SZ(struct nm_ifreq, 272);
}

static void offsets(void)
{
	OFF(struct netmap_slot, buf_idx, 0);
	OFF(struct netmap_slot, len, 4);
	OFF(struct netmap_slot, flags, 6);
	OFF(struct netmap_slot, ptr, 8);

	OFF(struct netmap_ring, buf_ofs, 0);
	OFF(struct netmap_ring, num_slots, 8);
	OFF(struct netmap_ring, nr_buf_size, 12);
	OFF(struct netmap_ring, ringid, 16);
	OFF(struct netmap_ring, dir, 18);
	OFF(struct netmap_ring, head, 20);
	OFF(struct netmap_ring, cur, 24);
	OFF(struct netmap_ring, tail, 28);
	OFF(struct netmap_ring, flags, 32);
	OFF(struct netmap_ring, ts, 40);
	OFF(struct netmap_ring, offset_mask, 56);
	OFF(struct netmap_ring, buf_align, 64);
	OFF(struct netmap_ring, sem, 128);
	OFF(struct netmap_ring, slot, 256);

	OFF(struct netmap_if, ni_name, 0);
	OFF(struct netmap_if, ni_version, 16);
	OFF(struct netmap_if, ni_flags, 20);
	OFF(struct netmap_if, ni_tx_rings, 24);
	OFF(struct netmap_if, ni_rx_rings, 28);
	OFF(struct netmap_if, ni_bufs_head, 32);
	OFF(struct netmap_if, ni_host_tx_rings, 36);
	OFF(struct netmap_if, ni_host_rx_rings, 40);
	OFF(struct netmap_if, ring_ofs, 56);

	OFF(struct nmreq_header, nr_version, 0);
	OFF(struct nmreq_header, nr_reqtype, 2);
	OFF(struct nmreq_header, nr_reserved, 4);
	OFF(struct nmreq_header, nr_name, 8);
	OFF(struct nmreq_header, nr_options, 72);
	OFF(struct nmreq_header, nr_body, 80);

	OFF(struct nmreq_register, nr_offset, 0);
	OFF(struct nmreq_register, nr_memsize, 8);
	OFF(struct nmreq_register, nr_tx_slots, 16);
	OFF(struct nmreq_register, nr_rx_slots, 20);
	OFF(struct nmreq_register, nr_tx_rings, 24);
	OFF(struct nmreq_register, nr_rx_rings, 26);
	OFF(struct nmreq_register, nr_host_tx_rings, 28);
	OFF(struct nmreq_register, nr_host_rx_rings, 30);
	OFF(struct nmreq_register, nr_mem_id, 32);
	OFF(struct nmreq_register, nr_ringid, 34);
	OFF(struct nmreq_register, nr_mode, 36);
	OFF(struct nmreq_register, nr_extra_bufs, 40);
	OFF(struct nmreq_register, nr_flags, 48);

	OFF(struct nmreq_option, nro_next, 0);
	OFF(struct nmreq_option, nro_reqtype, 8);
	OFF(struct nmreq_option, nro_status, 12);
	OFF(struct nmreq_option, nro_size, 16);

	OFF(struct nmreq_pools_info, nr_memsize, 0);
	OFF(struct nmreq_pools_info, nr_mem_id, 8);
	OFF(struct nmreq_pools_info, nr_if_pool_offset, 16);
	OFF(struct nmreq_pools_info, nr_if_pool_objtotal, 24);
	OFF(struct nmreq_pools_info, nr_if_pool_objsize, 28);
	OFF(struct nmreq_pools_info, nr_ring_pool_offset, 32);
	OFF(struct nmreq_pools_info, nr_ring_pool_objtotal, 40);
	OFF(struct nmreq_pools_info, nr_ring_pool_objsize, 44);
	OFF(struct nmreq_pools_info, nr_buf_pool_offset, 48);
	OFF(struct nmreq_pools_info, nr_buf_pool_objtotal, 56);
	OFF(struct nmreq_pools_info, nr_buf_pool_objsize, 60);

	OFF(struct nmreq_port_info_get, nr_memsize, 0);
	OFF(struct nmreq_port_info_get, nr_tx_slots, 8);
	OFF(struct nmreq_port_info_get, nr_mem_id, 24);

	OFF(struct nmreq, nr_name, 0);
	OFF(struct nmreq, nr_version, 16);
	OFF(struct nmreq, nr_offset, 20);
	OFF(struct nmreq, nr_memsize, 24);
	OFF(struct nmreq, nr_tx_slots, 28);
	OFF(struct nmreq, nr_rx_slots, 32);
	OFF(struct nmreq, nr_tx_rings, 36);
	OFF(struct nmreq, nr_rx_rings, 38);
	OFF(struct nmreq, nr_ringid, 40);
	OFF(struct nmreq, nr_cmd, 42);
	OFF(struct nmreq, nr_arg1, 44);
	OFF(struct nmreq, nr_arg2, 46);
	OFF(struct nmreq, nr_arg3, 48);
	OFF(struct nmreq, nr_flags, 52);
}

static void constants(void)
{
	VAL(NETMAP_API, 14);
	VAL(NETMAP_MIN_API, 14);
	VAL(NETMAP_MAX_API, 15);
	VAL(NETMAP_REQ_IFNAMSIZ, 64);
	VAL(NETMAP_REQ_MAXSIZE, 4096);
	VAL(NM_CACHE_ALIGN, 128);
	VAL(NI_PRIV_MEM, 1);

	VAL(NETMAP_REQ_REGISTER, 1);
	VAL(NETMAP_REQ_PORT_INFO_GET, 2);
	VAL(NETMAP_REQ_VALE_ATTACH, 3);
	VAL(NETMAP_REQ_VALE_DETACH, 4);
	VAL(NETMAP_REQ_VALE_LIST, 5);
	VAL(NETMAP_REQ_PORT_HDR_SET, 6);
	VAL(NETMAP_REQ_PORT_HDR_GET, 7);
	VAL(NETMAP_REQ_VALE_NEWIF, 8);
	VAL(NETMAP_REQ_VALE_DELIF, 9);
	VAL(NETMAP_REQ_VALE_POLLING_ENABLE, 10);
	VAL(NETMAP_REQ_VALE_POLLING_DISABLE, 11);
	VAL(NETMAP_REQ_POOLS_INFO_GET, 12);
	VAL(NETMAP_REQ_SYNC_KLOOP_START, 13);
	VAL(NETMAP_REQ_SYNC_KLOOP_STOP, 14);
	VAL(NETMAP_REQ_CSB_ENABLE, 15);

	VAL(NETMAP_REQ_OPT_EXTMEM, 1);
	VAL(NETMAP_REQ_OPT_SYNC_KLOOP_EVENTFDS, 2);
	VAL(NETMAP_REQ_OPT_CSB, 3);
	VAL(NETMAP_REQ_OPT_SYNC_KLOOP_MODE, 4);
	VAL(NETMAP_REQ_OPT_OFFSETS, 5);
	VAL(NETMAP_REQ_OPT_MAX, 6);

	VAL(NR_REG_DEFAULT, 0);
	VAL(NR_REG_ALL_NIC, 1);
	VAL(NR_REG_SW, 2);
	VAL(NR_REG_NIC_SW, 3);
	VAL(NR_REG_ONE_NIC, 4);
	VAL(NR_REG_PIPE_MASTER, 5);
	VAL(NR_REG_PIPE_SLAVE, 6);
	VAL(NR_REG_NULL, 7);
	VAL(NR_REG_ONE_SW, 8);

	VAL(NR_MONITOR_TX, 0x100);
	VAL(NR_MONITOR_RX, 0x200);
	VAL(NR_ZCOPY_MON, 0x400);
	VAL(NR_EXCLUSIVE, 0x800);
	VAL(NR_RX_RINGS_ONLY, 0x2000);
	VAL(NR_TX_RINGS_ONLY, 0x4000);
	VAL(NR_ACCEPT_VNET_HDR, 0x8000);
	VAL(NR_DO_RX_POLL, 0x10000);
	VAL(NR_NO_TX_POLL, 0x20000);

	VAL(NS_BUF_CHANGED, 0x0001);
	VAL(NS_REPORT, 0x0002);
	VAL(NS_FORWARD, 0x0004);
	VAL(NS_NO_LEARN, 0x0008);
	VAL(NS_INDIRECT, 0x0010);
	VAL(NS_MOREFRAG, 0x0020);
	VAL(NS_TXMON, 0x0040);
	VAL(NS_PORT_SHIFT, 8);
	VAL(NS_PORT_MASK, 0xff00);
	VAL(NR_TIMESTAMP, 0x0002);
	VAL(NR_FORWARD, 0x0004);

	VAL(NETMAP_HW_RING, 0x4000);
	VAL(NETMAP_SW_RING, 0x2000);
	VAL(NETMAP_RING_MASK, 0x0fff);
	VAL(NETMAP_NO_TX_POLL, 0x1000);
	VAL(NETMAP_DO_RX_POLL, 0x8000);
	VAL(NR_REG_MASK, 0xf);
	VAL(NETMAP_BDG_ATTACH, 1);
	VAL(NETMAP_BDG_DETACH, 2);
	VAL(NETMAP_BDG_REGOPS, 3);
	VAL(NETMAP_BDG_LIST, 4);
	VAL(NETMAP_BDG_VNET_HDR, 5);
	VAL(NETMAP_BDG_NEWIF, 6);
	VAL(NETMAP_BDG_DELIF, 7);
	VAL(NETMAP_PT_HOST_CREATE, 8);
	VAL(NETMAP_PT_HOST_DELETE, 9);
	VAL(NETMAP_BDG_POLLING_ON, 10);
	VAL(NETMAP_BDG_POLLING_OFF, 11);
	VAL(NETMAP_VNET_HDR_GET, 12);
}

static void ioctl_numbers(void)
{
	/* ABI.md §3.2: the struct size is encoded in the number */
	VAL(NIOCGINFO, 0xc03c6991UL);
	VAL(NIOCREGIF, 0xc03c6992UL);
	VAL(NIOCTXSYNC, 0x6994UL);
	VAL(NIOCRXSYNC, 0x6995UL);
	VAL(NIOCCONFIG, 0xc1106996UL);
	VAL(NIOCCTRL, 0xc0586997UL);
}

static void device_node(void)
{
	struct stat st;
	int fd;

	if (!ok(stat(NMT_DEV, &st) == 0, "%s exists", NMT_DEV)) {
		diag("stat: %s", errname(errno));
		return;
	}
	ok(S_ISCHR(st.st_mode), "%s is a character device", NMT_DEV);
	/* ABI.md §3.1: misc device, major 10, dynamic minor */
	is(major(st.st_rdev), 10, "%s has the misc major 10", NMT_DEV);

	fd = nmt_open_dev();
	/* ABI.md §5.10: syncs on an unbound fd fail with ENXIO */
	is_err(nmt_txsync(fd), ENXIO, "NIOCTXSYNC on an unbound fd -> ENXIO");
	is_err(nmt_rxsync(fd), ENXIO, "NIOCRXSYNC on an unbound fd -> ENXIO");
	close(fd);
}

/* ABI.md §13 defaults; the module is loaded with default parameters. */
static void module_params(void)
{
	static const struct {
		const char *name;
		long def;
	} params[] = {
		{ "verbose", 0 },
		{ "no_timestamp", 0 },
		{ "if_size", 1024 },
		{ "if_num", 100 },
		{ "ring_size", 36864 },
		{ "ring_num", 200 },
		{ "buf_size", 2048 },
		{ "buf_num", 163840 },
		{ "priv_if_size", 1024 },
		{ "priv_if_num", 2 },
		{ "priv_ring_size", 20480 },
		{ "priv_ring_num", 4 },
		{ "priv_buf_size", 2048 },
		{ "priv_buf_num", 4098 },
	};
	size_t i;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		long v = -1;
		int err = nmt_param_read(params[i].name, &v);

		if (!is_err(err, 0, "module parameter %s exists",
			    params[i].name))
			continue;
		is(v, params[i].def, "module parameter %s defaults to %ld",
		   params[i].name, params[i].def);
	}
}

int main(void)
{
	tap_start(60);
	sizes();
	offsets();
	constants();
	ioctl_numbers();
	device_node();
	module_params();
	return tap_end();
}
