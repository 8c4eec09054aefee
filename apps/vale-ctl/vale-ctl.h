/* SPDX-License-Identifier: BSD-2-Clause */
/* vale-ctl: manage VALE switches (ABI.md §15.2). */
#ifndef VALE_CTL_H
#define VALE_CTL_H

#include <stdint.h>

enum vc_action {
	VC_LIST_ALL = 0,	/* no action option: enumerate every port */
	VC_LIST,		/* -l valeX:Y */
	VC_ATTACH,		/* -a valeX:ifname (NIC only) */
	VC_ATTACH_HOST,		/* -h valeX:ifname (NIC and host stack) */
	VC_DETACH,		/* -d */
	VC_NEWIF,		/* -n ifname */
	VC_DELIF,		/* -r ifname */
	VC_INFO,		/* -g port */
	VC_POLL_ON,		/* -p valeX:ifname */
	VC_POLL_OFF,		/* -P valeX:ifname */
};

struct vc_opts {
	enum vc_action action;
	const char *name;	/* the action's argument */
	uint32_t conf[4];	/* -C x,y,z,w (0 = default) */
	int nconf;
	const char *mem;	/* -m: region id or port name */
	int verbose;
};

/* Parse argv; 0, or -1 with a message in err (errlen bytes). */
int vc_parse(int argc, char **argv, struct vc_opts *o, char *err, size_t errlen);
const char *vc_action_verb(enum vc_action a);

#endif
