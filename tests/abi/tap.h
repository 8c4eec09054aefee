/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal TAP producer for the host-side ABI test.  Results are collected
 * while the tests run and printed by tap_finish(), so that the plan line
 * ("1..N") can come first.
 */
#ifndef ABI_TAP_H
#define ABI_TAP_H

/* record one test; returns ok (normalised to 0/1) */
int tap_ok(int ok, const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));

/* record a skipped test */
void tap_skip(const char *reason, const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));

/* record a "# ..." diagnostic line (shown before the next result) */
void tap_diag(const char *fmt, ...)
	__attribute__((__format__(__printf__, 1, 2)));

/* print everything and "N passed, N failed"; returns the exit status */
int tap_finish(void);

#endif /* ABI_TAP_H */
