/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal TAP producer for the host-side libnetmap tests: one "ok N - ..."
 * or "not ok N - ..." line per check, "1..N" at the end, and an exit
 * status of 1 if any check failed.
 */
#ifndef TAP_H_
#define TAP_H_

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

static __attribute__((__format__(__printf__, 4, 5), __unused__)) int
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	printf("%sok %d - ", pass ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return pass;
}

#define ok(cond_, ...) tap_ok(!!(cond_), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got_, want_, ...)					\
	do {								\
		long long g_ = (long long)(got_);			\
		long long w_ = (long long)(want_);			\
		if (!ok(g_ == w_, __VA_ARGS__))				\
			printf("#   got %lld (0x%llx), expected %lld (0x%llx)\n", \
			       g_, (unsigned long long)g_, w_,		\
			       (unsigned long long)w_);			\
	} while (0)

#define is_str(got_, want_, ...)					\
	do {								\
		const char *g_ = (got_), *w_ = (want_);			\
		if (!ok(g_ != NULL && strcmp(g_, w_) == 0, __VA_ARGS__)) \
			printf("#   got '%s', expected '%s'\n",		\
			       g_ ? g_ : "(null)", w_);			\
	} while (0)

#define diag(...)							\
	do {								\
		printf("# ");						\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	} while (0)

static __attribute__((__unused__)) int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif /* TAP_H_ */
