/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Port-spec grammar: every row of the sample table of docs/ABI.md §9.2
 * through nmport_prepare(), the rejected specs, and the state a failed
 * nmport_parse() leaves behind.
 */
#include "nmtest.h"

struct row {
	const char *spec;
	const char *name;
	uint32_t mode;
	uint16_t ringid;
	uint64_t flags;
	uint16_t mem_id;
};

static const struct row rows[] = {
	{ "netmap:eth0", "eth0", NR_REG_ALL_NIC, 0, 0, 0 },
	{ "netmap:eth0-1", "eth0", NR_REG_ONE_NIC, 1, 0, 0 },
	{ "netmap:eth0-2/Tx", "eth0", NR_REG_ONE_NIC, 2, 0x4800, 0 },
	{ "netmap:eth0*/rt", "eth0", NR_REG_NIC_SW, 0, 0x300, 0 },
	{ "netmap:eth0^", "eth0", NR_REG_SW, 0, 0, 0 },
	{ "netmap:eth0^3", "eth0", NR_REG_ONE_SW, 3, 0, 0 },
	{ "netmap:eth0^/R", "eth0", NR_REG_SW, 0, 0x2000, 0 },
	{ "netmap:eth0/xz@3", "eth0", NR_REG_ALL_NIC, 0, 0xc00, 3 },
	{ "netmap:eth0@2/R@2", "eth0", NR_REG_ALL_NIC, 0, 0x2000, 2 },
	{ "netmap:pipe{in-7", "pipe{in", NR_REG_ONE_NIC, 7, 0, 0 },
	{ "netmap:eth0}3", "eth0}3", NR_REG_ALL_NIC, 0, 0, 0 },
	{ "vale0:0{0", "vale0:0{0", NR_REG_ALL_NIC, 0, 0, 0 },
	{ "valeXXX:YYY-4", "valeXXX:YYY", NR_REG_ONE_NIC, 4, 0, 0 },
	{ "vale:0", "vale:0", NR_REG_ALL_NIC, 0, 0, 0 },
	{ "netmap:vale0:0", "vale0:0", NR_REG_ALL_NIC, 0, 0, 0 },
	{ "netmap:eth0@conf:tx-rings=2,rx-rings=3,slots=512", "eth0",
	  NR_REG_ALL_NIC, 0, 0, 0 },
	{ "netmap:eth0-4094", "eth0", NR_REG_ONE_NIC, 4094, 0, 0 },
	/* more accepted forms */
	{ "netmap:eth0.100", "eth0.100", NR_REG_ALL_NIC, 0, 0, 0 },
	{ "netmap:eth0+", "eth0+", NR_REG_ALL_NIC, 0, 0, 0 },
	{ "netmap:eth0/xztrRT", "eth0", NR_REG_ALL_NIC, 0, 0x6f00, 0 },
	{ "netmap:eth0-0@65535", "eth0", NR_REG_ONE_NIC, 0, 0, 65535 },
	{ "netmap:eth0^0/T", "eth0", NR_REG_ONE_SW, 0, 0x4000, 0 },
	{ "netmap:eth0*@1", "eth0", NR_REG_NIC_SW, 0, 0, 1 },
	{ "vale_a1:p{x_9", "vale_a1:p{x_9", NR_REG_ALL_NIC, 0, 0, 0 },
	{ "netmap:eth0@conf:rings=4", "eth0", NR_REG_ALL_NIC, 0, 0, 0 },
};

static const char *const rejected[] = {
	"netmap:", "netmap:^", "netmap:{", "netmap:eth0{", "eth0",
	"netmapXXX:eth0", "valeA-B:x", "netmap:pipe{1}2", "netmap:eth0-",
	"netmap:eth0-x", "netmap:eth0-4095", "netmap:eth0-1*", "netmap:eth0@",
	"netmap:eth0@2/R@3", "netmap:eth0@conf=4",
	/* more rejected forms */
	"", "vale0:", "vale0", "valeX", "netmap:eth0/", "netmap:eth0/q",
	"netmap:eth0/@2", "netmap:eth0@0", "netmap:eth0@65536",
	"netmap:eth0^4095", "netmap:eth0-1-2", "netmap:eth0*^",
	"netmap:eth0@@conf:rings=1", "netmap:eth0@conf",
	"netmap:eth0@conf:", "netmap:eth0@conf:foo=1",
	"netmap:eth0@conf:rings=1,rings=2", "netmap:eth0@conf:rings",
	"netmap:eth0@conf:rings=1,", "netmap:eth0@share",
	"netmap:eth0@extmem:if-num=4", "netmap:eth0@bogus",
	"netmap:eth0@conf:rings=1@", "netmap:}x", "netmap:a{b{c",
	"netmap:a{b-c", "netmap:a{", "Netmap:eth0", "vale0:0/Tx@opt",
};

static void check_row(const struct row *r)
{
	struct nmport_d *d;

	cap_reset();
	d = nmport_prepare(r->spec);
	if (!ok(d != NULL, "'%s' accepted", r->spec)) {
		diag("error: %s", cap.last);
		return;
	}
	is_str(d->hdr.nr_name, r->name, "'%s': nr_name", r->spec);
	is_int(d->reg.nr_mode, r->mode, "'%s': nr_mode", r->spec);
	is_int(d->reg.nr_ringid, r->ringid, "'%s': nr_ringid", r->spec);
	is_int(d->reg.nr_flags, r->flags, "'%s': nr_flags", r->spec);
	is_int(d->reg.nr_mem_id, r->mem_id, "'%s': nr_mem_id", r->spec);
	ok(d->hdr.nr_version == NETMAP_API &&
	   d->hdr.nr_reqtype == NETMAP_REQ_REGISTER &&
	   d->hdr.nr_body == (uintptr_t)&d->reg && d->hdr.nr_reserved == 0,
	   "'%s': header is a register request with body &reg", r->spec);
	ok(cap.count == 0, "'%s': no error reported", r->spec);
	nmport_undo_prepare(d);
}

static void check_rejected(const char *spec)
{
	struct nmport_d *d;

	cap_reset();
	errno = 0;
	d = nmport_prepare(spec);
	ok(d == NULL && errno == EINVAL, "'%s' rejected with EINVAL", spec);
	ok(cap.count > 0, "'%s': error reported (%s)", spec, cap.last);
	nmport_undo_prepare(d);
}

static void check_conf(void)
{
	struct nmport_d *d;

	d = nmport_prepare("netmap:eth0@conf:tx-rings=2,rx-rings=3,slots=512");
	if (ok(d != NULL, "conf row accepted")) {
		is_int(d->reg.nr_tx_rings, 2, "conf: tx rings");
		is_int(d->reg.nr_rx_rings, 3, "conf: rx rings");
		is_int(d->reg.nr_tx_slots, 512, "conf: tx slots");
		is_int(d->reg.nr_rx_slots, 512, "conf: rx slots");
		is_int(d->reg.nr_host_tx_rings, 0, "conf: host tx rings untouched");
		is_int(d->reg.nr_host_rx_rings, 0, "conf: host rx rings untouched");
		ok(d->hdr.nr_options == 0, "conf: no request option added");
	}
	nmport_undo_prepare(d);

	/* the generic keys apply first whatever their position */
	d = nmport_prepare("netmap:eth0@conf:tx_rings=2,rings=4,rx-slots=128,"
			   "slots=256,host-rings=2,host_rx_rings=3");
	if (ok(d != NULL, "conf generic+specific accepted")) {
		is_int(d->reg.nr_tx_rings, 2, "conf: specific tx-rings wins");
		is_int(d->reg.nr_rx_rings, 4, "conf: generic rings for rx");
		is_int(d->reg.nr_tx_slots, 256, "conf: generic slots for tx");
		is_int(d->reg.nr_rx_slots, 128, "conf: specific rx-slots wins");
		is_int(d->reg.nr_host_tx_rings, 2, "conf: host-rings for tx");
		is_int(d->reg.nr_host_rx_rings, 3, "conf: host-rx-rings wins");
	}
	nmport_undo_prepare(d);

	d = nmport_prepare("vale0:a@conf:host-tx-rings=5,tx-slots=64"
			   "@conf:rx-rings=6,rx-slots=32");
	if (ok(d != NULL, "conf given twice accepted")) {
		is_int(d->reg.nr_host_tx_rings, 5, "conf twice: host tx rings");
		is_int(d->reg.nr_tx_slots, 64, "conf twice: tx slots");
		is_int(d->reg.nr_rx_rings, 6, "conf twice: rx rings");
		is_int(d->reg.nr_rx_slots, 32, "conf twice: rx slots");
	}
	nmport_undo_prepare(d);
}

static void check_names(void)
{
	char spec[128], name[80];
	struct nmport_d *d;

	memset(name, 'a', 63);
	name[63] = '\0';
	snprintf(spec, sizeof(spec), "netmap:%s-1", name);
	d = nmport_prepare(spec);
	ok(d != NULL && strcmp(d->hdr.nr_name, name) == 0,
	   "63-character name accepted");
	nmport_undo_prepare(d);

	memset(name, 'a', 64);
	name[64] = '\0';
	snprintf(spec, sizeof(spec), "netmap:%s", name);
	errno = 0;
	d = nmport_prepare(spec);
	ok(d == NULL && errno == EINVAL, "64-character name rejected");

	/* for VALE ports the whole "valeX:port" text counts */
	snprintf(spec, sizeof(spec), "vale0:%.57s", name);
	d = nmport_prepare(spec);
	ok(d != NULL && strlen(d->hdr.nr_name) == 63,
	   "63-character VALE name accepted");
	nmport_undo_prepare(d);
	snprintf(spec, sizeof(spec), "vale0:%.58s", name);
	errno = 0;
	d = nmport_prepare(spec);
	ok(d == NULL && errno == EINVAL, "64-character VALE name rejected");
}

static void check_unknown_option(void)
{
	struct nmport_d *d;

	cap_reset();
	d = nmport_prepare("vale0:0/Tx@opt");
	ok(d == NULL && errno == EINVAL, "'vale0:0/Tx@opt' rejected");
	ok(cap_has("unknown option"), "... as an unknown option (%s)",
	   cap.last);
}

static void check_parse_failure(void)
{
	static const uint8_t zero[sizeof(struct nmreq_register)];
	struct nmport_d *d = nmport_new();
	int i, hdr_zero = 1;

	if (!ok(d != NULL, "nmport_new"))
		return;
	ok(d->fd == -1 && d->hdr.nr_body == (uintptr_t)&d->reg &&
	   d->hdr.nr_version == NETMAP_API &&
	   d->hdr.nr_reqtype == NETMAP_REQ_REGISTER && d->ctx == nmctx_get(),
	   "nmport_new: fd -1, register header, default context");
	d->reg.nr_extra_bufs = 5;
	ok(nmport_parse(d, "netmap:eth0-x") < 0 && errno == EINVAL,
	   "nmport_parse fails on 'netmap:eth0-x'");
	for (i = 0; i < (int)sizeof(d->hdr); i++)
		if (((uint8_t *)&d->hdr)[i] != 0)
			hdr_zero = 0;
	ok(hdr_zero, "failed parse zeroes hdr");
	ok(memcmp(&d->reg, zero, sizeof(zero)) == 0, "failed parse zeroes reg");
	ok(d->clist == NULL, "failed parse leaves no cleanup");

	d->reg.nr_extra_bufs = 7;
	d->reg.nr_mem_id = 4;
	ok(nmport_parse(d, "netmap:eth1^2") == 0, "the descriptor parses again");
	ok(d->hdr.nr_body == (uintptr_t)&d->reg &&
	   d->hdr.nr_version == NETMAP_API &&
	   d->hdr.nr_reqtype == NETMAP_REQ_REGISTER,
	   "... with a valid register header");
	is_str(d->hdr.nr_name, "eth1", "... name");
	is_int(d->reg.nr_mode, NR_REG_ONE_SW, "... mode");
	is_int(d->reg.nr_extra_bufs, 7, "... fields set by the app are kept");
	is_int(d->reg.nr_mem_id, 4, "... mem id kept without @N");
	nmport_undo_prepare(d);
}

int main(void)
{
	size_t i;

	cap_install();
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check_row(&rows[i]);
	for (i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++)
		check_rejected(rejected[i]);
	check_conf();
	check_names();
	check_unknown_option();
	check_parse_failure();
	nmport_undo_prepare(NULL);
	nmport_close(NULL);
	ok(1, "nmport_undo_prepare(NULL) and nmport_close(NULL) are no-ops");
	return tap_done();
}
