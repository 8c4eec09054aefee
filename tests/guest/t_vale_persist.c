// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_vale_persist: persistent VALE ports (ABI.md §6.11, §6.8, §6.9,
 * §14). NEWIF makes a port and an interface of its name (geometry written
 * back, clamped; name, duplicate and region errors); `netmap:NAME` binds
 * it; ATTACH puts it into a switch and DETACH takes it out (errors for
 * each); frames cross between it and an ephemeral port both ways, counted
 * and checked byte by byte; DELIF is refused while it is open or attached
 * and removes the interface once it is neither.
 */
#include "common.h"
#include "vale_util.h"

#include <unistd.h>

static void create_and_errors(int fd)
{
	struct nmreq_vale_newif nif = { 0 };
	struct nmt_port a, x;

	is_err(newif(fd, "nmv0", &nif), 0, "NEWIF nmv0");
	ok(nif.nr_tx_slots == 1024 && nif.nr_rx_slots == 1024 &&
	   nif.nr_tx_rings == 1 && nif.nr_rx_rings == 1,
	   "defaults written back: 1 ring of 1024 slots each way (%u/%u %u/%u)",
	   nif.nr_tx_rings, nif.nr_rx_rings, nif.nr_tx_slots, nif.nr_rx_slots);
	ok(nif.nr_mem_id > 1, "a private region (%u)", nif.nr_mem_id);
	ok(has_netdev("nmv0"), "interface nmv0 exists");
	nif = (struct nmreq_vale_newif){ 0 };
	is_err(newif(fd, "nmv0", &nif), EEXIST, "NEWIF nmv0 again -> EEXIST");
	is_err(newif(fd, "lo", &nif), EEXIST, "NEWIF of an existing interface -> EEXIST");
	is_err(newif(fd, "valeX", &nif), EINVAL, "NEWIF of a name starting with vale -> EINVAL");
	is_err(newif(fd, "a/b", &nif), EINVAL, "NEWIF of an invalid interface name -> EINVAL");
	is_err(newif(fd, "", &nif), EINVAL, "NEWIF of an empty name -> EINVAL");
	nif = (struct nmreq_vale_newif){ .nr_mem_id = 999 };
	is_err(newif(fd, "nmv9", &nif), EINVAL, "NEWIF in an unknown region -> EINVAL");
	ok(!has_netdev("nmv9"), "and no interface is left behind");

	nif = (struct nmreq_vale_newif){ .nr_tx_slots = 5000, .nr_rx_slots = 64,
					 .nr_tx_rings = 20, .nr_rx_rings = 3 };
	is_err(newif(fd, "nmv1", &nif), 0, "NEWIF nmv1 with 5000 slots and 20 rings");
	ok(nif.nr_tx_slots == 4096 && nif.nr_rx_slots == 64 &&
	   nif.nr_tx_rings == 16 && nif.nr_rx_rings == 3,
	   "clamped to 4096 slots and 16 rings (%u/%u %u/%u)",
	   nif.nr_tx_rings, nif.nr_rx_rings, nif.nr_tx_slots, nif.nr_rx_slots);
	if (is_err(nmt_port_open(&x, "nmv1", &NMT_REQ_ALL), 0, "open netmap:nmv1")) {
		ok(x.reg.nr_tx_rings == 16 && x.reg.nr_rx_rings == 3 &&
		   x.reg.nr_rx_slots == 64 && x.reg.nr_host_tx_rings == 0,
		   "its register reply has that geometry and no host rings");
		nmt_port_close(&x);
	}
	is_err(delif(fd, "nmv1"), 0, "DELIF nmv1");

	/* A port sharing the region of an ephemeral port. */
	if (is_err(nmt_port_open(&a, "valeS:a", &NMT_REQ_ALL), 0, "open valeS:a")) {
		nif = (struct nmreq_vale_newif){ .nr_mem_id = a.reg.nr_mem_id };
		is_err(newif(fd, "nmv2", &nif), 0, "NEWIF nmv2 in valeS:a's region");
		is(nif.nr_mem_id, a.reg.nr_mem_id, "reports that region");
		is_err(delif(fd, "nmv2"), 0, "DELIF nmv2");
		nmt_port_close(&a);
	}

	is_err(delif(fd, "nmv9"), ENXIO, "DELIF of no interface -> ENXIO");
	is_err(delif(fd, "lo"), EINVAL, "DELIF of a plain interface -> EINVAL");
	{
		struct nmt_req rq = { .mode = NR_REG_NIC_SW };

		is_err(nmt_port_open(&x, "nmv0", &rq), EINVAL,
		       "a persistent port has no host rings (NR_REG_NIC_SW -> EINVAL)");
	}
}

static void attach_and_traffic(int fd)
{
	struct nmt_port a, p, q;
	uint32_t port = 0, bad;
	uint16_t b = 0;

	is_err(attach(fd, "valeP:nmv0", NR_REG_ALL_NIC, 0, &port), 0,
	       "ATTACH valeP:nmv0 (a new switch)");
	is(port, 0, "it is port 0");
	is_err(attach(fd, "valeP:nmv0", NR_REG_ALL_NIC, 0, NULL), EBUSY,
	       "ATTACH it again -> EBUSY");
	is_err(attach(fd, "valeQ:nmv0", NR_REG_ALL_NIC, 0, NULL), EBUSY,
	       "ATTACH it to a second switch -> EBUSY");
	is_err(vale_list(fd, "valeQ:nmv0", &b, &port, NULL), ENOENT,
	       "the failed ATTACH left no switch valeQ behind");
	is_err(attach(fd, "valeP:nosuchif", NR_REG_ALL_NIC, 0, NULL), EINVAL,
	       "ATTACH of no interface -> EINVAL");
	is_err(attach(fd, "foo:nmv0", NR_REG_ALL_NIC, 0, NULL), EINVAL,
	       "ATTACH without the vale prefix -> EINVAL");
	is_err(delif(fd, "nmv0"), EBUSY, "DELIF while attached -> EBUSY");

	if (!is_err(nmt_port_open(&a, "valeP:a", &NMT_REQ_ALL), 0, "open valeP:a") ||
	    !is_err(nmt_port_open(&p, "nmv0", &NMT_REQ_ALL), 0, "open netmap:nmv0"))
		return;
	b = 0;
	is_err(vale_list(fd, "valeP:nmv0", &b, &port, NULL), 0, "VALE_LIST valeP:nmv0");
	is(port, 0, "lists it as port 0");
	is_err(delif(fd, "nmv0"), EBUSY, "DELIF while open and attached -> EBUSY");

	is(vale_cross(&a, 1, BCAST, &p, 3000, 20000, &bad), 3000, "3000 frames valeP:a -> netmap:nmv0");
	is(bad, 0, "in order, sizes 60..1514, every byte checked");
	is(vale_cross(&p, 2, BCAST, &a, 3000, 20000, &bad), 3000, "3000 frames netmap:nmv0 -> valeP:a");
	is(bad, 0, "in order, every byte checked");

	/* valeP:nmv0 names the same port: its rings are the ones nmv0 uses. */
	if (is_err(nmt_port_open(&q, "valeP:nmv0", &NMT_REQ_ALL), 0,
		   "open valeP:nmv0 (the attached persistent port)")) {
		is(q.reg.nr_mem_id, p.reg.nr_mem_id, "same region as netmap:nmv0");
		nmt_port_close(&q);
	}

	is_err(detach(fd, "valeP:a", NULL), EINVAL, "DETACH of an ephemeral port -> EINVAL");
	is_err(detach(fd, "valeP:nmv0", &port), 0, "DETACH valeP:nmv0 while open");
	is(port, 0, "reports port 0");
	is_err(detach(fd, "valeP:nmv0", NULL), ENXIO, "DETACH again -> ENXIO");
	send_one(&a, BCAST, 1, 60, 1);
	is(drain(&p, NULL), 0, "after DETACH nmv0 gets nothing from valeP");
	send_one(&p, BCAST, 2, 60, 2);
	is(drain(&a, NULL), 0, "and valeP gets nothing from it");
	is_err(delif(fd, "nmv0"), EBUSY, "DELIF while open -> EBUSY");
	nmt_port_close(&p);

	/* Re-attach to another switch while valeP still exists. */
	is_err(attach(fd, "valeR:nmv0", NR_REG_ALL_NIC, 0, &port), 0, "ATTACH valeR:nmv0");
	is_err(detach(fd, "valeR:nmv0", NULL), 0, "DETACH valeR:nmv0");
	b = 0;
	is_err(vale_list(fd, "valeR:x", &b, &port, NULL), ENOENT,
	       "valeR went with its only port");
	nmt_port_close(&a);
}

static void attach_errors(int fd)
{
	is_err(attach(fd, "valeP:nmv0", NR_REG_NIC_SW, 0, NULL), EINVAL,
	       "ATTACH of a persistent port with its host stack -> EINVAL");
	is_err(attach(fd, "valeP:nmv0", NR_REG_ONE_NIC, 0, NULL), EINVAL,
	       "ATTACH in NR_REG_ONE_NIC -> EINVAL");
	is_err(attach(fd, "valeP:nmv0", NR_REG_ALL_NIC, 1, NULL), EINVAL,
	       "ATTACH with a ring id -> EINVAL");
	is_err(detach(fd, "valeNone:nmv0", NULL), ENXIO, "DETACH from no switch -> ENXIO");
	is_err(detach(fd, "foo:nmv0", NULL), EINVAL, "DETACH without the vale prefix -> EINVAL");
}

int main(void)
{
	int fd;
	struct nmt_port x;

	tap_start(120);
	fd = nmt_open_dev();
	create_and_errors(fd);
	attach_errors(fd);
	attach_and_traffic(fd);
	is_err(delif(fd, "nmv0"), 0, "DELIF nmv0 once closed and detached");
	ok(!has_netdev("nmv0"), "interface nmv0 is gone");
	is_err(delif(fd, "nmv0"), ENXIO, "DELIF nmv0 again -> ENXIO");
	is_err(nmt_port_open(&x, "nmv0", &NMT_REQ_ALL), ENXIO,
	       "netmap:nmv0 no longer exists");
	close(fd);
	return tap_end();
}
