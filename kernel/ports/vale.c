// SPDX-License-Identifier: GPL-2.0
/*
 * VALE switches (fact sheet 13): `valeX:Y` names port Y of switch valeX.
 * A switch is created with its first port, in a free slot of the switch
 * table (max_bridges of them), and freed with its last one. An ephemeral
 * port is created by the first register of its name, with a private region
 * of its own, and destroyed with its last user. Forwarding: vale_fwd.c.
 */
#include <linux/ctype.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "vale.h"

static int nm_max_bridges = 8;
module_param_named(max_bridges, nm_max_bridges, int, 0444);
MODULE_PARM_DESC(max_bridges, "VALE: number of switches (at most 64)");

static int nm_bridge_batch = 1024;
module_param_named(bridge_batch, nm_bridge_batch, int, 0644);
MODULE_PARM_DESC(bridge_batch, "VALE: frames looked up per forwarding batch (1..1024)");

/* nm_lock */
static struct nm_vale_sw *nm_vale_sws[NM_VALE_MAXSWITCHES];

static u32 nm_vale_nswitches(void)
{
	return clamp(READ_ONCE(nm_max_bridges), 1, NM_VALE_MAXSWITCHES);
}

/*
 * Split "valeX:Y" into the switch name and the port part. Returns 0, or
 * -ENOMEM for a malformed switch name (what the reference reports) and
 * -EINVAL for a bad port part.
 */
static int nm_vale_parse(const char *name, char *sw, const char **port)
{
	const char *colon = strchr(name, ':');
	size_t i, len;

	if (!colon || colon - name >= IFNAMSIZ) {
		nm_info_rl("%s: no ':' within the first %d characters\n", name, IFNAMSIZ);
		return -ENOMEM;
	}
	len = colon - name;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!isalnum(c) && c != '_') {
			nm_info_rl("%s: switch names are made of [A-Za-z0-9_]\n", name);
			return -ENOMEM;
		}
	}
	*port = colon + 1;
	if (!**port || strlen(*port) >= IFNAMSIZ) {
		nm_info_rl("%s: the port part must have 1 to %d characters\n",
			   name, IFNAMSIZ - 1);
		return -EINVAL;
	}
	memcpy(sw, name, len);
	sw[len] = '\0';
	return 0;
}

static struct nm_vale_sw *nm_vale_find(const char *name)
{
	u32 i;

	for (i = 0; i < NM_VALE_MAXSWITCHES; i++)
		if (nm_vale_sws[i] && !strcmp(nm_vale_sws[i]->name, name))
			return nm_vale_sws[i];
	return NULL;
}

static int nm_vale_sw_create(const char *name, struct nm_vale_sw **out)
{
	struct nm_vale_sw *sw;
	u32 i;

	for (i = 0; i < nm_vale_nswitches() && nm_vale_sws[i]; i++)
		;
	if (i == nm_vale_nswitches()) {
		nm_info_rl("%s: no free switch (max_bridges %u)\n", name, i);
		return -ENOMEM;
	}
	sw = kzalloc(sizeof(*sw), GFP_KERNEL);
	if (!sw)
		return -ENOMEM;
	strscpy(sw->name, name, sizeof(sw->name));
	sw->index = i;
	nm_vale_sws[i] = sw;
	*out = sw;
	return 0;
}

static void nm_vale_sw_put_if_empty(struct nm_vale_sw *sw)
{
	if (sw->nports)
		return;
	nm_vale_sws[sw->index] = NULL;
	kfree(sw);
}

/* Pin every RX ring while registered: senders may write into any of them. */
static int nm_vport_reg(struct nm_adapter *na, bool on)
{
	struct nm_vport *vp = to_vport(na);
	u32 q, n = na->num_rings[NR_RX];
	int err;

	if (on) {
		err = nm_rings_get(na, NR_RX, 0, n);
		if (err)
			return err;
	}
	for (q = 0; q < n; q++) {
		struct nm_vrx *x = &vp->rx[q];

		spin_lock_bh(&x->lock);
		x->on = on;
		x->tail = na->krings[NR_RX][q].hwtail;
		spin_unlock_bh(&x->lock);
	}
	if (!on)
		nm_rings_put(na, NR_RX, 0, n);
	return 0;
}

static void nm_vport_free(struct nm_vport *vp)
{
	u32 i;

	for (i = 0; i < NM_VALE_MAXRINGS; i++)
		kvfree(vp->fwd[i]);
	kfree(vp);
}

static void nm_vport_dtor(struct nm_adapter *na)
{
	struct nm_vport *vp = to_vport(na);
	struct nm_vale_sw *sw = vp->sw;

	RCU_INIT_POINTER(sw->ports[vp->index], NULL);
	sw->nports--;
	nm_vale_forget(sw, vp->index);
	synchronize_rcu();	/* no sender copies into our rings any more */
	nm_vale_sw_put_if_empty(sw);
	nm_adapter_fini(na);
	nm_vport_free(vp);
}

static const struct nm_adapter_ops nm_vport_ops = {
	.reg = nm_vport_reg,
	.txsync = nm_vale_txsync,
	.rxsync = nm_vale_rxsync,
	.dtor = nm_vport_dtor,
};

static u32 nm_vale_pick(u32 wanted, u32 def, u32 max)
{
	return wanted ? min(wanted, max) : def;
}

/* A private region for @vp's rings (and a few fds' netmap_if objects). */
static struct nm_mem *nm_vport_mem(struct nm_vport *vp)
{
	struct nm_adapter *na = &vp->up;
	u32 nrings = na->num_rings[NR_TX] + na->num_rings[NR_RX];
	u32 slots = max(na->num_slots[NR_TX], na->num_slots[NR_RX]);
	struct nm_mem_params p = {
		.if_size = sizeof(struct netmap_if) + 2 * nrings * sizeof(s64),
		.if_num = 16,
		.ring_size = sizeof(struct netmap_ring) +
			     slots * sizeof(struct netmap_slot),
		.ring_num = nrings,
		.buf_num = na->num_rings[NR_TX] * na->num_slots[NR_TX] +
			   na->num_rings[NR_RX] * na->num_slots[NR_RX] + 2,
	};

	return nm_mem_private_new(&p);
}

static int nm_vport_create(struct nm_vale_sw *sw, const struct nm_port_req *req,
			   struct nm_vport **out)
{
	struct nm_vport *vp;
	struct nm_mem *mem;
	enum nm_txrx t;
	u32 i, idx;
	int err;

	if (sw->nports + 2 >= NM_VALE_MAXPORTS) {
		nm_info_rl("%s: switch %s is full\n", req->name, sw->name);
		return -ENOMEM;
	}
	for (idx = 0; rcu_access_pointer(sw->ports[idx]); idx++)
		;
	vp = kzalloc(sizeof(*vp), GFP_KERNEL);
	if (!vp)
		return -ENOMEM;
	for (t = NR_TX; t < NR_TXRX; t++) {
		vp->up.num_rings[t] = nm_vale_pick(req->rings[t], 1, NM_VALE_MAXRINGS);
		vp->up.num_slots[t] = nm_vale_pick(req->slots[t], NM_DEF_SLOTS,
						   NM_MAX_SLOTS);
	}
	vp->batch = clamp(READ_ONCE(nm_bridge_batch), 1, 1024);
	for (i = 0; i < vp->up.num_rings[NR_TX]; i++) {
		vp->fwd[i] = kvmalloc(struct_size(vp->fwd[i], ent, vp->batch),
				      GFP_KERNEL);
		if (!vp->fwd[i]) {
			err = -ENOMEM;
			goto err_free;
		}
	}
	for (i = 0; i < NM_VALE_MAXRINGS; i++)
		spin_lock_init(&vp->rx[i].lock);
	if (req->mem_id) {
		mem = nm_mem_find(req->mem_id);
		err = -EINVAL;
		if (!mem)
			goto err_free;
	} else {
		mem = nm_vport_mem(vp);
		err = -ENOMEM;
		if (!mem)
			goto err_free;
	}
	err = nm_adapter_init(&vp->up, req->name, &nm_vport_ops, mem);
	if (err)
		goto err_free;
	vp->sw = sw;
	vp->index = idx;
	vp->up.refcount = 1;
	sw->nports++;
	rcu_assign_pointer(sw->ports[idx], vp);
	*out = vp;
	return 0;

err_free:
	nm_vport_free(vp);
	return err;
}

/* Resolve a `vale...` name (register-type lookup). Under nm_lock. */
int nm_vale_get(const struct nm_port_req *req, struct nm_adapter **out)
{
	char swname[IFNAMSIZ];
	struct nm_vale_sw *sw;
	struct nm_vport *vp;
	struct net_device *dev;
	const char *port;
	bool created = false;
	int err;
	u32 i;

	lockdep_assert_held(&nm_lock);
	err = nm_vale_parse(req->name, swname, &port);
	if (err)
		return err;
	if (req->mode != NR_REG_ALL_NIC && req->mode != NR_REG_ONE_NIC) {
		nm_info_rl("%s: VALE ports have no host rings\n", req->name);
		return -EINVAL;
	}
	sw = nm_vale_find(swname);
	for (i = 0; sw && i < NM_VALE_MAXPORTS; i++) {
		vp = rcu_dereference_protected(sw->ports[i], lockdep_is_held(&nm_lock));
		if (vp && !strcmp(vp->up.name, req->name)) {
			nm_adapter_get(&vp->up);
			*out = &vp->up;
			return 0;
		}
	}
	dev = dev_get_by_name(current->nsproxy->net_ns, port);
	if (dev) {
		dev_put(dev);
		nm_info_rl("%s: %s is a network interface: attach it with vale-ctl\n",
			   req->name, port);
		return -EINVAL;
	}
	if (!sw) {
		err = nm_vale_sw_create(swname, &sw);
		if (err)
			return err;
		created = true;
	}
	err = nm_vport_create(sw, req, &vp);
	if (err) {
		if (created)
			nm_vale_sw_put_if_empty(sw);
		return err;
	}
	*out = &vp->up;
	return 0;
}

/* NETMAP_REQ_VALE_LIST (fact sheet 5.8). Under nm_lock. */
int nm_vale_list(struct nmreq_header *hdr, struct nmreq_vale_list *l)
{
	u32 b, p = l->nr_port_idx;
	struct nm_vport *vp;

	lockdep_assert_held(&nm_lock);
	if (hdr->nr_name[0]) {
		char swname[IFNAMSIZ];
		struct nm_vale_sw *sw;
		const char *port;

		if (strncmp(hdr->nr_name, NM_BDG_NAME, strlen(NM_BDG_NAME)))
			return -EINVAL;
		if (nm_vale_parse(hdr->nr_name, swname, &port))
			return -EINVAL;
		sw = nm_vale_find(swname);
		if (!sw)
			return -ENOENT;
		l->nr_bridge_idx = sw->index;
		l->nr_port_idx = NM_VALE_NOPORT;
		for (p = 0; p < NM_VALE_MAXPORTS; p++) {
			vp = rcu_dereference_protected(sw->ports[p],
						       lockdep_is_held(&nm_lock));
			if (vp && !strcmp(vp->up.name, hdr->nr_name)) {
				l->nr_port_idx = p;
				break;
			}
		}
		return 0;
	}
	for (b = l->nr_bridge_idx; b < NM_VALE_MAXSWITCHES; b++, p = 0) {
		struct nm_vale_sw *sw = nm_vale_sws[b];

		for (; sw && p < NM_VALE_MAXPORTS; p++) {
			vp = rcu_dereference_protected(sw->ports[p],
						       lockdep_is_held(&nm_lock));
			if (!vp)
				continue;
			strscpy(hdr->nr_name, vp->up.name, sizeof(hdr->nr_name));
			l->nr_bridge_idx = b;
			l->nr_port_idx = p;
			return 0;
		}
	}
	return -ENOENT;
}
