// SPDX-License-Identifier: BSD-2-Clause
/*
 * net/netmap.h as the very first include: on Linux userspace it pulls in
 * the types, IFNAMSIZ and the ioctl encoders it uses.
 */
#include <net/netmap.h>

int hdr_bare_empty(struct netmap_ring *ring);
int hdr_bare_empty(struct netmap_ring *ring)
{
	return nm_ring_empty(ring);
}

size_t hdr_bare_if_size(void);
size_t hdr_bare_if_size(void)
{
	return sizeof(struct netmap_if) + sizeof(struct nmreq_header);
}
