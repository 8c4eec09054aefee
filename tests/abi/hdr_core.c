// SPDX-License-Identifier: BSD-2-Clause
/*
 * net/netmap.h after the system headers an application usually has
 * already included (the way upstream's header expects to be used).
 */
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/time.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>

#include <net/netmap.h>

unsigned long hdr_core_ioctl(int which);
unsigned long hdr_core_ioctl(int which)
{
	switch (which) {
	case 0:
		return NIOCCTRL;
	case 1:
		return NIOCREGIF;
	case 2:
		return NIOCGINFO;
	case 3:
		return NIOCCONFIG;
	case 4:
		return NIOCTXSYNC;
	default:
		return NIOCRXSYNC;
	}
}

size_t hdr_core_ts_offset(void);
size_t hdr_core_ts_offset(void)
{
	return offsetof(struct netmap_ring, ts);
}
