/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nmreplay: command line.  Upstream's getopt string "B:C:D:L:Q:b:ci:vw:m:",
 * with -f (the file, as upstream's man page has it) and -h added.  The
 * values of -B, -D and -L are upstream's models (see nmreplay.8); a bad or
 * out-of-range value is an error (one line, exit 1), not a silent default.
 */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nmreplay.h"

#define NR_FIELDS	4		/* at most "name,a,b" and one too many */
#define NR_ARG_MAX	256

void nr_usage(FILE *f)
{
	fprintf(f,
		"Usage: nmreplay [-hv] -f pcap-file -i netmap-interface [-B bandwidth]\n"
		"                [-D delay] [-L loss] [-b batch-size] [-w wait-link]\n"
		"                [-C cpu-placement] [-m mode] [-Q qsize] [-c]\n"
		"       nmreplay [options] -i pcap-file -i netmap-interface\n"
		"\n"
		"  -f file    pcap or pcapng file to replay (us or ns timestamps)\n"
		"  -i port    output port (netmap:eth0, netmap:pipe{1, valeX:p, ...)\n"
		"  -B bw      bps | constant,bps | ether,bps | real[,speedup]\n"
		"             bps: number with k, m, g (x 10^3, 10^6, 10^9), 1..1000G;\n"
		"             ether adds 24 bytes a frame; real: the file's timing\n"
		"             divided by speedup (default 1, up to 1000);\n"
		"             no -B: as fast as possible\n"
		"  -D delay   dt | constant,dt | uniform,dmin,dmax | exp,dmin,davg\n"
		"             times: number with s, m, u, n (default s), up to 3600s\n"
		"  -L loss    x | plr,x | ber,x  (packet or bit error rate, 0..1)\n"
		"  -b batch   most frames per transmit sync, 1..%d (default %d)\n"
		"  -w secs    wait before transmitting, 0..%d (default %d)\n"
		"  -C cpus    pin the transmit thread to the first of 1, 2 or 4 CPUs\n"
		"  -m mode    fast | real | fixed[,bps]  (upstream's older -B)\n"
		"  -Q size    queue size (accepted, no effect)\n"
		"  -c         no zero copy (accepted, no effect)\n"
		"  -v         verbose\n"
		"  -h         this help\n",
		NR_BATCH_MAX, NR_BATCH_DEFAULT, NR_WAIT_MAX, NR_WAIT_DEFAULT);
}

static void nr_defaults(struct nr_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->batch = NR_BATCH_DEFAULT;
	c->wait_link = NR_WAIT_DEFAULT;
	c->model.bw = NR_BW_FAST;
	c->model.speedup = 1.0;
}

/* Split a copy of s at commas into f[]; the number of fields, -1 if long. */
static int nr_split(const char *s, char *buf, char **f)
{
	int n = 0;
	char *p;

	if (strlen(s) >= NR_ARG_MAX)
		return -1;
	strcpy(buf, s);
	for (p = buf; n < NR_FIELDS; n++) {
		f[n] = p;
		p = strchr(p, ',');
		if (p == NULL)
			return n + 1;
		*p++ = '\0';
	}
	return -1;
}

/* A finite number and what follows it; -1 if there is no number. */
static int nr_strtod(const char *s, double *v, const char **rest)
{
	char *end;

	if (*s == '\0' || strchr(" \t\n", *s) != NULL)
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	if (end == s || errno != 0 || !isfinite(*v))
		return -1;
	*rest = end;
	return 0;
}

/* A plain number (no unit) in [min, max]. */
static int nr_number_plain(const char *s, double min, double max, double *v)
{
	const char *rest;

	if (nr_strtod(s, v, &rest) < 0 || *rest != '\0')
		return -1;
	return *v >= min && *v <= max ? 0 : -1;
}

int nr_number_bps(const char *s, double *bps)
{
	const char *rest;
	double v, mul = 1;

	if (nr_strtod(s, &v, &rest) < 0)
		return -1;
	if (*rest != '\0') {
		if (rest[1] != '\0')
			return -1;
		switch (*rest) {
		case 'k': case 'K': mul = 1e3; break;
		case 'm': case 'M': mul = 1e6; break;
		case 'g': case 'G': mul = 1e9; break;
		default: return -1;
		}
	}
	v *= mul;
	if (!(v >= 1 && v <= NR_BPS_MAX))
		return -1;
	*bps = v;
	return 0;
}

int nr_number_time(const char *s, uint64_t *ns)
{
	const char *rest;
	double v, mul = 1e9;

	if (nr_strtod(s, &v, &rest) < 0)
		return -1;
	if (*rest != '\0') {
		if (rest[1] != '\0')
			return -1;
		switch (*rest) {
		case 's': mul = 1e9; break;
		case 'm': mul = 1e6; break;
		case 'u': mul = 1e3; break;
		case 'n': mul = 1; break;
		default: return -1;
		}
	}
	v *= mul;
	if (!(v >= 0 && v <= (double)NR_DELAY_MAX))
		return -1;
	*ns = (uint64_t)llround(v);
	return 0;
}

static bool nr_is_const(const char *name)
{
	return strcmp(name, "constant") == 0 || strcmp(name, "const") == 0;
}

int nr_parse_bw(const char *s, struct nr_model *m)
{
	char buf[NR_ARG_MAX], *f[NR_FIELDS];
	int n = nr_split(s, buf, f);
	double v;

	if (n == 1 && strcmp(f[0], "real") == 0) {
		m->bw = NR_BW_REAL;
		m->speedup = 1;
		return 0;
	}
	if (n == 1 && nr_number_bps(f[0], &v) == 0) {
		m->bw = NR_BW_CONST;
		m->bps = v;
		return 0;
	}
	if (n != 2)
		return -1;
	if (strcmp(f[0], "real") == 0) {
		if (nr_number_plain(f[1], 0, NR_SPEEDUP_MAX, &v) < 0 || v == 0)
			return -1;
		m->bw = NR_BW_REAL;
		m->speedup = v;
		return 0;
	}
	if (!nr_is_const(f[0]) && strcmp(f[0], "ether") != 0)
		return -1;
	if (nr_number_bps(f[1], &v) < 0)
		return -1;
	m->bw = nr_is_const(f[0]) ? NR_BW_CONST : NR_BW_ETHER;
	m->bps = v;
	return 0;
}

int nr_parse_delay(const char *s, struct nr_model *m)
{
	char buf[NR_ARG_MAX], *f[NR_FIELDS];
	int n = nr_split(s, buf, f);
	uint64_t a, b;

	if (n == 1 || (n == 2 && nr_is_const(f[0]))) {
		if (nr_number_time(f[n - 1], &a) < 0)
			return -1;
		m->delay = NR_DELAY_CONST;
		m->dmin = m->dmax = m->davg = a;
		return 0;
	}
	if (n != 3 || nr_number_time(f[1], &a) < 0 ||
	    nr_number_time(f[2], &b) < 0 || a > b)
		return -1;
	if (strcmp(f[0], "uniform") == 0) {
		m->delay = NR_DELAY_UNIFORM;
		m->dmin = a;
		m->dmax = b;
		m->davg = a + (b - a) / 2;
		return 0;
	}
	if (strcmp(f[0], "exp") == 0) {
		m->delay = NR_DELAY_EXP;
		m->dmin = a;
		m->davg = b;
		m->dmax = NR_DELAY_MAX;
		return 0;
	}
	return -1;
}

int nr_parse_loss(const char *s, struct nr_model *m)
{
	char buf[NR_ARG_MAX], *f[NR_FIELDS];
	int n = nr_split(s, buf, f);
	double v;

	if (n < 1 || n > 2 || nr_number_plain(f[n - 1], 0, 1, &v) < 0)
		return -1;
	if (n == 2 && strcmp(f[0], "plr") != 0 && strcmp(f[0], "ber") != 0)
		return -1;
	m->loss = n == 2 && strcmp(f[0], "ber") == 0 ? NR_LOSS_BER :
		  NR_LOSS_PLR;
	m->rate = v;
	if (v == 0)
		m->loss = NR_LOSS_NONE;
	return 0;
}

int nr_parse_mode(const char *s, struct nr_model *m)
{
	char buf[NR_ARG_MAX], *f[NR_FIELDS];
	int n = nr_split(s, buf, f);
	double v = 1e9;			/* fixed: 1 Gbit/s unless given */

	if (n == 1 && strcmp(f[0], "fast") == 0) {
		m->bw = NR_BW_FAST;
		return 0;
	}
	if (n == 1 && strcmp(f[0], "real") == 0) {
		m->bw = NR_BW_REAL;
		m->speedup = 1;
		return 0;
	}
	if (n < 1 || n > 2 || strcmp(f[0], "fixed") != 0 ||
	    (n == 2 && nr_number_bps(f[1], &v) < 0))
		return -1;
	m->bw = NR_BW_CONST;
	m->bps = v;
	return 0;
}

/* A decimal integer in [min, max]; -1 (and a line on err) if not. */
static int nr_integer(int opt, const char *s, long min, long max, long *v,
		      FILE *err)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *v < min || *v > max) {
		fprintf(err, "nmreplay: -%c: '%s' is not a number in %ld..%ld\n",
			opt, s, min, max);
		return -1;
	}
	return 0;
}

static int nr_cpus(struct nr_conf *c, const char *s, FILE *err)
{
	char buf[NR_ARG_MAX], *f[NR_FIELDS + 1];
	int n, i;
	long v;

	n = nr_split(s, buf, f);
	if (n != 1 && n != 2 && n != 4) {
		fprintf(err, "nmreplay: -C accepts 1, 2 or 4 comma separated arguments\n");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (nr_integer('C', f[i], 0, CPU_SETSIZE - 1, &v, err) < 0)
			return -1;
		c->cpus[i] = (int)v;
	}
	c->ncpus = n;
	return 0;
}

/* -Q: bytes, with k, m, g (x 1024, 1024^2, 1024^3). */
static int nr_qsize(struct nr_conf *c, const char *s, FILE *err)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end != s && *s != '-' && errno == 0 && *end != '\0' &&
	    end[1] == '\0') {
		shift = *end == 'k' || *end == 'K' ? 10 :
			*end == 'm' || *end == 'M' ? 20 :
			*end == 'g' || *end == 'G' ? 30 : -1;
		end++;
	}
	if (end == s || *s == '-' || errno != 0 || *end != '\0' || shift < 0 ||
	    v == 0 || v > (1ULL << 40) >> shift) {
		fprintf(err, "nmreplay: -Q: '%s' is not a size in 1..1T (k, m, g: x 1024)\n",
			s);
		return -1;
	}
	c->qsize = v << shift;
	return 0;
}

static int nr_model_opt(int ch, const char *arg, struct nr_model *m,
			FILE *err)
{
	const char *want;
	int ret;

	switch (ch) {
	case 'B':
		ret = nr_parse_bw(arg, m);
		want = "bps | constant,bps | ether,bps | real[,speedup]; bps 1..1000G, speedup up to 1000";
		break;
	case 'D':
		ret = nr_parse_delay(arg, m);
		want = "dt | constant,dt | uniform,dmin,dmax | exp,dmin,davg; times 0..3600s, dmin first";
		break;
	case 'L':
		ret = nr_parse_loss(arg, m);
		want = "x | plr,x | ber,x; x in 0..1";
		break;
	default:
		ret = nr_parse_mode(arg, m);
		want = "fast | real | fixed[,bps]";
		break;
	}
	if (ret < 0)
		fprintf(err, "nmreplay: -%c: bad value '%s' (%s)\n", ch, arg,
			want);
	return ret;
}

/* One option; -1 on a bad one. */
static int nr_option(struct nr_conf *c, int ch, const char *arg,
		     const char **ifs, int *nifs, FILE *err)
{
	long v;

	switch (ch) {
	case 'f': c->file = arg; return 0;
	case 'i':
		if (*nifs == 2) {
			fprintf(err, "nmreplay: -i too many times\n");
			return -1;
		}
		ifs[(*nifs)++] = arg;
		return 0;
	case 'B': case 'D': case 'L': case 'm':
		return nr_model_opt(ch, arg, &c->model, err);
	case 'b':
		if (nr_integer(ch, arg, 1, NR_BATCH_MAX, &v, err) < 0)
			return -1;
		c->batch = (unsigned int)v;
		return 0;
	case 'w':
		if (nr_integer(ch, arg, 0, NR_WAIT_MAX, &v, err) < 0)
			return -1;
		c->wait_link = (int)v;
		return 0;
	case 'C': return nr_cpus(c, arg, err);
	case 'Q': return nr_qsize(c, arg, err);
	case 'c': return 0;
	case 'v': c->verbose++; return 0;
	}
	return -1;
}

static enum nr_parse nr_bad_option(int ch, FILE *err)
{
	if (ch == ':')
		fprintf(err, "nmreplay: option -%c needs a value\n", optopt);
	else
		fprintf(err, "nmreplay: unknown option -%c (nmreplay -h for help)\n",
			optopt);
	return NR_PARSE_ERROR;
}

/* The two -i of upstream's own code: the file, then the port. */
static enum nr_parse nr_ports(struct nr_conf *c, const char **ifs, int nifs,
			      FILE *err)
{
	if (nifs == 2 && c->file != NULL) {
		fprintf(err, "nmreplay: -i too many times (the file is given with -f)\n");
		return NR_PARSE_ERROR;
	}
	if (nifs == 2) {
		c->file = ifs[0];
		c->port = ifs[1];
	} else if (nifs == 1) {
		c->port = ifs[0];
	}
	if (c->file == NULL) {
		fprintf(err, "nmreplay: missing pcap file (-f file)\n");
		return NR_PARSE_ERROR;
	}
	if (c->port == NULL) {
		fprintf(err, "nmreplay: missing interface (-i port)\n");
		return NR_PARSE_ERROR;
	}
	return NR_PARSE_OK;
}

enum nr_parse nr_parse_args(struct nr_conf *c, int argc, char **argv,
			    FILE *err)
{
	const char *ifs[2] = { NULL, NULL };
	int ch, nifs = 0;

	nr_defaults(c);
	if (argc > 1 && strcmp(argv[1], "--help") == 0)
		return NR_PARSE_HELP;
	opterr = 0;
	optind = 1;
	while ((ch = getopt(argc, argv, ":B:C:D:L:Q:b:cf:hi:m:vw:")) != -1) {
		if (ch == 'h')
			return NR_PARSE_HELP;
		if (ch == '?' || ch == ':')
			return nr_bad_option(ch, err);
		if (nr_option(c, ch, optarg, ifs, &nifs, err) < 0)
			return NR_PARSE_ERROR;
	}
	if (optind < argc) {
		fprintf(err, "nmreplay: unexpected argument '%s'\n", argv[optind]);
		return NR_PARSE_ERROR;
	}
	return nr_ports(c, ifs, nifs, err);
}
