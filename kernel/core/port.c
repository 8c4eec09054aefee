// SPDX-License-Identifier: GPL-2.0
/*
 * Port name resolution (ABI.md §9.1): null ports, monitors, pipes, VALE,
 * network interfaces, checked in that order.
 */
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "nm_kern.h"
#include "../native/native.h"

/* 0: native if available, else emulated; 1: native only; 2: emulated only. */
static int nm_admode;
module_param_named(admode, nm_admode, int, 0644);
MODULE_PARM_DESC(admode, "Adapter mode: 0 best available, 1 native only, 2 emulated only");

static int nm_netdev_get(const struct nm_port_req *req, struct nm_adapter **out)
{
	struct net_device *dev;
	int mode = READ_ONCE(nm_admode);
	int err;

	if (mode < 0 || mode > 2) {
		WRITE_ONCE(nm_admode, 0);
		mode = 0;
	}
	dev = dev_get_by_name(current->nsproxy->net_ns, req->name);
	if (!dev)
		return -ENXIO;
	err = nm_vale_netdev_get(dev, out);	/* a persistent VALE port */
	if (err != -ENOENT)
		return err;
	if (mode != 2) {
		err = nm_native_get(dev, out);

		if (err != -ENOENT) {
			dev_put(dev);
			return err;
		}
	}
	if (mode == 1) {
		dev_put(dev);
		nm_info_rl("%s: no native netmap support (admode=1)\n", req->name);
		return -EOPNOTSUPP;
	}
	return nm_generic_get(dev, out);
}

/* Resolve req->name into a port with a reference taken. Under nm_lock. */
int nm_port_get(const struct nm_port_req *req, struct nm_adapter **out)
{
	lockdep_assert_held(&nm_lock);

	if (req->mode == NR_REG_NULL)
		return nm_null_get(req, out);
	if (req->flags & (NR_MONITOR_TX | NR_MONITOR_RX | NR_ZCOPY_MON))
		return nm_monitor_get(req, out);
	if (strpbrk(req->name, "{}"))
		return nm_pipe_get(req, out);
	if (!strncmp(req->name, NM_BDG_NAME, 3))
		return nm_vale_get(req, out);
	if (!req->name[0])
		return -ENXIO;
	return nm_netdev_get(req, out);
}
