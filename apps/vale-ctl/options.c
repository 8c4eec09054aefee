// SPDX-License-Identifier: BSD-2-Clause
/* vale-ctl command line: getopt string d:a:h:g:l:n:r:C:p:P:m:v. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vale-ctl.h"

static const struct {
	char opt;
	enum vc_action action;
	const char *verb;
} vc_actions[] = {
	{ 'l', VC_LIST, "list" },
	{ 'a', VC_ATTACH, "attach" },
	{ 'h', VC_ATTACH_HOST, "attach" },
	{ 'd', VC_DETACH, "detach" },
	{ 'n', VC_NEWIF, "create" },
	{ 'r', VC_DELIF, "delete" },
	{ 'g', VC_INFO, "get info of" },
	{ 'p', VC_POLL_ON, "enable polling on" },
	{ 'P', VC_POLL_OFF, "disable polling on" },
};

const char *vc_action_verb(enum vc_action a)
{
	size_t i;

	for (i = 0; i < sizeof(vc_actions) / sizeof(vc_actions[0]); i++)
		if (vc_actions[i].action == a)
			return vc_actions[i].verb;
	return "list";
}

/* "x[,y[,z[,w]]]": up to four unsigned numbers. */
static int vc_parse_conf(const char *s, struct vc_opts *o)
{
	const char *p = s;
	int n = 0;

	for (;;) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(p, &end, 0);
		if (end == p || errno || v > UINT32_MAX || *p == '-' || n == 4)
			return -1;
		o->conf[n++] = (uint32_t)v;
		if (*end == '\0')
			break;
		if (*end != ',')
			return -1;
		p = end + 1;
	}
	o->nconf = n;
	return 0;
}

int vc_parse(int argc, char **argv, struct vc_opts *o, char *err, size_t errlen)
{
	int c;
	size_t i;

	memset(o, 0, sizeof(*o));
	optind = 0;	/* glibc: start over, even on another argv */
	opterr = 0;
	while ((c = getopt(argc, argv, "d:a:h:g:l:n:r:C:p:P:m:v")) != -1) {
		switch (c) {
		case 'C':
			if (vc_parse_conf(optarg, o)) {
				snprintf(err, errlen, "bad -C value '%s' (x[,y[,z[,w]]])", optarg);
				return -1;
			}
			break;
		case 'm':
			o->mem = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		case '?':
			snprintf(err, errlen, "unknown option or missing argument: -%c", optopt);
			return -1;
		default:
			for (i = 0; i < sizeof(vc_actions) / sizeof(vc_actions[0]); i++) {
				if (vc_actions[i].opt == c) {
					/* The last action given wins. */
					o->action = vc_actions[i].action;
					o->name = optarg;
				}
			}
			break;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 0;
}
