// SPDX-License-Identifier: GPL-2.0
/*
 * One device notifier for every port kind that follows an interface it
 * does not own: emulated adapters (generic.c) and VALE attachments
 * (vale_nic.c). Native ports need none: their driver tells netmap when it
 * goes (nm_native_detach()).
 *
 * The notifier runs under RTNL, and nm_lock comes before RTNL: the
 * callees never take nm_lock here (each says what it does instead).
 */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "../core/nm_kern.h"

static int nm_netdev_event(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	ASSERT_RTNL();
	/* The adapter first: a VALE attachment may sit on top of it. */
	nm_generic_unregistered(dev);
	nm_vale_unregistered(dev);
	return NOTIFY_DONE;
}

static struct notifier_block nm_netdev_notifier = {
	.notifier_call = nm_netdev_event,
};

int nm_netdev_init(void)
{
	return register_netdevice_notifier(&nm_netdev_notifier);
}

/*
 * Module unload, once no port follows an interface (unregistering replays
 * NETDEV_UNREGISTER for every interface, which then finds nothing).
 */
void nm_netdev_exit(void)
{
	unregister_netdevice_notifier(&nm_netdev_notifier);
}
