/* SPDX-License-Identifier: GPL-2.0 */
/* Native mode, the core's side (the drivers' side is netmap_native.h). */
#ifndef NM_NATIVE_NATIVE_H
#define NM_NATIVE_NATIVE_H

struct net_device;
struct nm_adapter;

/* The native port of @dev with a reference; -ENOENT if no driver attached. */
int nm_native_get(struct net_device *dev, struct nm_adapter **out);

#endif
