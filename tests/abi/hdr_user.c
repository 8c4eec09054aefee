// SPDX-License-Identifier: BSD-2-Clause
/*
 * netmap_user.h on its own (no NETMAP_WITH_LIBS, nothing included before):
 * it must bring everything it needs.  The functions are called by abi_test
 * so that what this unit computes is checked too.
 */
#include <net/netmap_user.h>

char *hdr_user_buf(struct netmap_ring *ring, uint32_t idx);
char *hdr_user_buf(struct netmap_ring *ring, uint32_t idx)
{
	return NETMAP_BUF(ring, idx);
}

struct netmap_ring *hdr_user_rxring(struct netmap_if *nifp, uint32_t i);
struct netmap_ring *hdr_user_rxring(struct netmap_if *nifp, uint32_t i)
{
	return NETMAP_RXRING(nifp, i);
}

uint32_t hdr_user_space(struct netmap_ring *ring);
uint32_t hdr_user_space(struct netmap_ring *ring)
{
	return nm_ring_space(ring);
}

size_t hdr_user_sizes(void);
size_t hdr_user_sizes(void)
{
	/* sizeof(struct nmreq) + sizeof(struct netmap_ring) = 60 + 256 */
	return sizeof(struct nmreq) + sizeof(struct netmap_ring);
}
