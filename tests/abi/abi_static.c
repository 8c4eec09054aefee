// SPDX-License-Identifier: BSD-2-Clause
/*
 * Compile-time form of the layout test: every size, alignment, offset,
 * field type, constant and function signature of the .def files is a
 * _Static_assert.  Not linked into abi_test (a failure here would stop the
 * build before the run-time report); abi_test compiles it with every
 * compiler and standard of its matrix instead.
 */
#include <stddef.h>

#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>
#include <net/netmap_virt.h>

#define S(T, SZ, AL)							\
	_Static_assert(sizeof(T) == (SZ), "sizeof(" #T ")");		\
	_Static_assert(_Alignof(T) == (AL), "_Alignof(" #T ")");
#define F(T, f, PT, OFF, SZ)						\
	_Static_assert(offsetof(T, f) == (OFF), "offset of " #T "." #f); \
	_Static_assert(sizeof(((T *)0)->f) == (SZ), "size of " #T "." #f); \
	_Static_assert(_Generic(&((T *)0)->f, PT: 1, default: 0),	\
		       "type of " #T "." #f);
#define O(T, f, OFF, SZ)						\
	_Static_assert(offsetof(T, f) == (OFF), "offset of " #T "." #f); \
	_Static_assert(sizeof(((T *)0)->f) == (SZ), "size of " #T "." #f);
#define X(T, f, PT, OFF)						\
	_Static_assert(offsetof(T, f) == (OFF), "offset of " #T "." #f); \
	_Static_assert(_Generic(&((T *)0)->f, PT: 1, default: 0),	\
		       "type of " #T "." #f);
#define END()
#include "abi_layout.def"
#undef S
#undef F
#undef O
#undef X
#undef END

#define M(N, V)	_Static_assert((N) == (V), #N " == " #V);
#define E(N, V)	_Static_assert((N) == (V), #N " == " #V);
#define MS(N, V) _Static_assert(sizeof(N) == sizeof(V), "length of " #N);
#define FM(N, A)
#define G(N)
#include "abi_consts.def"
#undef M
#undef E
#undef MS
#undef FM
#undef G

#define SIG(N, ...)	_Static_assert(_Generic(&N, __VA_ARGS__: 1, default: 0), \
				       "signature of " #N);
#define TYPE(N, ...)	_Static_assert(_Generic((N)0, __VA_ARGS__: 1, default: 0), \
				       "type " #N);
#include "abi_sigs.def"
#undef SIG
#undef TYPE

/* the names of docs/ABI.md §2.2 that are macros, checked the direct way */
#if !defined(NETMAP_API) || !defined(NIOCCTRL) || !defined(NIOCREGIF) || \
	!defined(NS_RFRAGS) || !defined(NETMAP_BUF) || !defined(D) || \
	!defined(RD) || !defined(ND) || !defined(IS_NETMAP_DESC) || \
	!defined(NM_BDG_NAME) || !defined(NR_REG_MASK) || \
	!defined(NETMAP_DEVICE_NAME) || !defined(likely)
#error "a name that must be a macro is not defined as one"
#endif
#if defined(NR_REG_ALL_NIC) || defined(NETMAP_REQ_REGISTER) || \
	defined(NETMAP_REQ_OPT_MAX) || defined(NM_OPEN_IFNAME)
#error "a name that must be an enumerator is a macro"
#endif

int abi_static_unit(void);
int abi_static_unit(void)
{
	return 0;
}
