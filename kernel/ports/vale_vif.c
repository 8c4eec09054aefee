// SPDX-License-Identifier: GPL-2.0
/*
 * Persistent VALE ports (NETMAP_REQ_VALE_NEWIF / DELIF, ABI.md §6.11):
 * a virtual port that outlives its fds, with a Linux interface of the same
 * name standing for it. `netmap:NAME` binds the port; VALE_ATTACH
 * `valeX:NAME` puts it into a switch (vale_ctl.c). The interface itself
 * carries nothing: what the host stack sends through it is dropped and
 * counted.
 *
 * Lifetime: the interface holds one reference to the port, dropped by
 * DELIF (refused while fds use the port or a switch has it) or at module
 * unload. All under nm_lock; the interface is registered and unregistered
 * with nm_lock held (nm_lock -> RTNL).
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "vale.h"

/* Persistent ports, under nm_lock. */
static LIST_HEAD(nm_vifs);

struct nm_vif_priv {
	struct nm_vport *vp;
};

static netdev_tx_t nm_vif_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_core_stats_tx_dropped_inc(dev);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops nm_vif_ops = {
	.ndo_start_xmit = nm_vif_xmit,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

static void nm_vif_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &nm_vif_ops;
	dev->priv_flags |= IFF_NO_QUEUE;
}

/* The port of @dev if it is a persistent port's interface, else NULL. */
struct nm_vport *nm_vif_port(struct net_device *dev)
{
	if (dev->netdev_ops != &nm_vif_ops)
		return NULL;
	return ((struct nm_vif_priv *)netdev_priv(dev))->vp;
}

/*
 * Port lookup for an interface name (port.c): -ENOENT unless @dev is a
 * persistent port's. Consumes the caller's reference to @dev.
 */
int nm_vale_netdev_get(struct net_device *dev, struct nm_adapter **out)
{
	struct nm_vport *vp = nm_vif_port(dev);

	lockdep_assert_held(&nm_lock);
	if (!vp)
		return -ENOENT;
	dev_put(dev);
	nm_adapter_get(&vp->up);
	*out = &vp->up;
	return 0;
}

static bool nm_vif_name_ok(const char *name)
{
	if (!strncmp(name, NM_BDG_NAME, strlen(NM_BDG_NAME))) {
		nm_info_rl("%s: persistent port names must not start with %s\n",
			   name, NM_BDG_NAME);
		return false;
	}
	if (strnlen(name, IFNAMSIZ) >= IFNAMSIZ || !dev_valid_name(name)) {
		nm_info_rl("%s: not a valid interface name\n", name);
		return false;
	}
	return true;
}

/* NETMAP_REQ_VALE_NEWIF. Under nm_lock. */
int nm_vale_newif(struct nmreq_header *hdr, struct nmreq_vale_newif *nif)
{
	u32 rings[NR_TXRX] = { nif->nr_tx_rings, nif->nr_rx_rings };
	u32 slots[NR_TXRX] = { nif->nr_tx_slots, nif->nr_rx_slots };
	struct net *net = current->nsproxy->net_ns;
	struct net_device *dev;
	struct nm_vport *vp;
	int err;

	lockdep_assert_held(&nm_lock);
	if (!nm_vif_name_ok(hdr->nr_name))
		return -EINVAL;
	dev = dev_get_by_name(net, hdr->nr_name);
	if (dev) {
		dev_put(dev);
		nm_info_rl("%s: an interface of that name exists\n", hdr->nr_name);
		return -EEXIST;
	}
	err = nm_vport_new(hdr->nr_name, rings, slots, nif->nr_mem_id, &vp);
	if (err)
		return err;
	dev = alloc_netdev(sizeof(struct nm_vif_priv), hdr->nr_name,
			   NET_NAME_USER, nm_vif_setup);
	err = -ENOMEM;
	if (!dev)
		goto err_put_port;
	((struct nm_vif_priv *)netdev_priv(dev))->vp = vp;
	eth_hw_addr_random(dev);
	dev_net_set(dev, net);
	err = register_netdev(dev);
	if (err)
		goto err_free_dev;
	vp->vif = dev;
	list_add(&vp->vifs, &nm_vifs);
	nif->nr_tx_slots = vp->up.num_slots[NR_TX];
	nif->nr_rx_slots = vp->up.num_slots[NR_RX];
	nif->nr_tx_rings = vp->up.num_rings[NR_TX];
	nif->nr_rx_rings = vp->up.num_rings[NR_RX];
	nif->nr_mem_id = nm_mem_id(vp->up.mem);
	return 0;

err_free_dev:
	free_netdev(dev);
err_put_port:
	nm_adapter_put(&vp->up);
	return err;
}

static void nm_vif_destroy(struct nm_vport *vp)
{
	struct net_device *dev = vp->vif;

	list_del(&vp->vifs);
	unregister_netdev(dev);
	free_netdev(dev);
	vp->vif = NULL;
	nm_adapter_put(&vp->up);
}

/* NETMAP_REQ_VALE_DELIF. Under nm_lock. */
int nm_vale_delif(struct nmreq_header *hdr)
{
	struct net_device *dev;
	struct nm_vport *vp;

	lockdep_assert_held(&nm_lock);
	dev = dev_get_by_name(current->nsproxy->net_ns, hdr->nr_name);
	if (!dev) {
		nm_info_rl("%s: no such interface\n", hdr->nr_name);
		return -ENXIO;
	}
	vp = nm_vif_port(dev);
	dev_put(dev);
	if (!vp) {
		nm_info_rl("%s: not a persistent VALE port\n", hdr->nr_name);
		return -EINVAL;
	}
	if (rcu_access_pointer(vp->sw) || vp->up.refcount > 1) {
		nm_info_rl("%s: still %s\n", hdr->nr_name,
			   rcu_access_pointer(vp->sw) ? "attached to a switch" :
							"in use");
		return -EBUSY;
	}
	nm_vif_destroy(vp);
	return 0;
}

/* Module unload: no fd is left; take every persistent port down. */
void nm_vif_exit(void)
{
	struct nm_vport *vp, *tmp;

	lockdep_assert_held(&nm_lock);
	list_for_each_entry_safe(vp, tmp, &nm_vifs, vifs) {
		struct nm_vale_sw *sw = nm_vale_leave(vp);

		if (sw)
			nm_vale_sw_put_if_empty(sw);
		nm_vif_destroy(vp);
	}
}
