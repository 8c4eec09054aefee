// SPDX-License-Identifier: BSD-2-Clause
/* TAP output, buffered until the plan is known. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

static char **lines;
static size_t nlines, cap;
static unsigned int ntests, nfailed, nskipped;

static void add_line(char *s)
{
	if (nlines == cap) {
		size_t ncap = cap ? 2 * cap : 256;
		char **n = realloc(lines, ncap * sizeof(*n));

		if (n == NULL) {
			fprintf(stderr, "tap: out of memory\n");
			exit(2);
		}
		lines = n;
		cap = ncap;
	}
	lines[nlines++] = s;
}

static char *vformat(const char *prefix, const char *fmt, va_list ap)
{
	char buf[1024];
	size_t plen = strlen(prefix);
	char *s;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	s = malloc(plen + strlen(buf) + 1);
	if (s == NULL) {
		fprintf(stderr, "tap: out of memory\n");
		exit(2);
	}
	memcpy(s, prefix, plen);
	strcpy(s + plen, buf);
	return s;
}

int tap_ok(int ok, const char *fmt, ...)
{
	char prefix[32];
	va_list ap;

	ok = ok != 0;
	ntests++;
	if (!ok)
		nfailed++;
	snprintf(prefix, sizeof(prefix), "%sok %u - ", ok ? "" : "not ", ntests);
	va_start(ap, fmt);
	add_line(vformat(prefix, fmt, ap));
	va_end(ap);
	return ok;
}

void tap_skip(const char *reason, const char *fmt, ...)
{
	char prefix[32], *s, *t;
	size_t n;
	va_list ap;

	ntests++;
	nskipped++;
	snprintf(prefix, sizeof(prefix), "ok %u - ", ntests);
	va_start(ap, fmt);
	s = vformat(prefix, fmt, ap);
	va_end(ap);
	n = strlen(s) + strlen(" # SKIP ") + strlen(reason) + 1;
	t = malloc(n);
	if (t == NULL) {
		fprintf(stderr, "tap: out of memory\n");
		exit(2);
	}
	snprintf(t, n, "%s # SKIP %s", s, reason);
	free(s);
	add_line(t);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(vformat("# ", fmt, ap));
	va_end(ap);
}

int tap_finish(void)
{
	size_t i;

	printf("TAP version 13\n1..%u\n", ntests);
	for (i = 0; i < nlines; i++) {
		printf("%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	if (nskipped)
		printf("# %u skipped\n", nskipped);
	printf("%u passed, %u failed\n", ntests - nfailed, nfailed);
	fflush(stdout);
	return nfailed ? 1 : 0;
}
