// SPDX-License-Identifier: GPL-2.0
/*
 * Null ports (NR_REG_NULL): rings in an existing region, no data path. Syncs
 * leave the rings as they are. A new port per register, named null:<name>.
 */
#include <linux/slab.h>

#include "../core/nm_kern.h"

static int nm_null_sync(struct nm_kring *kring, int flags)
{
	return 0;
}

static void nm_null_dtor(struct nm_adapter *na)
{
	nm_adapter_fini(na);
	kfree(na);
}

static const struct nm_adapter_ops nm_null_ops = {
	.txsync = nm_null_sync,
	.rxsync = nm_null_sync,
	.dtor = nm_null_dtor,
};

int nm_null_get(const struct nm_port_req *req, struct nm_adapter **out)
{
	char name[NETMAP_REQ_IFNAMSIZ];
	struct nm_adapter *na;
	struct nm_mem *mem;
	enum nm_txrx t;
	int err;

	if (!req->mem_id) {
		nm_info_rl("null:%s: a null port needs nr_mem_id\n", req->name);
		return -EINVAL;
	}
	mem = nm_mem_find(req->mem_id);
	if (!mem) {
		nm_info_rl("null:%s: no region %u\n", req->name, req->mem_id);
		return -EINVAL;
	}
	na = kzalloc(sizeof(*na), GFP_KERNEL);
	if (!na) {
		nm_mem_put(mem);
		return -ENOMEM;
	}
	for (t = NR_TX; t < NR_TXRX; t++) {
		na->num_rings[t] = req->rings[t] ? min_t(u32, req->rings[t], NM_MAX_RINGS) : 1;
		na->num_slots[t] = req->slots[t] ? min_t(u32, req->slots[t], NM_MAX_SLOTS) :
				   NM_DEF_SLOTS;
	}
	na->offsets_ok = true;
	snprintf(name, sizeof(name), "null:%s", req->name);
	err = nm_adapter_init(na, name, &nm_null_ops, mem);
	if (err) {
		kfree(na);
		return err;
	}
	na->refcount = 1;
	*out = na;
	return 0;
}
