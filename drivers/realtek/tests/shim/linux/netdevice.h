/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SHIM_LINUX_NETDEVICE_H
#define SHIM_LINUX_NETDEVICE_H
#include <linux/types.h>
struct net_device;
struct device;
struct sk_buff;
#endif
