// SPDX-License-Identifier: GPL-2.0
/*
 * netmap.ko: module entry points and the general module parameters.
 * Pool parameters live with the allocator (core/mem.c).
 */
#include <linux/build_bug.h>
#include <linux/module.h>
#include <linux/stddef.h>

#include "../core/nm_kern.h"
#include "dev.h"

int nm_verbose;
module_param_named(verbose, nm_verbose, int, 0644);
MODULE_PARM_DESC(verbose, "Verbose kernel log");

int nm_no_timestamp;
module_param_named(no_timestamp, nm_no_timestamp, int, 0644);
MODULE_PARM_DESC(no_timestamp, "Update ring->ts only on rings with NR_TIMESTAMP");

int nm_fwd;
module_param_named(fwd, nm_fwd, int, 0644);
MODULE_PARM_DESC(fwd, "Transparent mode on every RX ring of ports with host rings");

static int nm_default_pipes;
module_param_named(default_pipes, nm_default_pipes, int, 0644);
MODULE_PARM_DESC(default_pipes, "Ignored, kept for compatibility");

/* The shared-memory ABI, checked against ABI.md §4, §6 and §8. */
static void __init nm_check_layout(void)
{
	BUILD_BUG_ON(sizeof(struct netmap_slot) != 16);
	BUILD_BUG_ON(offsetof(struct netmap_slot, len) != 4);
	BUILD_BUG_ON(offsetof(struct netmap_slot, flags) != 6);
	BUILD_BUG_ON(offsetof(struct netmap_slot, ptr) != 8);

	BUILD_BUG_ON(sizeof(struct netmap_ring) != 256);
	BUILD_BUG_ON(offsetof(struct netmap_ring, num_slots) != 8);
	BUILD_BUG_ON(offsetof(struct netmap_ring, nr_buf_size) != 12);
	BUILD_BUG_ON(offsetof(struct netmap_ring, ringid) != 16);
	BUILD_BUG_ON(offsetof(struct netmap_ring, dir) != 18);
	BUILD_BUG_ON(offsetof(struct netmap_ring, head) != 20);
	BUILD_BUG_ON(offsetof(struct netmap_ring, cur) != 24);
	BUILD_BUG_ON(offsetof(struct netmap_ring, tail) != 28);
	BUILD_BUG_ON(offsetof(struct netmap_ring, flags) != 32);
	BUILD_BUG_ON(offsetof(struct netmap_ring, ts) != 40);
	BUILD_BUG_ON(offsetof(struct netmap_ring, offset_mask) != 56);
	BUILD_BUG_ON(offsetof(struct netmap_ring, buf_align) != 64);
	BUILD_BUG_ON(offsetof(struct netmap_ring, sem) != 128);
	BUILD_BUG_ON(offsetof(struct netmap_ring, slot) != 256);

	BUILD_BUG_ON(sizeof(struct netmap_if) != 56);
	BUILD_BUG_ON(offsetof(struct netmap_if, ni_version) != 16);
	BUILD_BUG_ON(offsetof(struct netmap_if, ni_flags) != 20);
	BUILD_BUG_ON(offsetof(struct netmap_if, ni_tx_rings) != 24);
	BUILD_BUG_ON(offsetof(struct netmap_if, ni_rx_rings) != 28);
	BUILD_BUG_ON(offsetof(struct netmap_if, ni_bufs_head) != 32);
	BUILD_BUG_ON(offsetof(struct netmap_if, ni_host_tx_rings) != 36);
	BUILD_BUG_ON(offsetof(struct netmap_if, ni_host_rx_rings) != 40);
	BUILD_BUG_ON(offsetof(struct netmap_if, ring_ofs) != 56);

	BUILD_BUG_ON(sizeof(struct nmreq_header) != 88);
	BUILD_BUG_ON(offsetof(struct nmreq_header, nr_reqtype) != 2);
	BUILD_BUG_ON(offsetof(struct nmreq_header, nr_reserved) != 4);
	BUILD_BUG_ON(offsetof(struct nmreq_header, nr_name) != 8);
	BUILD_BUG_ON(offsetof(struct nmreq_header, nr_options) != 72);
	BUILD_BUG_ON(offsetof(struct nmreq_header, nr_body) != 80);

	BUILD_BUG_ON(sizeof(struct nmreq_register) != 56);
	BUILD_BUG_ON(offsetof(struct nmreq_register, nr_memsize) != 8);
	BUILD_BUG_ON(offsetof(struct nmreq_register, nr_tx_slots) != 16);
	BUILD_BUG_ON(offsetof(struct nmreq_register, nr_rx_slots) != 20);
	BUILD_BUG_ON(offsetof(struct nmreq_register, nr_tx_rings) != 24);
	BUILD_BUG_ON(offsetof(struct nmreq_register, nr_rx_rings) != 26);
	BUILD_BUG_ON(offsetof(struct nmreq_register, nr_host_tx_rings) != 28);
	BUILD_BUG_ON(offsetof(struct nmreq_register, nr_host_rx_rings) != 30);
	BUILD_BUG_ON(offsetof(struct nmreq_register, nr_mem_id) != 32);
	BUILD_BUG_ON(offsetof(struct nmreq_register, nr_ringid) != 34);
	BUILD_BUG_ON(offsetof(struct nmreq_register, nr_mode) != 36);
	BUILD_BUG_ON(offsetof(struct nmreq_register, nr_extra_bufs) != 40);
	BUILD_BUG_ON(offsetof(struct nmreq_register, nr_flags) != 48);

	BUILD_BUG_ON(sizeof(struct nmreq_port_info_get) != 32);
	BUILD_BUG_ON(offsetof(struct nmreq_port_info_get, nr_mem_id) != 24);
	BUILD_BUG_ON(sizeof(struct nmreq_vale_attach) != 64);
	BUILD_BUG_ON(offsetof(struct nmreq_vale_attach, port_index) != 56);
	BUILD_BUG_ON(sizeof(struct nmreq_vale_detach) != 8);
	BUILD_BUG_ON(sizeof(struct nmreq_vale_list) != 8);
	BUILD_BUG_ON(sizeof(struct nmreq_port_hdr) != 8);
	BUILD_BUG_ON(sizeof(struct nmreq_vale_newif) != 16);
	BUILD_BUG_ON(sizeof(struct nmreq_vale_polling) != 16);
	BUILD_BUG_ON(sizeof(struct nmreq_pools_info) != 64);
	BUILD_BUG_ON(offsetof(struct nmreq_pools_info, nr_if_pool_offset) != 16);
	BUILD_BUG_ON(offsetof(struct nmreq_pools_info, nr_ring_pool_offset) != 32);
	BUILD_BUG_ON(offsetof(struct nmreq_pools_info, nr_buf_pool_offset) != 48);
	BUILD_BUG_ON(offsetof(struct nmreq_pools_info, nr_buf_pool_objsize) != 60);
	BUILD_BUG_ON(sizeof(struct nmreq_sync_kloop_start) != 8);

	BUILD_BUG_ON(sizeof(struct nmreq_option) != 24);
	BUILD_BUG_ON(offsetof(struct nmreq_option, nro_reqtype) != 8);
	BUILD_BUG_ON(offsetof(struct nmreq_option, nro_status) != 12);
	BUILD_BUG_ON(offsetof(struct nmreq_option, nro_size) != 16);
	BUILD_BUG_ON(sizeof(struct nmreq_opt_extmem) != 96);
	BUILD_BUG_ON(offsetof(struct nmreq_opt_extmem, nro_info) != 32);
	BUILD_BUG_ON(sizeof(struct nmreq_opt_csb) != 40);
	BUILD_BUG_ON(sizeof(struct nmreq_opt_sync_kloop_mode) != 32);
	BUILD_BUG_ON(sizeof(struct nmreq_opt_sync_kloop_eventfds) != 24);
	BUILD_BUG_ON(sizeof(struct nmreq_opt_offsets) != 56);
	BUILD_BUG_ON(offsetof(struct nmreq_opt_offsets, nro_initial_offset) != 32);
	BUILD_BUG_ON(offsetof(struct nmreq_opt_offsets, nro_offset_bits) != 40);
	BUILD_BUG_ON(offsetof(struct nmreq_opt_offsets, nro_min_gap) != 48);
	BUILD_BUG_ON(sizeof(struct nm_csb_atok) != 64);
	BUILD_BUG_ON(sizeof(struct nm_csb_ktoa) != 64);

	BUILD_BUG_ON(sizeof(struct nmreq) != 60);
	BUILD_BUG_ON(offsetof(struct nmreq, nr_version) != 16);
	BUILD_BUG_ON(offsetof(struct nmreq, nr_ringid) != 40);
	BUILD_BUG_ON(offsetof(struct nmreq, nr_cmd) != 42);
	BUILD_BUG_ON(offsetof(struct nmreq, nr_arg3) != 48);
	BUILD_BUG_ON(offsetof(struct nmreq, nr_flags) != 52);
	BUILD_BUG_ON(sizeof(struct nm_ifreq) != 272);

	BUILD_BUG_ON(NIOCGINFO != 0xc03c6991);
	BUILD_BUG_ON(NIOCREGIF != 0xc03c6992);
	BUILD_BUG_ON(NIOCTXSYNC != 0x6994);
	BUILD_BUG_ON(NIOCRXSYNC != 0x6995);
	BUILD_BUG_ON(NIOCCONFIG != 0xc1106996);
	BUILD_BUG_ON(NIOCCTRL != 0xc0586997);
}

static int __init nm_init(void)
{
	int err;

	nm_check_layout();
	err = nm_mem_init();
	if (err)
		return err;
	err = nm_netdev_init();
	if (err)
		goto err_mem_exit;
	err = nm_vale_init();
	if (err)
		goto err_netdev_exit;
	err = nm_dev_init();
	if (err)
		goto err_vale_exit;
	pr_info(NM_NAME ": loaded, API %d (%d..%d)\n", NETMAP_API,
		NETMAP_MIN_API, NETMAP_MAX_API);
	return 0;

err_vale_exit:
	nm_vale_exit();
err_netdev_exit:
	nm_netdev_exit();
err_mem_exit:
	nm_mem_exit();
	return err;
}

static void __exit nm_exit(void)
{
	nm_dev_exit();
	nm_vale_exit();
	nm_netdev_exit();
	nm_mem_exit();
	pr_info(NM_NAME ": unloaded\n");
}

module_init(nm_init);
module_exit(nm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("netmap: fast packet I/O from userspace");
MODULE_VERSION("0.1");
