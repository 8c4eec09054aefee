// SPDX-License-Identifier: GPL-2.0
/*
 * NETMAP_REQ_VALE_ATTACH and _DETACH (ABI.md §6.8, §6.9): `valeX:IFNAME`
 * puts interface IFNAME into switch valeX (created if needed) or takes it
 * out. A persistent port's interface brings the port itself; any other
 * interface is a NIC, bound by the switch (vale_nic.c). Also
 * NETMAP_REQ_VALE_POLLING_ENABLE/_DISABLE (ABI.md §6.12) of an attached NIC.
 */
#include <linux/netdevice.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "vale.h"

static int nm_vale_attach_dev(struct nm_vale_sw *sw, const char *name,
			      struct net_device *dev,
			      struct nmreq_vale_attach *a)
{
	struct nmreq_register *reg = &a->reg;
	struct nm_vport *vp = nm_vif_port(dev);
	int err;

	if (reg->nr_mode != NR_REG_ALL_NIC &&
	    (vp || reg->nr_mode != NR_REG_NIC_SW)) {
		nm_info_rl("%s: attach mode must be NR_REG_ALL_NIC%s (not %u)\n",
			   name, vp ? "" : " or NR_REG_NIC_SW", reg->nr_mode);
		return -EINVAL;
	}
	if (reg->nr_ringid) {
		nm_info_rl("%s: attach takes every ring (nr_ringid 0)\n", name);
		return -EINVAL;
	}
	if (!vp)
		err = nm_vnic_attach(sw, dev, reg->nr_mode, reg, &vp);
	else if (rcu_access_pointer(vp->sw))
		err = -EBUSY;
	else {
		strscpy(vp->swname, name, sizeof(vp->swname));
		err = nm_vale_join(sw, vp);
		if (!err)
			nm_reg_geometry(reg, &vp->up);
	}
	if (err == -EBUSY)
		nm_info_rl("%s: %s is in use\n", name, dev->name);
	if (!err)
		a->port_index = vp->index;
	return err;
}

/* nm_vale_port_by_name() for names that need the vale prefix (EINVAL). */
static int nm_vale_by_name(const char *name, struct nm_vale_sw **sw,
			   struct nm_vport **vp, const char **port)
{
	if (strncmp(name, NM_BDG_NAME, strlen(NM_BDG_NAME))) {
		nm_info_rl("%s: not a VALE port name\n", name);
		return -EINVAL;
	}
	return nm_vale_port_by_name(name, sw, vp, port);
}

/* The attached port @name, for the requests that need one. */
static int nm_vale_attached(const char *name, struct nm_vale_sw **sw,
			    struct nm_vport **vp)
{
	const char *port;
	int err = nm_vale_by_name(name, sw, vp, &port);

	if (!err && !*vp) {
		nm_info_rl("%s: not attached\n", name);
		err = -ENXIO;
	}
	return err;
}

/* NETMAP_REQ_VALE_ATTACH. Under nm_lock. */
static int nm_vale_attach(struct nmreq_header *hdr, struct nmreq_vale_attach *a)
{
	struct nm_vale_sw *sw;
	struct net_device *dev;
	struct nm_vport *vp;
	const char *port;
	int err;

	lockdep_assert_held(&nm_lock);
	err = nm_vale_by_name(hdr->nr_name, &sw, &vp, &port);
	if (err)
		return err;
	if (vp) {
		nm_info_rl("%s: already attached\n", hdr->nr_name);
		return -EBUSY;
	}
	dev = dev_get_by_name(current->nsproxy->net_ns, port);
	if (!dev) {
		nm_info_rl("%s: %s is not a network interface\n", hdr->nr_name,
			   port);
		return -EINVAL;
	}
	if (!sw) {
		err = nm_vale_sw_get(hdr->nr_name, true, &sw, &port);
		if (err)
			goto out;
	}
	err = nm_vale_attach_dev(sw, hdr->nr_name, dev, a);
	if (err)
		nm_vale_sw_put_if_empty(sw);
out:
	dev_put(dev);
	return err;
}

/* NETMAP_REQ_VALE_DETACH. Under nm_lock. */
static int nm_vale_detach(struct nmreq_header *hdr, struct nmreq_vale_detach *d)
{
	struct nm_vale_sw *sw;
	struct nm_vport *vp;
	int err;

	lockdep_assert_held(&nm_lock);
	err = nm_vale_attached(hdr->nr_name, &sw, &vp);
	if (err)
		return err;
	if (!vp->hw && !vp->vif) {
		nm_info_rl("%s: an ephemeral port goes with its last user\n",
			   hdr->nr_name);
		return -EINVAL;
	}
	if (nm_vnic_is_host(vp)) {
		nm_info_rl("%s: detach the NIC, its host port goes with it\n",
			   hdr->nr_name);
		return -EINVAL;
	}
	if (vp->hw && vp->hw->poll) {
		nm_info_rl("%s: polling is on: disable it first\n", hdr->nr_name);
		return -EBUSY;
	}
	d->port_index = vp->index;
	if (vp->hw)
		nm_vnic_detach(vp);
	else
		nm_vale_leave(vp);
	nm_vale_sw_put_if_empty(sw);
	return 0;
}

/* NETMAP_REQ_VALE_POLLING_ENABLE (@on) or _DISABLE. Under nm_lock. */
static int nm_vale_polling(struct nmreq_header *hdr,
			   struct nmreq_vale_polling *req, bool on)
{
	struct nm_vale_sw *sw;
	struct nm_vport *vp;
	int err;

	lockdep_assert_held(&nm_lock);
	err = nm_vale_attached(hdr->nr_name, &sw, &vp);
	if (err)
		return err;
	if (!vp->hw || nm_vnic_is_host(vp)) {
		nm_info_rl("%s: only attached NICs are polled\n", hdr->nr_name);
		return -EOPNOTSUPP;
	}
	if (on)
		return nm_vpoll_enable(vp, req);
	if (!vp->hw->poll) {
		nm_info_rl("%s: not polling\n", hdr->nr_name);
		return -EFAULT;
	}
	nm_vpoll_disable(vp);
	return 0;
}

/* The VALE control requests (ABI.md §6.8-§6.12). Under nm_lock. */
int nm_vale_request(struct nmreq_header *hdr, void *body)
{
	lockdep_assert_held(&nm_lock);
	switch (hdr->nr_reqtype) {
	case NETMAP_REQ_VALE_LIST:
		return nm_vale_list(hdr, body);
	case NETMAP_REQ_VALE_ATTACH:
		return nm_vale_attach(hdr, body);
	case NETMAP_REQ_VALE_DETACH:
		return nm_vale_detach(hdr, body);
	case NETMAP_REQ_VALE_NEWIF:
		return nm_vale_newif(hdr, body);
	case NETMAP_REQ_VALE_DELIF:
		return nm_vale_delif(hdr);
	case NETMAP_REQ_VALE_POLLING_ENABLE:
		return nm_vale_polling(hdr, body, true);
	case NETMAP_REQ_VALE_POLLING_DISABLE:
		return nm_vale_polling(hdr, body, false);
	default:
		return -EINVAL;
	}
}

/*
 * The NICs (their host ports with them) and the persistent ports leave
 * @sw, which may then be empty. Under nm_lock.
 */
void nm_vale_sw_detach_all(struct nm_vale_sw *sw)
{
	u32 p;

	lockdep_assert_held(&nm_lock);
	for (p = 0; p < NM_VALE_MAXPORTS; p++) {
		struct nm_vport *vp = rcu_dereference_protected(sw->ports[p],
						lockdep_is_held(&nm_lock));

		if (!vp || nm_vnic_is_host(vp))
			continue;
		if (vp->hw)
			nm_vnic_detach(vp);
		else if (vp->vif)
			nm_vale_leave(vp);
	}
}
