/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tlem: the numbers of the command line and the models of -B, -D and -L,
 * in upstream's syntax: a floating point number with an optional unit
 * letter; models are a keyword and comma-separated numbers.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tlem.h"

struct tl_unit {
	const char *suffix;
	double mult;
};

/* A finite number >= 0 followed by one of the suffixes, times its unit. */
static int tl_number(const char *s, const struct tl_unit *u, double *v)
{
	char *end;
	double d;

	if (s == NULL || *s == '\0')
		return -1;
	d = strtod(s, &end);
	if (end == s || !isfinite(d) || d < 0)
		return -1;
	for (; u->suffix != NULL; u++) {
		if (strcmp(end, u->suffix) == 0) {
			*v = d * u->mult;
			return 0;
		}
	}
	return -1;
}

static int tl_to_u64(double d, uint64_t max, uint64_t *out)
{
	if (d > (double)max)
		return -1;
	*out = (uint64_t)llround(d);
	return 0;
}

int tl_parse_time(const char *s, uint64_t *ns)
{
	static const struct tl_unit u[] = {
		{ "", 1e9 }, { "s", 1e9 },
		{ "m", 1e6 }, { "ms", 1e6 },
		{ "u", 1e3 }, { "us", 1e3 },
		{ "n", 1 }, { "ns", 1 },
		{ NULL, 0 }
	};
	double d;

	if (tl_number(s, u, &d) < 0)
		return -1;
	return tl_to_u64(d, TL_DELAY_MAX, ns);
}

int tl_parse_bw(const char *s, uint64_t *bps)
{
	static const struct tl_unit u[] = {
		{ "", 1 },
		{ "k", 1e3 }, { "K", 1e3 },
		{ "m", 1e6 }, { "M", 1e6 },
		{ "g", 1e9 }, { "G", 1e9 },
		{ NULL, 0 }
	};
	double d;

	if (tl_number(s, u, &d) < 0)
		return -1;
	return tl_to_u64(d, TL_BPS_MAX, bps);
}

int tl_parse_qsize(const char *s, uint64_t *bytes)
{
	static const struct tl_unit u[] = {
		{ "", 1 },
		{ "k", 1024.0 }, { "K", 1024.0 },
		{ "m", 1048576.0 }, { "M", 1048576.0 },
		{ "g", 1073741824.0 }, { "G", 1073741824.0 },
		{ NULL, 0 }
	};
	double d;

	if (tl_number(s, u, &d) < 0)
		return -1;
	return tl_to_u64(d, TL_QSIZE_MAX, bytes);
}

int tl_parse_prob(const char *s, double *p)
{
	static const struct tl_unit u[] = { { "", 1 }, { NULL, 0 } };

	if (tl_number(s, u, p) < 0 || *p > 1)
		return -1;
	return 0;
}

/*
 * Split s at the commas into at most max fields of buf (a copy); the
 * number of fields, or -1 if there are more.
 */
static int tl_split(const char *s, char *buf, size_t bufsz, char **f, int max)
{
	int n = 0;
	char *p;

	if (strlen(s) >= bufsz)
		return -1;
	strcpy(buf, s);
	for (p = buf;; p++) {
		if (n == max)
			return -1;
		f[n++] = p;
		p = strchr(p, ',');
		if (p == NULL)
			return n;
		*p = '\0';
	}
}

static bool tl_is_const(const char *w)
{
	return strcmp(w, "const") == 0 || strcmp(w, "constant") == 0;
}

int tl_parse_bw_model(const char *s, struct tl_link *l)
{
	char buf[128], *f[3];
	int n = tl_split(s, buf, sizeof(buf), f, 3);

	if (n == 1) {
		l->bw_model = TL_BW_CONST;
		return tl_parse_bw(f[0], &l->bps);
	}
	if (n != 2)
		return -1;
	if (tl_is_const(f[0]))
		l->bw_model = TL_BW_CONST;
	else if (strcmp(f[0], "ether") == 0)
		l->bw_model = TL_BW_ETHER;
	else
		return -1;
	return tl_parse_bw(f[1], &l->bps);
}

int tl_parse_delay_model(const char *s, struct tl_link *l)
{
	char buf[128], *f[4];
	int n = tl_split(s, buf, sizeof(buf), f, 4);

	if (n == 1 || (n == 2 && tl_is_const(f[0]))) {
		l->delay_model = TL_DELAY_CONST;
		if (tl_parse_time(f[n - 1], &l->dmin) < 0)
			return -1;
		l->dmax = l->dmin;
		return 0;
	}
	if (n != 3)
		return -1;
	if (strcmp(f[0], "uniform") == 0)
		l->delay_model = TL_DELAY_UNIFORM;
	else if (strcmp(f[0], "exp") == 0)
		l->delay_model = TL_DELAY_EXP;
	else
		return -1;
	if (tl_parse_time(f[1], &l->dmin) < 0 ||
	    tl_parse_time(f[2], &l->dmax) < 0 || l->dmin > l->dmax)
		return -1;
	return 0;
}

int tl_parse_loss_model(const char *s, struct tl_link *l)
{
	char buf[128], *f[3];
	int n = tl_split(s, buf, sizeof(buf), f, 3);

	if (n == 1) {
		l->loss_model = TL_LOSS_PLR;
		return tl_parse_prob(f[0], &l->loss);
	}
	if (n != 2)
		return -1;
	if (strcmp(f[0], "plr") == 0)
		l->loss_model = TL_LOSS_PLR;
	else if (strcmp(f[0], "ber") == 0)
		l->loss_model = TL_LOSS_BER;
	else
		return -1;
	return tl_parse_prob(f[1], &l->loss);
}
