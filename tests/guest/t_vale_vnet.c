// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_vale_vnet: virtio-net headers on VALE ports (ABI.md §6.7, §14).
 * PORT_HDR_SET/GET and their errors, NR_ACCEPT_VNET_HDR required once a
 * port has a header; between a plain port, a 12-byte and a 10-byte one
 * every frame arrives with its receiver's header (zeros and num_buffers 1
 * added, the sender's 10 bytes kept, or stripped) and its bytes intact; a
 * TCP frame with a GSO header reaches the plain port as MSS-sized
 * segments (sequence numbers, lengths, IP and TCP checksums, payload all
 * checked) and the 10-byte port whole; NEEDS_CSUM alone gets the UDP
 * checksum filled in; malformed headers are dropped for the plain port.
 */
#include "common.h"
#include "vale_util.h"

#include <unistd.h>

#define HLEN12 12
#define HLEN10 10
#define BIG 65536

struct vhdr {			/* struct virtio_net_hdr, host order */
	uint8_t flags, gso_type;
	uint16_t hdr_len, gso_size, csum_start, csum_offset;
	uint16_t num_buffers;	/* 12-byte header only */
} __attribute__((packed));

#define F_NEEDS_CSUM 1
#define GSO_TCPV4 1

static int port_hdr(int fd, const char *name, uint16_t type, uint32_t *len)
{
	struct nmreq_port_hdr b = { .nr_hdr_len = *len };
	struct nmreq_header h;
	int err;

	nmt_hdr(&h, type, name, &b);
	err = nmt_ctrl(fd, &h);
	*len = b.nr_hdr_len;
	return err;
}

/* Queue one frame of len bytes on TX ring 0, split into buffers. */
static void put_bytes(struct nmt_port *p, const uint8_t *data, uint32_t len)
{
	struct netmap_ring *r = nmt_txring(p, 0);
	uint32_t off = 0;

	do {
		struct netmap_slot *s = &r->slot[r->head];
		uint32_t c = len - off < r->nr_buf_size ? len - off : r->nr_buf_size;

		memcpy(NETMAP_BUF(r, s->buf_idx), data + off, c);
		off += c;
		s->len = c;
		s->flags = off < len ? NS_MOREFRAG : 0;
		nmt_advance(r, 1);
	} while (off < len);
	nmt_txsync(p->fd);
}

/* The next frame on RX ring 0 (after a sync), slots gathered: its length or -1. */
static long get_frame(struct nmt_port *p, uint8_t *out)
{
	struct netmap_ring *r = nmt_rxring(p, 0);
	long len = 0;

	if (r->head == r->tail)
		nmt_rxsync(p->fd);
	if (r->head == r->tail)
		return -1;
	for (;;) {
		struct netmap_slot *s = &r->slot[r->head];
		int more = s->flags & NS_MOREFRAG;

		if (len + s->len <= BIG)
			memcpy(out + len, NETMAP_BUF(r, s->buf_idx), s->len);
		len += s->len;
		nmt_advance(r, 1);
		if (!more || r->head == r->tail)
			break;
	}
	nmt_rxsync(p->fd);
	return len;
}

static uint32_t count_frames(struct nmt_port *p)
{
	static uint8_t tmp[BIG];
	uint32_t n = 0;

	while (get_frame(p, tmp) >= 0)
		n++;
	return n;
}

static uint32_t sum16(const uint8_t *b, uint32_t len, uint32_t sum)
{
	uint32_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Sum of the IPv4 pseudo header of an L4 segment of l4len bytes. */
static uint32_t pseudo(const uint8_t *ip, uint8_t proto, uint32_t l4len)
{
	return sum16(ip + 12, 8, 0) + proto + l4len;
}

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

static uint16_t get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/*
 * An Ethernet/IPv4 frame at f (after hl header bytes of room), protocol
 * proto with an l4hl-byte L4 header and plen payload bytes (pattern seq);
 * the L4 checksum field holds the pseudo-header sum (CHECKSUM_PARTIAL
 * convention). Returns the frame's length.
 */
static uint32_t ip_frame(uint8_t *f, uint8_t proto, uint32_t l4hl, uint32_t plen,
			 uint64_t seq)
{
	uint8_t *ip = f + 14, *l4 = ip + 20;
	uint32_t l4len = l4hl + plen;

	memset(f, 0, 14 + 20 + l4hl);
	memset(f, 0xff, 6);
	mac_of(f + 6, 40);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l4len));
	put16(ip + 4, 100);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, (uint8_t[]){ 10, 0, 0, 1, 10, 0, 0, 2 }, 8);
	put16(ip + 10, (uint16_t)~fold(sum16(ip, 20, 0)));
	put16(l4, 4000);
	put16(l4 + 2, 5000);
	if (proto == 6) {
		memcpy(l4 + 4, (uint8_t[]){ 0x10, 0x00, 0x00, 0x00 }, 4);	/* seq */
		l4[12] = 5 << 4;
		l4[13] = 0x18;					/* ACK PSH */
		put16(l4 + 14, 65535);
		put16(l4 + 16, fold(pseudo(ip, 6, l4len)));
	} else {
		put16(l4 + 4, (uint16_t)l4len);
		put16(l4 + 6, fold(pseudo(ip, 17, l4len)));
	}
	nmt_fill(l4 + l4hl, plen, seq);
	return 14 + 20 + l4len;
}

static int ip_sum_ok(const uint8_t *ip)
{
	return fold(sum16(ip, 20, 0)) == 0xffff;
}

static int l4_sum_ok(const uint8_t *ip, uint8_t proto, uint32_t l4len)
{
	return fold(sum16(ip + 20, l4len, pseudo(ip, proto, l4len))) == 0xffff;
}

static struct vhdr vh(uint8_t flags, uint8_t gso, uint16_t size, uint16_t start,
		      uint16_t off)
{
	return (struct vhdr){ .flags = flags, .gso_type = gso, .hdr_len = 54,
			      .gso_size = size, .csum_start = start,
			      .csum_offset = off, .num_buffers = 7 };
}

static uint8_t txb[BIG], rxb[BIG];

/* h sends frame f of len bytes behind header x. */
static void send_h(struct nmt_port *h, const struct vhdr *x, const uint8_t *f,
		   uint32_t len)
{
	memcpy(txb, x, HLEN12);
	memcpy(txb + HLEN12, f, len);
	put_bytes(h, txb, HLEN12 + len);
}

static void plain_and_headers(struct nmt_port *a, struct nmt_port *h,
			      struct nmt_port *t)
{
	static const uint8_t zero[12];
	uint8_t f[200];
	struct vhdr x = vh(0, 0, 0, 0, 0);
	long n;

	/* a (plain) -> h (12) and t (10) */
	memcpy(f, BCAST, 6);
	mac_of(f + 6, 1);
	put16(f + 12, ETHTYPE);
	nmt_fill(f + 14, 86, 1);
	put_bytes(a, f, 100);
	n = get_frame(h, rxb);
	ok(n == 112 && !memcmp(rxb, zero, 10) && rxb[10] == 1 && rxb[11] == 0 &&
	   !memcmp(rxb + 12, f, 100),
	   "plain -> 12-byte port: zero header, num_buffers 1, frame intact (%ld)", n);
	n = get_frame(t, rxb);
	ok(n == 110 && !memcmp(rxb, zero, 10) && !memcmp(rxb + 10, f, 100),
	   "plain -> 10-byte port: zero header, frame intact (%ld)", n);

	/* h (12) -> a and t */
	mac_of(f + 6, 2);
	x.hdr_len = 33;		/* a field the receiver with a header keeps */
	send_h(h, &x, f, 100);
	n = get_frame(a, rxb);
	ok(n == 100 && !memcmp(rxb, f, 100), "12-byte port -> plain: header stripped (%ld)", n);
	n = get_frame(t, rxb);
	ok(n == 110 && !memcmp(rxb, &x, 10) && !memcmp(rxb + 10, f, 100),
	   "12-byte -> 10-byte port: the sender's 10 bytes kept (%ld)", n);

	/* t (10) -> a and h */
	mac_of(f + 6, 3);
	memcpy(txb, &x, HLEN10);
	memcpy(txb + HLEN10, f, 100);
	put_bytes(t, txb, 110);
	n = get_frame(a, rxb);
	ok(n == 100 && !memcmp(rxb, f, 100), "10-byte port -> plain: header stripped (%ld)", n);
	n = get_frame(h, rxb);
	ok(n == 112 && !memcmp(rxb, &x, 10) && rxb[10] == 1 && rxb[11] == 0 &&
	   !memcmp(rxb + 12, f, 100),
	   "10-byte -> 12-byte port: 10 bytes kept, num_buffers 1 (%ld)", n);
}

static void gso_tcp(struct nmt_port *a, struct nmt_port *h, struct nmt_port *t)
{
	static uint8_t f[8192];
	const uint32_t plen = 4500, mss = 1000;
	struct vhdr x = vh(F_NEEDS_CSUM, GSO_TCPV4, mss, 34, 16);
	uint32_t len = ip_frame(f, 6, 20, plen, 5000), k, bad = 0, off = 0;
	long n;

	send_h(h, &x, f, len);
	for (k = 0; k < 5; k++) {
		uint32_t seg = plen - off < mss ? plen - off : mss;
		const uint8_t *ip = rxb + 14, *th = ip + 20;

		n = get_frame(a, rxb);
		if (n != (long)(54 + seg) || get16(ip + 2) != 40 + seg || !ip_sum_ok(ip) ||
		    get32(th + 4) != 0x10000000u + off || !l4_sum_ok(ip, 6, 20 + seg) ||
		    memcmp(th + 20, f + 54 + off, seg) || ((th[13] & 0x08) != 0) != (k == 4)) {
			diag("segment %u: length %ld, ip len %u, seq %#x", k, n,
			     get16(ip + 2), get32(th + 4));
			bad++;
		}
		off += seg;
	}
	is(bad, 0, "GSO TCPv4 4500 bytes, MSS 1000 -> plain port: 5 segments with "
	   "lengths, sequence numbers, IP and TCP checksums, PSH and payload right");
	is(count_frames(a), 0, "and nothing more");
	n = get_frame(t, rxb);
	ok(n == (long)(10 + len) && !memcmp(rxb, &x, 10) && !memcmp(rxb + 10, f, len),
	   "the 10-byte port gets it whole, header and all (%ld bytes)", n);
}

static void csum_only(struct nmt_port *a, struct nmt_port *h, struct nmt_port *t)
{
	static uint8_t f[2048];
	struct vhdr x = vh(F_NEEDS_CSUM, 0, 0, 34, 6);
	uint32_t len = ip_frame(f, 17, 8, 300, 77);
	long n;

	send_h(h, &x, f, len);
	n = get_frame(a, rxb);
	ok(n == (long)len && get16(rxb + 34 + 6) != 0 && l4_sum_ok(rxb + 14, 17, 308) &&
	   !memcmp(rxb + 42, f + 42, 300),
	   "NEEDS_CSUM UDP -> plain port: checksum filled in, payload intact");
	is(count_frames(t), 1, "the 10-byte port gets it as is");
}

static void refused(struct nmt_port *a, struct nmt_port *h, struct nmt_port *t)
{
	static uint8_t f[8192];
	uint32_t len = ip_frame(f, 6, 20, 4500, 9);
	struct vhdr x;

	x = vh(0, GSO_TCPV4, 1000, 34, 16);
	send_h(h, &x, f, len);
	is(count_frames(a), 0, "GSO without NEEDS_CSUM: dropped for the plain port");
	is(count_frames(t), 1, "and passed on to the 10-byte port");

	x = vh(F_NEEDS_CSUM, GSO_TCPV4, 1, 34, 16);
	send_h(h, &x, f, len);
	is(count_frames(a), 0, "gso_size 1 (4500 segments): dropped");
	count_frames(t);

	x = vh(F_NEEDS_CSUM, GSO_TCPV4, 0, 34, 16);
	send_h(h, &x, f, len);
	is(count_frames(a), 0, "gso_size 0: dropped");
	count_frames(t);

	x = vh(F_NEEDS_CSUM, 0, 0, 5000, 6);
	send_h(h, &x, f, 200);
	is(count_frames(a), 0, "csum_start past the end: dropped");
	count_frames(t);

	x = vh(F_NEEDS_CSUM, GSO_TCPV4, 1000, 34, 16);
	put16(f + 12, ETHTYPE);	/* not IP at all */
	send_h(h, &x, f, len);
	is(count_frames(a), 0, "GSO on a non-IP frame: dropped");
	count_frames(t);
}

int main(void)
{
	struct nmt_port a, h, t, h2;
	struct nmt_req acc = { .mode = NR_REG_ALL_NIC, .flags = NR_ACCEPT_VNET_HDR };
	uint32_t len;
	int fd;

	tap_start(120);
	fd = nmt_open_dev();
	if (!is_err(nmt_port_open(&a, "valeV:a", &NMT_REQ_ALL), 0, "open valeV:a") ||
	    !is_err(nmt_port_open(&h, "valeV:h", &acc), 0, "open valeV:h") ||
	    !is_err(nmt_port_open(&t, "valeV:t", &acc), 0, "open valeV:t"))
		return tap_end();
	len = 12;
	is_err(port_hdr(fd, "valeV:h", NETMAP_REQ_PORT_HDR_SET, &len), 0, "PORT_HDR_SET valeV:h 12");
	len = 10;
	is_err(port_hdr(fd, "valeV:t", NETMAP_REQ_PORT_HDR_SET, &len), 0, "PORT_HDR_SET valeV:t 10");
	len = 0;
	is_err(port_hdr(fd, "valeV:h", NETMAP_REQ_PORT_HDR_GET, &len), 0, "PORT_HDR_GET valeV:h");
	is(len, 12, "reads 12");
	len = 99;
	is_err(port_hdr(fd, "valeV:a", NETMAP_REQ_PORT_HDR_GET, &len), 0, "PORT_HDR_GET valeV:a");
	is(len, 0, "reads 0");
	len = 5;
	is_err(port_hdr(fd, "valeV:h", NETMAP_REQ_PORT_HDR_SET, &len), EINVAL, "length 5 -> EINVAL");
	len = 10;
	is_err(port_hdr(fd, "valeV:none", NETMAP_REQ_PORT_HDR_SET, &len), ENXIO,
	       "SET on a port that does not exist -> ENXIO");
	is_err(port_hdr(fd, "lo", NETMAP_REQ_PORT_HDR_SET, &len), EINVAL, "SET on a NIC -> EINVAL");
	is_err(port_hdr(fd, "nosuch0", NETMAP_REQ_PORT_HDR_SET, &len), ENXIO,
	       "SET on no interface -> ENXIO");
	len = 0;
	is_err(port_hdr(fd, "valeV:none", NETMAP_REQ_PORT_HDR_GET, &len), 0,
	       "GET on a new name (an ephemeral port for the request)");
	is(len, 0, "reads 0");
	is_err(nmt_port_open(&h2, "valeV:h", &NMT_REQ_ALL), EIO,
	       "register valeV:h without NR_ACCEPT_VNET_HDR -> EIO");
	if (is_err(nmt_port_open(&h2, "valeV:h", &acc), 0, "with NR_ACCEPT_VNET_HDR it works"))
		nmt_port_close(&h2);

	plain_and_headers(&a, &h, &t);
	gso_tcp(&a, &h, &t);
	csum_only(&a, &h, &t);
	refused(&a, &h, &t);

	nmt_port_close(&a);
	nmt_port_close(&h);
	nmt_port_close(&t);
	close(fd);
	return tap_end();
}
