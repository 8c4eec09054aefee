/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tlem: command line, upstream's getopt string
 * "B:D:Q:L:R:G:M:P:i:O:d:C:b:cvw:rHs:qa" and -h.  -B, -D, -L, -Q (and -O)
 * given once apply to both directions, twice: the first to port 0 -> port
 * 1, the second to the reverse.  A bad value is an error (one line, exit
 * 1), not a silent default.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tlem.h"

/* upstream's letters; the leading ":" reports a missing value as ':' */
#define TL_GETOPT ":hB:D:Q:L:R:G:M:P:i:O:d:C:b:cvw:rHs:qa"

static const char tl_opts[TL_NOPTS] = { 'B', 'D', 'L', 'Q', 'O' };

void tl_usage(FILE *f)
{
	fprintf(f,
		"Usage: tlem [-h] [-v] [-q] [-c] [-H] -i port -i port [-B bandwidth]\n"
		"            [-D delay] [-L loss] [-Q queue-size] [-O offset]\n"
		"            [-C cpu-placement] [-b batch-size] [-w wait-link] [-d arg]\n"
		"\n"
		"  -i port    a port, given twice (netmap:eth0, netmap:pipe{1, valeX:p, ...)\n"
		"  -B bw      bps | constant,bps | ether,bps: bits/s, suffix k, m, g\n"
		"             (x 10^3, 10^6, 10^9); ether adds 24 bytes a frame;\n"
		"             default 0 (infinite)\n"
		"  -D delay   dt | constant,dt | uniform,dmin,dmax | exp,dmin,davg:\n"
		"             seconds, suffix s, m, u, n; default 0\n"
		"  -L loss    x | plr,x | ber,x: packet or bit error rate,\n"
		"             0 <= x <= 1; default 0\n"
		"  -Q size    queue before the link, bytes, suffix k, m, g\n"
		"             (x 2^10, 2^20, 2^30); default %d with -B, else unlimited\n"
		"  -O offset  time taken off every delay (down to 0), as -D; default 0\n"
		"             -B, -D, -L, -Q, -O: once for both directions, or twice:\n"
		"             first port 0 -> port 1, then port 1 -> port 0\n"
		"  -C a[,b[,c,d]]  cores of the four threads (default: not pinned)\n"
		"  -b frames  batch size, 1..%d (default %d)\n"
		"  -w secs    wait for the link before starting, 0..%d (default %d)\n"
		"  -c         accepted (frames are always copied)\n"
		"  -H         put the queues in hugepages\n"
		"  -v, -q     more, less verbose (-q: no per-second line)\n"
		"  -h         this help\n"
		"  -d arg     accepted, ignored\n"
		"  -R, -P, -G, -M, -s arg; -r, -a: upstream's reordering, precise-delay,\n"
		"             route and client/server modes: refused\n"
		"\n"
		"Not supported: -R (reordering), -r and -G (route mode), -s, -a and -M\n"
		"(client/server mode), -P; -d is ignored.\n",
		TL_QSIZE_DEFAULT, TL_BURST_MAX, TL_BURST_DEFAULT,
		TL_WAIT_MAX, TL_WAIT_DEFAULT);
}

static void tl_defaults(struct tl_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->burst = TL_BURST_DEFAULT;
	c->wait_link = TL_WAIT_DEFAULT;
	c->cores[0] = c->cores[1] = c->cores[2] = c->cores[3] = -1;
}

/* A decimal number in [min, max] into *v; -1 (and a line on err) if not. */
static int tl_int(int opt, const char *s, long min, long max, long *v,
		  FILE *err)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *v < min || *v > max) {
		fprintf(err, "tlem: -%c: '%s' is not a number in %ld..%ld\n",
			opt, s, min, max);
		return -1;
	}
	return 0;
}

static int tl_cores(struct tl_conf *c, const char *s, FILE *err)
{
	long v[4];
	int n = 0;
	const char *p = s;
	char *end;

	while (n < 4) {
		errno = 0;
		v[n] = strtol(p, &end, 10);
		if (errno || end == p || v[n] < 0 || v[n] > 4095)
			goto bad;
		n++;
		if (*end == '\0')
			break;
		if (*end != ',')
			goto bad;
		p = end + 1;
	}
	if (*end != '\0' || n == 3)
		goto bad;
	if (n == 1) {
		v[1] = v[0] + 1;
		v[2] = v[0] + 2;
		v[3] = v[0] + 3;
	} else if (n == 2) {
		v[3] = v[1] + 1;
		v[2] = v[1];
		v[1] = v[0] + 1;
	}
	for (n = 0; n < 4; n++)
		c->cores[n] = (int)v[n];
	c->pin = true;
	return 0;
bad:
	fprintf(err, "tlem: -C: '%s' is not 1, 2 or 4 comma-separated core numbers\n",
		s);
	return -1;
}

static int tl_dir_opt(struct tl_conf *c, int ch, const char *arg, FILE *err)
{
	int k;

	for (k = 0; k < TL_NOPTS; k++)
		if (tl_opts[k] == ch)
			break;
	if (c->optarg[k][0] == NULL) {
		c->optarg[k][0] = arg;
	} else if (c->optarg[k][1] == NULL) {
		c->optarg[k][1] = arg;
	} else {
		fprintf(err, "tlem: -%c given more than twice\n", ch);
		return -1;
	}
	return 0;
}

static int tl_unsupported(int ch, FILE *err)
{
	const char *what = "client/server mode";

	if (ch == 'R')
		what = "packet reordering";
	else if (ch == 'r' || ch == 'G')
		what = "route mode";
	else if (ch == 'P')
		what = "dropping for precise delays";
	fprintf(err, "tlem: -%c (%s) is not supported\n", ch, what);
	return -1;
}

/* One option; -1 on a bad one. */
static int tl_option(struct tl_conf *c, int ch, const char *arg, FILE *err)
{
	long v;

	switch (ch) {
	case 'i':
		if (c->port[1] != NULL) {
			fprintf(err, "tlem: -i given more than twice\n");
			return -1;
		}
		c->port[c->port[0] != NULL] = arg;
		return 0;
	case 'B': case 'D': case 'L': case 'Q': case 'O':
		return tl_dir_opt(c, ch, arg, err);
	case 'C':
		return tl_cores(c, arg, err);
	case 'b':
		if (tl_int(ch, arg, 1, TL_BURST_MAX, &v, err) < 0)
			return -1;
		c->burst = (int)v;
		return 0;
	case 'w':
		if (tl_int(ch, arg, 0, TL_WAIT_MAX, &v, err) < 0)
			return -1;
		c->wait_link = (int)v;
		return 0;
	case 'v': c->verbose++; return 0;
	case 'q': c->verbose--; return 0;
	case 'c': return 0;
	case 'H': c->hugepages = true; return 0;
	case 'd':
		fprintf(err, "tlem: option -d ignored\n");
		return 0;
	}
	return tl_unsupported(ch, err);
}

static int tl_bad_value(int ch, const char *arg, FILE *err)
{
	static const char *const what[TL_NOPTS][2] = {
		{ "bandwidth", " (bps, constant,bps or ether,bps)" },
		{ "delay", " (dt, constant,dt, uniform,dmin,dmax or exp,dmin,davg)" },
		{ "loss", " (x, plr,x or ber,x with 0 <= x <= 1)" },
		{ "queue size", "" },
		{ "delay offset", "" },
	};
	int k;

	for (k = 0; tl_opts[k] != ch; k++)
		;
	fprintf(err, "tlem: -%c: bad %s '%s'%s\n", ch, what[k][0], arg,
		what[k][1]);
	return -1;
}

/* The link of direction i from the options (the second value, if given). */
static int tl_link(struct tl_conf *c, int i, FILE *err)
{
	struct tl_link *l = &c->link[i];
	const char *a[TL_NOPTS];
	int k, r = 0;

	for (k = 0; k < TL_NOPTS; k++)
		a[k] = c->optarg[k][i] ? c->optarg[k][i] : c->optarg[k][0];
	memset(l, 0, sizeof(*l));
	for (k = 0; k < TL_NOPTS && r == 0; k++) {
		if (a[k] == NULL)
			continue;
		switch (k) {
		case TL_OPT_B: r = tl_parse_bw_model(a[k], l); break;
		case TL_OPT_D: r = tl_parse_delay_model(a[k], l); break;
		case TL_OPT_L: r = tl_parse_loss_model(a[k], l); break;
		case TL_OPT_Q: r = tl_parse_qsize(a[k], &l->qsize); break;
		case TL_OPT_O: r = tl_parse_time(a[k], &l->offset); break;
		}
		if (r < 0)
			return tl_bad_value(tl_opts[k], a[k], err);
	}
	if (a[TL_OPT_Q] == NULL && l->bps)
		l->qsize = TL_QSIZE_DEFAULT;
	return 0;
}

static enum tl_parse tl_bad_option(int ch, FILE *err)
{
	if (ch == ':')
		fprintf(err, "tlem: option -%c needs a value\n", optopt);
	else
		fprintf(err, "tlem: unknown option -%c (tlem -h for help)\n",
			optopt);
	return TL_PARSE_ERROR;
}

enum tl_parse tl_parse_args(struct tl_conf *c, int argc, char **argv,
			    FILE *err)
{
	int ch;

	tl_defaults(c);
	opterr = 0;
	optind = 1;
	while ((ch = getopt(argc, argv, TL_GETOPT)) != -1) {
		if (ch == 'h')
			return TL_PARSE_HELP;
		if (ch == '?' || ch == ':')
			return tl_bad_option(ch, err);
		if (tl_option(c, ch, optarg, err) < 0)
			return TL_PARSE_ERROR;
	}
	if (optind < argc) {
		fprintf(err, "tlem: unexpected argument '%s'\n", argv[optind]);
		return TL_PARSE_ERROR;
	}
	if (c->port[1] == NULL) {
		fprintf(err, "tlem: missing interface (two -i ports needed)\n");
		return TL_PARSE_ERROR;
	}
	if (strcmp(c->port[0], c->port[1]) == 0) {
		fprintf(err, "tlem: must specify two different interfaces\n");
		return TL_PARSE_ERROR;
	}
	if (tl_link(c, 0, err) < 0 || tl_link(c, 1, err) < 0)
		return TL_PARSE_ERROR;
	return TL_PARSE_OK;
}
