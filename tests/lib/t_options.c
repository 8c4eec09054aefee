/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Spec options that turn into request options: nmport_enable_option /
 * nmport_disable_option, "@offset" and nmport_offset(), and the removal of
 * the options by the parse cleanups.
 */
#include "nmtest.h"

static struct nmreq_opt_offsets *offsets_of(struct nmport_d *d)
{
	return (struct nmreq_opt_offsets *)nmreq_find_option(&d->hdr,
			NETMAP_REQ_OPT_OFFSETS);
}

static int count_options(struct nmport_d *d)
{
	struct nmreq_option *o;
	int n = 0;

	nmreq_foreach_option(&d->hdr, o)
		n++;
	return n;
}

static void check_offsets(const char *spec, uint64_t initial, uint32_t bits)
{
	struct nmreq_opt_offsets *o;
	struct nmport_d *d;

	cap_reset();
	d = nmport_prepare(spec);
	if (!ok(d != NULL, "'%s' accepted once offset is enabled", spec)) {
		diag("error: %s", cap.last);
		return;
	}
	o = offsets_of(d);
	if (ok(o != NULL, "'%s': OPT_OFFSETS option present", spec)) {
		ok(o->nro_initial_offset == initial &&
		   o->nro_max_offset == initial,
		   "'%s': initial = max = %llu", spec,
		   (unsigned long long)initial);
		is_int(o->nro_offset_bits, bits, "'%s': bits", spec);
		ok(o->nro_min_gap == 0 && o->nro_tx_align == 0,
		   "'%s': no gap, no alignment", spec);
		ok(o->nro_opt.nro_status == 0 && o->nro_opt.nro_size == 0,
		   "'%s': status and size 0", spec);
	}
	nmport_undo_parse(d);
	ok(d->hdr.nr_options == 0 && d->clist == NULL,
	   "'%s': undo_parse removes the option", spec);
	nmport_delete(d);
}

static void test_offset_option(void)
{
	struct nmport_d *d;

	cap_reset();
	errno = 0;
	d = nmport_prepare("netmap:eth0@offset=64");
	ok(d == NULL && errno == EOPNOTSUPP,
	   "offset is disabled by default (EOPNOTSUPP)");
	ok(cap_has("option offset"), "... message names the option (%s)",
	   cap.last);

	ok(nmport_enable_option("offset") == 0, "enable offset");
	check_offsets("netmap:eth0@offset=64", 64, 0);
	check_offsets("netmap:eth0@offset:initial=32,bits=10", 32, 10);
	check_offsets("netmap:eth0-1@offset:bits=12,initial=128", 128, 12);
	check_offsets("vale0:x@conf:rings=2@offset=16", 16, 0);

	errno = 0;
	d = nmport_prepare("netmap:eth0@offset:bits=10");
	ok(d == NULL && errno == EINVAL, "offset without initial rejected");
	d = nmport_prepare("netmap:eth0@offset:initial=8,bits=65");
	ok(d == NULL && errno == EINVAL, "offset with 65 bits rejected");

	d = nmport_prepare("netmap:eth0@offset=8@offset=16");
	ok(d != NULL && count_options(d) == 2,
	   "offset given twice adds two options");
	nmport_undo_prepare(d);

	nmport_disable_option("offset");
	errno = 0;
	d = nmport_prepare("netmap:eth0@offset=64");
	ok(d == NULL && errno == EOPNOTSUPP, "offset disabled again");
}

static void test_enable_disable(void)
{
	struct nmport_d *d;

	cap_reset();
	errno = 0;
	ok(nmport_enable_option("nope") < 0 && errno == EOPNOTSUPP,
	   "enabling an unknown option fails with EOPNOTSUPP");
	ok(cap.count == 1, "... with a message (%s)", cap.last);
	nmport_disable_option("nope");
	d = nmport_prepare("netmap:eth0@conf:rings=1");
	ok(d != NULL, "disabling an unknown option changes nothing");
	nmport_undo_prepare(d);

	nmport_disable_option("conf");
	errno = 0;
	d = nmport_prepare("netmap:eth0@conf:rings=1");
	ok(d == NULL && errno == EOPNOTSUPP, "conf can be disabled");
	d = nmport_prepare("netmap:eth0");
	ok(d != NULL, "specs without the option still work");
	nmport_undo_prepare(d);
	ok(nmport_enable_option("conf") == 0, "conf enabled again");
	d = nmport_prepare("netmap:eth0@conf:rings=1");
	ok(d != NULL && d->reg.nr_tx_rings == 1, "conf works again");
	nmport_undo_prepare(d);

	nmport_disable_option("share");
	errno = 0;
	d = nmport_prepare("netmap:eth0@share=netmap:eth1");
	ok(d == NULL && errno == EOPNOTSUPP, "share can be disabled");
	ok(nmport_enable_option("share") == 0, "share enabled again");

	nmport_disable_option("extmem");
	errno = 0;
	d = nmport_prepare("netmap:eth0@extmem=/nonexistent");
	ok(d == NULL && errno == EOPNOTSUPP, "extmem can be disabled");
	ok(nmport_enable_option("extmem") == 0, "extmem enabled again");
	errno = 0;
	d = nmport_prepare("netmap:eth0@extmem=/nonexistent");
	ok(d == NULL && errno == ENOENT, "extmem enabled: open error ENOENT");
}

static void test_nmport_offset(void)
{
	struct nmreq_opt_offsets *o;
	struct nmport_d *d = nmport_prepare("netmap:eth0");

	if (!ok(d != NULL, "prepare netmap:eth0"))
		return;
	ok(nmport_offset(d, 10, 200, 16, 64) == 0, "nmport_offset succeeds");
	o = offsets_of(d);
	ok(o != NULL && o->nro_initial_offset == 10 &&
	   o->nro_max_offset == 200 && o->nro_offset_bits == 16 &&
	   o->nro_min_gap == 64 && o->nro_tx_align == 0,
	   "nmport_offset: initial, max, bits, gap as given");
	ok(d->clist != NULL, "nmport_offset records a cleanup");
	errno = 0;
	ok(nmport_offset(d, 0, 0, 65, 0) < 0 && errno == EINVAL,
	   "nmport_offset with 65 bits fails with EINVAL");
	ok(nmport_offset(d, 0, 0, 64, 0) == 0 && count_options(d) == 2,
	   "nmport_offset with 64 bits accepted");
	nmport_undo_parse(d);
	ok(d->hdr.nr_options == 0 && d->clist == NULL,
	   "undo_parse removes the options of nmport_offset");
	nmport_delete(d);
}

int main(void)
{
	cap_install();
	test_offset_option();
	test_enable_disable();
	test_nmport_offset();
	return tap_done();
}
