// SPDX-License-Identifier: GPL-2.0
/*
 * Control request handlers, shared by NIOCCTRL (ctrl.c) and the legacy
 * ioctls (legacy.c). Bodies and options are kernel copies.
 */
#include <linux/string.h>

#include "nm_kern.h"

/* Options a request type consumes; the others keep status EOPNOTSUPP. */
static bool nm_opts_unconsumed(const struct nm_opts *opts, u32 accepted)
{
	int t;

	if (opts->unknown)
		return true;
	for (t = 1; t < NETMAP_REQ_OPT_MAX; t++)
		if (opts->opt[t] && !(accepted & BIT(t)))
			return true;
	return false;
}

static int nm_req_register(struct nm_priv *priv, struct nmreq_header *hdr,
			   struct nmreq_register *reg, struct nm_opts *opts)
{
	/*
	 * Any option that is not consumed fails the request (ABI.md §6.2 step 4):
	 * check before binding so that nothing has to be undone.
	 */
	if (nm_opts_unconsumed(opts, BIT(NETMAP_REQ_OPT_OFFSETS)))
		return -EOPNOTSUPP;
	return nm_bind(priv, hdr, reg, opts);
}

/* Region info for an empty port name (ABI.md §6.5). */
static int nm_region_info(u16 id, u64 *memsize, u16 *mem_id)
{
	struct nm_mem *mem = nm_mem_find(id ? id : NM_MEM_GLOBAL_ID);
	int err;

	if (!mem) {
		nm_info_rl("no memory region %u\n", id);
		return -EINVAL;
	}
	err = nm_mem_activate(mem);
	if (!err) {
		*memsize = nm_mem_size(mem);
		*mem_id = nm_mem_id(mem);
		nm_mem_deactivate(mem);
	}
	nm_mem_put(mem);
	return err;
}

/* Look a port up as a register in NR_REG_ALL_NIC mode would. */
static int nm_lookup(const struct nmreq_header *hdr, u16 mem_id,
		     const u32 slots[NR_TXRX], const u32 rings[NR_TXRX],
		     struct nm_adapter **na)
{
	struct nm_port_req pr = {
		.name = hdr->nr_name,
		.mode = NR_REG_ALL_NIC,
		.mem_id = mem_id,
	};

	memcpy(pr.slots, slots, sizeof(pr.slots));
	memcpy(pr.rings, rings, sizeof(pr.rings));
	return nm_port_get(&pr, na);
}

static int nm_req_port_info(struct nmreq_header *hdr,
			    struct nmreq_port_info_get *pi)
{
	u32 slots[NR_TXRX] = { pi->nr_tx_slots, pi->nr_rx_slots };
	u32 rings[NR_TXRX] = { pi->nr_tx_rings, pi->nr_rx_rings };
	struct nm_adapter *na;
	int err;

	if (!hdr->nr_name[0])
		return nm_region_info(pi->nr_mem_id, &pi->nr_memsize,
				      &pi->nr_mem_id);
	mutex_lock(&nm_lock);
	err = nm_lookup(hdr, pi->nr_mem_id, slots, rings, &na);
	if (!err) {
		pi->nr_memsize = nm_mem_size(na->mem);
		pi->nr_mem_id = nm_mem_id(na->mem);
		pi->nr_tx_slots = na->num_slots[NR_TX];
		pi->nr_rx_slots = na->num_slots[NR_RX];
		pi->nr_tx_rings = na->num_rings[NR_TX];
		pi->nr_rx_rings = na->num_rings[NR_RX];
		pi->nr_host_tx_rings = na->num_host_rings[NR_TX];
		pi->nr_host_rx_rings = na->num_host_rings[NR_RX];
		nm_adapter_put(na);
	}
	mutex_unlock(&nm_lock);
	return err;
}

static int nm_req_pools_info(struct nmreq_header *hdr,
			     struct nmreq_pools_info *pi)
{
	static const u32 none[NR_TXRX];
	struct nm_adapter *na;
	int err;

	/*
	 * Always a port's region, as upstream: unlike PORT_INFO_GET, an empty
	 * name names no region and fails the lookup (ENXIO).
	 */
	mutex_lock(&nm_lock);
	err = nm_lookup(hdr, pi->nr_mem_id, none, none, &na);
	if (!err) {
		nm_mem_pools_info(na->mem, pi);
		nm_adapter_put(na);
	}
	mutex_unlock(&nm_lock);
	return err;
}

static int nm_req_port_hdr(struct nmreq_header *hdr, struct nmreq_port_hdr *ph,
			   bool set)
{
	static const u32 none[NR_TXRX];
	struct nm_adapter *na;
	int err;

	mutex_lock(&nm_lock);
	if (set) {
		err = nm_vale_port_hdr_set(hdr->nr_name, ph->nr_hdr_len);
	} else {
		err = nm_lookup(hdr, 0, none, none, &na);
		if (!err) {
			ph->nr_hdr_len = READ_ONCE(na->virt_hdr_len);
			nm_adapter_put(na);
		}
	}
	mutex_unlock(&nm_lock);
	return err;
}

/* The VALE requests, each under nm_lock. */
static int nm_req_vale(struct nmreq_header *hdr, void *body)
{
	int err;

	mutex_lock(&nm_lock);
	err = nm_vale_request(hdr, body);
	mutex_unlock(&nm_lock);
	return err;
}

int nm_ctrl_dispatch(struct nm_priv *priv, struct nmreq_header *hdr,
		     void *body, struct nm_opts *opts)
{
	switch (hdr->nr_reqtype) {
	case NETMAP_REQ_REGISTER:
		return nm_req_register(priv, hdr, body, opts);
	case NETMAP_REQ_PORT_INFO_GET:
		return nm_req_port_info(hdr, body);
	case NETMAP_REQ_POOLS_INFO_GET:
		return nm_req_pools_info(hdr, body);
	case NETMAP_REQ_PORT_HDR_GET:
		return nm_req_port_hdr(hdr, body, false);
	case NETMAP_REQ_PORT_HDR_SET:
		return nm_req_port_hdr(hdr, body, true);
	case NETMAP_REQ_CSB_ENABLE:
		/* Nothing to do on an unbound fd (ABI.md §6.3). */
		return nm_priv_bound(priv) ? -EOPNOTSUPP : 0;
	case NETMAP_REQ_SYNC_KLOOP_START:
	case NETMAP_REQ_SYNC_KLOOP_STOP:
		return nm_priv_bound(priv) ? -EOPNOTSUPP : -ENXIO;
	case NETMAP_REQ_VALE_LIST:
	case NETMAP_REQ_VALE_ATTACH:
	case NETMAP_REQ_VALE_DETACH:
	case NETMAP_REQ_VALE_NEWIF:
	case NETMAP_REQ_VALE_DELIF:
	case NETMAP_REQ_VALE_POLLING_ENABLE:
	case NETMAP_REQ_VALE_POLLING_DISABLE:
		return nm_req_vale(hdr, body);
	default:
		return -EINVAL;
	}
}
