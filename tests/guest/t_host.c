// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_host: the host stack rings of an emulated port (ABI.md §5.2, §5.6, §7.1)
 * on the first two NICs of $NETMAP_NICS (A, B, on one QEMU hub):
 *  - geometry and ring selection of netmap:A^ and netmap:A*, NR_REG_ONE_SW;
 *  - what the stack sends through A lands on the host RX ring, byte for byte
 *    and in order, with its UDP checksum completed (A offloads it) and GSO
 *    datagrams cut into wire frames;
 *  - frames written to the host TX ring reach the stack (a UDP socket), and
 *    the stack's answer to an ICMP echo comes back on the host RX ring;
 *  - transparent mode: NS_FORWARD on the NIC RX ring hands exactly the marked
 *    frames to the stack, NS_FORWARD on the host RX ring sends the stack's
 *    frames out of A (seen by netmap:B).
 */
#define _GNU_SOURCE
#include "common.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

#define IP_A "10.77.0.1"
#define IP_PEER "10.77.0.2"
static const uint8_t mac_peer[6] = { 0x02, 0, 0, 0, 0x77, 0x02 };
static uint8_t mac_a[6];
static const char *A, *B;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static int read_mac(const char *ifname, uint8_t *mac)
{
	char path[128], buf[32];
	unsigned int m[6], i;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifname);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fgets(buf, sizeof(buf), f) &&
	     sscanf(buf, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
		    &m[4], &m[5]) == 6;
	fclose(f);
	for (i = 0; ok && i < 6; i++)
		mac[i] = (uint8_t)m[i];
	return ok ? 0 : -1;
}

/* ------------------------------------------------------------ frames */

static uint32_t sum16(const void *p, size_t len, uint32_t s)
{
	const uint8_t *b = p;

	for (; len > 1; len -= 2, b += 2)
		s += (uint32_t)(b[0] << 8 | b[1]);
	if (len)
		s += (uint32_t)b[0] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Ethernet + IPv4 header for @l4len bytes of protocol @proto; returns 34. */
static size_t eth_ip(uint8_t *f, const uint8_t *dmac, const uint8_t *smac,
		     const char *src, const char *dst, uint8_t proto,
		     size_t l4len)
{
	uint8_t *ip = f + 14;

	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	put16(f + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l4len));
	ip[8] = 64;
	ip[9] = proto;
	inet_pton(AF_INET, src, ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	put16(ip + 10, fold(sum16(ip, 20, 0)));
	return 34;
}

/* A UDP frame peer -> A, port @port, payload nmt_fill(seq, plen). */
static size_t udp_to_a(uint8_t *f, uint16_t port, uint64_t seq, size_t plen)
{
	size_t o = eth_ip(f, mac_a, mac_peer, IP_PEER, IP_A, 17, 8 + plen);
	uint8_t *u = f + o;

	put16(u, 40000);
	put16(u + 2, port);
	put16(u + 4, (uint16_t)(8 + plen));
	put16(u + 6, 0);		/* no checksum (IPv4 allows it) */
	nmt_fill(u + 8, (uint32_t)plen, seq);
	return o + 8 + plen;
}

/* UDP checksum of the IPv4/UDP frame f (0 if it verifies). */
static uint16_t udp_verify(const uint8_t *f)
{
	const uint8_t *ip = f + 14, *u = ip + (ip[0] & 15) * 4;
	uint16_t ulen = get16(u + 4);
	uint32_t s = sum16(ip + 12, 8, 17 + ulen);

	return fold(sum16(u, ulen, s));
}

/* Is f an IPv4/UDP frame to port @port? Returns the UDP header or NULL. */
static const uint8_t *udp_port(const uint8_t *f, uint32_t len, uint16_t port)
{
	const uint8_t *ip = f + 14;

	if (len < 42 || get16(f + 12) != 0x0800 || ip[9] != 17)
		return NULL;
	ip += (ip[0] & 15) * 4;
	return get16(ip + 2) == port ? ip : NULL;
}

/* ------------------------------------------------------------ sockets */

static int udp_sock(uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	inet_pton(AF_INET, IP_A, &sa.sin_addr);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		bail("udp socket on port %u: %s", port, strerror(errno));
	return s;
}

/* 0 or errno */
static int udp_send(int s, uint16_t port, const void *buf, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, IP_PEER, &to.sin_addr);
	if (sendto(s, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		diag("sendto: %s", strerror(errno));
		return errno;
	}
	return 0;
}

/* Next datagram within @ms, or -1. */
static ssize_t udp_recv(int s, void *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = s, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -1;
	return recv(s, buf, len, MSG_DONTWAIT);
}

/* -------------------------------------------------------- ring walking */

static char *slot_buf(struct netmap_ring *r, uint32_t i)
{
	return NETMAP_BUF(r, r->slot[i].buf_idx);
}

/*
 * Wait up to @ms for frames on RX ring r of fd that match @port; call fn on
 * each matching one (in ring order); every slot is released with the flags
 * fn leaves in it. Stops after @want matches. Returns the number matched.
 */
typedef void (*frame_fn)(struct netmap_slot *s, const uint8_t *f, void *arg);

static unsigned int collect(int fd, struct netmap_ring *r, uint16_t port,
			    unsigned int want, int ms, frame_fn fn, void *arg)
{
	uint64_t end = nmt_now_ms() + (uint64_t)ms;
	unsigned int got = 0;

	while (got < want && nmt_now_ms() < end) {
		uint32_t i;

		nmt_rxsync(fd);
		for (i = r->head; i != r->tail && got < want; i = nmt_next(r, i)) {
			struct netmap_slot *s = &r->slot[i];
			const uint8_t *f = (const uint8_t *)slot_buf(r, i);

			if (!udp_port(f, s->len, port))
				continue;
			fn(s, f, arg);
			got++;
		}
		r->head = r->cur = i;
		if (got < want)
			nmt_sleep_ms(2);
	}
	nmt_rxsync(fd);		/* return the last slots (and forward them) */
	return got;
}

/* ---------------------------------------------------------------- tests */

static void test_geometry(void)
{
	struct nmt_req rq = { .mode = NR_REG_SW };
	struct nmt_port p;
	char name[64];
	int err;

	snprintf(name, sizeof(name), "%s", A);
	err = nmt_port_open(&p, name, &rq);
	if (!is_err(err, 0, "register %s in NR_REG_SW", A))
		return;
	is(p.reg.nr_host_tx_rings, 1, "one host TX ring");
	is(p.reg.nr_host_rx_rings, 1, "one host RX ring");
	ok(!nmt_txring(&p, 0) && nmt_txring(&p, p.reg.nr_tx_rings) &&
	   !nmt_rxring(&p, 0) && nmt_rxring(&p, p.reg.nr_rx_rings),
	   "NR_REG_SW maps the host rings only");
	nmt_port_close(&p);

	rq.mode = NR_REG_ONE_SW;
	rq.ringid = 0;
	err = nmt_port_open(&p, name, &rq);
	is_err(err, 0, "NR_REG_ONE_SW ring 0");
	if (!err)
		nmt_port_close(&p);
	rq.ringid = 1;
	err = nmt_port_open(&p, name, &rq);
	is_err(err, EINVAL, "NR_REG_ONE_SW ring 1 does not exist");
	if (!err)
		nmt_port_close(&p);
}

struct seqcheck {
	unsigned int n, bad_bytes, bad_csum, bad_mac;
	uint64_t next;
	size_t seglen;
};

static void check_stack_frame(struct netmap_slot *s, const uint8_t *f,
			      void *arg)
{
	struct seqcheck *c = arg;
	const uint8_t *u = udp_port(f, s->len, 9999);
	uint32_t plen = get16(u + 4) - 8;

	if (memcmp(f, mac_peer, 6) || memcmp(f + 6, mac_a, 6))
		c->bad_mac++;
	if (get16(u + 6) == 0 || udp_verify(f) != 0)
		c->bad_csum++;
	if (c->seglen) {
		/* GSO: segment k holds bytes [k*seglen, ...) of one pattern */
		static uint8_t want[4000];

		nmt_fill(want, 4000, 7);
		if (plen != c->seglen ||
		    memcmp(u + 8, want + c->n * c->seglen, plen))
			c->bad_bytes++;
	} else if (nmt_check(u + 8, plen, c->next) != -1) {
		c->bad_bytes++;
	}
	c->next++;
	c->n++;
}

static void test_stack_to_host(struct nmt_port *p)
{
	struct netmap_ring *hrx = nmt_rxring(p, p->reg.nr_rx_rings);
	struct seqcheck c = { 0 };
	uint8_t buf[4000];
	int s = udp_sock(5555), seg = 1000;
	unsigned int i;

	for (i = 0; i < 50; i++) {
		uint32_t len = 20 + i * 25;

		nmt_fill(buf, len, i);
		udp_send(s, 9999, buf, len);
	}
	is(collect(p->fd, hrx, 9999, 50, 3000, check_stack_frame, &c), 50,
	   "50 datagrams the stack sent arrive on the host RX ring");
	is(c.bad_bytes, 0, "their payloads are intact and in order");
	is(c.bad_mac, 0, "addressed to the neighbour, from A's MAC");
	is(c.bad_csum, 0, "with UDP checksums completed");

	/* One 4000-byte UDP GSO send: four wire frames of 1000 bytes. */
	memset(&c, 0, sizeof(c));
	c.seglen = 1000;
	nmt_fill(buf, 4000, 7);
	/*
	 * The stack itself refuses (EIO) UDP GSO through a device that does
	 * not offload UDP checksums: nothing to test then.
	 */
	if (setsockopt(s, IPPROTO_UDP, UDP_SEGMENT, &seg, sizeof(seg)) == 0 &&
	    udp_send(s, 9999, buf, 4000) == 0) {
		is(collect(p->fd, hrx, 9999, 4, 3000, check_stack_frame, &c), 4,
		   "a UDP GSO datagram arrives as 4 frames");
		ok(c.bad_bytes == 0 && c.bad_csum == 0,
		   "each a 1000-byte piece with its own checksum");
	} else {
		skip("the stack sends no UDP GSO through this device", "UDP GSO");
		skip("the stack sends no UDP GSO through this device", "UDP GSO checksums");
	}
	close(s);
}

static void test_host_to_stack(struct nmt_port *p)
{
	struct netmap_ring *htx = nmt_txring(p, p->reg.nr_tx_rings);
	struct netmap_ring *hrx = nmt_rxring(p, p->reg.nr_rx_rings);
	int s = udp_sock(9998);
	unsigned int i, got = 0, bad = 0;
	uint8_t buf[2048];

	for (i = 0; i < 20; i++) {
		uint32_t h = htx->head;

		htx->slot[h].len = (uint16_t)udp_to_a((uint8_t *)slot_buf(htx, h),
						      9998, i, 30 + i * 50);
		nmt_advance(htx, 1);
	}
	nmt_txsync(p->fd);
	for (i = 0; i < 20; i++) {
		ssize_t n = udp_recv(s, buf, sizeof(buf), 2000);

		if (n < 0)
			break;
		got++;
		if (n != 30 + i * 50 || nmt_check(buf, (uint32_t)n, i) != -1)
			bad++;
	}
	is(got, 20, "20 frames written to the host TX ring reach a UDP socket");
	is(bad, 0, "in order, payloads intact");
	ok(nmt_dist(htx, htx->head, htx->tail) == htx->num_slots - 1,
	   "the host TX ring is all free again after the sync");
	close(s);

	/* An ICMP echo request into the stack: the reply comes back to us. */
	{
		uint8_t *f = (uint8_t *)slot_buf(htx, htx->head), *ic;
		uint64_t end = nmt_now_ms() + 3000;
		int found = 0;
		size_t o;

		o = eth_ip(f, mac_a, mac_peer, IP_PEER, IP_A, 1, 8 + 56);
		ic = f + o;
		memset(ic, 0, 8);
		ic[0] = 8;
		put16(ic + 4, 0x4242);
		put16(ic + 6, 7);
		nmt_fill(ic + 8, 56, 99);
		put16(ic + 2, fold(sum16(ic, 8 + 56, 0)));
		htx->slot[htx->head].len = (uint16_t)(o + 8 + 56);
		nmt_advance(htx, 1);
		nmt_txsync(p->fd);
		while (!found && nmt_now_ms() < end) {
			uint32_t j;

			nmt_rxsync(p->fd);
			for (j = hrx->head; j != hrx->tail; j = nmt_next(hrx, j)) {
				const uint8_t *r = (const uint8_t *)slot_buf(hrx, j);
				const uint8_t *ri = r + 34;

				if (hrx->slot[j].len >= 34 + 64 && get16(r + 12) == 0x0800 &&
				    r[23] == 1 && ri[0] == 0 && get16(ri + 4) == 0x4242 &&
				    get16(ri + 6) == 7)
					found = nmt_check(ri + 8, 56, 99) == -1 ? 1 : -1;
			}
			hrx->head = hrx->cur = hrx->tail;
			if (!found)
				nmt_sleep_ms(2);
		}
		is(found, 1, "an echo request on the host TX ring is answered on the host RX ring");
	}
}

/* The stack sends through a VLAN device on A: the frame carries its tag. */
static void test_vlan(struct nmt_port *p)
{
	struct netmap_ring *hrx = nmt_rxring(p, p->reg.nr_rx_rings);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(5557) };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9995) };
	uint64_t end = nmt_now_ms() + 3000;
	uint8_t payload[300];
	int s, found = 0;

	if (sh("/sbin/ip link add link %s name %s.5 type vlan id 5 2>/dev/null", A, A)) {
		skip("no 802.1Q support", "a VLAN device's frame keeps its tag");
		return;
	}
	sh("/sbin/ip link set dev %s.5 up && /sbin/ip addr add 10.77.5.1/24 dev %s.5 && "
	   "/sbin/ip neigh replace 10.77.5.2 lladdr 02:00:00:00:77:02 dev %s.5 nud permanent",
	   A, A, A);
	/*
	 * A NIC whose driver restarts it for netmap (e1000) may still be
	 * without carrier: until it has one, so has the VLAN device, and
	 * that one's queue drops what it is given.
	 */
	sh("for i in $(seq 50); do grep -q up /sys/class/net/%s.5/operstate && break; "
	   "sleep 0.1; done", A);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	inet_pton(AF_INET, "10.77.5.1", &sa.sin_addr);
	inet_pton(AF_INET, "10.77.5.2", &to.sin_addr);
	nmt_fill(payload, sizeof(payload), 55);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) ||
	    sendto(s, payload, sizeof(payload), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		diag("vlan socket: %s", strerror(errno));
	while (!found && nmt_now_ms() < end) {
		uint32_t j;

		nmt_rxsync(p->fd);
		for (j = hrx->head; j != hrx->tail; j = nmt_next(hrx, j)) {
			const uint8_t *f = (const uint8_t *)slot_buf(hrx, j);
			const uint8_t *ip = f + 18, *u = ip + 20;

			if (hrx->slot[j].len < 18 + 28 + sizeof(payload) ||
			    get16(f + 12) != 0x8100 || get16(f + 16) != 0x0800 ||
			    ip[9] != 17 || get16(u + 2) != 9995)
				continue;
			found = (get16(f + 14) & 0xfff) == 5 &&
				!memcmp(u + 8, payload, sizeof(payload)) ? 1 : -1;
		}
		hrx->head = hrx->cur = hrx->tail;
		if (!found)
			nmt_sleep_ms(2);
	}
	is(found, 1, "a frame sent through %s.5 reaches the host RX ring tagged with VLAN 5", A);
	if (s >= 0)
		close(s);
	sh("/sbin/ip link del %s.5", A);
}

static void mark_even(struct netmap_slot *s, const uint8_t *f, void *arg)
{
	const uint8_t *u = udp_port(f, s->len, 9997);
	uint32_t seq;

	(void)arg;
	memcpy(&seq, u + 8, 4);
	if (seq % 2 == 0)
		s->flags |= NS_FORWARD;
}

static void mark_all(struct netmap_slot *s, const uint8_t *f, void *arg)
{
	(void)f;
	(void)arg;
	s->flags |= NS_FORWARD;
}

static void count_frame(struct netmap_slot *s, const uint8_t *f, void *arg)
{
	unsigned int *bad = arg;
	const uint8_t *u = udp_port(f, s->len, 9996);
	uint32_t plen = get16(u + 4) - 8, seq;

	memcpy(&seq, u + 8, 4);
	if (nmt_check(u + 8, plen, seq) != -1 || udp_verify(f) != 0)
		(*bad)++;
}

static void test_forward(struct nmt_port *p)
{
	struct netmap_ring *rx = nmt_rxring(p, 0);
	struct netmap_ring *hrx = nmt_rxring(p, p->reg.nr_rx_rings);
	struct nmt_req rq = NMT_REQ_ALL;
	struct netmap_ring *btx, *brx;
	unsigned int i, got = 0, bad = 0;
	struct nmt_port q;
	uint8_t buf[2048];
	char name[64];
	int s, err;

	snprintf(name, sizeof(name), "%s", B);
	err = nmt_port_open(&q, name, &rq);
	if (!is_err(err, 0, "open %s as the wire's other end", name))
		return;
	btx = nmt_txring(&q, 0);
	brx = nmt_rxring(&q, 0);

	/* NIC RX -> stack: B sends 10 frames to A, we forward the even ones. */
	s = udp_sock(9997);
	for (i = 0; i < 10; i++) {
		uint32_t h = btx->head;

		btx->slot[h].len = (uint16_t)udp_to_a((uint8_t *)slot_buf(btx, h),
						      9997, i, 100);
		nmt_advance(btx, 1);
	}
	nmt_tx_drain(q.fd, btx, 2000);
	rx->flags |= NR_FORWARD;
	is(collect(p->fd, rx, 9997, 10, 3000, mark_even, NULL), 10,
	   "10 frames from %s on %s's NIC RX ring", B, A);
	for (;;) {
		uint32_t seq;
		ssize_t n = udp_recv(s, buf, sizeof(buf), 1000);

		if (n < 0)
			break;
		memcpy(&seq, buf, 4);
		if (n != 100 || seq != 2 * got || nmt_check(buf, 100, seq) != -1)
			bad++;
		got++;
	}
	is(got, 5, "NR_FORWARD: exactly the 5 frames marked NS_FORWARD reach the stack");
	is(bad, 0, "the even ones, intact");
	rx->flags &= ~NR_FORWARD;
	close(s);

	/* Stack -> host RX -> NS_FORWARD -> out of A's NIC -> B. */
	s = udp_sock(5556);
	for (i = 0; i < 10; i++) {
		nmt_fill(buf, 200, 1000 + i);
		udp_send(s, 9996, buf, 200);
	}
	bad = 0;
	hrx->flags |= NR_FORWARD;
	is(collect(p->fd, hrx, 9996, 10, 3000, mark_all, NULL), 10,
	   "10 stack frames on the host RX ring, marked NS_FORWARD");
	hrx->flags &= ~NR_FORWARD;
	is(collect(q.fd, brx, 9996, 10, 3000, count_frame, &bad), 10,
	   "all 10 went out of %s and reached %s", A, B);
	is(bad, 0, "byte for byte, checksums valid");
	close(s);
	nmt_port_close(&q);
}

struct poller {
	int fd;
	int rc;
	uint64_t ms;
};

static void *poll_thread(void *arg)
{
	struct poller *pt = arg;
	struct pollfd p = { .fd = pt->fd, .events = POLLIN };
	uint64_t t0 = nmt_now_ms();

	pt->rc = poll(&p, 1, 1500);
	pt->ms = nmt_now_ms() - t0;
	return NULL;
}

/* close() while another thread sleeps in poll() on the same NIC port */
static void test_close_while_polled(void)
{
	struct nmt_req rq = { .mode = NR_REG_NIC_SW };
	struct poller pt = { 0 };
	struct nmt_port p;
	pthread_t th;
	int err, i;

	for (i = 0; i < 3; i++) {
		err = nmt_port_open(&p, A, &rq);
		if (err)
			break;
		pt.fd = p.fd;
		pthread_create(&th, NULL, poll_thread, &pt);
		nmt_sleep_ms(200);
		nmt_port_close(&p);
		pthread_join(th, NULL);
	}
	is_err(err, 0, "open %s*, poll in a thread, close meanwhile: 3 rounds", A);
	ok(pt.rc >= 0 && pt.ms < 3000, "the poll returned (rc %d after %llu ms)",
	   pt.rc, (unsigned long long)pt.ms);
	err = nmt_port_open(&p, A, &rq);
	is_err(err, 0, "%s opens again afterwards", A);
	if (!err)
		nmt_port_close(&p);
}

int main(void)
{
	const char *nics = getenv("NETMAP_NICS");
	static char a[32], b[32];
	struct nmt_req rq = { .mode = NR_REG_NIC_SW };
	struct nmt_port p;
	char name[64];
	int err;

	tap_start(120);
	if (!nics || sscanf(nics, "%31s %31s", a, b) != 2) {
		printf("1..0 # SKIP needs two NICs (NETMAP_NICS)\n");
		return 0;
	}
	A = a;
	B = b;
	if (read_mac(A, mac_a))
		bail("no MAC address for %s", A);
	/* B takes frames for the neighbour's MAC too (transparent-mode test). */
	sh("/sbin/ip link set dev %s up && /sbin/ip link set dev %s up promisc on",
	   A, B);
	sh("/sbin/ip addr add %s/24 dev %s", IP_A, A);
	sh("/sbin/ip neigh replace %s lladdr 02:00:00:00:77:02 dev %s nud permanent",
	   IP_PEER, A);
	sleep(2);	/* carrier */

	test_geometry();
	snprintf(name, sizeof(name), "%s", A);
	err = nmt_port_open(&p, name, &rq);
	if (is_err(err, 0, "register %s in NR_REG_NIC_SW", A)) {
		test_stack_to_host(&p);
		test_host_to_stack(&p);
		test_vlan(&p);
		test_forward(&p);
		nmt_port_close(&p);
	}
	test_close_while_polled();
	sh("/sbin/ip addr del %s/24 dev %s", IP_A, A);
	sh("/sbin/ip neigh del %s dev %s; /sbin/ip link set dev %s promisc off",
	   IP_PEER, A, B);
	return tap_end();
}
