// SPDX-License-Identifier: BSD-2-Clause
/*
 * The NETMAP_WITH_LIBS part included by a unit that uses none of its
 * static functions: no -Wunused-function.  Also included twice, the
 * second time after libnetmap-style inclusion without the library part.
 */
#include <net/netmap_user.h>	/* first without the library */
#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>	/* now the library part appears */
#include <net/netmap_user.h>	/* and a third inclusion is harmless */
#include <net/netmap.h>
#include <net/netmap_legacy.h>
#include <net/netmap_virt.h>

#ifndef HAVE_NETMAP_WITH_LIBS
#error "library part missing after defining NETMAP_WITH_LIBS"
#endif

int hdr_libs_unit(void);
int hdr_libs_unit(void)
{
	return (int)sizeof(struct nm_desc);
}
