/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lb: command line (upstream's getopt string "hi:p:b:B:s:o:w:W").  Unlike
 * upstream, a bad value is refused with one line on stderr rather than
 * read as 0 by atoi().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lb.h"

#define LB_OPTS "hi:p:b:B:s:o:w:W"

void lb_usage(FILE *f)
{
	fprintf(f,
		"Usage: lb [-hW] -i port [-p [name:]npipes]... [-B nbufs] [-b batch]\n"
		"          [-w seconds] [-s seconds] [-o seconds]\n"
		"\n"
		"  -i port             input netmap port (required; \"netmap:\" is added\n"
		"                      unless the name starts with netmap: or vale)\n"
		"  -p [name:]npipes    a group of npipes output pipes (default %d pipes\n"
		"                      named after the input); consumers open name}0 ..\n"
		"                      name}(npipes-1); repeat for more groups\n"
		"  -B nbufs            extra buffers for the overflow queues (default %d)\n"
		"  -b batch            frames read between two input syncs (default %d)\n"
		"  -w seconds          wait for the link before forwarding (default %d)\n"
		"  -W                  busy wait: never sleep in poll()\n"
		"  -s seconds          interval of the syslog statistics (default 0: none)\n"
		"  -o seconds          interval of the stdout statistics (default 0: none)\n"
		"  -h                  this help\n",
		LB_PIPES_DEFAULT, LB_EXTRA_DEFAULT, LB_BATCH_DEFAULT,
		LB_WAIT_DEFAULT);
}

/* A decimal number in [min, max], or -1. */
static long lb_number(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	return v;
}

static int lb_set_uint(unsigned int *dst, char opt, const char *arg,
		       long min, long max)
{
	long v = lb_number(arg, min, max);

	if (v < 0) {
		fprintf(stderr, "lb: invalid -%c '%s' (%ld..%ld)\n", opt, arg,
			min, max);
		return -1;
	}
	*dst = (unsigned int)v;
	return 0;
}

static int lb_set_input(struct lb_conf *c, const char *arg)
{
	if (c->ifname[0] != '\0') {
		fprintf(stderr, "lb: -i given more than once\n");
		return -1;
	}
	if (arg[0] == '\0' || strlen(arg) > LB_IFNAME_MAX) {
		fprintf(stderr, "lb: invalid interface name '%s' (1..%d "
			"characters)\n", arg, LB_IFNAME_MAX);
		return -1;
	}
	if (strncmp(arg, "netmap:", 7) != 0 && strncmp(arg, "vale", 4) != 0)
		snprintf(c->ifname, sizeof(c->ifname), "netmap:%s", arg);
	else
		snprintf(c->ifname, sizeof(c->ifname), "%s", arg);
	return 0;
}

/* -p [NAME:]N, -p NAME: (N defaults to 2) */
static int lb_add_group(struct lb_conf *c, const char *spec)
{
	const char *colon = strchr(spec, ':'), *num = spec;
	struct lb_group_conf *g;
	long n = LB_PIPES_DEFAULT;

	if (c->ngroups == LB_GROUPS_MAX) {
		fprintf(stderr, "lb: too many pipe groups (at most %d)\n",
			LB_GROUPS_MAX);
		return -1;
	}
	g = &c->groups[c->ngroups];
	memset(g, 0, sizeof(*g));
	if (colon != NULL) {
		if (colon == spec) {
			fprintf(stderr, "lb: missing prefix before ':' in "
				"'%s'\n", spec);
			return -1;
		}
		if (colon - spec > LB_IFNAME_MAX) {
			fprintf(stderr, "lb: name '%s' too long\n", spec);
			return -1;
		}
		memcpy(g->name, spec, (size_t)(colon - spec));
		g->named = true;
		num = colon + 1;
	}
	if (*num != '\0')
		n = lb_number(num, 1, LB_PIPES_MAX);
	if (n < 1 || c->npipes + (unsigned int)n > LB_PIPES_MAX) {
		fprintf(stderr, "lb: invalid number of pipes '%s' (1..%d in "
			"all the groups)\n", num, LB_PIPES_MAX);
		return -1;
	}
	g->npipes = (unsigned int)n;
	c->npipes += g->npipes;
	c->ngroups++;
	return 0;
}

static int lb_option(struct lb_conf *c, int ch, const char *arg)
{
	unsigned int v;

	switch (ch) {
	case 'i':
		return lb_set_input(c, arg);
	case 'p':
		return lb_add_group(c, arg);
	case 'B':
		if (lb_set_uint(&v, 'B', arg, 0, LB_EXTRA_MAX) < 0)
			return -1;
		c->extra_bufs = v;
		return 0;
	case 'b':
		return lb_set_uint(&c->batch, 'b', arg, 1, LB_BATCH_MAX);
	case 'w':
		return lb_set_uint(&c->wait_link, 'w', arg, 0, LB_WAIT_MAX);
	case 's':
		return lb_set_uint(&c->syslog_int, 's', arg, 0,
				   LB_INTERVAL_MAX);
	case 'o':
		return lb_set_uint(&c->stdout_int, 'o', arg, 0,
				   LB_INTERVAL_MAX);
	case 'W':
		c->busy_wait = true;
		return 0;
	case ':':
		fprintf(stderr, "lb: option -%c needs an argument\n", optopt);
		return -1;
	default:
		fprintf(stderr, "lb: unknown option -%c\n", optopt);
		return -1;
	}
}

enum lb_parse lb_parse_args(struct lb_conf *c, int argc, char **argv)
{
	int ch;

	memset(c, 0, sizeof(*c));
	c->extra_bufs = LB_EXTRA_DEFAULT;
	c->batch = LB_BATCH_DEFAULT;
	c->wait_link = LB_WAIT_DEFAULT;

	optind = 1;
	opterr = 0;
	while ((ch = getopt(argc, argv, ":" LB_OPTS)) != -1) {
		if (ch == 'h')
			return LB_PARSE_HELP;
		if (lb_option(c, ch, optarg) < 0)
			return LB_PARSE_ERROR;
	}
	if (optind < argc) {
		fprintf(stderr, "lb: unexpected argument '%s'\n", argv[optind]);
		return LB_PARSE_ERROR;
	}
	if (c->ifname[0] == '\0') {
		fprintf(stderr, "lb: missing interface name (-i)\n");
		return LB_PARSE_ERROR;
	}
	if (c->ngroups == 0)
		lb_add_group(c, "");
	return LB_PARSE_OK;
}

void lb_base_name(char *dst, size_t size, const char *ifname)
{
	const char *s = strncmp(ifname, "netmap:", 7) ? ifname : ifname + 7;
	size_t n = strcspn(s, "-*^{}/@");

	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

void lb_name_groups(struct lb_conf *c, const char *input_name)
{
	unsigned int i, j;

	for (i = 0; i < c->ngroups; i++) {
		struct lb_group_conf *g = &c->groups[i];

		if (!g->named)
			lb_base_name(g->name, sizeof(g->name), input_name);
		g->first_id = 0;
		for (j = 0; j < i; j++)
			if (strcmp(c->groups[j].name, g->name) == 0)
				g->first_id += c->groups[j].npipes;
	}
}

int lb_pipe_spec(char *dst, size_t size, const char *name, unsigned int id,
		 unsigned int mem_id)
{
	int n = snprintf(dst, size, "%s%s{%u/xT@%u",
			 strncmp(name, "vale", 4) ? "netmap:" : "", name, id,
			 mem_id);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}
