// SPDX-License-Identifier: GPL-2.0
/*
 * VALE switches (ABI.md §14): `valeX:Y` names port Y of switch valeX.
 * Each network namespace has a switch table of its own (max_bridges
 * slots): names are looked up in the caller's. A switch is created with its
 * first port, in a free slot of the table, and freed with its last one.
 * When a namespace goes, the NICs and persistent ports in its switches
 * leave them; a switch that still has ephemeral ports (fds opened there,
 * now held elsewhere) lives on, orphaned, until its last port goes. An
 * port is created by the first register of its name, with a private region
 * of its own, and destroyed with its last user. Persistent ports:
 * vale_vif.c; NIC attachments: vale_nic.c; forwarding: vale_fwd.c.
 */
#include <linux/ctype.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "vale.h"

static int nm_max_bridges = 8;
module_param_named(max_bridges, nm_max_bridges, int, 0444);
MODULE_PARM_DESC(max_bridges, "VALE: number of switches (at most 64)");

static int nm_bridge_batch = 1024;
module_param_named(bridge_batch, nm_bridge_batch, int, 0644);
MODULE_PARM_DESC(bridge_batch, "VALE: frames looked up per forwarding batch (1..1024)");

/* The switch table of one network namespace (its net_generic slot). */
struct nm_vale_net {
	struct nm_vale_sw *sws[NM_VALE_MAXSWITCHES];	/* nm_lock */
};

static unsigned int nm_vale_net_id;

/* Switches whose namespace is gone (sw->table NULL), under nm_lock. */
static LIST_HEAD(nm_vale_orphans);

/* The caller's switch table (request context: the task has namespaces). */
static struct nm_vale_net *nm_vale_net_cur(void)
{
	return net_generic(current->nsproxy->net_ns, nm_vale_net_id);
}

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

DEFINE_SRCU(nm_vale_srcu);

static struct nm_vale_sw *nm_vale_find(const char *name)
{
	struct nm_vale_net *vn = nm_vale_net_cur();
	u32 i;

	for (i = 0; i < NM_VALE_MAXSWITCHES; i++)
		if (vn->sws[i] && !strcmp(vn->sws[i]->name, name))
			return vn->sws[i];
	return NULL;
}

static int nm_vale_sw_create(const char *name, struct nm_vale_sw **out)
{
	struct nm_vale_net *vn = nm_vale_net_cur();
	struct nm_vale_sw *sw;
	u32 i;

	for (i = 0; i < nm_vale_nswitches() && vn->sws[i]; i++)
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
	sw->table = vn;
	vn->sws[i] = sw;
	*out = sw;
	return 0;
}

/*
 * The switch of port name @name (created if @create and missing, else
 * -ENXIO), and the port part of the name. Under nm_lock.
 */
int nm_vale_sw_get(const char *name, bool create, struct nm_vale_sw **out,
		   const char **port)
{
	char swname[IFNAMSIZ];
	int err;

	lockdep_assert_held(&nm_lock);
	err = nm_vale_parse(name, swname, port);
	if (err)
		return err;
	*out = nm_vale_find(swname);
	if (*out)
		return 0;
	if (!create)
		return -ENXIO;
	return nm_vale_sw_create(swname, out);
}

/*
 * Free @sw if no port is left in it. Senders reach a switch only through
 * the vp->sw of a port in it, and nm_vale_leave() waits for them.
 */
void nm_vale_sw_put_if_empty(struct nm_vale_sw *sw)
{
	lockdep_assert_held(&nm_lock);
	if (sw->nports)
		return;
	if (sw->table)
		sw->table->sws[sw->index] = NULL;
	else
		list_del(&sw->orphan);
	kfree(sw);
}

/*
 * A network namespace is going: its interfaces are gone already (moved to
 * the initial namespace or unregistered: device exits run before ours).
 * The NICs and persistent ports leave its switches; a switch left with
 * ephemeral ports becomes an orphan that no name finds.
 */
static void __net_exit nm_vale_net_exit(struct net *net)
{
	struct nm_vale_net *vn = net_generic(net, nm_vale_net_id);
	u32 b;

	mutex_lock(&nm_lock);
	for (b = 0; b < NM_VALE_MAXSWITCHES; b++) {
		struct nm_vale_sw *sw = vn->sws[b];

		if (!sw)
			continue;
		nm_vale_sw_detach_all(sw);
		if (!sw->nports) {
			nm_vale_sw_put_if_empty(sw);
			continue;
		}
		vn->sws[b] = NULL;
		sw->table = NULL;
		list_add(&sw->orphan, &nm_vale_orphans);
	}
	mutex_unlock(&nm_lock);
}

static struct pernet_operations nm_vale_net_ops = {
	.exit = nm_vale_net_exit,
	.id = &nm_vale_net_id,
	.size = sizeof(struct nm_vale_net),
};

/* Module load: every namespace, present and future, gets a switch table. */
int nm_vale_init(void)
{
	return register_pernet_subsys(&nm_vale_net_ops);
}

/*
 * Module unload (no fd is left): every namespace's switches lose their
 * NICs and persistent ports, and every persistent port goes.
 */
void nm_vale_exit(void)
{
	unregister_pernet_subsys(&nm_vale_net_ops);
	mutex_lock(&nm_lock);
	WARN_ON(!list_empty(&nm_vale_orphans));
	nm_vif_exit();
	mutex_unlock(&nm_lock);
	nm_vnic_exit();	/* after the attachments are gone */
}

struct nm_vport *nm_vale_find_port(struct nm_vale_sw *sw, const char *name)
{
	u32 i;

	for (i = 0; i < NM_VALE_MAXPORTS; i++) {
		struct nm_vport *vp = rcu_dereference_protected(sw->ports[i],
						lockdep_is_held(&nm_lock));

		if (vp && !strcmp(vp->swname, name))
			return vp;
	}
	return NULL;
}

/*
 * The switch and the port named @name (`valeX:PORT`), each NULL when
 * missing, and the port part in *@port. Fails only for a malformed name.
 * Under nm_lock.
 */
int nm_vale_port_by_name(const char *name, struct nm_vale_sw **sw,
			 struct nm_vport **vp, const char **port)
{
	int err = nm_vale_sw_get(name, false, sw, port);

	*vp = NULL;
	if (err == -ENXIO) {
		*sw = NULL;
		return 0;
	}
	if (!err)
		*vp = nm_vale_find_port(*sw, name);
	return err;
}

/* Put @vp (its swname set, in no switch) into @sw. Under nm_lock. */
int nm_vale_join(struct nm_vale_sw *sw, struct nm_vport *vp)
{
	u32 idx;

	lockdep_assert_held(&nm_lock);
	if (sw->nports + 2 >= NM_VALE_MAXPORTS) {
		nm_info_rl("%s: switch %s is full\n", vp->swname, sw->name);
		return -ENOMEM;
	}
	for (idx = 0; rcu_access_pointer(sw->ports[idx]); idx++)
		;
	vp->index = idx;
	sw->nports++;
	rcu_assign_pointer(sw->ports[idx], vp);
	rcu_assign_pointer(vp->sw, sw);
	return 0;
}

/*
 * Take @vp out of its switch: once this returns no sender copies into its
 * rings and its own frames go nowhere. Returns the switch it was in (the
 * caller frees it with nm_vale_sw_put_if_empty()), or NULL.
 */
struct nm_vale_sw *nm_vale_leave(struct nm_vport *vp)
{
	struct nm_vale_sw *sw = rcu_dereference_protected(vp->sw,
						lockdep_is_held(&nm_lock));

	if (!sw)
		return NULL;
	RCU_INIT_POINTER(sw->ports[vp->index], NULL);
	RCU_INIT_POINTER(vp->sw, NULL);
	sw->nports--;
	nm_vale_forget(sw, vp->index);
	synchronize_srcu(&nm_vale_srcu);
	vp->swname[0] = '\0';
	return sw;
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

/* The last reference to a virtual port is gone. */
static void nm_vport_dtor(struct nm_adapter *na)
{
	struct nm_vport *vp = to_vport(na);
	struct nm_vale_sw *sw = nm_vale_leave(vp);

	if (sw)
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

struct nm_vfwd *nm_vfwd_alloc(u32 batch)
{
	struct nm_vfwd *f;

	return kvmalloc(struct_size(f, ent, batch), GFP_KERNEL);
}

/*
 * A virtual port named @name, in no switch yet, with one reference: rings
 * and slots per direction (0: the defaults), its region @mem_id (0: a new
 * private one).
 */
int nm_vport_new(const char *name, const u32 rings[NR_TXRX],
		 const u32 slots[NR_TXRX], u16 mem_id, struct nm_vport **out)
{
	struct nm_vport *vp;
	struct nm_mem *mem;
	enum nm_txrx t;
	u32 i;
	int err;

	vp = kzalloc(sizeof(*vp), GFP_KERNEL);
	if (!vp)
		return -ENOMEM;
	INIT_LIST_HEAD(&vp->vifs);
	for (t = NR_TX; t < NR_TXRX; t++) {
		vp->up.num_rings[t] = nm_vale_pick(rings[t], 1, NM_VALE_MAXRINGS);
		vp->up.num_slots[t] = nm_vale_pick(slots[t], NM_DEF_SLOTS,
						   NM_MAX_SLOTS);
	}
	vp->batch = clamp(READ_ONCE(nm_bridge_batch), 1, 1024);
	for (i = 0; i < vp->up.num_rings[NR_TX]; i++) {
		vp->fwd[i] = nm_vfwd_alloc(vp->batch);
		if (!vp->fwd[i]) {
			err = -ENOMEM;
			goto err_free;
		}
	}
	for (i = 0; i < NM_VALE_MAXRINGS; i++)
		spin_lock_init(&vp->rx[i].lock);
	if (mem_id) {
		mem = nm_mem_find(mem_id);
		err = -EINVAL;
		if (!mem) {
			nm_info_rl("%s: no memory region %u\n", name, mem_id);
			goto err_free;
		}
	} else {
		mem = nm_vport_mem(vp);
		err = -ENOMEM;
		if (!mem)
			goto err_free;
	}
	err = nm_adapter_init(&vp->up, name, &nm_vport_ops, mem);
	if (err)
		goto err_free;
	vp->up.refcount = 1;
	*out = vp;
	return 0;

err_free:
	nm_vport_free(vp);
	return err;
}

/* Resolve a `vale...` name (register-type lookup). Under nm_lock. */
int nm_vale_get(const struct nm_port_req *req, struct nm_adapter **out)
{
	u32 rings[NR_TXRX] = { req->rings[NR_TX], req->rings[NR_RX] };
	u32 slots[NR_TXRX] = { req->slots[NR_TX], req->slots[NR_RX] };
	struct nm_vale_sw *sw;
	struct nm_vport *vp;
	struct net_device *dev;
	const char *port;
	int err;

	lockdep_assert_held(&nm_lock);
	if (req->mode != NR_REG_ALL_NIC && req->mode != NR_REG_ONE_NIC) {
		nm_info_rl("%s: VALE ports have no host rings\n", req->name);
		return -EINVAL;
	}
	err = nm_vale_port_by_name(req->name, &sw, &vp, &port);
	if (err)
		return err;
	if (vp && vp->hw) {
		nm_info_rl("%s: a NIC attached to the switch, not for fds\n",
			   req->name);
		return -EBUSY;
	}
	if (vp) {
		nm_adapter_get(&vp->up);
		*out = &vp->up;
		return 0;
	}
	dev = dev_get_by_name(current->nsproxy->net_ns, port);
	if (dev) {
		dev_put(dev);
		nm_info_rl("%s: %s is a network interface: attach it with vale-ctl\n",
			   req->name, port);
		return -EINVAL;
	}
	if (!sw) {
		err = nm_vale_sw_get(req->name, true, &sw, &port);
		if (err)
			return err;
	}
	err = nm_vport_new(req->name, rings, slots, req->mem_id, &vp);
	if (err)
		goto err_put_sw;
	strscpy(vp->swname, req->name, sizeof(vp->swname));
	err = nm_vale_join(sw, vp);
	if (err) {
		nm_adapter_put(&vp->up);
		goto err_put_sw;
	}
	*out = &vp->up;
	return 0;

err_put_sw:
	nm_vale_sw_put_if_empty(sw);
	return err;
}

/* NETMAP_REQ_VALE_LIST (ABI.md §6.10). Under nm_lock. */
int nm_vale_list(struct nmreq_header *hdr, struct nmreq_vale_list *l)
{
	u32 b, p = l->nr_port_idx;
	struct nm_vport *vp;

	lockdep_assert_held(&nm_lock);
	if (hdr->nr_name[0]) {
		struct nm_vale_sw *sw;
		const char *port;

		if (strncmp(hdr->nr_name, NM_BDG_NAME, strlen(NM_BDG_NAME)))
			return -EINVAL;
		if (nm_vale_port_by_name(hdr->nr_name, &sw, &vp, &port))
			return -EINVAL;
		if (!sw)
			return -ENOENT;
		l->nr_bridge_idx = sw->index;
		l->nr_port_idx = vp ? vp->index : NM_VALE_NOPORT;
		return 0;
	}
	for (b = l->nr_bridge_idx; b < NM_VALE_MAXSWITCHES; b++, p = 0) {
		struct nm_vale_sw *sw = nm_vale_net_cur()->sws[b];

		for (; sw && p < NM_VALE_MAXPORTS; p++) {
			vp = rcu_dereference_protected(sw->ports[p],
						       lockdep_is_held(&nm_lock));
			if (!vp)
				continue;
			strscpy(hdr->nr_name, vp->swname, sizeof(hdr->nr_name));
			l->nr_bridge_idx = b;
			l->nr_port_idx = p;
			return 0;
		}
	}
	return -ENOENT;
}
