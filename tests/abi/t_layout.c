// SPDX-License-Identifier: BSD-2-Clause
/*
 * Run-time form of the layout test (see abi_static.c for the compile-time
 * one): the same .def lists, reported as TAP so that every mismatch is
 * named instead of stopping the build.
 */
#include <stddef.h>
#include <string.h>

#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>
#include <net/netmap_virt.h>

#include "abi_test.h"
#include "tap.h"

#define STR(...)	#__VA_ARGS__
#define XSTR(...)	STR(__VA_ARGS__)

static void check_structs(void)
{
#define S(T, SZ, AL) {							\
	const char *tn_ = #T;						\
	size_t sz_ = sizeof(T), al_ = _Alignof(T);			\
	int bad_ = 0, nf_ = 0;						\
									\
	if (sz_ != (SZ)) {						\
		tap_diag("%s: size %zu, expected %d", tn_, sz_, SZ);	\
		bad_++;							\
	}								\
	if (al_ != (AL)) {						\
		tap_diag("%s: alignment %zu, expected %d", tn_, al_, AL); \
		bad_++;							\
	}
#define CHECK_OFF(T, f, OFF)						\
	nf_++;								\
	if (offsetof(T, f) != (OFF)) {					\
		tap_diag("%s.%s: offset %zu, expected %d", tn_, #f,	\
			 offsetof(T, f), OFF);				\
		bad_++;							\
	}
#define CHECK_SIZE(T, f, SZ)						\
	if (sizeof(((T *)0)->f) != (SZ)) {				\
		tap_diag("%s.%s: size %zu, expected %d", tn_, #f,	\
			 sizeof(((T *)0)->f), SZ);			\
		bad_++;							\
	}
#define CHECK_TYPE(T, f, PT)						\
	if (!_Generic(&((T *)0)->f, PT: 1, default: 0)) {		\
		tap_diag("%s.%s: &field is not %s", tn_, #f, #PT);	\
		bad_++;							\
	}
#define F(T, f, PT, OFF, SZ)						\
	CHECK_OFF(T, f, OFF) CHECK_SIZE(T, f, SZ) CHECK_TYPE(T, f, PT)
#define O(T, f, OFF, SZ)	CHECK_OFF(T, f, OFF) CHECK_SIZE(T, f, SZ)
#define X(T, f, PT, OFF)	CHECK_OFF(T, f, OFF) CHECK_TYPE(T, f, PT)
#define END()								\
	tap_ok(bad_ == 0, "%s: size %zu, alignment %zu, %d fields checked", \
	       tn_, sz_, al_, nf_);					\
}
#include "abi_layout.def"
#undef S
#undef F
#undef O
#undef X
#undef END
}

static void check_int(const char *name, const char *expansion, int want_macro,
		      unsigned long long got, unsigned long long want)
{
	int is_macro = strcmp(expansion, name) != 0;

	tap_ok(is_macro == want_macro && got == want, "%s = %#llx (%s)", name,
	       want, want_macro ? "macro" : "enumerator");
	if (is_macro != want_macro)
		tap_diag("%s is %s", name, is_macro ? "a macro" : "not a macro");
	if (got != want)
		tap_diag("%s is %#llx", name, got);
}

static void check_consts(void)
{
#define M(N, V)	check_int(#N, XSTR(N), 1, (unsigned long long)(N), \
			  (unsigned long long)(V));
#define E(N, V)	check_int(#N, XSTR(N), 0, (unsigned long long)(N), \
			  (unsigned long long)(V));
#define MS(N, V)							\
	tap_ok(strcmp(XSTR(N), #N) != 0 && strcmp(N, V) == 0,		\
	       "%s = \"%s\" (macro)", #N, V);
#define FM(N, A)							\
	tap_ok(strcmp(XSTR(N A), STR(N A)) != 0,			\
	       "%s%s is a function-like macro", #N, #A);
#define G(N)	tap_ok(strcmp(XSTR(N), #N) != 0, "%s is defined", #N);
#include "abi_consts.def"
#undef M
#undef E
#undef MS
#undef FM
#undef G
}

static void check_sigs(void)
{
#define SIG(N, ...)							\
	tap_ok(_Generic(&N, __VA_ARGS__: 1, default: 0), "%s has type %s", \
	       #N, #__VA_ARGS__);
#define TYPE(N, ...)							\
	tap_ok(_Generic((N)0, __VA_ARGS__: 1, default: 0), "%s is %s",	\
	       #N, #__VA_ARGS__);
#include "abi_sigs.def"
#undef SIG
#undef TYPE
}

/* values computed by the units that include a single header */
static void check_other_units(void)
{
	tap_ok(hdr_user_sizes() == 60 + 256,
	       "netmap_user.h alone: sizeof(struct nmreq) + sizeof(struct netmap_ring)");
	tap_ok(hdr_core_ioctl(0) == 0xc0586997UL &&
	       hdr_core_ioctl(1) == 0xc03c6992UL &&
	       hdr_core_ioctl(2) == 0xc03c6991UL &&
	       hdr_core_ioctl(3) == 0xc1106996UL &&
	       hdr_core_ioctl(4) == 0x6994UL && hdr_core_ioctl(5) == 0x6995UL,
	       "netmap.h after system headers: ioctl numbers");
	tap_ok(hdr_core_ts_offset() == 40,
	       "netmap.h after system headers: netmap_ring.ts at 40");
	tap_ok(hdr_bare_if_size() == 56 + 88,
	       "netmap.h alone: sizeof(struct netmap_if) + sizeof(struct nmreq_header)");
	tap_ok(hdr_linuxif_name_size() == 32,
	       "<linux/if.h> first: IFNAMSIZ-sized names are 16 bytes");
	tap_ok(hdr_libs_unit() == 760,
	       "library part obtained by a second inclusion: sizeof(struct nm_desc)");
}

void test_layout(void)
{
	check_structs();
	check_consts();
	check_sigs();
	check_other_units();
}
