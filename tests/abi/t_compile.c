// SPDX-License-Identifier: BSD-2-Clause
/*
 * Compile the single-header units and the static-assert unit with every
 * compiler given (gcc, clang) in both -std=c11 and -std=gnu11, with
 * -Wall -Wextra -Werror -Wpedantic -O2 (optimisation enables more
 * warnings).  C++ compilers (--cxx) get the library unit as C++11, since
 * C++ programs include netmap_user.h too.  A compiler that is not
 * installed is reported as skipped.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi_test.h"
#include "tap.h"

static const char *const units[] = {
	"hdr_user.c", "hdr_core.c", "hdr_bare.c", "hdr_libs.c",
	"hdr_linuxif.c", "abi_static.c",
};

static int have_compiler(const char *cc)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "command -v '%s' >/dev/null 2>&1", cc);
	return system(cmd) == 0;
}

/* show the compiler's complaints as TAP diagnostics */
static void show_log(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int n = 0;

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL && n++ < 40) {
		line[strcspn(line, "\n")] = '\0';
		tap_diag("%s", line);
	}
	fclose(f);
}

static void compile_one(const char *cc, const char *std, const char *unit,
			const char *incdir, const char *srcdir, int cxx)
{
	char log[] = "/tmp/nmabi-cc-XXXXXX";
	char cmd[2048];
	int fd = mkstemp(log), r;

	if (fd < 0) {
		tap_ok(0, "%s -std=%s %s (no temporary file)", cc, std, unit);
		return;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "%s %s -std=%s -O2 -Wall -Wextra -Werror %s -I'%s' -c '%s/%s' -o /dev/null >'%s' 2>&1",
		 cc, cxx ? "-x c++" : "", std, cxx ? "" : "-Wpedantic",
		 incdir, srcdir, unit, log);
	r = system(cmd);
	if (!tap_ok(r == 0, "%s%s -std=%s -Wall -Wextra -Werror%s: %s", cc,
		    cxx ? " -x c++" : "", std, cxx ? "" : " -Wpedantic", unit))
		show_log(log);
	unlink(log);
}

static int seen_before(const char *const *list, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++) {
		if (strcmp(list[i], name) == 0)
			return 1;
	}
	return 0;
}

void test_compile(const char *const *ccs, int nccs, const char *const *cxxs,
		  int ncxxs, const char *incdir, const char *srcdir)
{
	static const char *const stds[] = { "c11", "gnu11" };
	int c, s;
	size_t u;

	for (c = 0; c < nccs; c++) {
		if (seen_before(ccs, c, ccs[c]))
			continue;
		if (!have_compiler(ccs[c])) {
			tap_skip("not installed", "headers compile with %s", ccs[c]);
			continue;
		}
		for (s = 0; s < 2; s++)
			for (u = 0; u < sizeof(units) / sizeof(units[0]); u++)
				compile_one(ccs[c], stds[s], units[u], incdir,
					    srcdir, 0);
	}
	for (c = 0; c < ncxxs; c++) {
		if (seen_before(cxxs, c, cxxs[c]))
			continue;
		if (!have_compiler(cxxs[c])) {
			tap_skip("not installed", "headers compile as C++ with %s",
				 cxxs[c]);
			continue;
		}
		compile_one(cxxs[c], "c++11", "hdr_libs.c", incdir, srcdir, 1);
	}
}
