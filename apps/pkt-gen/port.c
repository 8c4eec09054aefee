/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt-gen: netmap ports through libnetmap.  The main port binds what the
 * port spec says; with -p N each thread binds one ring (pair) of it on a
 * clone.  The waits use poll() or, built with -DBUSYWAIT (pkt-gen-b),
 * spin on NIOCTXSYNC / NIOCRXSYNC.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <libnetmap.h>

#include "pkt-gen.h"

static bool rx_only(const struct pg_conf *c)
{
	return c->func == PG_RX || c->func == PG_RXSEQ;
}

static void apply_ring_cfg(const struct pg_conf *c, struct nmport_d *d)
{
	const unsigned int *v = c->ring_cfg;
	int n = c->ring_cfg_n;

	if (n == 0)
		return;
	PG_LOG("-C is deprecated, use the port option @conf:tx-slots=..."
	       ",rx-slots=...,tx-rings=...,rx-rings=... instead");
	d->reg.nr_tx_slots = v[0];
	d->reg.nr_rx_slots = n >= 2 ? v[1] : v[0];
	if (n >= 3) {
		d->reg.nr_tx_rings = (uint16_t)v[2];
		d->reg.nr_rx_rings = (uint16_t)(n >= 4 ? v[3] : v[2]);
	}
}

static int port_hdr(struct nmport_d *d, uint16_t type, uint32_t *len)
{
	struct nmreq_port_hdr body = { .nr_hdr_len = *len };
	struct nmreq_header hdr;

	nmreq_header_init(&hdr, type, &body);
	memcpy(hdr.nr_name, d->hdr.nr_name, sizeof(hdr.nr_name));
	if (ioctl(d->fd, NIOCCTRL, &hdr) < 0)
		return -1;
	*len = body.nr_hdr_len;
	return 0;
}

/* -H sets the virtio-net header length; otherwise the port's is used. */
static int setup_vnet_hdr(struct pg_conf *c, struct nmport_d *d)
{
	uint32_t cur = 0, want;

	if (port_hdr(d, NETMAP_REQ_PORT_HDR_GET, &cur) < 0) {
		if (c->verbose)
			PG_LOG("cannot read the virtio-net header length: %s",
			       strerror(errno));
		cur = 0;
	}
	if (c->vh_len >= 0 && (uint32_t)c->vh_len != cur) {
		want = (uint32_t)c->vh_len;
		if (port_hdr(d, NETMAP_REQ_PORT_HDR_SET, &want) < 0) {
			PG_LOG("Unable to set virtio-net header length %d: %s",
			       c->vh_len, strerror(errno));
			return -1;
		}
		cur = want;
	}
	c->vh_len = (int)cur;
	if (cur && c->verbose)
		PG_LOG("using a virtio-net header of %u bytes", cur);
	return 0;
}

static unsigned int span(uint16_t first, uint16_t last)
{
	return last >= first ? (unsigned int)(last - first + 1) : 0;
}

static int count_queues(struct pg_conf *c, const struct nmport_d *d)
{
	unsigned int ntx = span(d->first_tx_ring, d->last_tx_ring);
	unsigned int nrx = span(d->first_rx_ring, d->last_rx_ring);
	bool tx = c->func == PG_TX || c->func == PG_TXSEQ;

	if (tx)
		c->queues = (int)ntx;
	else if (rx_only(c))
		c->queues = (int)nrx;
	else
		c->queues = (int)(ntx < nrx ? ntx : nrx);
	if (c->queues == 0) {
		PG_LOG("%s: no %s rings bound", c->ifname,
		       tx ? "TX" : rx_only(c) ? "RX" : "TX and RX");
		return -1;
	}
	if (c->nthreads > 1 && d->reg.nr_mode != NR_REG_ALL_NIC &&
	    d->reg.nr_mode != NR_REG_SW) {
		PG_LOG("-p %d needs a port with all its NIC or all its host "
		       "rings (no -N, '*' or '^N' suffix)", c->nthreads);
		return -1;
	}
	if (c->nthreads > c->queues) {
		PG_LOG("bad nthreads %d, have %d queues", c->nthreads,
		       c->queues);
		return -1;
	}
	return 0;
}

static void port_info(struct pg_conf *c, struct nmport_d *d)
{
	struct netmap_ring *r;

	if (span(d->first_tx_ring, d->last_tx_ring))
		r = NETMAP_TXRING(d->nifp, d->first_tx_ring);
	else
		r = NETMAP_RXRING(d->nifp, d->first_rx_ring);
	c->buf_size = r->nr_buf_size;
	if (!c->verbose)
		return;
	PG_LOG("%s: %u tx rings x %u slots, %u rx rings x %u slots, "
	       "buffers of %u bytes, mem id %u, %llu bytes mapped",
	       c->ifname, d->reg.nr_tx_rings, d->reg.nr_tx_slots,
	       d->reg.nr_rx_rings, d->reg.nr_rx_slots, r->nr_buf_size,
	       d->reg.nr_mem_id, (unsigned long long)d->reg.nr_memsize);
}

/* Open the main port; fills buf_size, vh_len and queues in c. */
int pg_port_open(struct pg_conf *c, struct pg_run *run)
{
	struct nmport_d *d;

	d = nmport_prepare(c->ifname);
	if (!d) {
		PG_LOG("Unable to open %s: %s", c->ifname, strerror(errno));
		return -1;
	}
	d->reg.nr_flags |= NR_ACCEPT_VNET_HDR;
	if (rx_only(c))
		d->reg.nr_flags |= NR_NO_TX_POLL;
	apply_ring_cfg(c, d);
	if (nmport_open_desc(d) < 0) {
		PG_LOG("Unable to open %s: %s", c->ifname, strerror(errno));
		nmport_undo_prepare(d);
		return -1;
	}
	run->port = d;
	port_info(c, d);
	if (setup_vnet_hdr(c, d) || count_queues(c, d)) {
		pg_port_close(run);
		return -1;
	}
	return 0;
}

void pg_port_close(struct pg_run *run)
{
	nmport_close(run->port);
	run->port = NULL;
}

/* Thread i gets ring (pair) i on its own descriptor when -p > 1. */
int pg_port_open_thread(struct pg_thread *th, int i)
{
	struct nmport_d *m = th->run->port, *d;

	th->port = m;
	th->own_port = false;
	if (!m || th->run->conf->nthreads == 1)
		return 0;
	d = nmport_clone(m);
	if (!d) {
		PG_LOG("cannot clone the port for thread %d: %s", i,
		       strerror(errno));
		return -1;
	}
	d->reg.nr_mode = m->reg.nr_mode == NR_REG_SW ? NR_REG_ONE_SW :
						       NR_REG_ONE_NIC;
	d->reg.nr_ringid = (uint16_t)i;
	if (nmport_open_desc(d) < 0) {
		PG_LOG("Unable to open ring %d of %s: %s", i,
		       th->run->conf->ifname, strerror(errno));
		nmport_undo_prepare(d);
		return -1;
	}
	th->port = d;
	th->own_port = true;
	return 0;
}

void pg_port_close_thread(struct pg_thread *th)
{
	if (th->own_port)
		nmport_close(th->port);
	th->port = NULL;
	th->own_port = false;
}

unsigned int pg_tx_rings(const struct pg_thread *th)
{
	return span(th->port->first_tx_ring, th->port->last_tx_ring);
}

unsigned int pg_rx_rings(const struct pg_thread *th)
{
	return span(th->port->first_rx_ring, th->port->last_rx_ring);
}

struct netmap_ring *pg_tx_ring(struct pg_thread *th, unsigned int i)
{
	return NETMAP_TXRING(th->port->nifp, th->port->first_tx_ring + i);
}

struct netmap_ring *pg_rx_ring(struct pg_thread *th, unsigned int i)
{
	return NETMAP_RXRING(th->port->nifp, th->port->first_rx_ring + i);
}

int pg_port_txsync(struct pg_thread *th)
{
	return ioctl(th->port->fd, NIOCTXSYNC, NULL);
}

int pg_port_rxsync(struct pg_thread *th)
{
	return ioctl(th->port->fd, NIOCRXSYNC, NULL);
}

#ifdef BUSYWAIT
static bool rings_ready(struct pg_thread *th, bool tx, bool rx)
{
	unsigned int i;

	for (i = 0; tx && i < pg_tx_rings(th); i++)
		if (nm_ring_space(pg_tx_ring(th, i)))
			return true;
	for (i = 0; rx && i < pg_rx_rings(th); i++)
		if (!nm_ring_empty(pg_rx_ring(th, i)))
			return true;
	return false;
}

/* Spin on the sync ioctls: 1 ready, 0 timeout or cancelled, -1 error. */
int pg_port_wait(struct pg_thread *th, bool tx, bool rx, int timeout_ms)
{
	uint64_t end = pg_now_ns() + (uint64_t)timeout_ms * 1000000ULL;

	for (;;) {
		if (tx && pg_port_txsync(th) < 0)
			return -1;
		if (rx && pg_port_rxsync(th) < 0)
			return -1;
		if (rings_ready(th, tx, rx))
			return 1;
		if (pg_now_ns() >= end || pg_stopping(th))
			return 0;
	}
}
#else
/* poll() the thread's descriptor: 1 ready, 0 timeout, -1 error. */
int pg_port_wait(struct pg_thread *th, bool tx, bool rx, int timeout_ms)
{
	struct pollfd pfd = { .fd = th->port->fd };
	int rc;

	pfd.events = (short)((tx ? POLLOUT : 0) | (rx ? POLLIN : 0));
	rc = poll(&pfd, 1, timeout_ms);
	if (rc < 0)
		return errno == EINTR ? 0 : -1;
	if (rc > 0 && (pfd.revents & (POLLERR | POLLNVAL))) {
		errno = EIO;
		return -1;
	}
	return rc;
}
#endif

/* Longest wait for a TX ring whose tail does not move at all. */
#define PG_DRAIN_STALL_US 2000000

/*
 * Push what is queued and wait until every TX ring is empty. A ring whose
 * tail stops moving (e.g. the receiving end of a pipe went away without
 * returning its slots) is given up after PG_DRAIN_STALL_US.
 */
void pg_port_drain(struct pg_thread *th)
{
	struct netmap_ring *r;
	unsigned int i, stalled, tail;

	pg_port_txsync(th);
	for (i = 0; i < pg_tx_rings(th); i++) {
		r = pg_tx_ring(th, i);
		tail = r->tail;
		stalled = 0;
		while (nm_tx_pending(r) && !atomic_load(&th->run->abort)) {
			PG_RLOG(&th->rl, 1, "pending tx tail %u head %u on "
				"ring %u", r->tail, r->head, i);
			if (pg_port_txsync(th) < 0)
				return;
			if (r->tail != tail) {
				tail = r->tail;
				stalled = 0;
			} else if (stalled >= PG_DRAIN_STALL_US) {
				PG_LOG("ring %u: %u slots still pending, the "
				       "receiver stopped consuming", i,
				       r->num_slots - 1 - nm_ring_space(r));
				break;
			}
			usleep(100);
			stalled += 100;
		}
	}
}

/* MAC address of the interface a netmap port name refers to. */
int pg_ifmac(const char *ifname, uint8_t mac[6])
{
	struct ifaddrs *ifa, *p;
	char name[IFNAMSIZ];
	size_t n;
	int rc = -1;

	if (strncmp(ifname, "netmap:", 7) == 0)
		ifname += 7;
	if (strncmp(ifname, "vale", 4) == 0)
		return -1;
	n = strcspn(ifname, "-*^{}/@");
	if (n == 0 || n >= sizeof(name))
		return -1;
	memcpy(name, ifname, n);
	name[n] = '\0';
	if (getifaddrs(&ifa) < 0)
		return -1;
	for (p = ifa; p; p = p->ifa_next) {
		const struct sockaddr_ll *sll;

		if (!p->ifa_addr || p->ifa_addr->sa_family != AF_PACKET ||
		    strcmp(p->ifa_name, name) != 0)
			continue;
		sll = (const struct sockaddr_ll *)(const void *)p->ifa_addr;
		if (sll->sll_halen == 6) {
			memcpy(mac, sll->sll_addr, 6);
			rc = 0;
		}
		break;
	}
	freeifaddrs(ifa);
	return rc;
}
