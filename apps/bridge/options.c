/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bridge: command line.  Upstream's getopt string and its lenient
 * handling of bad numbers (a warning and the default, not an error).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge.h"

void br_usage(FILE *f)
{
	fprintf(f,
		"Usage: bridge [-h] [-v] [-c] [-L] [-b burst] [-w wait_time]\n"
		"              -i ifa [-i ifb]  |  ifa [ifb [burst]]\n"
		"\n"
		"  -i port   first: port A, second: port B (netmap:eth0, valeX:p, ...)\n"
		"  -b burst  packets moved per round, 1..%d (default %d)\n"
		"  -w secs   wait for the link before forwarding (default %d)\n"
		"  -c        always copy, even when both ports share a region\n"
		"  -v        verbose: a line per second with the rates\n"
		"  -L        with A == B, loop the port's traffic back to it\n"
		"            instead of bridging it with the host stack\n"
		"  -h        this help\n"
		"\n"
		"With a single port (or B equal to A) and no -L, A's host rings\n"
		"(A^) are bridged with its NIC rings.\n",
		BR_BURST_MAX, BR_BURST_DEFAULT, BR_WAIT_DEFAULT);
}

/* A decimal number, or -1 if the text is not one. */
static long br_number(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0)
		return -1;
	return v;
}

static void br_set_burst(struct br_conf *c, const char *arg)
{
	long v = br_number(arg);

	if (v < 1 || v > BR_BURST_MAX) {
		fprintf(stderr, "bridge: invalid burst '%s', set to %d\n",
			arg, BR_BURST_DEFAULT);
		v = BR_BURST_DEFAULT;
	}
	c->burst = (unsigned int)v;
}

static void br_set_wait(struct br_conf *c, const char *arg)
{
	long v = br_number(arg);

	if (v < 0 || v > BR_WAIT_MAX) {
		fprintf(stderr, "bridge: invalid wait_link '%s', set to %d\n",
			arg, BR_WAIT_DEFAULT);
		v = BR_WAIT_DEFAULT;
	}
	c->wait_link = (int)v;
}

static int br_set_name(char *dst, const char *src)
{
	if (strlen(src) >= BR_NAME_MAX) {
		fprintf(stderr, "bridge: port name too long: %s\n", src);
		return -1;
	}
	strcpy(dst, src);
	return 0;
}

/* A alone, or B == A: host rings of A on one side, its NIC rings on the other. */
static int br_resolve_ports(struct br_conf *c)
{
	if (c->ifa[0] == '\0') {
		fprintf(stderr, "bridge: missing interface\n");
		return -1;
	}
	if (c->ifb[0] == '\0')
		strcpy(c->ifb, c->ifa);
	if (strcmp(c->ifa, c->ifb) != 0)
		return 0;
	if (c->loopback) {
		c->same_port = true;
		return 0;
	}
	if (strlen(c->ifa) + 1 >= BR_NAME_MAX) {
		fprintf(stderr, "bridge: port name too long: %s\n", c->ifa);
		return -1;
	}
	strcat(c->ifa, "^");
	fprintf(stderr, "bridge: same interface, endpoint 0 goes to host\n");
	return 0;
}

static int br_positional(struct br_conf *c, int argc, char **argv)
{
	if (argc > 0 && br_set_name(c->ifa, argv[0]) < 0)
		return -1;
	if (argc > 1 && br_set_name(c->ifb, argv[1]) < 0)
		return -1;
	if (argc > 2)
		br_set_burst(c, argv[2]);
	if (argc > 3) {
		fprintf(stderr, "bridge: unexpected argument '%s'\n", argv[3]);
		return -1;
	}
	return 0;
}

enum br_parse br_parse_args(struct br_conf *c, int argc, char **argv)
{
	int nports = 0;
	int ch;

	memset(c, 0, sizeof(*c));
	c->burst = BR_BURST_DEFAULT;
	c->wait_link = BR_WAIT_DEFAULT;
	c->zerocopy = true;

	optind = 1;
	while ((ch = getopt(argc, argv, "hb:ci:vw:L")) != -1) {
		switch (ch) {
		case 'h':
			return BR_PARSE_HELP;
		case 'b':
			br_set_burst(c, optarg);
			break;
		case 'c':
			c->zerocopy = false;
			break;
		case 'i':
			if (nports >= 2) {
				fprintf(stderr, "bridge: %s ignored, already "
					"have 2 interfaces\n", optarg);
				break;
			}
			if (br_set_name(nports == 0 ? c->ifa : c->ifb,
					optarg) < 0)
				return BR_PARSE_ERROR;
			nports++;
			break;
		case 'v':
			c->verbose++;
			break;
		case 'w':
			br_set_wait(c, optarg);
			break;
		case 'L':
			c->loopback = true;
			break;
		default:
			return BR_PARSE_ERROR;
		}
	}
	if (br_positional(c, argc - optind, argv + optind) < 0 ||
	    br_resolve_ports(c) < 0)
		return BR_PARSE_ERROR;
	return BR_PARSE_OK;
}
