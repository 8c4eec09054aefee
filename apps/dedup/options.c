/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dedup: command line, upstream's getopt string "hci:vw:W:F:H".  A bad
 * value is an error (one line, exit 1), not a silent default.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dedup.h"

void dd_usage(FILE *f)
{
	fprintf(f,
		"Usage: dedup [-h] [-v] [-c] [-H] [-w wait_link] [-W win_usec]\n"
		"             [-F fifo_size] -i port_in -i port_out\n"
		"\n"
		"  -i port    first: input port, second: output port\n"
		"             (netmap:eth0, netmap:pipe{1, valeX:p, ...)\n"
		"  -W usec    time window, microseconds, 0..%ld (default %d)\n"
		"  -F frames  frames in the window, 1..%d (default %d)\n"
		"  -w secs    wait for the link before forwarding, 0..%d (default %d)\n"
		"  -c         always copy, even when both ports share a region\n"
		"  -H         hold frames in the output ring (accepted, no effect)\n"
		"  -v         verbose: a line per second with the counters\n"
		"  -h         this help\n"
		"\n"
		"A frame is dropped if one of the last fifo_size frames let through,\n"
		"received at most win_usec before it, has its length and bytes.\n",
		DD_WIN_MAX, DD_WIN_DEFAULT, DD_FIFO_MAX, DD_FIFO_DEFAULT,
		DD_WAIT_MAX, DD_WAIT_DEFAULT);
}

static void dd_defaults(struct dd_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->zerocopy = true;
	c->wait_link = DD_WAIT_DEFAULT;
	c->win_us = DD_WIN_DEFAULT;
	c->fifo_size = DD_FIFO_DEFAULT;
}

/* A decimal number in [min, max] into *v; -1 (and a line on err) if not. */
static int dd_number(int opt, const char *s, long min, long max, long *v,
		     FILE *err)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *v < min || *v > max) {
		fprintf(err, "dedup: -%c: '%s' is not a number in %ld..%ld\n",
			opt, s, min, max);
		return -1;
	}
	return 0;
}

static int dd_port(struct dd_conf *c, const char *arg, FILE *err)
{
	if (c->ifa == NULL)
		c->ifa = arg;
	else if (c->ifb == NULL)
		c->ifb = arg;
	else
		fprintf(err, "dedup: %s ignored, already have 2 interfaces\n",
			arg);
	return 0;
}

/* One option; -1 on a bad one. */
static int dd_option(struct dd_conf *c, int ch, const char *arg, FILE *err)
{
	long v;

	switch (ch) {
	case 'i': return dd_port(c, arg, err);
	case 'c': c->zerocopy = false; return 0;
	case 'H': c->hold = true; return 0;
	case 'v': c->verbose++; return 0;
	case 'w':
		if (dd_number(ch, arg, 0, DD_WAIT_MAX, &v, err) < 0)
			return -1;
		c->wait_link = (int)v;
		return 0;
	case 'W':
		if (dd_number(ch, arg, 0, DD_WIN_MAX, &v, err) < 0)
			return -1;
		c->win_us = (uint64_t)v;
		return 0;
	case 'F':
		if (dd_number(ch, arg, 1, DD_FIFO_MAX, &v, err) < 0)
			return -1;
		c->fifo_size = (unsigned int)v;
		return 0;
	}
	return -1;
}

static enum dd_parse dd_bad_option(int ch, FILE *err)
{
	if (ch == ':')
		fprintf(err, "dedup: option -%c needs a value\n", optopt);
	else
		fprintf(err, "dedup: unknown option -%c (dedup -h for help)\n",
			optopt);
	return DD_PARSE_ERROR;
}

enum dd_parse dd_parse_args(struct dd_conf *c, int argc, char **argv,
			    FILE *err)
{
	int ch;

	dd_defaults(c);
	opterr = 0;
	optind = 1;
	while ((ch = getopt(argc, argv, ":hci:vw:W:F:H")) != -1) {
		if (ch == 'h')
			return DD_PARSE_HELP;
		if (ch == '?' || ch == ':')
			return dd_bad_option(ch, err);
		if (dd_option(c, ch, optarg, err) < 0)
			return DD_PARSE_ERROR;
	}
	if (optind < argc) {
		fprintf(err, "dedup: unexpected argument '%s'\n", argv[optind]);
		return DD_PARSE_ERROR;
	}
	if (c->ifa == NULL || c->ifb == NULL) {
		fprintf(err, "dedup: missing interface (two -i ports needed)\n");
		return DD_PARSE_ERROR;
	}
	return DD_PARSE_OK;
}
