#!/bin/sh
# libnetmap.a exports what docs/ABI.md §12 lists (and nothing
# outside the nm* namespace); the static test binaries pull the pthreads
# object in only when the header asks for it.  TAP output.
LIB=${LIB:-../../lib/libnetmap/libnetmap.a}
n=0
fail=0
check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
	fi
}

defined=$(nm -g --defined-only "$LIB" | awk 'NF == 3 { print $3 }' | sort)
for s in nmport_open nmport_close nmport_inject nmport_new nmport_parse \
	nmport_register nmport_mmap nmport_delete nmport_undo_parse \
	nmport_undo_register nmport_undo_mmap nmport_prepare \
	nmport_open_desc nmport_undo_prepare nmport_undo_open_desc \
	nmport_clone nmport_extmem nmport_extmem_from_file \
	nmport_extmem_getinfo nmport_offset nmport_disable_option \
	nmport_enable_option nmreq_header_init nmreq_header_decode \
	nmreq_register_decode nmreq_options_decode nmreq_get_mem_id \
	nmreq_push_option nmreq_remove_option nmreq_find_option \
	nmreq_free_options nmreq_option_name nmctx_get nmctx_set_default \
	nmctx_set_threadsafe nmctx_ferror nmctx_malloc nmctx_free \
	nmctx_lock nmctx_unlock nmctx_threadsafe nmport_do_cleanup \
	nmport_extmem_cleanup nmport_extmem_from_file_cleanup; do
	printf '%s\n' "$defined" | grep -qx "$s"
	check $? "libnetmap.a defines $s"
done
other=$(printf '%s\n' "$defined" | grep -v '^nm' | tr '\n' ' ')
[ -z "$other" ]
check $? "no global symbol outside the nm* namespace ${other:+($other)}"

members=$(ar t "$LIB" | sort | tr '\n' ' ')
[ "$members" = "nmctx-pthreads.o nmctx.o nmport.o nmreq.o " ]
check $? "archive members: $members"

nm t_static | grep -q ' nmctx_set_threadsafe$'
check $? "t_static links the pthreads context"
! nm t_static_nots | grep -q 'nmctx_threadsafe\|nmctx_set_threadsafe'
check $? "t_static_nots (LIBNETMAP_NOTHREADSAFE) does not"
! readelf -l t_static t_static_nots | grep -q 'INTERP'
check $? "both are statically linked (no program interpreter)"

echo "1..$n"
exit $fail
