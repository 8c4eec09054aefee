// SPDX-License-Identifier: BSD-2-Clause
/*
 * Applications that use Linux UAPI headers (ethtool, sockios...) may have
 * <linux/if.h> in before netmap: the headers must not then drag in the
 * conflicting <net/if.h>.
 */
#include <linux/if.h>

#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>

size_t hdr_linuxif_name_size(void);
size_t hdr_linuxif_name_size(void)
{
	return sizeof(((struct nmreq *)0)->nr_name) +
	       sizeof(((struct netmap_if *)0)->ni_name);
}
