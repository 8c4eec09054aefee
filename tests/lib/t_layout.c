/* SPDX-License-Identifier: BSD-2-Clause */
/* Sizes and offsets of the libnetmap structures (x86_64 reference values). */
#include <stddef.h>

#include "nmtest.h"

#define OFF(type_, field_, want_)					\
	is_int(offsetof(struct type_, field_), want_,			\
	       "offsetof(%s, %s) == %d", #type_, #field_, want_)
#define SIZE(type_, want_)						\
	is_int(sizeof(struct type_), want_, "sizeof(%s) == %d", #type_, want_)
#define ALIGN(type_, want_)						\
	is_int(_Alignof(struct type_), want_, "alignof(%s) == %d", #type_, want_)

int main(void)
{
	SIZE(nmport_d, 216);
	ALIGN(nmport_d, 8);
	OFF(nmport_d, hdr, 0);
	OFF(nmport_d, reg, 88);
	OFF(nmport_d, mem, 144);
	OFF(nmport_d, ctx, 152);
	OFF(nmport_d, register_done, 160);
	OFF(nmport_d, mmap_done, 164);
	OFF(nmport_d, extmem, 168);
	OFF(nmport_d, fd, 176);
	OFF(nmport_d, nifp, 184);
	OFF(nmport_d, first_tx_ring, 192);
	OFF(nmport_d, last_tx_ring, 194);
	OFF(nmport_d, first_rx_ring, 196);
	OFF(nmport_d, last_rx_ring, 198);
	OFF(nmport_d, cur_tx_ring, 200);
	OFF(nmport_d, cur_rx_ring, 202);
	OFF(nmport_d, clist, 208);

	SIZE(nmctx, 48);
	OFF(nmctx, verbose, 0);
	OFF(nmctx, error, 8);
	OFF(nmctx, malloc, 16);
	OFF(nmctx, free, 24);
	OFF(nmctx, lock, 32);
	OFF(nmctx, mem_descs, 40);

	SIZE(nmem_d, 48);
	OFF(nmem_d, mem_id, 0);
	OFF(nmem_d, refcount, 4);
	OFF(nmem_d, mem, 8);
	OFF(nmem_d, size, 16);
	OFF(nmem_d, is_extmem, 24);
	OFF(nmem_d, next, 32);
	OFF(nmem_d, prev, 40);

	SIZE(nmreq_opt_key, 16);
	OFF(nmreq_opt_key, key, 0);
	OFF(nmreq_opt_key, id, 8);
	OFF(nmreq_opt_key, flags, 12);

	SIZE(nmreq_opt_parser, 304);
	ALIGN(nmreq_opt_parser, 16);
	OFF(nmreq_opt_parser, prefix, 0);
	OFF(nmreq_opt_parser, parse, 8);
	OFF(nmreq_opt_parser, default_key, 16);
	OFF(nmreq_opt_parser, nr_keys, 20);
	OFF(nmreq_opt_parser, flags, 24);
	OFF(nmreq_opt_parser, next, 32);
	OFF(nmreq_opt_parser, keys, 40);

	SIZE(nmreq_parse_ctx, 144);
	OFF(nmreq_parse_ctx, ctx, 0);
	OFF(nmreq_parse_ctx, token, 8);
	OFF(nmreq_parse_ctx, keys, 16);

	is_int(NMREQ_OPT_MAXKEYS, 16, "NMREQ_OPT_MAXKEYS");
	is_int(NMREQ_OPTK_ALLOWEMPTY, 0x1, "NMREQ_OPTK_ALLOWEMPTY");
	is_int(NMREQ_OPTK_MUSTSET, 0x2, "NMREQ_OPTK_MUSTSET");
	is_int(NMREQ_OPTK_DEFAULT, 0x4, "NMREQ_OPTK_DEFAULT");
	is_int(NMREQ_OPTF_DISABLED, 0x1, "NMREQ_OPTF_DISABLED");
	is_int(NMREQ_OPTF_ALLOWEMPTY, 0x2, "NMREQ_OPTF_ALLOWEMPTY");
#ifdef nmreq_foreach_option
	ok(1, "nmreq_foreach_option is a macro");
#else
	ok(0, "nmreq_foreach_option is a macro");
#endif
	return tap_done();
}
