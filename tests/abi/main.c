// SPDX-License-Identifier: BSD-2-Clause
/*
 * abi_test: host-side test of the netmap UAPI headers (layouts, constants,
 * helpers, the legacy nm_open() library).  Prints TAP and, last,
 * "N passed, N failed"; exit status 1 on any failure.
 *
 *   abi_test [--cc CC]... [--cxx CXX]... [--inc INCLUDE_DIR] [--src SOURCE_DIR]
 *
 * With --cc/--cxx, the header units are also compiled with each compiler.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi_test.h"
#include "tap.h"

#ifndef ABI_INCDIR
#define ABI_INCDIR	"../../include"
#endif
#ifndef ABI_SRCDIR
#define ABI_SRCDIR	"."
#endif

void set_u16(void *obj, size_t off, uint16_t v)
{
	memcpy((char *)obj + off, &v, sizeof(v));
}

void set_u32(void *obj, size_t off, uint32_t v)
{
	memcpy((char *)obj + off, &v, sizeof(v));
}

void set_u64(void *obj, size_t off, uint64_t v)
{
	memcpy((char *)obj + off, &v, sizeof(v));
}

void set_i64(void *obj, size_t off, int64_t v)
{
	memcpy((char *)obj + off, &v, sizeof(v));
}

char *capture_stderr(void (*fn)(void *), void *arg)
{
	FILE *tmp = tmpfile();
	char *buf;
	long len;
	int saved;

	if (tmp == NULL)
		abort();
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	if (saved < 0 || dup2(fileno(tmp), STDERR_FILENO) < 0)
		abort();
	fn(arg);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);

	fseek(tmp, 0, SEEK_END);
	len = ftell(tmp);
	rewind(tmp);
	buf = malloc((size_t)len + 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, tmp) != (size_t)len)
		abort();
	buf[len] = '\0';
	fclose(tmp);
	return buf;
}

int main(int argc, char **argv)
{
	const char *ccs[8], *cxxs[8], *incdir = ABI_INCDIR, *srcdir = ABI_SRCDIR;
	int nccs = 0, ncxxs = 0, i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--cc") == 0 && i + 1 < argc && nccs < 8) {
			ccs[nccs++] = argv[++i];
		} else if (strcmp(argv[i], "--cxx") == 0 && i + 1 < argc &&
			   ncxxs < 8) {
			cxxs[ncxxs++] = argv[++i];
		} else if (strcmp(argv[i], "--inc") == 0 && i + 1 < argc) {
			incdir = argv[++i];
		} else if (strcmp(argv[i], "--src") == 0 && i + 1 < argc) {
			srcdir = argv[++i];
		} else {
			fprintf(stderr,
				"usage: %s [--cc CC]... [--cxx CXX]... [--inc DIR] [--src DIR]\n",
				argv[0]);
			return 2;
		}
	}

	test_layout();
	test_parse();
	test_rings();
	test_desc();
	test_open();
	test_misc();
	test_compile(ccs, nccs, cxxs, ncxxs, incdir, srcdir);
	return tap_finish();
}
