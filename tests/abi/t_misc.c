// SPDX-License-Identifier: BSD-2-Clause
/* The debug macros of netmap_user.h and the CSB helpers of netmap.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net/netmap_user.h>

#include "abi_test.h"
#include "tap.h"

static int d_line, nd_evaluated;

static void emit_d(void *arg)
{
	(void)arg;
	d_line = __LINE__ + 1;
	D("hello %d %s", 42, "world");
	ND("never %d", nd_evaluated++);
}

static void emit_rd(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 20; i++)
		RD(3, "rate %d", i);
}

static void emit_long(void *arg)
{
	D("%s", (const char *)arg);
}

static void check_debug_macros(void)
{
	char *out = capture_stderr(emit_d, NULL);
	char func[64] = "", msg[64] = "";
	int sec = -1, usec = -1, line = -1, n, lines = 0;
	char *p;

	n = sscanf(out, "%d.%d %63s [%d] %63[^\n]", &sec, &usec, func, &line, msg);
	tap_ok(n == 5 && out[3] == '.' && out[10] == ' ' && sec >= 0 &&
	       sec < 1000 && usec >= 0 && usec < 1000000 &&
	       strcmp(func, "emit_d") == 0 && line == d_line &&
	       strcmp(msg, "hello 42 world") == 0 &&
	       strchr(out, '\n') == out + strlen(out) - 1,
	       "D() prints \"sss.uuuuuu function [line] message\\n\" on stderr");
	if (n != 5)
		tap_diag("D() printed: %s", out);
	tap_ok(nd_evaluated == 0, "ND() expands to nothing (arguments not evaluated)");
	free(out);

	out = capture_stderr(emit_rd, NULL);
	for (p = out; (p = strstr(p, "rate ")) != NULL; p++)
		lines++;
	/* 3 per second; the loop may straddle one second boundary */
	tap_ok(lines >= 3 && lines <= 6 && strstr(out, "rate 0\n") != NULL,
	       "RD(3, ...) in a loop of 20 prints at most 3 lines per second (%d)",
	       lines);
	free(out);

	p = malloc(3001);
	if (p == NULL)
		abort();
	memset(p, 'x', 3000);
	p[3000] = '\0';
	out = capture_stderr(emit_long, p);
	tap_ok(strstr(out, p) != NULL && strlen(out) > 3000,
	       "D() prints messages longer than its internal buffer whole");
	free(out);
	free(p);
}

static void check_csb(void)
{
	struct nm_csb_atok atok;
	struct nm_csb_ktoa ktoa;
	uint32_t hwtail = 0, hwcur = 0;

	memset(&atok, 0, sizeof(atok));
	memset(&ktoa, 0, sizeof(ktoa));
	nm_sync_kloop_appl_write(&atok, 17, 12);
	tap_ok(atok.cur == 17 && atok.head == 12 && atok.appl_need_kick == 0,
	       "nm_sync_kloop_appl_write stores cur and head");
	ktoa.hwtail = 99;
	ktoa.hwcur = 40;
	nm_sync_kloop_appl_read(&ktoa, &hwtail, &hwcur);
	tap_ok(hwtail == 99 && hwcur == 40,
	       "nm_sync_kloop_appl_read loads hwtail and hwcur");
	nm_stst_barrier();
	nm_ldld_barrier();
	nm_stld_barrier();
	tap_ok(1, "nm_stst_barrier/nm_ldld_barrier/nm_stld_barrier link and run");
}

void test_misc(void)
{
	check_debug_macros();
	check_csb();
}
