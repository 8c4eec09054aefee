// SPDX-License-Identifier: BSD-2-Clause
/*
 * vale-ctl: list VALE switches and their ports, attach and detach NICs,
 * create and delete persistent ports, turn polling on and off. Every
 * action is one NIOCCTRL request (ABI.md §15.2).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <libnetmap.h>
#include <net/netmap_user.h>

#include "vale-ctl.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vale-ctl [-v] [action]\n"
		"  (none)               list every port of every switch\n"
		"  -l valeX:Y           switch and port index of a port\n"
		"  -a valeX:ifname      attach a NIC (host stack not connected)\n"
		"  -h valeX:ifname      attach a NIC and its host stack\n"
		"  -d valeX:ifname      detach a NIC\n"
		"  -n ifname            create a persistent port [-C slots,rx_slots,rings,rx_rings] [-m memid|port]\n"
		"  -r ifname            delete a persistent port\n"
		"  -g port              memory size, slots, rings and region of a port\n"
		"  -p valeX:ifname      start polling threads: -C mode,cpu[,n]\n"
		"  -P valeX:ifname      stop them\n");
}

static int vc_ctrl(int fd, uint16_t type, const char *name, void *body,
		   struct nmreq_header *h)
{
	memset(h, 0, sizeof(*h));
	nmreq_header_init(h, type, body);
	snprintf(h->nr_name, sizeof(h->nr_name), "%s", name);
	return ioctl(fd, NIOCCTRL, h) ? errno : 0;
}

static int vc_list_all(int fd)
{
	struct nmreq_vale_list l = { 0 };
	struct nmreq_header h;
	int err;

	for (;;) {
		err = vc_ctrl(fd, NETMAP_REQ_VALE_LIST, "", &l, &h);
		if (err)
			return err == ENOENT ? 0 : err;
		printf("%s bridge_idx %" PRIu16 " port_idx %" PRIu32 "\n",
		       h.nr_name, l.nr_bridge_idx, l.nr_port_idx);
		l.nr_port_idx++;
	}
}

static int vc_list(int fd, const char *name)
{
	struct nmreq_vale_list l = { 0 };
	struct nmreq_header h;
	int err;

	if (strncmp(name, "vale", 4))
		return EINVAL;
	err = vc_ctrl(fd, NETMAP_REQ_VALE_LIST, name, &l, &h);
	if (!err)
		printf("bridge_idx: %" PRIu16 "\nport_idx: %" PRIu32 "\n",
		       l.nr_bridge_idx, l.nr_port_idx);
	return err;
}

/* -C x,y,z,w for a port: x TX and RX slots, y RX slots, z TX and RX rings, w RX rings. */
static void vc_geometry(const struct vc_opts *o, uint32_t *txs, uint32_t *rxs,
			uint16_t *txr, uint16_t *rxr)
{
	if (o->nconf > 0)
		*txs = *rxs = o->conf[0];
	if (o->nconf > 1)
		*rxs = o->conf[1];
	if (o->nconf > 2)
		*txr = *rxr = (uint16_t)o->conf[2];
	if (o->nconf > 3)
		*rxr = (uint16_t)o->conf[3];
}

static int vc_attach(int fd, const struct vc_opts *o)
{
	struct nmreq_vale_attach a = { 0 };
	struct nmreq_header h;
	int err;

	a.reg.nr_mode = o->action == VC_ATTACH_HOST ? NR_REG_NIC_SW : NR_REG_ALL_NIC;
	vc_geometry(o, &a.reg.nr_tx_slots, &a.reg.nr_rx_slots,
		    &a.reg.nr_tx_rings, &a.reg.nr_rx_rings);
	err = vc_ctrl(fd, NETMAP_REQ_VALE_ATTACH, o->name, &a, &h);
	if (!err && o->verbose)
		printf("port_index: %" PRIu32 "\n", a.port_index);
	return err;
}

static int vc_detach(int fd, const struct vc_opts *o)
{
	struct nmreq_vale_detach d = { 0 };
	struct nmreq_header h;
	int err;

	err = vc_ctrl(fd, NETMAP_REQ_VALE_DETACH, o->name, &d, &h);
	if (!err && o->verbose)
		printf("port_index: %" PRIu32 "\n", d.port_index);
	return err;
}

/* -m: a region id, or the region of the named port. */
static int vc_mem_id(const char *mem, uint16_t *id)
{
	char *end;
	unsigned long v = strtoul(mem, &end, 0);
	int32_t r;

	if (end != mem && *end == '\0') {
		if (v > UINT16_MAX)
			return EINVAL;
		*id = (uint16_t)v;
		return 0;
	}
	r = nmreq_get_mem_id(&mem, NULL);
	if (r < 0)
		return ENOENT;
	*id = (uint16_t)r;
	return 0;
}

static int vc_newif(int fd, const struct vc_opts *o)
{
	struct nmreq_vale_newif n = { 0 };
	struct nmreq_header h;
	int err;

	vc_geometry(o, &n.nr_tx_slots, &n.nr_rx_slots, &n.nr_tx_rings, &n.nr_rx_rings);
	if (o->mem) {
		err = vc_mem_id(o->mem, &n.nr_mem_id);
		if (err)
			return err;
	}
	err = vc_ctrl(fd, NETMAP_REQ_VALE_NEWIF, o->name, &n, &h);
	if (!err && o->verbose)
		printf("tx_slots: %" PRIu32 "\nrx_slots: %" PRIu32
		       "\ntx_rings: %" PRIu16 "\nrx_rings: %" PRIu16 "\nmem_id: %" PRIu16 "\n",
		       n.nr_tx_slots, n.nr_rx_slots, n.nr_tx_rings, n.nr_rx_rings,
		       n.nr_mem_id);
	return err;
}

static int vc_info(int fd, const struct vc_opts *o)
{
	struct nmreq_port_info_get i = { 0 };
	struct nmreq_header h;
	int err;

	err = vc_ctrl(fd, NETMAP_REQ_PORT_INFO_GET, o->name, &i, &h);
	if (!err)
		printf("memsize: %" PRIu64 "\ntx_slots: %" PRIu32 "\nrx_slots: %" PRIu32
		       "\ntx_rings: %" PRIu16 "\nrx_rings: %" PRIu16 "\nmem_id: %" PRIu16 "\n",
		       i.nr_memsize, i.nr_tx_slots, i.nr_rx_slots, i.nr_tx_rings,
		       i.nr_rx_rings, i.nr_mem_id);
	return err;
}

/*
 * -C mode,cpu[,n]: mode 0 is one thread on core cpu (a third number is
 * refused), any other mode one thread per ring from ring/core cpu, n rings.
 */
static int vc_polling(int fd, const struct vc_opts *o)
{
	struct nmreq_vale_polling p = { 0 };
	struct nmreq_header h;

	if (o->action == VC_POLL_ON) {
		/* -C mode,cpu[,n]: one thread unless told otherwise */
		if (o->nconf > 0 && o->conf[0] == 0)
			p.nr_mode = NETMAP_POLLING_MODE_SINGLE_CPU;
		else
			p.nr_mode = NETMAP_POLLING_MODE_MULTI_CPU;
		p.nr_first_cpu_id = o->nconf > 1 ? o->conf[1] : 0;
		p.nr_num_polling_cpus = o->nconf > 2 ? o->conf[2] : 1;
	}
	return vc_ctrl(fd, o->action == VC_POLL_ON ? NETMAP_REQ_VALE_POLLING_ENABLE :
			   NETMAP_REQ_VALE_POLLING_DISABLE, o->name, &p, &h);
}

int main(int argc, char **argv)
{
	struct nmreq_header h;
	struct vc_opts o;
	char msg[160];
	int fd, err;

	if (vc_parse(argc, argv, &o, msg, sizeof(msg))) {
		fprintf(stderr, "vale-ctl: %s\n", msg);
		usage(stderr);
		return 1;
	}
	fd = open("/dev/netmap", O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "vale-ctl: cannot open /dev/netmap: %s\n", strerror(errno));
		return 1;
	}
	switch (o.action) {
	case VC_LIST_ALL:
		err = vc_list_all(fd);
		break;
	case VC_LIST:
		err = vc_list(fd, o.name);
		break;
	case VC_ATTACH:
	case VC_ATTACH_HOST:
		err = vc_attach(fd, &o);
		break;
	case VC_DETACH:
		err = vc_detach(fd, &o);
		break;
	case VC_NEWIF:
		err = vc_newif(fd, &o);
		break;
	case VC_DELIF:
		err = vc_ctrl(fd, NETMAP_REQ_VALE_DELIF, o.name, NULL, &h);
		break;
	case VC_INFO:
		err = vc_info(fd, &o);
		break;
	default:
		err = vc_polling(fd, &o);
		break;
	}
	close(fd);
	if (err) {
		fprintf(stderr, "failed to %s %s: %s\n", vc_action_verb(o.action),
			o.name ? o.name : "switches", strerror(err));
		return 1;
	}
	return 0;
}
